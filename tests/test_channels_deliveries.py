"""bot.channels.deliveries: one claim per message id, stored answers, leases."""

from __future__ import annotations

from bot.channels import deliveries
from bot.storage.base import utcnow
from bot.storage.db import engine_for


def test_the_first_claim_owns_the_message_and_a_repeat_gets_the_answer(database_url):
    assert deliveries.claim(database_url, "sms", "SM1").fresh
    in_progress = deliveries.claim(database_url, "sms", "SM1")
    assert (in_progress.fresh, in_progress.replies) == (False, None)
    deliveries.record_replies(database_url, "sms", "SM1", ["أهلاً", "كيف نخدمك؟"])
    repeat = deliveries.claim(database_url, "sms", "SM1")
    assert (repeat.fresh, repeat.replies) == (False, ["أهلاً", "كيف نخدمك؟"])
    assert deliveries.wait_for_replies(database_url, "sms", "SM1", timeout=0) == [
        "أهلاً",
        "كيف نخدمك؟",
    ]


def test_a_claim_left_without_an_answer_is_taken_over_after_the_lease(database_url):
    then = utcnow() - deliveries.LEASE * 2
    assert deliveries.claim(database_url, "whatsapp", "SM2", now=then).fresh
    assert deliveries.claim(database_url, "whatsapp", "SM2").fresh  # the first owner died
    assert not deliveries.claim(database_url, "whatsapp", "SM2").fresh


def test_a_released_claim_can_be_claimed_again(database_url):
    assert deliveries.claim(database_url, "telegram", "77").fresh
    deliveries.release(database_url, "telegram", "77")
    assert deliveries.claim(database_url, "telegram", "77").fresh


def test_release_keeps_an_answered_message(database_url):
    deliveries.claim(database_url, "telegram", "78")
    deliveries.record_replies(database_url, "telegram", "78", ["تم"])
    deliveries.release(database_url, "telegram", "78")
    assert deliveries.claim(database_url, "telegram", "78").replies == ["تم"]


def test_waiting_for_an_answer_that_never_comes_gives_none(database_url):
    deliveries.claim(database_url, "sms", "SM3")
    assert deliveries.wait_for_replies(database_url, "sms", "SM3", timeout=0.1) is None


def test_a_claim_of_a_process_that_died_is_taken_over_at_once(database_url):
    import subprocess
    import sys

    from sqlalchemy import update

    from bot.storage.models import Delivery

    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    assert deliveries.claim(database_url, "whatsapp", "SMdead").fresh
    with engine_for(database_url).begin() as conn:
        conn.execute(update(Delivery.__table__).values(owner=f"{deliveries.HOST}:{gone.pid}"))
    assert deliveries.claim(database_url, "whatsapp", "SMdead").fresh  # no lease to wait out


def test_a_claim_of_a_live_process_waits_for_the_lease(database_url):
    import os

    from sqlalchemy import update

    from bot.storage.models import Delivery

    assert deliveries.claim(database_url, "whatsapp", "SMlive").fresh
    with engine_for(database_url).begin() as conn:  # another live process of this host
        conn.execute(update(Delivery.__table__).values(owner=f"{deliveries.HOST}:{os.getppid()}"))
    assert not deliveries.claim(database_url, "whatsapp", "SMlive").fresh


def test_deliveries_older_than_the_retention_are_pruned(database_url):
    from datetime import timedelta

    old = utcnow() - timedelta(days=31)
    assert deliveries.claim(database_url, "whatsapp", "SMold", now=old).fresh
    deliveries.record_replies(database_url, "whatsapp", "SMold", ["فاتورتك 512.90 ر.س"])
    assert deliveries.claim(database_url, "whatsapp", "SMnew").fresh
    assert deliveries.prune(database_url, timedelta(days=30)) == 1
    assert deliveries.claim(database_url, "whatsapp", "SMnew").fresh is False  # kept
    assert deliveries.claim(database_url, "whatsapp", "SMold").fresh is True  # forgotten
