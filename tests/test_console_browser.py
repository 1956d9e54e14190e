"""The console in a real headless Chromium (Debian's, driven by Playwright) against a real
`sadeeq serve` with its own SQLite and a local stand-in for Twilio's API: incidents made by
signed WhatsApp reports, an estimate and a restoration sent through the console, a message the
bot did not understand labelled and exported. Screenshots of the main pages in Arabic and
English go to var/screenshots/ (printed at the end) for a person to look at.

Skipped when /usr/bin/chromium or playwright is missing, except in CI (CI=true), where that is
a failure: `.ci/run` installs chromium.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from twilio.request_validator import RequestValidator

from tests.support.fake_twilio import FakeTwilio

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
SHOTS = ROOT / "var" / "screenshots"
TOKEN = "browser-test-twilio-token"
PASSWORD = "a password for the browser test"
REPORTERS = ["+966501230001", "+966501230002", "+966501230003"]
HAZARD_REPORTER = "+966501230004"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _playwright():
    missing = None
    if not CHROMIUM.exists():
        missing = f"{CHROMIUM} is not installed (apt-get install chromium)"
    else:
        try:
            from playwright.sync_api import sync_playwright

            return sync_playwright
        except ImportError:
            missing = "playwright is not installed (pip install -e '.[dev]')"
    if os.environ.get("CI") == "true":
        pytest.fail(f"browser tests cannot run in CI: {missing}")
    pytest.skip(missing)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, base: str, env: dict[str, str]) -> None:
        self.base = base
        self.env = env

    def sadeeq(self, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "bot", *args],
            input=stdin,
            capture_output=True,
            text=True,
            env=self.env,
            cwd=ROOT,
            timeout=120,
        )

    def whatsapp(self, sid: str, sender: str, body: str, **extra: str) -> None:
        params = {
            **extra,
            "MessageSid": sid,
            "AccountSid": "AC123",
            "From": f"whatsapp:{sender}",
            "To": "whatsapp:+966920000000",
            "Body": body,
            "NumMedia": "0",
        }
        url = f"{self.base}/twilio/whatsapp"
        signature = RequestValidator(TOKEN).compute_signature(url, params)
        answer = httpx.post(url, data=params, headers={"X-Twilio-Signature": signature})
        assert answer.status_code == 200, answer.text

    def status(self, sid: str, status: str, error_code: str = "") -> None:
        """Twilio's status callback for a message we sent, signed as Twilio signs it."""
        params = {"MessageSid": sid, "AccountSid": "AC123", "MessageStatus": status}
        params["ErrorCode"] = error_code
        url = f"{self.base}/twilio/status"
        signature = RequestValidator(TOKEN).compute_signature(url, params)
        answer = httpx.post(url, data=params, headers={"X-Twilio-Signature": signature})
        assert answer.status_code in (200, 204), answer.text

    def report_outage(self, n: int, sender: str) -> None:
        self.whatsapp(f"SMout{n}a", sender, "الكهرباء طافية")
        self.whatsapp(f"SMout{n}b", sender, "العليا، الرياض")


@pytest.fixture(scope="module")
def twilio() -> Iterator[FakeTwilio]:
    with FakeTwilio() as fake:
        yield fake


