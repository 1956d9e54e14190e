"""No secret reaches a log line: `sadeeq serve` and `sadeeq telegram` are run as an operator
runs them, with every secret configured, and their whole captured output is searched for each."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from bot.config import PROJECT_ROOT, Settings
from bot.logs import configure_logging, redact_secrets
from tests.support.fake_telegram import FakeTelegram
from tests.test_faults import Worker, running

SECRETS = {
    "TELEGRAM_WEBHOOK_SECRET": "webhook-secret_0123456789",
    "TWILIO_AUTH_TOKEN": "twilio-auth-token-abcdef987",
    "SADEEQ_BILLING_TOKEN": "billing-token-xyz-314159",
    "SADEEQ_OPERATOR_TOKEN": "operator-token-qrs-271828",
}


def private_update(update_id: int, text: str) -> dict:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": int(time.time()),
            "text": text,
            "chat": {"id": 4242, "type": "private"},
            "from": {"id": 4242, "is_bot": False, "first_name": "نورة"},
        },
    }


def assert_no_secret_in(output: str, secrets: list[str]) -> None:
    # A bot token's digits would be masked as a number anyway: its secret half is what counts.
    secrets = [part for secret in secrets for part in (secret, secret.split(":")[-1])]
    for secret in secrets:
        assert secret not in output, f"{secret[:4]}… is in the log"
    assert "[secret]" in output or not secrets  # the lines that carried one are still there


def test_serve_logs_no_secret_while_answering_telegram(database_url, tmp_path):
    log = tmp_path / "serve.log"
    with FakeTelegram() as telegram:
        env = {
            **SECRETS,
            "TELEGRAM_BOT_TOKEN": FakeTelegram.TOKEN,
            "TELEGRAM_API_BASE": telegram.base_url,
        }
        with running(Worker(database_url, log, **env)) as worker:
            response = httpx.post(
                f"{worker.url}/telegram",
                json=private_update(1, "مرحبا"),
                headers={"X-Telegram-Bot-Api-Secret-Token": SECRETS["TELEGRAM_WEBHOOK_SECRET"]},
                timeout=30,
            )
            assert response.status_code == 200
            assert telegram.sent, log.read_text()
            httpx.get(
                f"{worker.url}/operator/incidents",
                timeout=10,
                headers={"Authorization": "Bearer " + SECRETS["SADEEQ_OPERATOR_TOKEN"]},
            )
    output = log.read_text()
    assert "sendMessage" in output  # httpx logged the Bot API URL, token hidden
    assert_no_secret_in(output, [FakeTelegram.TOKEN, *SECRETS.values()])


def test_telegram_polling_logs_no_token(database_url, tmp_path):
    log = tmp_path / "telegram.log"
    with FakeTelegram() as telegram:
        telegram.updates.append(private_update(900, "فاتورتي"))
        env = {
            **os.environ,
            **SECRETS,
            "SADEEQ_DATABASE_URL": database_url,
            "TELEGRAM_BOT_TOKEN": FakeTelegram.TOKEN,
            "TELEGRAM_API_BASE": telegram.base_url,
        }
        with log.open("wb") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "bot", "telegram"],
                cwd=PROJECT_ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        try:
            deadline = time.monotonic() + 60
            while not telegram.sent and time.monotonic() < deadline and process.poll() is None:
                time.sleep(0.1)
            assert telegram.sent, log.read_text()[-2000:]
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
    output = log.read_text()
    assert "getUpdates" in output
    assert_no_secret_in(output, [FakeTelegram.TOKEN, *SECRETS.values()])


def test_secrets_in_messages_arguments_extras_and_tracebacks_are_hidden(tmp_path: Path):
    import io
    import logging

    settings = Settings(
        database_url="postgresql+psycopg://app:db-password-42@db/sadeeq",
        telegram_bot_token=FakeTelegram.TOKEN,
        twilio_auth_token=SECRETS["TWILIO_AUTH_TOKEN"],
    )
    stream = io.StringIO()
    root = logging.getLogger()
    before, level = list(root.handlers), root.level
    configure_logging(json=True, stream=stream, secrets=settings.secrets())
    try:
        log = logging.getLogger("bot.test")
        log.info("calling %s", f"https://api.telegram.org/bot{FakeTelegram.TOKEN}/getMe")
        log.warning("db", extra={"url": settings.database_url, "auth": settings.twilio_auth_token})
        try:
            raise RuntimeError(f"token {FakeTelegram.TOKEN} refused")
        except RuntimeError:
            log.exception("failed")
    finally:
        for handler in list(root.handlers):
            root.removeHandler(handler)
        for handler in before:
            root.addHandler(handler)
        root.setLevel(level)
    assert_no_secret_in(stream.getvalue(), [*settings.secrets(), "db-password-42"])


def test_secret_shapes_we_were_not_told_about_are_hidden():
    text = (
        "POST https://api.telegram.org/bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/sendMessage "
        "Authorization: Bearer abc.def-ghi redis://:pw-9876@cache:6379/0 at 10:15:00"
    )
    redacted = redact_secrets(text)
    for secret in ("AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw", "abc.def-ghi", "pw-9876"):
        assert secret not in redacted
    assert "at 10:15:00" in redacted
