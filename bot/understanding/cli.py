"""`sadeeq classify`: one message a line in, one JSON object a line out."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime

from bot.config import RIYADH
from bot.understanding import understand


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--now",
        type=_aware_time,
        default=None,
        metavar="ISO",
        help="reference time for 'today', 'yesterday' (default: now, Asia/Riyadh)",
    )


def _aware_time(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 time: {value!r}") from exc
    return moment.replace(tzinfo=RIYADH) if moment.tzinfo is None else moment.astimezone(RIYADH)


def classify_line(line: str, now: datetime) -> dict[str, object]:
    try:
        return understand(line, now).as_json(line)
    except Exception:  # noqa: BLE001 - one bad line must not stop a batch; report it as unknown
        return {"text": line, "intent": "unknown", "confidence": 0.0, "slots": {}}


def run(args: argparse.Namespace) -> int:
    now = args.now or datetime.now(RIYADH)
    stdin = sys.stdin.buffer if hasattr(sys.stdin, "buffer") else None
    lines = (b.decode("utf-8", "replace") for b in stdin) if stdin else sys.stdin
    for line in lines:
        text = line.rstrip("\r\n")
        sys.stdout.write(json.dumps(classify_line(text, now), ensure_ascii=False) + "\n")
        sys.stdout.flush()
    return 0
