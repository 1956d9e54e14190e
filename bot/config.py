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
# The source checkout, for tests and development tools only: what the bot reads at run time
# (catalogs, phrase lists) comes through `bot.resources`, the same from any directory.
PROJECT_ROOT = Path(__file__).resolve().parent.parent
# The SMS short code subscribers text their account number to for bill alerts (domain.md).
BILL_SMS_CODE = "500120"
# The call centre a subscriber who asks for a person is given (SADEEQ_AGENT_PHONE overrides it).
AGENT_PHONE = "920001100"


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


class SettingsError(ValueError):
    """Settings that cannot work, one line each (`problems`); commands print them and exit 2."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class _Reader:
    """Reads and checks environment values, collecting every problem instead of stopping at
    the first (an operator fixes them all in one go)."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def number(
        self, name: str, default: float, *, integer: bool, minimum: float, above: bool = False
    ) -> float:
        raw = _env(name)
        if raw is None:
            return default
        try:
            value = int(raw) if integer else float(raw)
        except ValueError:
            self.problems.append(
                f"{name}={raw!r} is not {'a whole number' if integer else 'a number'}"
            )
            return default
        if value < minimum or (above and value == minimum) or value != value:
            bound = f"more than {minimum:g}" if above else f"{minimum:g} or more"
            self.problems.append(f"{name}={raw!r} must be {bound}")
            return default
        return value

    def phone_number(self, name: str, default: str) -> str:
        raw = _env(name, default) or default
        if not raw.lstrip("+").isdigit() or not 3 <= len(raw.lstrip("+")) <= 15:
            self.problems.append(
                f"{name}={raw!r} must be a telephone number (digits, an optional +)"
            )
            return default
        return raw

    def choice(self, name: str, default: str, allowed: tuple[str, ...]) -> str:
        raw = _env(name, default) or default
        if raw not in allowed:
            self.problems.append(f"{name}={raw!r} must be one of {', '.join(allowed)}")
            return default
        return raw

    def url(
        self, name: str, default: str | None = None, schemes: tuple[str, ...] = ("http", "https")
    ) -> str | None:
        raw = _env(name, default)
        if raw is None:
            return None
        parts = urlsplit(raw)
        if parts.scheme not in schemes or not parts.netloc:
            self.problems.append(
                f"{name}={raw!r} must be a full URL starting with "
                f"{' or '.join(s + '://' for s in schemes)}"
            )
            return default
        return raw


