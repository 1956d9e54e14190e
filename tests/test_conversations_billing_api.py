"""Conversations over the HTTP billing adapter, against a real local billing API that can be
made slow or unavailable: the subscriber hears "busy, try again" and the conversation survives."""

from __future__ import annotations

import dataclasses
import time

import pytest

from bot.config import Settings
from tests.conversation_script import Scenario, play
from tests.support.billing_server import BillingServer

TIMEOUT = 0.4


def script(*lines: str) -> Scenario:
    scenario = Scenario(title="billing api", source="inline", phone="+966500000001")
    for number, line in enumerate(lines, 1):
        kind = "!<" if line.startswith("!<") else line[0]
        scenario.lines.append((number, kind, line[len(kind) :].strip()))
    return scenario


@pytest.fixture
def server(seeded_database_url: str):
    with BillingServer(seeded_database_url, token="s3cret") as running:
        yield running


def settings_for(url: str, database_url: str) -> Settings:
    return dataclasses.replace(
        Settings.from_env(),
        database_url=database_url,
        billing_url=url,
        billing_token="s3cret",
        billing_timeout_seconds=TIMEOUT,
        lang="ar",
    )


def test_bill_through_the_billing_api(server: BillingServer, seeded_database_url: str) -> None:
    play(
        script("> فاتورتي", "< ••••5678", "> 2", "< فاتورة الحساب ••••4321", "^< عليك"),
        settings_for(server.url, seeded_database_url),
    )
    assert all(seen.authorization == "Bearer s3cret" for seen in server.requests)


@pytest.mark.parametrize("mode", ["unavailable", "slow", "garbage"])
def test_billing_api_down_slow_or_broken_then_back(
    mode: str, server: BillingServer, seeded_database_url: str
) -> None:
    server.mode = mode
    server.slow_seconds = 3 * TIMEOUT
    settings = settings_for(server.url, seeded_database_url)
    started = time.monotonic()
    transcript = play(script("> كم فاتورتي", "< خدمة الفواتير مشغولة", "!< ر.س"), settings)
    assert time.monotonic() - started < 10 * TIMEOUT + 2, transcript
    server.mode = "ok"
    play(script("> كم فاتورتي", "< أي حساب", "> 1", "< فاتورة الحساب ••••5678"), settings)


def test_billing_api_refusing_connections(server: BillingServer, seeded_database_url: str) -> None:
    settings = settings_for(server.url, seeded_database_url)
    server.stop()
    play(script("> فاتورتي", "< خدمة الفواتير مشغولة", "> الكهرباء طافية", "< اكتب الحي"), settings)


def test_billing_api_fails_between_the_choice_and_the_bill(
    server: BillingServer, seeded_database_url: str
) -> None:
    settings = settings_for(server.url, seeded_database_url)
    play(script("> فاتورتي", "< أي حساب"), settings)
    server.mode = "unavailable"
    play(script("> 1", "< خدمة الفواتير مشغولة"), settings)
    server.mode = "ok"
    play(script("> 1", "< فاتورة الحساب ••••5678"), settings)
