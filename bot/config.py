"""Every setting the bot reads from the environment, in one place.

The names are part of the outside contract (see README, "Settings"); defaults are chosen so
that a fresh checkout runs on the embedded SQLite data with no accounts and no tokens.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

RIYADH = ZoneInfo("Asia/Riyadh")
PROJECT_ROOT = Path(__file__).resolve().parent.parent
LOCALES_DIR = PROJECT_ROOT / "locales"


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def default_database_url() -> str:
    return f"sqlite:///{Path.cwd() / 'var' / 'sadeeq.sqlite'}"


@dataclass(frozen=True)
class Settings:
    database_url: str = field(default_factory=default_database_url)
    public_url: str = "http://localhost:8000"
    twilio_account_sid: str | None = None
    twilio_auth_token: str | None = None
    twilio_whatsapp_from: str | None = None
    twilio_sms_from: str | None = None
    twilio_api_base: str | None = None  # a local stand-in for api.twilio.com (tests, staging)
    telegram_bot_token: str | None = None
    telegram_webhook_secret: str | None = None
    telegram_api_base: str | None = None  # a self-hosted Bot API server, e.g. http://host:8081/bot
    billing_url: str | None = None
    billing_token: str | None = None
    billing_timeout_seconds: float = 3.0
    redis_url: str | None = None
    rate_limit_per_minute: int = 20  # messages answered per sender and minute (0: no limit)
    account_misses_per_hour: int = 5  # unlinked account lookups before an hour's block (0: off)
    lang: str = "ar"
    operator_token: str | None = None
    whatsapp_bill_template: str | None = None  # content SID of the approved bill template
    session_idle_minutes: int = 30

    def secrets(self) -> tuple[str, ...]:
        """Every configured value that must never reach a log line (see bot/logs.py)."""
        values = [self.twilio_auth_token, self.telegram_bot_token, self.telegram_webhook_secret,
                  self.billing_token, self.operator_token]
        for url in (self.database_url, self.redis_url):
            password = urlsplit(url).password if url else None
            values.append(password)
        return tuple(v for v in values if v)

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            database_url=_env("SADEEQ_DATABASE_URL") or default_database_url(),
            public_url=(_env("SADEEQ_PUBLIC_URL", "http://localhost:8000") or "").rstrip("/"),
            twilio_account_sid=_env("TWILIO_ACCOUNT_SID"),
            twilio_auth_token=_env("TWILIO_AUTH_TOKEN"),
            twilio_whatsapp_from=_env("TWILIO_WHATSAPP_FROM"),
            twilio_sms_from=_env("TWILIO_SMS_FROM"),
            twilio_api_base=_env("TWILIO_API_BASE"),
            telegram_bot_token=_env("TELEGRAM_BOT_TOKEN"),
            telegram_webhook_secret=_env("TELEGRAM_WEBHOOK_SECRET"),
            telegram_api_base=_env("TELEGRAM_API_BASE"),
            billing_url=_env("SADEEQ_BILLING_URL"),
            billing_token=_env("SADEEQ_BILLING_TOKEN"),
            billing_timeout_seconds=float(_env("SADEEQ_BILLING_TIMEOUT", "3") or 3),
            redis_url=_env("SADEEQ_REDIS_URL"),
            rate_limit_per_minute=int(_env("SADEEQ_RATE_LIMIT_PER_MINUTE", "20") or 20),
            account_misses_per_hour=int(_env("SADEEQ_ACCOUNT_MISSES_PER_HOUR", "5") or 5),
            lang=_env("SADEEQ_LANG", "ar") or "ar",
            operator_token=_env("SADEEQ_OPERATOR_TOKEN"),
            whatsapp_bill_template=_env("SADEEQ_WHATSAPP_BILL_TEMPLATE"),
            session_idle_minutes=int(_env("SADEEQ_SESSION_IDLE_MINUTES", "30") or 30),
        )