def default_database_url() -> str:
    """SQLite in the user's data directory, the same whatever the working directory:
    `$XDG_DATA_HOME/sadeeq/sadeeq.sqlite`, by default `~/.local/share/sadeeq/sadeeq.sqlite`.
    (The repository's make targets set SADEEQ_DATABASE_URL to ./var/sadeeq.sqlite instead.)"""
    data_home = _env("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return f"sqlite:///{Path(data_home) / 'sadeeq' / 'sadeeq.sqlite'}"


@dataclass(frozen=True)
class Settings:
    database_url: str = field(default_factory=default_database_url)
    public_url: str = "http://localhost:8000"
    twilio_account_sid: str | None = None
    twilio_auth_token: str | None = None
    twilio_whatsapp_from: str | None = None
    twilio_sms_from: str | None = None
    twilio_messaging_service_sid: str | None = None  # MG...: sends both channels through it
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
    # WhatsApp menus as a list picker and yes/no as quick replies (Content API templates,
    # bot/channels/whatsapp_content.py); numbered text when unset.
    whatsapp_menu_template: str | None = None
    whatsapp_menu_items: int = 7  # how many items the list picker template has
    whatsapp_yes_no_template: str | None = None
    session_idle_minutes: int = 30
    holidays_file: str | None = None  # the operator's corrections to the official holidays
    media_max_bytes: int = 5 * 1024 * 1024  # the largest photo kept with a hazard report
    media_timeout_seconds: float = 10.0  # to fetch one photo from the provider
    deliveries_retention_days: int = 30  # answered message ids kept for repeats, then pruned
    agent_phone: str = AGENT_PHONE
    bill_sms_code: str = BILL_SMS_CODE
    # Signs the console's session cookies; without it a key is made at start-up, so sessions
    # end with the process (and do not carry across several workers).
    console_secret: str | None = None
    map_tiles_url: str | None = None  # e.g. https://tile.example/{z}/{x}/{y}.png; none: plain

    def secrets(self) -> tuple[str, ...]:
        """Every configured value that must never reach a log line (see bot/logs.py)."""
        values = [
            self.twilio_auth_token,
            self.telegram_bot_token,
            self.telegram_webhook_secret,
            self.billing_token,
            self.operator_token,
            self.console_secret,
        ]
        for url in (self.database_url, self.redis_url):
            password = urlsplit(url).password if url else None
            values.append(password)
        return tuple(v for v in values if v)

    @classmethod
    def from_env(cls) -> Settings:
        """The settings of the environment; `SettingsError` names every value that cannot work."""
        read = _Reader()
        database_url = _env("SADEEQ_DATABASE_URL") or default_database_url()
        if not database_url.startswith(("sqlite", "postgresql")):
            read.problems.append(
                f"SADEEQ_DATABASE_URL must be an sqlite:/// or postgresql:// URL, "
                f"not {database_url.split(':', 1)[0]!r}"
            )
        settings = cls(
            database_url=database_url,
            public_url=(read.url("SADEEQ_PUBLIC_URL", "http://localhost:8000") or "").rstrip("/"),
            twilio_account_sid=_env("TWILIO_ACCOUNT_SID"),
            twilio_auth_token=_env("TWILIO_AUTH_TOKEN"),
            twilio_whatsapp_from=_env("TWILIO_WHATSAPP_FROM"),
            twilio_sms_from=_env("TWILIO_SMS_FROM"),
            twilio_messaging_service_sid=_env("TWILIO_MESSAGING_SERVICE_SID"),
            twilio_api_base=_env("TWILIO_API_BASE"),
            telegram_bot_token=_env("TELEGRAM_BOT_TOKEN"),
            telegram_webhook_secret=_env("TELEGRAM_WEBHOOK_SECRET"),
            telegram_api_base=read.url("TELEGRAM_API_BASE"),
            billing_url=read.url("SADEEQ_BILLING_URL"),
            billing_token=_env("SADEEQ_BILLING_TOKEN"),
            billing_timeout_seconds=read.number(
                "SADEEQ_BILLING_TIMEOUT", 3.0, integer=False, minimum=0, above=True
            ),
            redis_url=read.url("SADEEQ_REDIS_URL", schemes=("redis", "rediss", "unix")),
            rate_limit_per_minute=int(
                read.number("SADEEQ_RATE_LIMIT_PER_MINUTE", 20, integer=True, minimum=0)
            ),
            account_misses_per_hour=int(
                read.number("SADEEQ_ACCOUNT_MISSES_PER_HOUR", 5, integer=True, minimum=0)
            ),
            lang=read.choice("SADEEQ_LANG", "ar", ("ar", "en")),
            operator_token=_env("SADEEQ_OPERATOR_TOKEN"),
            whatsapp_bill_template=_env("SADEEQ_WHATSAPP_BILL_TEMPLATE"),
            whatsapp_menu_template=_env("SADEEQ_WHATSAPP_MENU_TEMPLATE"),
            whatsapp_menu_items=int(
                read.number("SADEEQ_WHATSAPP_MENU_ITEMS", 7, integer=True, minimum=1)
            ),
            whatsapp_yes_no_template=_env("SADEEQ_WHATSAPP_YES_NO_TEMPLATE"),
            session_idle_minutes=int(
                read.number("SADEEQ_SESSION_IDLE_MINUTES", 30, integer=True, minimum=1)
            ),
            holidays_file=_env("SADEEQ_HOLIDAYS_FILE"),
            media_max_bytes=int(
                read.number("SADEEQ_MEDIA_MAX_BYTES", 5 * 1024 * 1024, integer=True, minimum=1)
            ),
            media_timeout_seconds=read.number(
                "SADEEQ_MEDIA_TIMEOUT", 10.0, integer=False, minimum=0, above=True
            ),
            deliveries_retention_days=int(
                read.number("SADEEQ_DELIVERIES_RETENTION_DAYS", 30, integer=True, minimum=1)
            ),
            agent_phone=read.phone_number("SADEEQ_AGENT_PHONE", AGENT_PHONE),
            bill_sms_code=read.phone_number("SADEEQ_BILL_SMS_CODE", BILL_SMS_CODE),
            console_secret=_env("SADEEQ_CONSOLE_SECRET"),
            map_tiles_url=_env("SADEEQ_MAP_TILES_URL"),
        )
        if read.problems:
            raise SettingsError(read.problems)
        return settings
