"""The monthly broadcast: every subscribed account gets this month's bill, once.

    Broadcast(engine, month, bills, sender).run()

plans the month's ledger rows, then claims batches of them, looks up their bills in one go,
composes each notice, and sends at the configured rate, settling every notice in the ledger
(see `ledger.py` for why nothing is sent twice). Failures the provider calls temporary are
retried with exponential backoff up to `RetryPolicy.max_attempts`; permanent ones are recorded.
The same loop serves the single process (`sadeeq notices send`) and each queued batch
(`bot.notices.queue`), which passes the id range it owns.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import Engine

from bot.billing import Bill, BillingUnavailable
from bot.channels.contacts import OPTED_OUT
from bot.channels.outbound import Outbound, OutboundSender, SendResult
from bot.notices import ledger
from bot.notices.bills import BillSource
from bot.notices.compose import compose
from bot.notices.ledger import Claimed, Outcome
from bot.notices.models import FAILED, PENDING, SENT
from bot.notices.rate import TokenBucket
from bot.storage.base import utcnow

log = logging.getLogger(__name__)

BILLING_DOWN = "billing unavailable"


class Limiter(Protocol):
    """Waits until the next send is allowed (TokenBucket here, RedisWindowLimiter across workers)."""

    def acquire(self) -> None: ...


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 4
    base_seconds: float = 2.0
    cap_seconds: float = 300.0

    def delay(self, attempts: int) -> float:
        # Jitter keeps many workers from retrying a struggling provider in lockstep.
        return min(
            self.cap_seconds, self.base_seconds * 2 ** max(attempts - 1, 0)
        ) * random.uniform(0.8, 1.2)


@dataclass
class Broadcast:
    engine: Engine
    month: str
    bills: BillSource
    sender: OutboundSender
    limiter: Limiter | TokenBucket = field(default_factory=lambda: TokenBucket(None))
    template: str | None = None  # WhatsApp content SID for use outside the 24-hour window
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    batch_size: int = 200
    # Notices marked in flight per commit. A process killed outright (no Ctrl-C, no exception)
    # leaves its last group in flight, reported as interrupted: fewer commits, a wider doubt.
    in_flight_group: int = 50
    lease: timedelta = timedelta(minutes=10)
    id_range: tuple[int, int] | None = None  # [low, high) of notice_sends ids, for queued batches
    now: Callable[[], datetime] = utcnow
    sleep: Callable[[float], None] = time.sleep
    on_settled: Callable[[str], None] | None = None  # progress: called with each final state

    def run(self, plan: bool = True) -> dict[str, int]:
        if plan:
            ledger.plan_month(self.engine, self.month)
        ledger.recover_stale(self.engine, self.month, self.now(), self.lease, self.id_range)
        token = ledger.new_token()
        after = 0  # the last id claimed in this pass over the ledger
        while True:
            batch = ledger.claim(
                self.engine, self.month, token, self.batch_size, self.now(), self.id_range, after
            )
            if batch:
                after = batch[-1].send_id
                self._process(token, batch)
                continue
            if after:  # a pass done: once more from the start, for retries and handed-back rows
                after = 0
                continue
            due = ledger.next_retry_at(self.engine, self.month, self.id_range)
            if due is None:
                return ledger.counts(self.engine, self.month)
            self.sleep(max((due - self.now()).total_seconds(), 0.01))

    def _process(self, token: str, batch: list[Claimed]) -> None:
        settled_now, to_send = self._prepare(batch)
        ledger.settle(self.engine, token, settled_now, self.now())
        for outcome in settled_now:
            self._notify(outcome)
        unrecorded: list[Outcome] = []  # sent, recorded with the next group's mark
        handed: set[int] = set()  # given to the provider, or found no longer ours
        try:
            for start in range(0, len(to_send), self.in_flight_group):
                group = to_send[start : start + self.in_flight_group]
                opted_out: list[int] = []
                marked = ledger.start_sends(
                    self.engine,
                    token,
                    [claimed.send_id for claimed, _ in group],
                    self.now(),
                    settle_first=unrecorded,
                    opted_out=opted_out,
                )
                for outcome in unrecorded:
                    self._notify(outcome)
                unrecorded = []
                for send_id in opted_out:
                    self._notify(Outcome(send_id, FAILED, OPTED_OUT))
                for claimed, message in group:
                    if claimed.send_id not in marked:
                        handed.add(claimed.send_id)  # recovered by another worker: not ours
                        continue
                    self.limiter.acquire()
                    handed.add(claimed.send_id)
                    unrecorded.append(self._outcome(claimed, self._send(message)))
        finally:
            # Runs on Ctrl-C too: what went out is recorded; what the provider never got is
            # handed back; the one notice caught mid-send (if any) stays in flight for recovery.
            if unrecorded:
                ledger.settle(self.engine, token, unrecorded, self.now())
                for outcome in unrecorded:
                    self._notify(outcome)
            ledger.release(
                self.engine,
                token,
                [c.send_id for c, _ in to_send if c.send_id not in handed],
            )

    def _prepare(
        self, batch: list[Claimed]
    ) -> tuple[list[Outcome], list[tuple[Claimed, Outbound]]]:
        settled: list[Outcome] = [
            Outcome(c.send_id, FAILED, OPTED_OUT) for c in batch if not c.active
        ]
        active = [c for c in batch if c.active]
        if not active:
            return settled, []
        try:
            lookup = self.bills.bills_for_accounts(
                [(c.account, c.phone) for c in active], self.month
            )
        except BillingUnavailable as exc:
            log.warning("billing unavailable, batch put back: %s", exc)
            retry_at = self.now() + timedelta(seconds=self.retry.delay(1))
            settled += [
                Outcome(c.send_id, PENDING, f"{BILLING_DOWN}: {exc}", next_attempt_at=retry_at)
                for c in active
            ]
            return settled, []
        to_send: list[tuple[Claimed, Outbound]] = []
        for claimed in active:
            found = lookup.get((claimed.account, claimed.phone))
            if not isinstance(found, Bill):
                settled.append(Outcome(claimed.send_id, FAILED, found or "no bill"))
                continue
            notice = compose(found, claimed.channel, claimed.lang, self.template)
            to_send.append(
                (
                    claimed,
                    Outbound(
                        claimed.channel,
                        claimed.address,
                        notice.text,
                        notice.template,
                        notice.template_variables,
                    ),
                )
            )
        return settled, to_send

    def _send(self, message: Outbound) -> SendResult:
        try:
            return self.sender.send(message)
        except Exception as exc:  # a sender bug or an unexpected network error: retry it
            log.exception("sender raised")
            return SendResult(ok=False, error=f"{type(exc).__name__}: {exc}")

    def _outcome(self, claimed: Claimed, result: SendResult) -> Outcome:
        attempts = claimed.attempts + 1
        if result.ok:
            return Outcome(claimed.send_id, SENT, provider_id=result.provider_id)
        error = result.error or "send failed"
        if result.permanent:
            return Outcome(claimed.send_id, FAILED, error)
        if attempts >= self.retry.max_attempts:
            return Outcome(claimed.send_id, FAILED, f"gave up after {attempts} attempts: {error}")
        retry_at = self.now() + timedelta(seconds=self.retry.delay(attempts))
        return Outcome(claimed.send_id, PENDING, error, next_attempt_at=retry_at)

    def _notify(self, outcome: Outcome) -> None:
        if self.on_settled is not None and outcome.state in (SENT, FAILED):
            self.on_settled(outcome.state)
