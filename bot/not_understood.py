"""Messages the bot answered with "not understood" (or with close choices to pick from), kept so
an operator can label them with the right intent and grow the training corpus.

Written by the dialogue where it decides it did not understand (handlers/menu.py), read and
labelled in the console, exported by `sadeeq corpus export` as `locales/<lang>/corpus/<intent>.txt`
lines for a person to review before retraining (`sadeeq intents train`); numbers in them are
masked on the way out, so no subscriber's number reaches the corpus.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import JSON, Integer, String, Text, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from bot.logs import mask_numbers
from bot.storage.base import Base, utcnow
from bot.storage.db import engine_for

# A message longer than this is not a training sentence; the start is enough to label it.
MAX_TEXT_CHARS = 500


class NotUnderstood(Base):
    __tablename__ = "not_understood"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    sender: Mapped[str] = mapped_column(String(64))  # shown masked, never in full
    lang: Mapped[str] = mapped_column(String(2))
    text: Mapped[str] = mapped_column(Text)
    offered: Mapped[list] = mapped_column(JSON, default=list)  # the close intents we offered
    received_at: Mapped[datetime] = mapped_column(index=True)
    label: Mapped[str | None] = mapped_column(String(40))  # the right intent, from an operator
    labelled_by: Mapped[str | None] = mapped_column(String(64))
    labelled_at: Mapped[datetime | None]


def record(
    session: Session,
    *,
    channel: str,
    sender: str,
    lang: str,
    text: str,
    offered: list[str],
    at: datetime,
) -> None:
    if not text.strip():
        return  # nothing to learn from an empty message or a bare photo
    session.add(
        NotUnderstood(
            channel=channel,
            sender=sender,
            lang=lang,
            text=text[:MAX_TEXT_CHARS],
            offered=offered,
            received_at=at,
        )
    )


def newest(session: Session, limit: int = 200) -> list[NotUnderstood]:
    return list(
        session.scalars(
            select(NotUnderstood)
            .order_by(NotUnderstood.received_at.desc(), NotUnderstood.id.desc())
            .limit(limit)
        )
    )


def label(session: Session, item_id: int, intent: str, *, by: str) -> NotUnderstood:
    """Name the intent the message meant; `intent` must be one the model knows."""
    if intent not in known_intents():
        raise ValueError(f"unknown intent {intent!r}")
    item = session.get(NotUnderstood, item_id)
    if item is None:
        raise LookupError(f"no not-understood message {item_id}")
    item.label, item.labelled_by, item.labelled_at = intent, by, utcnow()
    session.flush()
    return item


def forget_unlabelled(url: str, keep: timedelta, now: datetime | None = None) -> int:
    """Drop the messages nobody labelled within `keep` (they hold what a subscriber wrote, kept
    for labelling, not for ever); labelled ones stay for `sadeeq corpus export`, their numbers
    masked on the way out. Returns how many were dropped."""
    table = NotUnderstood.__table__
    cutoff = (now or utcnow()) - keep
    with engine_for(url).begin() as conn:
        dropped = conn.execute(
            delete(table).where(table.c.label.is_(None), table.c.received_at < cutoff)
        )
    return int(dropped.rowcount or 0)


def known_intents() -> list[str]:
    """The intents of the training corpus (one file each, in any language)."""
    from bot import resources

    names: set[str] = set()
    for lang in resources.LANGS:
        for entry in (resources.locales() / lang / "corpus").iterdir():
            if entry.name.endswith(".txt"):  # bill.txt, bill.arabizi.txt
                names.add(entry.name.split(".", 1)[0])
    return sorted(names)


def export(session: Session, out: Path) -> dict[Path, int]:
    """Write the labelled messages as `<out>/<lang>/corpus/<intent>.txt` (one a line, sorted,
    no repeats) and return how many lines each file has."""
    lines: dict[Path, set[str]] = defaultdict(set)
    rows = session.scalars(select(NotUnderstood).where(NotUnderstood.label.is_not(None)))
    for row in rows:
        sentence = " ".join(mask_numbers(row.text).split())  # no subscriber's number
        if sentence:
            lines[out / row.lang / "corpus" / f"{row.label}.txt"].add(sentence)
    written = {}
    for path, sentences in sorted(lines.items()):
        path.parent.mkdir(parents=True, exist_ok=True)
        header = f"# {path.stem}: labelled in the console (sadeeq corpus export); review first\n"
        body = "".join(f"{s}\n" for s in sorted(sentences))
        path.write_text(header + body, encoding="utf-8")
        written[path] = len(sentences)
    return written
