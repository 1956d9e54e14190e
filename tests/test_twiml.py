"""The TwiML of an answer is written directly; it must be what twilio's MessagingResponse
writes for the same parts, character for character, whatever the texts hold."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from twilio.twiml.messaging_response import MessagingResponse

from bot.channels.render import split_message
from bot.channels.twilio_webhook import twiml


def library_twiml(texts: list[str], channel: str) -> str:
    response = MessagingResponse()
    for text in texts:
        for part in split_message(text, channel):
            response.message(part)
    return str(response)


_TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from("<>&\"' \n\r\t]]>سلام١٢٣💡\u200f"),
        st.characters(blacklist_categories=("Cs",)),
    ),
    max_size=60,
)


@settings(max_examples=300, deadline=None)
@given(texts=st.lists(_TEXT, max_size=4), channel=st.sampled_from(["whatsapp", "sms"]))
def test_twiml_is_what_the_library_writes(texts: list[str], channel: str) -> None:
    assert twiml(texts, channel) == library_twiml(texts, channel)


def test_a_long_answer_is_split_into_messages_as_the_library_would() -> None:
    texts = ["أ" * 1700 + " & <b>", "ثاني"]
    assert twiml(texts, "whatsapp") == library_twiml(texts, "whatsapp")
    assert twiml(texts, "whatsapp").count("<Message>") == 3
