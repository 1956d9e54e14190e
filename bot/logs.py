"""Logging for the bot: JSON, one object a line, for servers; plain lines for a terminal.

Phone and account numbers never reach a log in full: `MaskNumbers` rewrites every record that
passes a handler (ours and the libraries' alike) to keep only their last four digits. Secrets
never reach it at all: the configured ones (`Settings.secrets()`) and anything shaped like one
(a Bot API token in a URL, an Authorization header) are replaced by `[secret]` first, because
libraries such as httpx log every URL they call, and the Bot API puts the token in the URL.

    configure_logging(json=True, secrets=settings.secrets())   # `sadeeq serve`
"""

from __future__ import annotations

import json as jsonlib
import logging
import re
import sys
from datetime import UTC, datetime
from typing import Any

# Saudi mobiles as people write them (+9665…, 9665…, 05…, with spaces or dashes), then any
# other run of 6 or more digits, which may be an account, a foreign phone (E.164 goes to 15) or
# a card number. \d also matches ٠-٩ and ۰-۹.
PHONE = re.compile(r"(?<![\d+])(?:\+|00)?(?:966[\s-]?|0)5\d(?:[\s-]?\d){7}(?!\d)")
DIGIT_RUN = re.compile(r"(?<!\d)\d{6,}(?!\d)")
KEEP_DIGITS = 4
MASK = "*"
SECRET = "[secret]"
# Shapes of secrets we may not have been told about: a Bot API token (in a URL path or not),
# an Authorization header's credentials, a password in a database or Redis URL.
SECRET_SHAPES = (
    (re.compile(r"(?<!\d)\d{5,12}:[A-Za-z0-9_-]{25,}"), SECRET),
    (re.compile(r"(?i)\b(bearer|basic)( +)[A-Za-z0-9._~+/=-]{6,}"), rf"\1\2{SECRET}"),
    (re.compile(r"(://[^/\s:@]*:)[^/\s@]+@"), rf"\1{SECRET}@"),
)
# Shorter than this, a configured "secret" would blank out ordinary words of log lines.
SHORTEST_SECRET = 6

# The attributes every LogRecord has; anything else on a record came through `extra=`.
_RECORD_FIELDS = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}


def mask_numbers(text: str) -> str:
    """Every phone or account number in `text` with all but its last four digits hidden."""
    return DIGIT_RUN.sub(_mask_match, PHONE.sub(_mask_match, text))


def redact_secrets(text: str, secrets: tuple[str, ...] = ()) -> str:
    """`text` with each of `secrets`, and anything shaped like a secret, replaced by [secret]."""
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, SECRET)
    for shape, replacement in SECRET_SHAPES:
        text = shape.sub(replacement, text)
    return text


def usable_secrets(values: Any) -> tuple[str, ...]:
    """The secrets worth searching for, longest first (so a token containing another goes whole)."""
    found = {str(v) for v in values if v and len(str(v)) >= SHORTEST_SECRET}
    return tuple(sorted(found, key=len, reverse=True))


def _mask_match(match: re.Match[str]) -> str:
    found = match.group(0)
    digits = [i for i, ch in enumerate(found) if ch.isdigit()]
    hidden = set(digits[:-KEEP_DIGITS])
    return "".join(MASK if i in hidden else ch for i, ch in enumerate(found))


def _masked(value: Any, secrets: tuple[str, ...] = ()) -> Any:
    if isinstance(value, str):
        return mask_numbers(redact_secrets(value, secrets))
    if isinstance(value, int | float) and not isinstance(value, bool):
        text = str(value)
        masked = mask_numbers(text)
        return value if masked == text else masked
    if isinstance(value, dict):
        return {k: _masked(v, secrets) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_masked(v, secrets) for v in value]
    return value


class MaskNumbers(logging.Filter):
    """Masks the formatted message, the exception text and every `extra=` field of a record:
    secrets out, then numbers down to their last four digits."""

    def __init__(self, secrets: Any = ()) -> None:
        super().__init__()
        self.secrets = usable_secrets(secrets)

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self._clean(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self._clean(record.exc_text)
            record.exc_info = None  # the masked text stands in for the traceback
        for name, value in list(vars(record).items()):
            if name not in _RECORD_FIELDS:
                setattr(record, name, _masked(value, self.secrets))
        return True

    def _clean(self, text: str) -> str:
        return mask_numbers(redact_secrets(text, self.secrets))


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        for name, value in vars(record).items():
            if name not in _RECORD_FIELDS and name not in entry:
                entry[name] = value
        return jsonlib.dumps(entry, ensure_ascii=False, default=str)


PLAIN_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(
    json: bool = True, level: int | str = logging.INFO, stream: Any = None, secrets: Any = ()
) -> logging.Handler:
    """One handler on the root logger (replacing any earlier one), hiding `secrets` and masking
    numbers. Libraries' loggers (uvicorn, httpx, sqlalchemy) propagate to it unless they
    install their own."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter() if json else logging.Formatter(PLAIN_FORMAT))
    handler.addFilter(MaskNumbers(secrets))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        # uvicorn's own config would print past our handler; route its records through ours.
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    return handler
