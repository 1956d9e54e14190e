"""The webhook's own signature check (`SignatureCheck`) gives twilio's `RequestValidator`'s
verdict on every form: signed with or without the port, any algorithm name, repeated fields,
any text, forged or altered."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.datastructures import FormData
from twilio.request_validator import HMAC_SHA1, HMAC_SHA256, RequestValidator

from bot.channels.twilio_webhook import SignatureCheck

TOKEN = "twilio-auth-token-for-tests"
URLS = [
    "https://sadeeq.example.sa/twilio/whatsapp",
    "https://sadeeq.example.sa:443/twilio/whatsapp",
    "https://sadeeq.example.sa:8443/twilio/sms?x=1&y=%D8%A7",
    "http://127.0.0.1/twilio/whatsapp",
    "http://127.0.0.1:80/twilio/status",
    "http://127.0.0.1:8000/twilio/whatsapp?bodySHA256=abc",
]
names = st.sampled_from(["Body", "From", "MessageSid", "NumMedia", "MediaUrl0", "x", ""])
texts = st.text(max_size=12)
forms = st.lists(st.tuples(names | texts, texts), max_size=8)
algorithms = st.sampled_from([HMAC_SHA1, HMAC_SHA256, "hmac_sha256", "", "MD5"])


@settings(max_examples=400, deadline=None)
@given(
    url=st.sampled_from(URLS),
    signed_url=st.sampled_from(URLS),
    pairs=forms,
    signed_pairs=forms,
    algorithm=algorithms,
    signed_with=st.sampled_from([HMAC_SHA1, HMAC_SHA256]),
    token=st.sampled_from([TOKEN, "another-token"]),
    forged=st.none() | st.text(max_size=30),
)
def test_the_same_verdict_as_twilios_validator(
    url, signed_url, pairs, signed_pairs, algorithm, signed_with, token, forged
) -> None:
    twilio = RequestValidator(TOKEN)
    signer = RequestValidator(token)
    if forged is not None:
        signature = forged
    else:
        # Often a genuine signature: of this form (or another) at this URL (or another).
        signature = signer.compute_signature(signed_url, FormData(signed_pairs), signed_with)
    expected = twilio.validate(url, FormData(pairs), signature, algorithm)
    assert SignatureCheck(TOKEN).valid(url, pairs, signature, algorithm) is expected


def test_genuine_signatures_pass_with_or_without_the_port_and_altered_ones_fail() -> None:
    pairs = [("Body", "الكهرباء طافية"), ("From", "whatsapp:+966500000003"), ("Body", "ب")]
    check = SignatureCheck(TOKEN)
    for signed in (
        "https://sadeeq.example.sa/twilio/whatsapp",
        "https://sadeeq.example.sa:443/twilio/whatsapp",
    ):
        for algorithm in (HMAC_SHA1, HMAC_SHA256):
            signature = RequestValidator(TOKEN).compute_signature(
                signed, FormData(pairs), algorithm
            )
            assert check.valid(
                "https://sadeeq.example.sa/twilio/whatsapp", pairs, signature, algorithm
            )
            assert not check.valid(
                "https://sadeeq.example.sa/twilio/whatsapp",
                [*pairs, ("x", "")],
                signature,
                algorithm,
            )
            assert not check.valid(
                "https://sadeeq.example.sa/twilio/sms", pairs, signature, algorithm
            )
