"""Twilio's own channel features through the real routes and the real engine: Advanced
Opt-Out's OptOutType, SMS menus and HELP within the SMS budget, media on an outage report, and
WhatsApp list pickers."""

from __future__ import annotations

import re

from starlette.testclient import TestClient

from bot.channels.server import create_app
from bot.config import Settings
from bot.storage.db import session_scope
from bot.storage.models import Contact
from tests.test_twilio_real_engine import PUBLIC_URL, TOKEN, messages, post


def app_for(url: str, **overrides: object):
    settings = Settings(
        database_url=url, public_url=PUBLIC_URL, twilio_auth_token=TOKEN, **overrides
    )
    return create_app(settings, extra_routes=[])


def sms(sid: str, body: str, sender: str = "+966500000005", **extra: str) -> dict[str, str]:
    return {
        "MessageSid": sid,
        "From": sender,
        "To": "+966920000000",
        "Body": body,
        "NumMedia": "0",
        **extra,
    }


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


def test_sms_help_keeps_the_opt_out_words_and_english_menus_use_the_latin_comma(
    seeded_database_url,
):
    from bot.channels.render import SMS_MAX_SEGMENTS, sms_segments

    with TestClient(app_for(seeded_database_url)) as client:
        (arabic,) = messages(
            post(client, "/twilio/sms", sms("SMh1", "مساعدة", sender="+966500000007"))
        )
        post(client, "/twilio/sms", sms("SMh2", "English", sender="+966500000008"))
        (english,) = messages(
            post(client, "/twilio/sms", sms("SMh3", "HELP", sender="+966500000008"))
        )
    for text, word in ((arabic, "إيقاف"), (english, "STOP")):
        assert sms_segments(text) <= SMS_MAX_SEGMENTS, text
        body, menu, more = text.rsplit("\n", 2)
        assert word in body and "…" in body, text  # the rest was cut, not the opt-out words
        assert menu.startswith("1 ")
        assert "تفاصيل" in more or "details" in more
    english_menu = english.rsplit("\n", 2)[1]
    assert "، " not in english_menu and ", 2 " in english_menu
    assert "، 2 " in arabic.rsplit("\n", 2)[1]


def outage_media(url: str) -> list[tuple[str, str, str | None, bytes | None]]:
    from sqlalchemy import select

    from bot.outages.models import OutageMedia, OutageReport

    with session_scope(url) as session:
        return [
            (report.reference, media.status, media.content_type, media.data)
            for media, report in session.execute(
                select(OutageMedia, OutageReport)
                .join(OutageReport, OutageReport.id == OutageMedia.report_id)
                .order_by(OutageMedia.id)
            )
        ]


def test_a_voice_note_and_a_photo_are_kept_with_the_outage_report(
    seeded_database_url, monkeypatch, capsys
):
    from tests.support.media_server import PHOTO, MediaServer

    sid, sender = "AC" + "d" * 32, "whatsapp:+966511112222"  # no accounts: the bot asks where
    voice = b"OggS\x00\x02" + bytes(range(200))

    def whatsapp(n: int, body: str, url: str | None = None, kind: str = "image/jpeg") -> dict:
        form = {
            "MessageSid": f"MMout{n}",
            "AccountSid": sid,
            "From": sender,
            "Body": body,
            "NumMedia": "0",
        }
        if url:
            form.update(NumMedia="1", MediaUrl0=url, MediaContentType0=kind)
        return form

    with (
        MediaServer(credentials=(sid, TOKEN)) as media,
        TestClient(app_for(seeded_database_url, twilio_account_sid=sid)) as client,
    ):
        media.files["voice.ogg"] = voice
        asked = messages(post(client, "/twilio/whatsapp", whatsapp(1, "الكهرباء مقطوعة عندنا")))
        assert "وين" in asked[0] or "أين" in asked[0] or "الحي" in asked[0], asked
        held = messages(
            post(client, "/twilio/whatsapp", whatsapp(2, "", media.url("voice.ogg"), "audio/ogg"))
        )
        assert "بنحفظها مع بلاغ الانقطاع" in held[0]  # acknowledged, not "text only"
        made = messages(post(client, "/twilio/whatsapp", whatsapp(3, "حي النسيم بالرياض")))
        reference = next(word for word in " ".join(made).split() if word.startswith("OUT-"))
        assert any("أضفنا ما أرسلته إلى بلاغ الانقطاع" in m for m in made), made
        later = messages(post(client, "/twilio/whatsapp", whatsapp(4, "", media.url())))
        assert later == [f"شكراً لك، أضفنا ما أرسلته إلى بلاغ الانقطاع {reference}."]
    kept = outage_media(seeded_database_url)
    assert [(ref, status, data) for ref, status, _kind, data in kept] == [
        (reference, "stored", voice),
        (reference, "stored", PHOTO),
    ]
    from bot.hazards.models import HazardReport

    with session_scope(seeded_database_url) as session:  # the photo did not become a hazard
        assert session.query(HazardReport).count() == 0
    from bot.cli import main as sadeeq

    monkeypatch.setenv("SADEEQ_DATABASE_URL", seeded_database_url)
    capsys.readouterr()
    assert sadeeq(["outages", "show", "1"]) == 0
    assert re.search(r"^photos and voice notes:\s+2$", capsys.readouterr().out, re.M)


