"""The learned intent model: its corpus, its reproducibility, and its accuracy on test sets that
were never trained on (written by people who had not read the corpus)."""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from bot.text import normalize
from bot.understanding.corpus import INTENTS, REQUESTS, examples, load_tsv
from bot.understanding.evaluation import SHOW_MISSES, held_out, score
from bot.understanding.model import MODEL_PATH, load

DATA = Path(__file__).parent / "data"
# Each test set with the accuracy it must keep and the share of its off-topic messages that may
# be taken for a request: what was measured on the running model, less (more) one point;
# bench/RESULTS.md has the tables. Measured on 2026-12-02 (twelfth session), one pair of "not
# sure" thresholds for every length and a cap of 4.5% chosen on the dev sets: labelled 97.9%
# (0.0%), blind 97.1% (2.3%), safety 97.3% (0 of 16), fresh 98.3% (4.1%), fresh2 96.9% (3.8%),
# fresh3 95.1% (4.8%), fresh4 98.5% (1.8%), fresh5_long 92.3% (5.0%), fresh5_short 95.4%
# (0.0%), fresh6 96.5% (0.0%), fresh7 96.7% (8.5%), fresh8 96.3% (0.0%) and fresh9 (380 written
# blind this session, 290 after dropping those already in the corpus or another set; 94.8% on
# arrival, 0 of its off-topic taken) 95.5% (0.0%). With another service named and nothing of
# electricity read as off-topic (the same session): fresh2 97.2% (1.9%), fresh4 98.8% (0.0%),
# fresh7 96.9% (6.4%), the others unchanged. fresh10 (380 written blind on 2026-12-03, 273 kept)
# on arrival with that model: 96.3% (3.4%). fresh11 (380 written blind on 2026-12-03 by the
# fifteenth session, the 14 "goodbye" lines of a wrong brief dropped, 253 kept) on arrival with
# the same model: 97.6% (2.0%). Then corpus round 15 (389 training lines written blind, kept on
# the dev sets' figures: +10 messages of 4,546, off-topic taken down on three dev sets), measured
# once after that choice: labelled 97.9% (0.0%), blind 97.0% (2.3%), safety 96.7% (1 of 16),
# fresh 98.3% (4.1%), fresh2 97.4% (1.9%), fresh3 95.3% (4.8%), fresh4 98.2% (0.0%), fresh5_long
# 93.0% (5.0%), fresh5_short 95.4% (0.0%), fresh6 97.2% (0.0%), fresh7 97.5% (4.3%), fresh8 97.2%
# (0.0%), fresh9 95.5% (2.1%), fresh10 96.7% (0.0%), fresh11 98.0% (2.0%). fresh12 (380 written
# blind on 2026-12-03 by the sixteenth session, 239 kept) on arrival with the same model: 97.5%
# (0.0%); unchanged by the request a greeting opens being read alone. Then a compensation case
# gives way to a status or bill question the model is 90% sure of (chosen on the dev sets:
# +18 of 4,815), measured once after: blind 97.4%, fresh2 98.2%, fresh3 95.6%, fresh4 98.5%,
# fresh5_long 94.0%, fresh7 97.8%, fresh11 98.8%, fresh12 97.9% (off-topic taken unchanged),
# the others unchanged. fresh17 (420 written blind on 2026-12-03 by the seventeenth session, 293
# kept) on arrival with that model: 98.0% (0.0%). fresh18 (420 written blind on 2026-12-03 by the
# eighteenth session, 299 kept) on arrival with the same model: 97.0% (0.0%). Then electricity
# abroad and airline trips read as off-topic (chosen on the dev sets: +18, none lost), measured
# once after: fresh3 96.1% (1.6%), fresh5_long 93.7% (5.0%), fresh8 96.9%, fresh11 99.2% (0.0%),
# the others unchanged; the abroad rule narrowed after a cold review (the place said "in", not
# beside one's own premise; a trip no other service): fresh5_long 94.0%, fresh8 97.2% again.
TEST_SETS = {
    "labelled_messages.tsv": (0.969, 0.01),
    "blind_messages.tsv": (0.964, 0.033),
    "hazard_messages.tsv": (0.957, 0.072),
    "fresh_messages.tsv": (0.973, 0.051),
    "fresh2_messages.tsv": (0.972, 0.029),
    "fresh3_messages.tsv": (0.951, 0.026),
    "fresh4_messages.tsv": (0.975, 0.01),
    "fresh5_long_messages.tsv": (0.930, 0.060),
    "fresh5_short_messages.tsv": (0.944, 0.01),
    "fresh6_messages.tsv": (0.962, 0.01),
    "fresh7_messages.tsv": (0.968, 0.053),
    "fresh8_messages.tsv": (0.962, 0.01),
    "fresh9_messages.tsv": (0.945, 0.031),
    "fresh10_messages.tsv": (0.957, 0.01),
    "fresh11_messages.tsv": (0.982, 0.01),
    "fresh12_messages.tsv": (0.969, 0.01),
    "fresh17_messages.tsv": (0.970, 0.01),
    "fresh18_messages.tsv": (0.960, 0.01),
}

