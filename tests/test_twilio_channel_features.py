"""Twilio's own channel features through the real routes and the real engine: Advanced
Opt-Out's OptOutType, SMS menus and HELP within the SMS budget, media on an outage report, and
WhatsApp list pickers."""

from __future__ import annotations

from starlette.testclient import TestClient

from bot.channels.server import create_app
from bot.config import Settings
from bot.storage.db import session_scope
from bot.storage.models import Contact
from tests.test_twilio_real_engine import PUBLIC_URL, TOKEN, messages, post


def app_for(url: str, **overrides: object):
    settings = Settings(database_url=url, public_url=PUBLIC_URL, twilio_auth_token=TOKEN, **overrides)
    return create_app(settings, extra_routes=[])


def sms(sid: str, body: str, sender: str = "+966500000005", **extra: str) -> dict[str, str]:
    return {"MessageSid": sid, "From": sender, "To": "+966920000000", "Body": body, "NumMedia": "0",
            **extra}


def opted_out(url: str, sender: str) -> bool:
    with session_scope(url) as session:
        contact = session.get(Contact, ("sms", sender))
        return contact is not None and contact.opted_out_at is not None


def test_a_stop_twilio_already_answered_is_recorded_and_not_answered_again(seeded_database_url):
    url = seeded_database_url
    with TestClient(app_for(url)) as client:
        stopped = post(client, "/twilio/sms", sms("SMo1", "STOP", OptOutType="STOP"))
        assert stopped.status_code == 200 and messages(stopped) == []  # Twilio's reply is the one
        assert opted_out(url, "+966500000005")
        started = post(client, "/twilio/sms", sms("SMo2", "START", OptOutType="START"))
        assert messages(started) == [] and not opted_out(url, "+966500000005")
        helped = post(client, "/twilio/sms", sms("SMo3", "HELP", OptOutType="HELP"))
        assert messages(helped) == []
        # Without Advanced Opt-Out, STOP is ours to answer, once.
        ours = post(client, "/twilio/sms", sms("SMo4", "STOP", sender="+966500000006"))
        assert len(messages(ours)) == 1 and opted_out(url, "+966500000006")


def test_sms_help_keeps_the_opt_out_words_and_english_menus_use_the_latin_comma(seeded_database_url):
    from bot.channels.render import SMS_MAX_SEGMENTS, sms_segments

    with TestClient(app_for(seeded_database_url)) as client:
        (arabic,) = messages(post(client, "/twilio/sms", sms("SMh1", "مساعدة", sender="+966500000007")))
        post(client, "/twilio/sms", sms("SMh2", "English", sender="+966500000008"))
        (english,) = messages(post(client, "/twilio/sms", sms("SMh3", "HELP", sender="+966500000008")))
    for text, word in ((arabic, "إيقاف"), (english, "STOP")):
        assert sms_segments(text) <= SMS_MAX_SEGMENTS, text
        body, menu = text.rsplit("\n", 1)
        assert word in body and "…" in body, text  # the rest was cut, not the opt-out words
        assert menu.startswith("1 ")
    english_menu = english.rsplit("\n", 1)[1]
    assert "، " not in english_menu and ", 2 " in english_menu
    assert "، 2 " in arabic.rsplit("\n", 1)[1]


def outage_media(url: str) -> list[tuple[str, str, str | None, bytes | None]]:
    from sqlalchemy import select

    from bot.outages.models import OutageMedia, OutageReport

    with session_scope(url) as session:
        return [(report.reference, media.status, media.content_type, media.data)
                for media, report in session.execute(
                    select(OutageMedia, OutageReport)
                    .join(OutageReport, OutageReport.id == OutageMedia.report_id)
                    .order_by(OutageMedia.id))]


def test_a_voice_note_and_a_photo_are_kept_with_the_outage_report(seeded_database_url):
    from tests.support.media_server import PHOTO, MediaServer

    sid, sender = "AC" + "d" * 32, "whatsapp:+966511112222"  # no accounts: the bot asks where
    voice = b"OggS\x00\x02" + bytes(range(200))

    def whatsapp(n: int, body: str, url: str | None = None, kind: str = "image/jpeg") -> dict:
        form = {"MessageSid": f"MMout{n}", "AccountSid": sid, "From": sender, "Body": body,
                "NumMedia": "0"}
        if url:
            form.update(NumMedia="1", MediaUrl0=url, MediaContentType0=kind)
        return form

    with MediaServer(credentials=(sid, TOKEN)) as media, \
            TestClient(app_for(seeded_database_url, twilio_account_sid=sid)) as client:
        media.files["voice.ogg"] = voice
        asked = messages(post(client, "/twilio/whatsapp", whatsapp(1, "الكهرباء مقطوعة عندنا")))
        assert "وين" in asked[0] or "أين" in asked[0] or "الحي" in asked[0], asked
        held = messages(post(client, "/twilio/whatsapp",
                             whatsapp(2, "", media.url("voice.ogg"), "audio/ogg")))
        assert "بنحفظها مع بلاغ الانقطاع" in held[0]  # acknowledged, not "text only"
        made = messages(post(client, "/twilio/whatsapp", whatsapp(3, "حي النسيم بالرياض")))
        reference = next(word for word in " ".join(made).split() if word.startswith("OUT-"))
        assert any("أضفنا ما أرسلته إلى بلاغ الانقطاع" in m for m in made), made
        later = messages(post(client, "/twilio/whatsapp", whatsapp(4, "", media.url())))
        assert later == [f"شكراً لك، أضفنا ما أرسلته إلى بلاغ الانقطاع {reference}."]
    kept = outage_media(seeded_database_url)
    assert [(ref, status, data) for ref, status, _kind, data in kept] == [
        (reference, "stored", voice), (reference, "stored", PHOTO)]
    from bot.hazards.models import HazardReport

    with session_scope(seeded_database_url) as session:  # the photo did not become a hazard
        assert session.query(HazardReport).count() == 0


def test_a_photo_with_outage_words_is_kept_with_the_new_report(seeded_database_url):
    from tests.support.media_server import PHOTO, MediaServer

    sid = "AC" + "e" * 32
    with MediaServer(credentials=(sid, TOKEN)) as media, \
            TestClient(app_for(seeded_database_url, twilio_account_sid=sid)) as client:
        form = {"MessageSid": "MMout9", "AccountSid": sid, "From": "whatsapp:+966511113333",
                "Body": "الكهرباء مقطوعة في حي الملز بالرياض", "NumMedia": "1",
                "MediaUrl0": media.url(), "MediaContentType0": "image/jpeg"}
        asked = messages(post(client, "/twilio/whatsapp", form))
        assert not any("HAZ-" in r for r in asked) and outage_media(seeded_database_url) == []
        answer = {"MessageSid": "MMout10", "AccountSid": sid, "From": "whatsapp:+966511113333",
                  "Body": "حي الملز بالرياض", "NumMedia": "0"}
        replies = messages(post(client, "/twilio/whatsapp", answer))
    assert any("OUT-" in r for r in replies), replies
    ((reference, status, kind, data),) = outage_media(seeded_database_url)
    assert (status, kind, data) == ("stored", "image/jpeg", PHOTO) and reference in " ".join(replies)