def test_a_photo_with_outage_words_is_kept_with_the_new_report(seeded_database_url):
    from tests.support.media_server import PHOTO, MediaServer

    sid = "AC" + "e" * 32
    with (
        MediaServer(credentials=(sid, TOKEN)) as media,
        TestClient(app_for(seeded_database_url, twilio_account_sid=sid)) as client,
    ):
        form = {
            "MessageSid": "MMout9",
            "AccountSid": sid,
            "From": "whatsapp:+966511113333",
            "Body": "الكهرباء مقطوعة",
            "NumMedia": "1",
            "MediaUrl0": media.url(),
            "MediaContentType0": "image/jpeg",
        }
        asked = messages(post(client, "/twilio/whatsapp", form))
        assert not any("HAZ-" in r for r in asked) and outage_media(seeded_database_url) == []
        answer = {
            "MessageSid": "MMout10",
            "AccountSid": sid,
            "From": "whatsapp:+966511113333",
            "Body": "حي الملز بالرياض",
            "NumMedia": "0",
        }
        replies = messages(post(client, "/twilio/whatsapp", answer))
        # The place in the message itself: the report at once, the photo kept with it.
        named = {**form, "MessageSid": "MMout11", "From": "whatsapp:+966511115555"}
        named["Body"] = "الكهرباء مقطوعة في حي العليا بالرياض"
        at_once = messages(post(client, "/twilio/whatsapp", named))
    assert any("OUT-" in r for r in replies), replies
    assert any("OUT-" in r and "العليا، الرياض" in r for r in at_once), at_once
    first, second = outage_media(seeded_database_url)
    assert (first[1:], second[1:]) == (("stored", "image/jpeg", PHOTO),) * 2
    assert first[0] in " ".join(replies) and second[0] in " ".join(at_once)


def test_whatsapp_menus_go_as_a_list_picker_and_a_tap_reads_as_the_number(seeded_database_url):
    import json

    from tests.support.fake_twilio import FakeTwilio

    sid, sender = "AC" + "f" * 32, "whatsapp:+966511114444"

    def whatsapp(n: int, body: str, **extra: str) -> dict:
        return {
            "MessageSid": f"SMlist{n}",
            "AccountSid": sid,
            "From": sender,
            "Body": body,
            "NumMedia": "0",
            **extra,
        }

    with FakeTwilio() as twilio:
        app = app_for(
            seeded_database_url,
            twilio_account_sid=sid,
            twilio_api_base=twilio.url,
            twilio_whatsapp_from="+966920000000",
            whatsapp_menu_template="HX" + "1" * 32,
            whatsapp_yes_no_template="HX" + "2" * 32,
        )
        with TestClient(app) as client:
            hello = post(client, "/twilio/whatsapp", whatsapp(1, "مرحبا"))
            assert hello.status_code == 200 and messages(hello) == []  # it went by the REST API
            (menu,) = twilio.sent
            assert menu["ContentSid"] == "HX" + "1" * 32 and "Body" not in menu
            assert (menu["To"], menu["From"]) == (sender, "whatsapp:+966920000000")
            assert menu["StatusCallback"] == PUBLIC_URL + "/twilio/status"
            variables = json.loads(menu["ContentVariables"])
            assert sorted(variables, key=int) == [str(n) for n in range(1, 9)]  # text + 7 items
            assert "صديق" in variables["1"] and variables["3"] == "بلاغ انقطاع الكهرباء"

            # The subscriber taps item 2: Twilio sends its id as ListId.
            tapped = post(
                client,
                "/twilio/whatsapp",
                whatsapp(2, "بلاغ انقطاع الكهرباء", ListId="2", ListTitle="بلاغ انقطاع الكهرباء"),
            )
            (asked,) = messages(tapped)  # no choices to show: plain TwiML as before
            assert "وين انقطعت الكهرباء" in asked and len(twilio.sent) == 1

            # Twilio refusing the template: the same menu comes back as numbered text.
            twilio.fail_next(500)
            fallback = messages(post(client, "/twilio/whatsapp", whatsapp(3, "القائمة")))
            assert len(fallback) == 1 and "\n1. " in fallback[0] and "\n7. " in fallback[0]


def test_without_templates_whatsapp_menus_stay_numbered_text(seeded_database_url):
    from tests.support.fake_twilio import FakeTwilio

    with (
        FakeTwilio() as twilio,
        TestClient(
            app_for(
                seeded_database_url,
                twilio_account_sid="AC" + "f" * 32,
                twilio_api_base=twilio.url,
                twilio_whatsapp_from="+966920000000",
            )
        ) as client,
    ):
        (menu,) = messages(
            post(
                client,
                "/twilio/whatsapp",
                {
                    "MessageSid": "SMplain1",
                    "AccountSid": "AC" + "f" * 32,
                    "NumMedia": "0",
                    "From": "whatsapp:+966511115555",
                    "Body": "مرحبا",
                },
            )
        )
    assert "\n1. " in menu and twilio.requests == []


def test_which_replies_a_template_carries():
    from bot.channels.whatsapp_content import ContentTemplates
    from bot.dialogue.messages import Choice, Reply

    templates = ContentTemplates(menu="HXmenu", menu_items=3, yes_no="HXyesno")
    yes_no = Reply("صحيح؟", (Choice("1", "نعم"), Choice("2", "لا، أصحح")))
    assert templates.content_for(yes_no).variables == {"1": "صحيح؟", "2": "نعم", "3": "لا، أصحح"}
    assert templates.content_for(yes_no).sid == "HXyesno"
    three = Reply("اختر", (Choice("1", "أ"), Choice("2", "ب"), Choice("3", "ج")))
    assert templates.content_for(three).sid == "HXmenu"
    assert templates.content_for(Reply("اختر", three.choices[:1])) is None  # no template of one
    too_long = Reply("x", (Choice("1", "نعم"), Choice("2", "لا، أريد أن أصحح ما كتبته")))
    assert templates.content_for(too_long) is None  # a button title is 20 characters at most
    shared = Reply(
        "x", (Choice("share", "Share my number", request_contact=True), Choice("2", "b"))
    )
    assert templates.content_for(shared) is None
    assert not ContentTemplates() and ContentTemplates().content_for(three) is None