@pytest.fixture(scope="module")
def server(tmp_path_factory, twilio: FakeTwilio) -> Iterator[Server]:
    _playwright()
    folder = tmp_path_factory.mktemp("console-browser")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "SADEEQ_DATABASE_URL": f"sqlite:///{folder / 'db.sqlite'}",
        "SADEEQ_PUBLIC_URL": base,
        "SADEEQ_CONSOLE_SECRET": "browser-test-console-secret",
        "TWILIO_AUTH_TOKEN": TOKEN,
        "TWILIO_ACCOUNT_SID": "AC123",
        "TWILIO_WHATSAPP_FROM": "+15005550006",
        "TWILIO_SMS_FROM": "+15005550006",
        "TWILIO_API_BASE": twilio.url,
    }
    env.pop("SADEEQ_REDIS_URL", None)
    env.pop("SADEEQ_MAP_TILES_URL", None)  # no tiles from the internet: points on plain ground
    made = Server(base, env)
    added = made.sadeeq("operators", "add", "amal", stdin=PASSWORD + "\n")
    assert added.returncode == 0, added.stderr
    log = (folder / "serve.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        for _ in range(240):
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.25)
        else:
            pytest.fail(f"sadeeq serve did not start: {(folder / 'serve.log').read_text()}")
        for n, reporter in enumerate(REPORTERS[:2]):
            made.report_outage(n, reporter)
        made.whatsapp("SMnu1", REPORTERS[2], "بطاطس مقلية بالجبن")
        made.whatsapp("SMho1", REPORTERS[1], "ابي اكلم موظف لو سمحت")
        # A hazard and a second outage, each with a shared location: points on the maps.
        made.whatsapp("SMhz1", HAZARD_REPORTER, "في سلك كهرباء مكشوف عند بيتنا")
        made.whatsapp("SMhz2", HAZARD_REPORTER, "", Latitude="24.6912", Longitude="46.6853")
        made.whatsapp("SMloc1", HAZARD_REPORTER, "الكهرباء طافية")
        made.whatsapp("SMloc2", HAZARD_REPORTER, "", Latitude="24.7136", Longitude="46.6753")
        yield made
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


@pytest.fixture(scope="module")
def browser(server):
    sync_playwright = _playwright()
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def page(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="ar-SA")
    tab = context.new_page()
    tab.on("dialog", lambda dialog: dialog.accept())
    tab.set_default_timeout(15_000)
    yield tab
    context.close()


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_1_sign_in_and_see_the_incident_of_the_whatsapp_reports(page, server):
    page.goto(f"{server.base}/console/incidents")
    assert page.url.endswith("/console/signin")
    assert page.locator("html").get_attribute("dir") == "rtl"
    shot(page, "signin-ar")
    page.fill("input[name=name]", "amal")
    page.fill("input[name=password]", "not the password")
    page.click("button[type=submit]")
    assert "غير صحيحة" in page.inner_text(".note.bad")
    page.fill("input[name=name]", "amal")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/console/incidents")
    row = page.locator("#incident-rows tr", has_text="INC-000001")
    assert row.locator("td.num").first.inner_text() == "2"
    assert "العليا" in row.inner_text()


def test_2_the_list_refreshes_itself_when_a_report_comes(page, server):
    server.report_outage(2, REPORTERS[2])
    row = page.locator("#incident-rows tr", has_text="INC-000001")
    row.locator("td.num", has_text="3").wait_for(timeout=15_000)
    assert page.url.endswith("/console/incidents")  # no reload: the table body was replaced
    shot(page, "incidents-ar")


def test_3_a_new_estimate_is_sent_to_every_reporter_and_recorded(page, server, twilio):
    page.click("text=INC-000001")
    page.wait_for_url("**/console/incidents/INC-000001")
    shot(page, "incident-ar")
    before = len(twilio.sent)
    page.fill("#update-form input[name=eta]", "2099-01-01T18:30")
    page.fill("#update-form input[name=cause]", "عطل في المغذي")
    page.click("#update-form button[type=submit]")
    page.wait_for_url("**done=estimate")
    deadline = time.monotonic() + 15
    while len(twilio.sent) < before + 3 and time.monotonic() < deadline:
        time.sleep(0.2)
    told = twilio.sent[before:]
    assert sorted(m["To"] for m in told) == sorted(f"whatsapp:{r}" for r in REPORTERS)
    assert all("عطل في المغذي" in m["Body"] for m in told)
    # Twilio says later: two arrived, one did not (the handset was unreachable).
    sids = [f"SM{n:032x}" for n in range(before + 1, before + 4)]
    server.status(sids[0], "delivered")
    server.status(sids[1], "read")
    server.status(sids[2], "undelivered", "30003")
    page.reload()
    notices = page.locator("table.counts tr", has_text="الموعد المتوقع رقم 1")
    sent, delivered, undelivered = (notices.locator("td.num").nth(i).inner_text() for i in range(3))
    assert (sent, delivered, undelivered) == ("3", "2", "1")
    assert "30003" in page.locator("main").inner_text()  # the failure, listed