TRAIN = examples("train")
DEV = examples("dev")


def test_the_corpus_is_large_and_covers_every_intent() -> None:
    counts = Counter(e.intent for e in TRAIN + DEV)
    assert sum(counts.values()) >= 4000
    for intent in INTENTS:
        wanted = 250 if intent in REQUESTS else 300 if intent == "unknown" else 60
        assert counts[intent] >= wanted, (intent, counts[intent])
    assert {e.source for e in TRAIN} == {"ar", "ar.arabizi", "en"}


def _words(text: str) -> frozenset[str]:
    """A message as the set of its words: the model hardly sees word order, so a line with the
    same words in another order counts as the same message."""
    return frozenset(normalize(text).split())


def test_dev_and_test_sets_are_never_trained_on() -> None:
    trained = {_words(e.text) for e in TRAIN}
    developed = {_words(e.text) for e in DEV}
    assert not trained & developed
    for name in TEST_SETS:
        tested = [e.text for e in load_tsv(DATA / name)]
        # pytest.fail, not `assert not leaked`: pytest would print the list it compared.
        leaked = [t for t in tested if _words(t) in trained]
        if leaked:
            pytest.fail(held_out(f"{name} in the training corpus", leaked))
        in_dev = [t for t in tested if _words(t) in developed]
        if in_dev:
            pytest.fail(held_out(f"{name} in the dev split", in_dev))


def test_test_set_messages_are_shown_only_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    """A failing check names how many test-set messages, not which (a tuner reads the logs)."""
    monkeypatch.delenv(SHOW_MISSES, raising=False)
    told = held_out("fresh_messages.tsv in the dev split", ["الكهرباء طافية عندنا"])
    assert "1 messages" in told and "طافية" not in told
    monkeypatch.setenv(SHOW_MISSES, "1")
    assert "طافية" in held_out("fresh_messages.tsv in the dev split", ["الكهرباء طافية عندنا"])


@pytest.mark.parametrize("name", TEST_SETS)
def test_accuracy_on_test_sets(name: str) -> None:
    report = score(name, load_tsv(DATA / name))
    # The figures only: a failing run must not show the held-out messages to whoever is tuning
    # (`sadeeq intents evaluate --misses FILE` lists them for someone who decides to look).
    print("\n" + report.markdown())
    least_accuracy, most_off_topic = TEST_SETS[name]
    # Plain floats: pytest explains a failing `report.accuracy` by printing the whole report.
    accuracy, off_topic = float(report.accuracy), float(report.off_topic_accepted)
    assert accuracy >= least_accuracy, (name, accuracy)
    assert off_topic <= most_off_topic, (name, off_topic)


def test_the_model_is_a_probability_over_the_intents() -> None:
    model = load()
    assert model.intents == INTENTS
    probabilities = model.probabilities(normalize("كم فاتورتي"))
    assert abs(sum(probabilities.values()) - 1) < 1e-6
    assert max(probabilities, key=probabilities.__getitem__) == "bill"
    assert model.probabilities("") and model.probabilities("zzzzqqqq")  # no feature known


