"""`Answerer.answer_soon`, how the webhook hands a message to the engine: a short turn on the
local SQLite file runs on the event loop itself (no thread hop), any other in a worker thread,
and either way at most the in-flight limit at once, waited for on the loop (not by threads
blocked on a semaphore)."""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime

from bot.channels.answering import Answerer, in_flight_limit
from bot.config import Settings
from bot.dialogue.engine import Engine
from bot.dialogue.messages import Inbound, Media, Reply


def inbound(number: int, **extra) -> Inbound:
    sender = f"+96650000{number:04d}"
    return Inbound(
        channel="whatsapp",
        sender=sender,
        text="مرحبا",
        received_at=datetime.now(UTC),
        message_id=f"SMsoon{number}",
        phone=sender,
        **extra,
    )


def render(reply: Reply) -> str:
    return reply.text


class ThreadSpy:
    """Wraps an engine's `respond` (after the Answerer looked at its parameters) and notes the
    thread of every turn."""

    def __init__(self, engine: Engine) -> None:
        self.threads: list[int] = []
        real = engine.respond

        def respond(*args, **kwargs):
            self.threads.append(threading.get_ident())
            return real(*args, **kwargs)

        engine.respond = respond  # type: ignore[method-assign]


def answered_on(database_url: str, message: Inbound) -> tuple[int, list[int], list[str]]:
    """One message through `answer_soon` on an event loop: the loop's thread, the thread of
    each turn, and the answer's texts."""
    settings = Settings(database_url=database_url)
    engine = Engine(settings)
    answerer = Answerer(engine, settings)
    spy = ThreadSpy(engine)

    async def main() -> tuple[int, list[str]]:
        answer = await answerer.answer_soon(message, render)
        return threading.get_ident(), answer.texts

    loop_thread, texts = asyncio.run(main())
    return loop_thread, spy.threads, texts


def test_a_short_turn_runs_on_the_loop_on_sqlite_and_in_a_thread_elsewhere(
    seeded_database_url,
) -> None:
    loop_thread, threads, texts = answered_on(seeded_database_url, inbound(1))
    assert texts and texts[0]  # answered
    on_the_loop = threads == [loop_thread]
    assert on_the_loop is seeded_database_url.startswith("sqlite")


def test_a_turn_that_may_fetch_an_attachment_or_call_the_billing_api_goes_to_a_thread(
    seeded_database_url,
) -> None:
    voice = Media(provider="twilio", ref="https://api.twilio.com/x", content_type="audio/ogg")
    message = inbound(2, has_media=True, audio=(voice,))
    loop_thread, threads, _texts = answered_on(seeded_database_url, message)
    assert len(threads) == 1 and threads[0] != loop_thread

    billing_api = Settings(database_url=seeded_database_url, billing_url="https://billing.example")
    assert not Answerer(Engine(billing_api), billing_api)._short_turns
    with_redis = Settings(database_url=seeded_database_url, redis_url="redis://127.0.0.1:1/0")
    assert not Answerer(Engine(with_redis), with_redis)._short_turns


class SlowEngine:
    """A conversation engine of its own (no `respond`): always answered in a worker thread."""

    def __init__(self) -> None:
        self.inside = 0
        self.most_inside = 0
        self.lock = threading.Lock()

    def handle(self, message: Inbound) -> list[Reply]:
        with self.lock:
            self.inside += 1
            self.most_inside = max(self.most_inside, self.inside)
        threading.Event().wait(0.02)
        with self.lock:
            self.inside -= 1
        return [Reply(f"got {message.message_id}")]


def test_waiting_for_the_in_flight_limit_happens_on_the_loop_not_in_threads(
    database_url, monkeypatch
) -> None:
    settings = Settings(database_url=database_url)
    engine = SlowEngine()
    answerer = Answerer(engine, settings)
    limit = in_flight_limit(database_url)
    entered: list[int] = []  # threads that entered `answer` while others were still in it
    in_answer = 0
    real_answer = answerer.answer
    count = threading.Lock()

    def answer(*args, **kwargs):
        nonlocal in_answer
        with count:
            in_answer += 1
            entered.append(in_answer)
        try:
            return real_answer(*args, **kwargs)
        finally:
            with count:
                in_answer -= 1

    monkeypatch.setattr(answerer, "answer", answer)

    async def main() -> list[list[str]]:
        answers = await asyncio.gather(
            *(answerer.answer_soon(inbound(100 + i), render) for i in range(3 * limit))
        )
        return [a.texts for a in answers]

    texts = asyncio.run(main())
    assert texts == [[f"got SMsoon{100 + i}"] for i in range(3 * limit)]
    assert max(entered) <= limit  # never more threads in `answer` than may work at once
    assert engine.most_inside <= limit
