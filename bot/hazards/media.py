"""Fetching a photo sent with a hazard report, with the provider's credentials and a size limit.

- Twilio (WhatsApp, SMS): GET the MediaUrl with HTTP basic auth (account SID, auth token), as
  Twilio requires when media authentication is on; redirects to the file store are followed
  (httpx drops the credentials when the redirect leaves Twilio's host).
- Telegram: getFile with the bot token, then the file under /file/bot<token>/<file_path>.

Whatever happens, the result says so: a photo that cannot be fetched or is too large is kept as
a row with its reference and the reason, never dropped. Error texts never carry a URL (Telegram's
hold the bot token).
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from bot.config import Settings
from bot.dialogue.messages import Media
from bot.hazards.models import FAILED, STORED, TOO_LARGE

TELEGRAM_API = "https://api.telegram.org/bot"


@dataclass(frozen=True)
class Fetched:
    status: str  # stored | failed | too_large
    data: bytes | None = None
    content_type: str | None = None
    size: int | None = None
    error: str | None = None


def stored_fields(media: Media, fetched: Fetched) -> dict:
    """A kept photo's or voice note's columns (hazard and outage reports alike): its bytes, or
    the provider's reference and why the bytes are missing."""
    return {
        "provider": media.provider,
        "source": media.ref,
        "content_type": fetched.content_type or media.content_type,
        "size": fetched.size,
        "data": fetched.data,
        "status": fetched.status,
        "error": fetched.error,
    }


class _TooLarge(Exception):
    def __init__(self, size: int | None) -> None:
        self.size = size


def fetch(media: Media, settings: Settings) -> Fetched:
    limit = settings.media_max_bytes
    if media.size is not None and media.size > limit:
        return Fetched(
            TOO_LARGE,
            content_type=media.content_type,
            size=media.size,
            error=f"larger than {limit} bytes",
        )
    try:
        with httpx.Client(timeout=settings.media_timeout_seconds, follow_redirects=True) as http:
            if media.provider == "twilio":
                return _twilio(http, media, settings, limit)
            if media.provider == "telegram":
                return _telegram(http, media, settings, limit)
    except _TooLarge as exc:
        return Fetched(
            TOO_LARGE,
            content_type=media.content_type,
            size=exc.size,
            error=f"larger than {limit} bytes",
        )
    except httpx.HTTPError as exc:
        return Fetched(FAILED, content_type=media.content_type, error=type(exc).__name__)
    return Fetched(
        FAILED, content_type=media.content_type, error=f"unknown provider {media.provider!r}"
    )


def _twilio(http: httpx.Client, media: Media, settings: Settings, limit: int) -> Fetched:
    auth = None
    if settings.twilio_account_sid and settings.twilio_auth_token:
        auth = (settings.twilio_account_sid, settings.twilio_auth_token)
    return _download(http, media.ref, limit, media.content_type, auth=auth)


def _telegram(http: httpx.Client, media: Media, settings: Settings, limit: int) -> Fetched:
    token = settings.telegram_bot_token
    if not token:
        return Fetched(
            FAILED, content_type=media.content_type, error="TELEGRAM_BOT_TOKEN is not set"
        )
    api = settings.telegram_api_base or TELEGRAM_API
    response = http.get(f"{api}{token}/getFile", params={"file_id": media.ref})
    try:
        body = response.json()
    except ValueError:
        body = {}
    if response.status_code != 200 or not body.get("ok"):
        return Fetched(
            FAILED,
            content_type=media.content_type,
            error=f"getFile {response.status_code}: {body.get('description', '')}".strip(),
        )
    file = body["result"]
    if file.get("file_size") and file["file_size"] > limit:
        raise _TooLarge(file["file_size"])
    if not file.get("file_path"):
        return Fetched(FAILED, content_type=media.content_type, error="getFile gave no file_path")
    # The Bot API serves files beside its methods: .../bot<token>/m → .../file/bot<token>/path
    files = (
        api[: -len("bot")] + "file/bot" if api.endswith("bot") else api.rstrip("/") + "/file/bot"
    )
    return _download(http, f"{files}{token}/{file['file_path']}", limit, media.content_type)


def _download(
    http: httpx.Client,
    url: str,
    limit: int,
    content_type: str | None,
    auth: tuple[str, str] | None = None,
) -> Fetched:
    with http.stream("GET", url, auth=auth) as response:
        if response.status_code != 200:
            return Fetched(FAILED, content_type=content_type, error=f"HTTP {response.status_code}")
        declared = response.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > limit:
            raise _TooLarge(int(declared))
        data = bytearray()
        for chunk in response.iter_bytes():
            data += chunk
            if len(data) > limit:
                raise _TooLarge(None)
        kind = response.headers.get("content-type", "").split(";", 1)[0].strip() or content_type
    return Fetched(STORED, bytes(data), kind, len(data))
