"""The README's example conversation, replayed through the terminal chat with the demo data.

The subscriber's lines ("أنت › …") are taken from the README's first such block and sent, one by
one, through `bot.channels.terminal.exchange` as the demo subscriber, on a fixed clock against
demo data seeded for that day; the bot's replies are written as `sadeeq chat` shows them.
tests/test_readme_example.py fails when the README says anything else. After a deliberate change
of wording, regenerate the block (and read it) with:

    PYTHONPATH=$PWD .venv/bin/python -m tests.readme_example --write
"""

from __future__ import annotations

import argparse
import dataclasses
import difflib
import sys
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path

from bot.billing.demo import DEMO_PHONE, seed_demo
from bot.channels.terminal import BOT, YOU, as_said, exchange
from bot.config import PROJECT_ROOT, RIYADH, Settings
from bot.dialogue.engine import Engine

README = PROJECT_ROOT / "README.md"
# The day the example happens: the demo bills are issued relative to it.
TODAY = date(2026, 11, 30)
START = datetime(2026, 11, 30, 10, 0, tzinfo=RIYADH)
FENCE = "```"


def example_block(readme: str) -> tuple[int, int]:
    """Line indexes (start, end) of the first fenced block that begins with the subscriber."""
    lines = readme.split("\n")
    for start, line in enumerate(lines):
        if line.strip() == FENCE and start + 1 < len(lines) and lines[start + 1].startswith(YOU):
            end = lines.index(FENCE, start + 1)
            return start + 1, end
    raise LookupError(f"no block beginning with {YOU!r} in the README")


def subscriber_lines(block: list[str]) -> list[str]:
    return [line[len(YOU) :] for line in block if line.startswith(YOU)]


def replay(messages: list[str], database_url: str) -> list[str]:
    """The conversation as `sadeeq chat` shows it: each message, then each reply under it."""
    settings = dataclasses.replace(
        Settings.from_env(), database_url=database_url, billing_url=None, lang="ar"
    )
    engine = Engine(settings)
    lines: list[str] = []
    for n, text in enumerate(messages):
        at = START + timedelta(seconds=30 * n)
        lines.append(YOU + text)
        for reply in exchange(engine, DEMO_PHONE, text, at, f"readme-{n}"):
            lines += as_said(reply).split("\n")
    return lines


def check(readme_path: Path = README, database_url: str | None = None) -> tuple[str, str]:
    """(what the README says, what the bot says), both as the block's text."""
    readme = readme_path.read_text(encoding="utf-8")
    start, end = example_block(readme)
    block = readme.split("\n")[start:end]
    with tempfile.TemporaryDirectory() as tmp:
        url = database_url or f"sqlite:///{tmp}/readme.sqlite"
        seed_demo(url, subscribers=20, today=TODAY)
        said = replay(subscriber_lines(block), url)
    return "\n".join(block), "\n".join(said)


def write(readme_path: Path, said: str) -> None:
    readme = readme_path.read_text(encoding="utf-8")
    start, end = example_block(readme)
    lines = readme.split("\n")
    readme_path.write_text("\n".join([*lines[:start], said, *lines[end:]]), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--write", action="store_true", help="rewrite the README's block")
    args = parser.parse_args(argv)
    written, said = check()
    if written == said:
        print("README example matches the bot")
        return 0
    if args.write:
        write(README, said)
        print(f"README example rewritten ({said.count(BOT)} replies)")
        return 0
    sys.stdout.writelines(
        difflib.unified_diff(
            written.splitlines(True), said.splitlines(True), "README.md", "the bot", n=1
        )
    )
    print("\nrun `python -m tests.readme_example --write` to regenerate it")
    return 1


if __name__ == "__main__":
    sys.exit(main())
