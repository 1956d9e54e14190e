"""What `understand` answers for every corpus line and test-set message, to compare two versions
of the code (a speed-up must not change one answer).

    .venv/bin/python tools/understanding_outputs.py dump OUT.jsonl
    .venv/bin/python tools/understanding_outputs.py compare BEFORE.jsonl AFTER.jsonl

`dump` writes one JSON array a line: text, intent, confidence (repr, every digit), slots,
reply language, runner-up intents; at a fixed clock (2026-11-24 16:00 Riyadh). Besides the
corpus lines and test messages, 5,000 messages made (with a fixed seed) of the words of the
slot data (times, durations, numbers, cities, standards), digits in both scripts, dates and
clock times, and words of the test messages: what the slot finders' shortcuts pass over. `compare`
counts the messages whose answer differs (confidence beyond 1e-9) and those whose confidence
is the same float to the last bit; it exits 1 when any answer differs. Run `dump` on the old
code (e.g. a `git archive` of it) and on the new, with the same model file.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.config import RIYADH  # noqa: E402
from bot.understanding import understand  # noqa: E402
from bot.understanding.vocabulary import load  # noqa: E402

NOW = datetime(2026, 11, 24, 16, 0, tzinfo=RIYADH)
SLOT_DATA = ("times", "durations", "numbers", "cities", "standards")
# Odd messages besides the data: empty, digits only, hostile lengths, a range of hours.
EXTRA = ["", " ", "١٢٣٤٥٦٧٨", "x" * 5000, "فاتورتي " * 300, "8am-5pm", "من ٨ الصبح الى ٤ العصر امس"]


def _strings(value: object) -> list[str]:
    """Every string in a table read from a data file, keys and values."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in [k, *_strings(v)]]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def generated(texts: list[str], count: int = 5000) -> list[str]:
    pool = {w for name in SLOT_DATA for s in _strings(load(name)) for w in s.split()}
    pool |= {"3", "12", "8:30", "٨:٣٠", "١٦/١١", "16/11/2026", "2026", "١٤٤٨", "٣", "5h20", "و20"}
    pool |= {w for text in texts[::40] for w in text.split()[:6]}
    words = sorted(pool)
    pick = random.Random(12)
    return [" ".join(pick.choices(words, k=pick.randint(1, 14))) for _ in range(count)]


def messages() -> list[str]:
    texts = []
    for path in sorted((ROOT / "locales").glob("*/corpus/**/*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                texts.append(line)
    for path in sorted((ROOT / "tests" / "data").glob("*.tsv")):
        for line in path.read_text(encoding="utf-8").splitlines()[1:]:
            if line and not line.startswith("#"):
                texts.append(line.split("\t")[1])
    return texts + EXTRA + generated(texts)


def dump(out: Path) -> None:
    with out.open("w", encoding="utf-8") as fh:
        for text in messages():
            u = understand(text, NOW)
            answer = [text, u.intent, repr(u.confidence), u.slots, u.lang, u.alternatives]
            fh.write(json.dumps(answer, ensure_ascii=False) + "\n")


def compare(before: Path, after: Path) -> int:
    old = [json.loads(line) for line in before.read_text(encoding="utf-8").splitlines()]
    new = [json.loads(line) for line in after.read_text(encoding="utf-8").splitlines()]
    if len(old) != len(new):
        print(f"{len(old)} messages before, {len(new)} after: not the same messages")
        return 1
    differ = same_bits = 0
    for a, b in zip(old, new, strict=True):
        close = abs(float(a[2]) - float(b[2])) <= 1e-9
        if a[0] != b[0] or a[1] != b[1] or a[3:] != b[3:] or not close:
            differ += 1
            if differ <= 10:
                print(f"differs: {a}\n     now: {b}")
        same_bits += a[2] == b[2]
    print(f"{len(old)} messages: {differ} answers differ; {same_bits} confidences bit-identical")
    return 1 if differ else 0


def main() -> int:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("dump").add_argument("out", type=Path)
    both = sub.add_parser("compare")
    both.add_argument("before", type=Path)
    both.add_argument("after", type=Path)
    args = parser.parse_args()
    if args.command == "dump":
        dump(args.out)
        return 0
    return compare(args.before, args.after)


if __name__ == "__main__":
    sys.exit(main())