def test_4_restore_tells_every_reporter(page, server, twilio):
    before = len(twilio.sent)
    page.click("#restore-form button[type=submit]")
    page.wait_for_url("**done=restore")
    deadline = time.monotonic() + 15
    while len(twilio.sent) < before + 3 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(twilio.sent) == before + 3
    page.reload()
    assert page.locator("table.counts tr", has_text="عودة الكهرباء").count() == 1
    assert page.locator("#restore-form").count() == 0
    shot(page, "incident-restored-ar")


def test_5_label_a_message_not_understood_and_export_it(page, server, tmp_path):
    page.click("nav >> text=لم تُفهم")
    row = page.locator("tr", has_text="بطاطس مقلية بالجبن")
    assert REPORTERS[2] not in page.content()
    row.locator("select[name=intent]").select_option("bill")
    row.locator("button[type=submit]").click()
    page.wait_for_url("**done=label")
    shot(page, "not-understood-ar")
    exported = server.sadeeq("corpus", "export", "--out", str(tmp_path))
    assert exported.returncode == 0, exported.stderr
    lines = (tmp_path / "ar" / "corpus" / "bill.txt").read_text(encoding="utf-8").splitlines()
    assert "بطاطس مقلية بالجبن" in lines


def test_6_a_hazard_on_the_map_assigned_and_resolved(page, server, twilio):
    page.click("nav >> text=المخاطر")
    assert page.locator("#map .leaflet-interactive").count() == 1  # the hazard's point
    shot(page, "hazards-ar")
    page.click("text=HZ-000001")
    page.fill("input[name=to]", "فرقة الطوارئ ٣")
    page.click("form[action$=assign] button")
    page.wait_for_url("**done=assign")
    before = len(twilio.sent)
    page.click("form[action$=resolve] button")
    page.wait_for_url("**done=resolve")
    deadline = time.monotonic() + 15
    while len(twilio.sent) < before + 1 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert [m["To"] for m in twilio.sent[before:]] == [f"whatsapp:{HAZARD_REPORTER}"]
    assert HAZARD_REPORTER not in page.content()
    page.goto(f"{server.base}/console/incidents/INC-000002")
    assert page.locator("#map .leaflet-interactive").count() >= 1
    shot(page, "incident-map-ar")


def test_7_every_page_in_both_languages_and_the_audit_trail(page, server):
    for name in ("hazards?all=1", "notices", "handovers", "audit"):
        page.goto(f"{server.base}/console/{name}")
        shot(page, f"{name.split('?')[0]}-ar")
    page.goto(f"{server.base}/console/handovers")
    assert "ابي اكلم موظف" in page.inner_text("main") and REPORTERS[1] not in page.content()
    page.goto(f"{server.base}/console/audit")
    trail = page.inner_text("main")
    assert "عودة الكهرباء" in trail and "تصنيف رسالة" in trail  # incident restored, labelled
    page.click("a.switch")  # English
    assert page.locator("html").get_attribute("dir") == "ltr"
    for name in ("incidents?all=1", "incidents/INC-000001", "hazards/HZ-000001", "notices"):
        page.goto(f"{server.base}/console/{name}")
        shot(page, f"{name.split('?')[0].replace('/', '-')}-en")
    assert "Notices" in page.inner_text("nav")
    page.set_viewport_size({"width": 820, "height": 1180})  # a tablet, upright
    page.goto(f"{server.base}/console/incidents/INC-000001?lang=ar")
    shot(page, "incident-tablet-ar")
    print(f"\nconsole screenshots: {SHOTS}")


def test_8_signing_out_ends_the_session(page, server):
    page.click("text=تسجيل الخروج")
    page.wait_for_url("**/console/signin")
    page.goto(f"{server.base}/console/incidents")
    assert page.url.endswith("/console/signin")