@pytest.mark.slow
@pytest.mark.skipif(
    bool(os.environ.get("SADEEQ_TEST_DATABASE_URL")),
    reason="no database in it: the SQLite run of the suite checks it once",
)
def test_the_committed_model_is_the_one_the_corpus_makes(tmp_path: Path) -> None:
    from bot.understanding.training import STRENGTH, fit

    committed = load(MODEL_PATH)
    # The running model's own fit, as `make intents` makes it; its five out-of-fold fits only
    # choose the two thresholds, kept here: one fit of six, so the suite stays short.
    rebuilt_fit = fit(TRAIN, STRENGTH)
    thresholds = {"accept": committed.accept, "off_topic": committed.off_topic}
    replace(rebuilt_fit, **thresholds).save(tmp_path / "model.npz")
    rebuilt = load(tmp_path / "model.npz")
    assert rebuilt.strength == committed.strength
    assert rebuilt.index == committed.index
    if rebuilt.weights.tobytes() == committed.weights.tobytes():  # the machine kind it was built on
        assert (tmp_path / "model.npz").read_bytes() == MODEL_PATH.read_bytes()
        return
    # Another kind of processor rounds the solver's sums otherwise and it stops a little
    # elsewhere: not the same bytes, but the same answers to the corpus.
    texts = [normalize(e.text) for e in TRAIN + DEV]
    same = sum(
        rebuilt.decide(rebuilt.probabilities(t))[0]
        == committed.decide(committed.probabilities(t))[0]
        for t in texts
    )
    assert same / len(texts) >= 0.99, same / len(texts)


def test_safety_reports_are_recognized_on_their_own_test_set() -> None:
    """Issue 15: hazard_report on the safety set written blind (measured at issue 15: recall
    96.0%, precision 97.0%; then 95.0% and 97.9%; since the thresholds are chosen out of fold,
    2026-12-01, 93.0% and 98.9%: six reports were "not sure"; on the merged corpus 94.0% and
    98.9%. Asserted at the measured figures less one point; the goal is recall 95%)."""
    report = score("hazard_messages.tsv", load_tsv(DATA / "hazard_messages.tsv"))
    hazards = [r for r in report.rows if r.truth == "hazard_report"]
    taken = [r for r in report.rows if r.guess == "hazard_report"]
    recall = sum(r.guess == "hazard_report" for r in hazards) / len(hazards)
    precision = sum(r.truth == "hazard_report" for r in taken) / len(taken)
    assert recall >= 0.93 and precision >= 0.979, (recall, precision)


def test_training_decides_as_the_running_model() -> None:
    """The thresholds are chosen with `training.decisions`, the bot answers with
    `IntentModel.decide`: one rule (`model.not_sure`), the same answers."""
    from bot.understanding.training import decisions

    model = load()
    texts = [normalize(e.text) for e in DEV[::10]]
    rows = [model.probabilities(text) for text in texts]
    scores = np.array([[row[intent] for intent in INTENTS] for row in rows])
    for accept, off_topic in ((model.accept, model.off_topic), (0.3, 0.1), (0.8, 0.4)):
        answers = decisions(scores, accept, off_topic)
        thresholds = replace(model, accept=accept, off_topic=off_topic)
        assert [INTENTS[a] for a in answers] == [thresholds.decide(row)[0] for row in rows]


def test_the_thresholds_keep_within_the_off_topic_cap() -> None:
    """Chosen on scores (out of fold at build time): the best accuracy among the thresholds
    that take at most the cap of off-topic messages for a request, though more would be
    likelier (checked against every pair of the grid, decided by `decisions`)."""
    from bot.understanding.training import (
        ACCEPTS,
        MAX_OFF_TOPIC_ACCEPTED,
        OFF_TOPICS,
        choose_thresholds,
        decisions,
    )

    rng = np.random.default_rng(0)
    bill, unknown = INTENTS.index("bill"), INTENTS.index("unknown")
    scores = np.zeros((400, len(INTENTS)))
    truths = ["bill"] * 200 + ["unknown"] * 200
    # Requests: bill 0.6-1.0 likely; off-topic: unknown 0.2-1.0 likely, the rest on bill.
    scores[:200, bill] = rng.uniform(0.6, 1.0, 200)
    scores[:200, unknown] = 1 - scores[:200, bill]
    scores[200:, unknown] = rng.uniform(0.2, 1.0, 200)
    scores[200:, bill] = 1 - scores[200:, unknown]
    built = choose_thresholds(load(), truths, scores)
    assert built.off_topic_accepted <= MAX_OFF_TOPIC_ACCEPTED
    truth = np.array([INTENTS.index(t) for t in truths])
    chosen = decisions(scores, built.model.accept, built.model.off_topic)
    assert (chosen == truth).mean() == built.accuracy
    assert (chosen[200:] == bill).mean() == built.off_topic_accepted
    within, beyond = [], []
    for accept in ACCEPTS:
        for off_topic in OFF_TOPICS:
            answers = decisions(scores, accept, off_topic)
            taken = (answers[200:] == bill).mean()
            (within if taken <= MAX_OFF_TOPIC_ACCEPTED else beyond).append(
                (answers == truth).mean()
            )
    assert built.accuracy == max(within) < max(beyond)
