"""Settings are checked when a command starts: one clear line for each bad value, exit 2, no
traceback; good values and defaults pass."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from bot.config import PROJECT_ROOT, Settings, SettingsError

BAD = {
    "SADEEQ_RATE_LIMIT_PER_MINUTE": "abc",
    "SADEEQ_ACCOUNT_MISSES_PER_HOUR": "-3",
    "SADEEQ_BILLING_TIMEOUT": "0",
    "SADEEQ_LANG": "fr",
    "SADEEQ_PUBLIC_URL": "bot.example.sa",
    "SADEEQ_SESSION_IDLE_MINUTES": "0",
    "SADEEQ_DELIVERIES_RETENTION_DAYS": "-1",
    "SADEEQ_AGENT_PHONE": "call us",
}


def test_serve_with_bad_settings_names_each_one_and_exits_2(tmp_path):
    env = {**os.environ, **BAD, "SADEEQ_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}"}
    done = subprocess.run(
        [sys.executable, "-m", "bot", "serve", "--port", "0"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert len(lines) == len(BAD)
    for name in BAD:
        assert sum(name in line for line in lines) == 1, name
    assert not (tmp_path / "db.sqlite").exists()  # nothing started


def test_good_values_and_defaults(monkeypatch):
    for name in BAD:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SADEEQ_RATE_LIMIT_PER_MINUTE", "0")
    monkeypatch.setenv("SADEEQ_BILLING_TIMEOUT", "2.5")
    monkeypatch.setenv("SADEEQ_LANG", "en")
    settings = Settings.from_env()
    assert (settings.rate_limit_per_minute, settings.billing_timeout_seconds, settings.lang) == (
        0,
        2.5,
        "en",
    )
    assert settings.deliveries_retention_days == 30


@pytest.mark.parametrize(
    "name, value",
    [
        ("SADEEQ_REDIS_URL", "localhost:6379"),
        ("SADEEQ_DATABASE_URL", "mysql://x/y"),
        ("SADEEQ_BILLING_URL", "billing.internal/api"),
    ],
)
def test_urls_without_a_usable_scheme_are_refused(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=name):
        Settings.from_env()
