"""`sadeeq intents train|evaluate|slots`: rebuild the intent model from the corpus; measure it.

    sadeeq intents train                      corpus → bot/understanding/data/intent_model.npz
    sadeeq intents evaluate [TSV ...] [--cv]  accuracy tables (Markdown) for the dev split and
                                              each test set; --cv adds 5-fold cross-validation
    sadeeq intents slots TSV ...              how often the time slots are read right, per set
                                              (bot/understanding/slot_evaluation.py)
Both need the development dependencies (scikit-learn): `pip install -e '.[dev]'`.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=("train", "evaluate", "slots"))
    parser.add_argument(
        "test_sets",
        nargs="*",
        type=Path,
        metavar="TSV",
        help="labelled test sets (columns intent, text; for slots: now, text, start, ...)",
    )
    parser.add_argument("--cv", action="store_true", help="add 5-fold cross-validation")
    parser.add_argument("--misses", action="store_true", help="list the misunderstood messages")


def run(args: argparse.Namespace) -> int:
    from bot.understanding.corpus import examples, load_tsv

    if args.action == "train":
        from bot.understanding.model import MODEL_PATH
        from bot.understanding.training import build

        built = build()
        model = built.model
        model.save(MODEL_PATH)
        print(
            f"{MODEL_PATH}: {len(model.index)} features, C={model.strength:g}, not sure when "
            f"the best request < {model.accept:.2f} or off-topic >= {model.off_topic:.2f} "
            f"(out of fold over train + dev: accuracy {100 * built.accuracy:.1f}%, off-topic "
            f"taken for a request {100 * built.off_topic_accepted:.1f}%)"
        )
        return 0

    if args.action == "slots":
        from bot.understanding.slot_evaluation import score_slots

        for path in args.test_sets:
            read = score_slots(path)
            print(read.markdown())
            if args.misses:
                print("\n".join(f"    {line}" for line in read.misses()) + "\n")
        return 0

    from bot.understanding.evaluation import cross_validation, score
    from bot.understanding.training import FOLDS

    reports = [score("dev split (locales/*/corpus/dev)", examples("dev"))]
    reports += [score(str(path), load_tsv(path)) for path in args.test_sets]
    for report in reports:
        print(report.markdown() + "\n")
        if args.misses:
            for miss in report.misses():
                print(f"    {miss.truth} → {miss.guess}: {miss.text}")
            print()
    if args.cv:
        accuracy, accepted = cross_validation(examples("train") + examples("dev"))
        print(
            f"**{FOLDS}-fold cross-validation over train + dev** (model alone, at the running "
            f"model's thresholds, which were chosen on these scores): accuracy "
            f"{100 * accuracy:.1f}%, off-topic taken for a request {100 * accepted:.1f}%"
        )
    return 0
