"""Billing demo data at scale: seeding speed and lookup latency on SQLite.

    .venv/bin/python bench/bench_billing.py [--subscribers N] [--months M] [--lookups K]

Baselines measured in the same run: the same rows written with raw sqlite3 `executemany`
(no generation, no SQLAlchemy), and the same lookups as raw sqlite3 queries.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.billing.demo import (  # noqa: E402
    account_row,
    bills_of,
    demo_phone_numbers,
    demo_subscribers,
    seed_demo,
)
from bot.billing.embedded import EmbeddedBilling  # noqa: E402
from bot.storage.db import create_schema  # noqa: E402

TODAY = date(2026, 3, 5)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subscribers", type=int, default=100_000)
    parser.add_argument("--months", type=int, default=1)
    parser.add_argument("--lookups", type=int, default=2000)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-billing-"))

    url = f"sqlite:///{work / 'seeded.sqlite'}"
    started = time.perf_counter()
    report = seed_demo(url, subscribers=args.subscribers, today=TODAY, months=args.months)
    seed_s = time.perf_counter() - started
    started = time.perf_counter()
    seed_demo(url, subscribers=args.subscribers, today=TODAY, months=args.months)
    rerun_s = time.perf_counter() - started

    # Baseline: rows prepared in advance, written with plain sqlite3 into the same schema.
    raw_url = work / "raw.sqlite"
    create_schema(f"sqlite:///{raw_url}")
    started = time.perf_counter()
    subscribers = list(demo_subscribers(args.subscribers))
    accounts = [tuple(account_row(s).values()) for s in subscribers]
    bills = [tuple(b.values()) for s in subscribers for b in bills_of(s, TODAY, args.months)]
    generate_s = time.perf_counter() - started
    with sqlite3.connect(raw_url) as raw:
        started = time.perf_counter()
        raw.executemany(f"INSERT INTO billing_accounts VALUES ({','.join('?' * 8)})", accounts)
        raw.executemany(
            "INSERT INTO billing_bills (account, issue_date, period_start, period_end, due_date,"
            " kwh, amount_halalas, previous_balance_halalas, paid) VALUES"
            f" ({','.join('?' * 9)})",
            bills,
        )
        raw.commit()
        raw_insert_s = time.perf_counter() - started

    phones = random.Random(7).choices(demo_phone_numbers(args.subscribers - 3), k=args.lookups)
    billing = EmbeddedBilling(url, today=lambda: TODAY)
    started = time.perf_counter()
    for phone in phones:
        for account in billing.accounts_for_phone(phone):
            billing.latest_bill(account.account)
    adapter_s = time.perf_counter() - started
    with sqlite3.connect(work / "seeded.sqlite") as raw:
        started = time.perf_counter()
        for phone in phones:
            for (account,) in raw.execute(
                "SELECT account FROM billing_accounts WHERE phone = ?", (phone,)
            ).fetchall():
                raw.execute(
                    "SELECT * FROM billing_bills WHERE account = ? ORDER BY issue_date"
                    " DESC LIMIT 1",
                    (account,),
                ).fetchone()
        raw_lookup_s = time.perf_counter() - started

    print(
        f"subscribers={args.subscribers} months={args.months}: "
        f"{report.accounts_added} accounts, {report.bills_added} bills"
    )
    print(f"seed_demo            {seed_s:8.2f} s  ({report.bills_added / seed_s:,.0f} bills/s)")
    print(f"  rerun (idempotent) {rerun_s:8.2f} s")
    print(f"baseline: generate   {generate_s:8.2f} s  + raw sqlite3 insert {raw_insert_s:.2f} s")
    print(
        f"  ratio seed_demo / (generate + raw insert) = {seed_s / (generate_s + raw_insert_s):.2f}"
    )
    print(f"lookup (phone → accounts → latest bill), {args.lookups} phones:")
    print(f"  EmbeddedBilling    {adapter_s / args.lookups * 1000:8.3f} ms each")
    print(
        f"  raw sqlite3        {raw_lookup_s / args.lookups * 1000:8.3f} ms each"
        f"  (ratio {adapter_s / raw_lookup_s:.1f}×)"
    )


if __name__ == "__main__":
    main()
