"""Conversation scripts: what the subscriber types, and what the bot's reply must contain.

A script file holds scenarios; each starts with `=== title` and may set `phone:`, `channel:`,
`at:` (the clock, ISO, Asia/Riyadh) and `xfail:` (a known gap, with its reason) before its lines:

    > text the subscriber sends           (`> ` alone sends an empty message)
    < text the reply must contain          (all replies to the last message, rendered)
    ^< text the reply must begin with      (what the subscriber reads first)
    !< text the reply must not contain
    =< STANDARD start=ISO [end=ISO] [notice=ISO] [network=mv] [so-far] [lang=en]
                                           (the reply quotes the standards engine's amount for
                                            that case, and its pay-by date; "so-far": the case
                                            is ongoing, counted to the message's minute, and
                                            no pay-by date is given)
    =< SPEC + SPEC                         (a case under two standards: each engine amount and
                                            pay-by date, and their sum, are in the reply)
    =< nothing                             (the reply quotes no riyal amount at all)
    @restart                               (a new engine: nothing kept but the database)
    @wait 40                               (the clock moves on by that many minutes)
    @location 24.7136 46.6753 Al Olaya     (the subscriber shares a location)
    @photo caption words                   (a photo, with an optional caption; served by the
                                            test's media stand-in when `play` is given one)
    @voice [en]                            (a voice note with no words; "en": from an app set
                                            to English, as Telegram tells its language_code)
    @as +966500000002                      (from now on another subscriber writes)
    @estimate 60                           (an operator sets the estimated restoration of the
                                            subscriber's latest outage report to that many
                                            minutes from now, as `sadeeq outages update --eta`)
    @started 300                           (an operator sets the start of the subscriber's latest
                                            outage report's incident to that many minutes ago, as
                                            `sadeeq outages update --started-at`)
    @city-wide                             (an operator marks the incident of the subscriber's
                                            latest outage report city-wide, a total blackout, as
                                            `sadeeq outages update --city-wide`)
    @restore                               (an operator restores the subscriber's latest outage
                                            report's incident now; the restoration notice that
                                            reporter is sent is the reply the next lines check)

Replies are rendered as the channel would show them, so choices count as text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from bot.channels.render import asks_for_detail, render_text
from bot.config import RIYADH, Settings
from bot.dialogue.engine import Engine
from bot.dialogue.messages import Inbound, Location, Media

DEFAULT_AT = datetime(2026, 11, 24, 10, 0, tzinfo=RIYADH)


@dataclass
class Scenario:
    title: str
    source: str
    phone: str = "+966500000001"
    channel: str = "whatsapp"
    at: datetime = DEFAULT_AT
    xfail: str | None = None
    lines: list[tuple[int, str, str]] = field(default_factory=list)  # (line number, kind, text)


def load_scenarios(path: Path) -> list[Scenario]:
    scenarios: list[Scenario] = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.rstrip()
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("=== "):
            scenarios.append(Scenario(title=line[4:].strip(), source=f"{path.name}:{number}"))
            continue
        current = scenarios[-1]
        for kind in ("!<", "=<", "^<", ">", "<", "@"):
            if line.startswith(kind):
                current.lines.append((number, kind, line[len(kind) :].strip()))
                break
        else:
            key, _, value = line.partition(":")
            if key == "phone":
                current.phone = value.strip()
            elif key == "channel":
                current.channel = value.strip()
            elif key == "xfail":
                current.xfail = value.strip()
            elif key == "at":
                current.at = datetime.fromisoformat(value.strip()).replace(tzinfo=RIYADH)
            else:
                raise ValueError(f"{path.name}:{number}: cannot read {line!r}")
    return scenarios


# Where a photo "lives" when the test gives no media stand-in: nothing answers there.
UNREACHABLE_PHOTO = "http://127.0.0.1:9/media/photo.jpg"


def play(
    scenario: Scenario,
    settings: Settings,
    engine: Engine | None = None,
    photo_url: str | None = None,
) -> list[str]:
    """Run the scenario; returns the transcript. Raises AssertionError at the first miss."""
    engine = engine or Engine(settings)
    now = scenario.at
    transcript: list[str] = []
    last_reply = ""
    location: Location | None = None
    media: tuple[Media, ...] = ()
    audio: tuple[Media, ...] = ()
    client_lang: str | None = None
    phone = scenario.phone
    sent = 0
    for number, kind, text in scenario.lines:
        if kind == "@":
            verb, _, rest = text.partition(" ")
            if verb == "restart":
                engine = Engine(settings)
            elif verb == "wait":
                now += timedelta(minutes=float(rest))
            elif verb == "location":
                lat, lon, *address = rest.split(" ")
                location = Location(float(lat), float(lon), " ".join(address) or None)
                kind, text = ">", ""
            elif verb == "photo":
                media = (Media("twilio", photo_url or UNREACHABLE_PHOTO, "image/jpeg"),)
                kind, text = ">", rest
            elif verb == "voice":
                audio = (Media("twilio", UNREACHABLE_PHOTO, "audio/ogg"),)
                client_lang = rest.strip() or None
                kind, text = ">", ""
            elif verb == "as":
                phone = rest.strip()
            elif verb == "estimate":
                _operator_update(
                    settings,
                    scenario.channel,
                    phone,
                    "@estimate",
                    eta=now + timedelta(minutes=float(rest)),
                )
            elif verb == "started":
                _operator_update(
                    settings,
                    scenario.channel,
                    phone,
                    "@started",
                    started_at=now - timedelta(minutes=float(rest)),
                )
            elif verb == "city-wide":
                _operator_update(settings, scenario.channel, phone, "@city-wide", city_wide=True)
            elif verb == "restore":
                last_reply = _operator_restore(settings, scenario.channel, phone, now)
                transcript.append(f"@restore\n{last_reply}")
            else:
                raise ValueError(f"{scenario.source}: unknown directive {text!r}")
            if kind == "@":
                continue
        if kind == ">":
            sent += 1
            now += timedelta(seconds=20)
            message = Inbound(
                channel=scenario.channel,
                sender=phone,
                phone=phone,
                text=text,
                received_at=now,
                message_id=f"script-{sent}",
                location=location,
                has_media=bool(media or audio),
                media=media,
                audio=audio,
                client_lang=client_lang,
            )
            location, media, audio, client_lang = None, (), (), None
            replies = engine.handle(message)
            detail = asks_for_detail(text)
            last_reply = "\n\n".join(render_text(r, scenario.channel, detail) for r in replies)
            transcript += [f"> {text}", last_reply]
            continue
        where = f"{scenario.source} line {number}"
        shown = "\n".join(transcript[-2:])
        if kind == "=<":
            check_engine_figures(text, last_reply, now, where, shown)
        elif kind == "<":
            assert text in last_reply, f"{where}: expected {text!r} in the reply:\n{shown}"
        elif kind == "^<":
            assert last_reply.startswith(text), (
                f"{where}: expected the reply to begin with {text!r}:\n{shown}"
            )
        else:
            assert text not in last_reply, (
                f"{where}: did not expect {text!r} in the reply:\n{shown}"
            )
    return transcript


def _operator_update(
    settings: Settings, channel: str, phone: str, directive: str, **changes: datetime | bool
) -> None:
    """An operator's update (`update_incident`: an estimate, a start) to the incident of
    `phone`'s latest report."""
    from bot.outages.service import latest_report, update_incident
    from bot.storage.db import session_scope

    with session_scope(settings.database_url) as session:
        found = latest_report(session, channel=channel, sender=phone, phone=phone)
        assert found is not None, f"{directive}: {phone} has no outage report"
        update_incident(session, found[1].id, **changes)


