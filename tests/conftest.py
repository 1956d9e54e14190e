"""Fixtures shared by every test module: a fresh database, empty or with the demo data."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.billing.demo import seed_demo
from bot.storage.db import create_schema


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """A fresh SQLite file with the whole schema and no rows."""
    url = f"sqlite:///{tmp_path / 'sadeeq.sqlite'}"
    create_schema(url)
    return url


@pytest.fixture
def seeded_database_url(database_url: str) -> str:
    """The schema plus the demo data (fixed identities + 17 generated subscribers), as of
    today in Riyadh so that bill statuses read as a subscriber would see them now."""
    seed_demo(database_url, subscribers=20)
    return database_url
