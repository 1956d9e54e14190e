"""Opt-in and opt-out of the bill notices, against a real SQLite database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.notices import (
    NoticeSubscription,
    SubscribeResult,
    resubscribe_stopped,
    subscribe,
    subscriptions_for,
    unsubscribe,
)
from bot.notices.replies import subscribe_reply, unsubscribe_reply
from bot.storage.db import create_schema, session_scope

PHONE = "+966500000001"
LINKED = ["30012345678", "30087654321"]
AT = datetime(2026, 11, 3, 9, 0, tzinfo=UTC)


@pytest.fixture
def db_url(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'notices.sqlite'}"
    create_schema(url)
    return url


def _subscribe(session, account: str, channel: str = "whatsapp", address: str = PHONE, **kw):
    args = dict(
        account=account,
        channel=channel,
        address=address,
        phone=PHONE,
        lang="ar",
        consent_text="اشتراك الفاتورة",
        at=AT,
        linked_accounts=LINKED,
    )
    args.update(kw)
    return subscribe(session, **args)


def test_linked_account_is_subscribed_with_its_consent(db_url):
    with session_scope(db_url) as session:
        result = _subscribe(session, "30012345678", consent_message_id="SM123")
        assert result.status == "subscribed" and result.ok
    with session_scope(db_url) as session:
        [sub] = subscriptions_for(session, PHONE)
        assert (sub.account, sub.channel, sub.address, sub.lang) == (
            "30012345678",
            "whatsapp",
            PHONE,
            "ar",
        )
        assert sub.consent_text == "اشتراك الفاتورة" and sub.consent_message_id == "SM123"
        assert sub.subscribed_at.replace(tzinfo=UTC) == AT


def test_account_not_linked_to_the_phone_is_refused(db_url):
    with session_scope(db_url) as session:
        result = _subscribe(session, "30099999999")
        assert result.status == "not_linked" and not result.ok
        assert session.scalars(select(NoticeSubscription)).all() == []


def test_no_verified_phone_means_no_subscription(db_url):
    with session_scope(db_url) as session:
        assert _subscribe(session, "30012345678", phone=None).status == "not_linked"


def test_second_request_is_already_subscribed(db_url):
    with session_scope(db_url) as session:
        _subscribe(session, "30012345678")
    with session_scope(db_url) as session:
        assert _subscribe(session, "30012345678").status == "already_subscribed"
        assert len(subscriptions_for(session, PHONE)) == 1


def test_stop_ends_every_notice_of_the_phone_and_resubscribe_works(db_url):
    with session_scope(db_url) as session:
        _subscribe(session, "30012345678")
        _subscribe(session, "30087654321", channel="sms")
        _subscribe(session, "30012345678", channel="telegram", address="tg:42")
    with session_scope(db_url) as session:
        ended = len(unsubscribe(session, channel="whatsapp", address=PHONE, phone=PHONE, at=AT))
        assert ended == 3
    with session_scope(db_url) as session:
        assert subscriptions_for(session, PHONE) == []
        assert unsubscribe(session, channel="whatsapp", address=PHONE, phone=PHONE, at=AT) == []
        assert _subscribe(session, "30012345678").status == "subscribed"
    with session_scope(db_url) as session:
        assert [s.account for s in subscriptions_for(session, PHONE)] == ["30012345678"]


def test_stop_on_telegram_without_phone_only_ends_that_chat(db_url):
    with session_scope(db_url) as session:
        _subscribe(session, "30012345678")
        _subscribe(session, "30087654321", channel="telegram", address="tg:42")
    with session_scope(db_url) as session:
        assert (
            len(unsubscribe(session, channel="telegram", address="tg:42", phone=None, at=AT)) == 1
        )
        assert [s.channel for s in subscriptions_for(session, PHONE)] == ["whatsapp"]


def test_one_accounts_alerts_end_and_the_others_stay(db_url):
    with session_scope(db_url) as session:
        _subscribe(session, "30012345678")
        _subscribe(session, "30087654321")
    with session_scope(db_url) as session:
        ended = unsubscribe(
            session, channel="whatsapp", address=PHONE, phone=PHONE, at=AT, accounts=["30087654321"]
        )
        assert [s.account for s in ended] == ["30087654321"]
    with session_scope(db_url) as session:
        assert [s.account for s in subscriptions_for(session, PHONE)] == ["30012345678"]


def test_start_brings_back_what_that_stop_ended_and_nothing_stopped_before(db_url):
    stop_at = AT + timedelta(hours=1)
    with session_scope(db_url) as session:
        _subscribe(session, "30012345678")
        _subscribe(session, "30087654321", channel="sms")
        # "stop bill alerts" for one account first, then STOP for the rest.
        unsubscribe(
            session, channel="whatsapp", address=PHONE, phone=PHONE, at=AT, accounts=["30087654321"]
        )
        unsubscribe(session, channel="whatsapp", address=PHONE, phone=PHONE, at=stop_at)
    with session_scope(db_url) as session:
        back = resubscribe_stopped(
            session, channel="whatsapp", address=PHONE, phone=PHONE, stopped_at=stop_at
        )
        assert [s.account for s in back] == ["30012345678"]
    with session_scope(db_url) as session:
        assert [s.account for s in subscriptions_for(session, PHONE)] == ["30012345678"]


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_replies_exist_in_each_language(db_url, lang):
    with session_scope(db_url) as session:
        texts = {
            subscribe_reply(_subscribe(session, acct), lang)
            for acct in ("30012345678", "30012345678", "30099999999")
        }
    assert len(texts) == 3 and all("{" not in t for t in texts)
    assert all("30012345678" in t or "30099999999" in t for t in texts)
    stops = [unsubscribe_reply(n, lang) for n in (0, 1, 2, 5, 11)]
    assert len(set(stops)) >= 4 and all("{" not in t for t in stops)


def test_arabic_replies_are_translated():
    assert "تم الاشتراك" in subscribe_reply(SubscribeResult("subscribed", "30012345678"), "ar")
    assert "3 فواتير" in unsubscribe_reply(3, "ar")
    assert "الفاتورتين" in unsubscribe_reply(2, "ar")
