"""The README's example conversation is what the bot says (tests/readme_example.py)."""

from __future__ import annotations

from pathlib import Path

from tests.readme_example import check, example_block, write


def test_the_readme_example_is_what_the_bot_says(database_url: str) -> None:
    written, said = check(database_url=database_url)
    assert said == written, (
        "README.md's example conversation differs from what the bot says; read the difference "
        "with `python -m tests.readme_example` and regenerate it with `--write`"
    )


def test_a_changed_readme_fails_and_write_mends_it(tmp_path: Path, database_url: str) -> None:
    readme = tmp_path / "README.md"
    text = Path(__file__).parent.parent.joinpath("README.md").read_text(encoding="utf-8")
    readme.write_text(text.replace("وعليكم السلام", "أهلاً", 1), encoding="utf-8")
    written, said = check(readme, database_url)
    assert written != said and "أهلاً" in written and "أهلاً" not in said
    write(readme, said)
    mended = readme.read_text(encoding="utf-8")
    start, end = example_block(mended)
    assert "\n".join(mended.split("\n")[start:end]) == said
    assert mended.startswith(text[:200]) and mended.endswith(text[-200:])
