"""`sadeeq classify`: one JSON object a line, for every line, whatever the line holds."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def classify(stdin: bytes, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "classify", *args],
        input=stdin,
        capture_output=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )


def test_one_object_per_line_with_slots_resolved_against_now() -> None:
    lines = ["الكهربا طافية من ٨ الصبح", "fatoorti kam", "STOP", "", "\x00\x01 😀", "٣٠٠١٢٣٤٥٦٧٨"]
    stdin = "\n".join(lines).encode() + b"\n\xff\xfe broken utf-8\n"
    done = classify(stdin, "--now", "2026-11-24T16:00")
    assert done.returncode == 0, done.stderr
    out = done.stdout.decode("utf-8").splitlines()
    assert len(out) == len(lines) + 1
    rows = [json.loads(line) for line in out]
    assert all(set(r) == {"text", "intent", "confidence", "slots"} for r in rows)
    assert rows[0] == {
        "text": "الكهربا طافية من ٨ الصبح",
        "intent": "outage_report",
        "confidence": rows[0]["confidence"],
        "slots": {"start": "2026-11-24T08:00:00+03:00", "ongoing": True},
    }
    assert "الكهربا" in out[0]  # ensure_ascii=False
    assert rows[1]["intent"] == "bill" and rows[2]["intent"] == "stop"
    assert rows[5]["slots"] == {"account": "30012345678"}
    assert all(round(r["confidence"], 3) == r["confidence"] for r in rows)


def test_bad_now_is_one_clear_line() -> None:
    done = classify(b"hi\n", "--now", "yesterday-ish")
    assert done.returncode == 2
    assert done.stderr.decode().count("\n") == 1 and "--now" in done.stderr.decode()