def _operator_restore(settings: Settings, channel: str, phone: str, now: datetime) -> str:
    """Restore the incident of `phone`'s latest report at `now`; the notice that report gets."""
    from bot.outages.notices import restoration_notice
    from bot.outages.service import latest_report, restore_incident
    from bot.storage.db import session_scope

    with session_scope(settings.database_url) as session:
        found = latest_report(session, channel=channel, sender=phone, phone=phone)
        assert found is not None, f"@restore: {phone} has no outage report"
        incident = restore_incident(session, found[1].id, at=now, now=now)
        return restoration_notice(found[0], incident)


def check_engine_figures(spec: str, reply: str, now: datetime, where: str, shown: str) -> None:
    """The reply quotes exactly the engine's amount (and pay-by date) for the case in `spec`;
    for "SPEC + SPEC", each case's, and the sum of the two."""
    import re

    from bot.standards import riyals

    if spec.split()[0] == "nothing":
        owed = re.search(r"يحق لك (?:حتى الآن )?(?:تعويض )?[\d,]+|owed [\d,]+", reply)
        assert not owed, f"{where}: expected no amount owed in the reply:\n{shown}"
        return
    parts = [part.strip() for part in spec.split(" + ")]
    lang = next((w[5:] for w in spec.split() if w.startswith("lang=")), "ar")
    allowed: set[str] = {"1000"}
    total = 0
    for part in parts:
        amount, additional = _check_one_case(part, lang, reply, now, where, shown)
        allowed |= {str(amount), str(additional)}
        total += amount
    if len(parts) > 1:
        assert riyals(total, lang) in reply, (
            f"{where}: expected the sum {riyals(total, lang)!r} in the reply:\n{shown}"
        )
        allowed.add(str(total))
    money = re.compile(r"[\d,٬]+(?= ?(?:ريال|SAR))")
    quoted = {m.replace(",", "").replace("٬", "") for m in money.findall(reply)}
    assert quoted <= allowed, f"{where}: other amounts {quoted - allowed} in:\n{shown}"


def _check_one_case(
    spec: str, lang: str, reply: str, now: datetime, where: str, shown: str
) -> tuple[int, int]:
    """(amount, additional amount per unit) of one case, after checking them in the reply."""
    from bot.i18n import texts
    from bot.standards import Case, compensation_for, riyals

    words = spec.split()
    fields = dict(w.split("=", 1) for w in words[1:] if "=" in w)

    def moment(key: str) -> datetime | None:
        value = fields.get(key)
        return datetime.fromisoformat(value).replace(tzinfo=RIYADH) if value else None

    so_far = "so-far" in words
    end = now.replace(second=0, microsecond=0) if so_far else moment("end")
    case = Case(
        words[0],
        start=moment("start"),
        end=end,
        notice_at=moment("notice"),
        network=fields.get("network", "lv"),
    )
    result = compensation_for(case)
    tr = texts(lang)
    amount = riyals(result.amount_sar, lang)
    assert result.eligible, f"{where}: the engine owes nothing for {spec}"
    assert amount in reply, f"{where}: expected the engine's {amount!r} in the reply:\n{shown}"
    if so_far:
        assert result.pay_by is None or tr.date(result.pay_by) not in reply, (
            f"{where}: an ongoing case must not give a pay-by date:\n{shown}"
        )
    else:
        assert result.pay_by is not None
        assert tr.date(result.pay_by) in reply, (
            f"{where}: expected the pay-by date {tr.date(result.pay_by)!r} in the reply:\n{shown}"
        )
    return result.amount_sar, result.rule.additional_sar if result.rule else 0
