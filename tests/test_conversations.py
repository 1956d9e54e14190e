"""Every scenario in tests/conversations/*.chat, played against a real engine and database."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from bot.config import Settings
from tests.conversation_script import load_scenarios, play
from tests.support.media_server import MediaServer

SCRIPTS = sorted((Path(__file__).parent / "conversations").glob("*.chat"))
SCENARIOS = [
    pytest.param(
        s,
        id=f"{s.source} {s.title}",
        marks=[pytest.mark.xfail(reason=s.xfail, strict=False)] if s.xfail else [],
    )
    for path in SCRIPTS
    for s in load_scenarios(path)
]


@pytest.fixture(scope="module")
def photos():
    with MediaServer() as server:
        yield server


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_conversation(scenario, seeded_database_url: str, photos: MediaServer) -> None:
    settings = dataclasses.replace(
        Settings.from_env(), database_url=seeded_database_url, billing_url=None, lang="ar"
    )
    play(scenario, settings, photo_url=photos.url())
