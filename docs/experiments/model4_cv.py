"""Cross-validation harness used on branch model4 (bench/RESULTS.md, "Cross-validated C, Arabic
stems and place names tried"): the model alone, 5-fold stratified (seed 0) over train + dev,
out-of-fold probabilities saved, thresholds chosen on them with at most 3% of off-topic taken.

    PYTHONPATH=$PWD python docs/experiments/model4_cv.py VARIANT C dev|cv

VARIANT: base (main's features), stem2 (Arabic stems, docs/experiments/arabic-stems.patch),
place (known places as one word, from cv-selection.patch), place_stem2. One fit is ~100 s on a
quiet core; a 5-fold run is five of them.
"""
import sys, time, json, math
import numpy as np
from bot.text import normalize
from bot.understanding.corpus import INTENTS, REQUESTS, examples
from bot.understanding import features as F
from bot.understanding import training as T

ACCEPTS = T.ACCEPTS; OFFS = T.OFF_TOPICS
UNK = INTENTS.index("unknown")
REQ = [INTENTS.index(i) for i in REQUESTS]
NONUNK = [i for i in range(len(INTENTS)) if i != UNK]

def decide_all(P, accept, off):
    best = np.array(NONUNK)[P[:, NONUNK].argmax(1)]
    pb = P[np.arange(len(P)), best]
    unsure = (pb < accept) | (P[:, UNK] >= off)
    return np.where(unsure, UNK, best)

def thresholds(P, y, cap=0.03):
    offm = y == UNK; best = None
    for a in ACCEPTS:
        for o in OFFS:
            g = decide_all(P, a, o)
            took = np.isin(g[offm], REQ).mean()
            acc = (g == y).mean()
            if took <= cap and (best is None or acc > best[0]):
                best = (acc, a, o, took)
    return best

def at(P, y, a, o):
    g = decide_all(P, a, o)
    return (g == y).mean(), np.isin(g[y == UNK], REQ).mean()

def fitpred(sets_tr, y_tr, sets_te, C, cw="balanced", **kw):
    from sklearn.linear_model import LogisticRegression
    index = T.vocabulary(sets_tr)
    clf = LogisticRegression(C=C, class_weight=cw, max_iter=3000, **kw)
    clf.fit(T.matrix(sets_tr, index), y_tr)
    P = np.zeros((len(sets_te), len(INTENTS)))
    P[:, clf.classes_] = clf.predict_proba(T.matrix(sets_te, index))
    return P

def run(featfn, Cs=(10, 30, 100), cw="balanced", tag="", folds=5, dev_only=False):
    from sklearn.model_selection import StratifiedKFold
    tr, dv = examples("train"), examples("dev")
    t0 = time.time()
    s_tr = [featfn(normalize(e.text)) for e in tr]; s_dv = [featfn(normalize(e.text)) for e in dv]
    y_tr = np.array([INTENTS.index(e.intent) for e in tr]); y_dv = np.array([INTENTS.index(e.intent) for e in dv])
    out = {}
    for C in Cs:
        r = {}
        P = fitpred(s_tr, y_tr, s_dv, C, cw)
        r["dev_best"] = thresholds(P, y_dv)
        r["dev_fixed"] = at(P, y_dv, 0.5, 0.18)
        r["dev_ll"] = -np.mean(np.log(P[np.arange(len(y_dv)), y_dv] + 1e-12))
        if not dev_only:
            s_all = s_tr + s_dv; y_all = np.concatenate([y_tr, y_dv])
            oof = np.zeros((len(y_all), len(INTENTS)))
            for k, h in StratifiedKFold(folds, shuffle=True, random_state=0).split(y_all, y_all):
                oof[h] = fitpred([s_all[i] for i in k], y_all[k], [s_all[i] for i in h], C, cw)
            r["cv_best"] = thresholds(oof, y_all)
            r["cv_fixed"] = at(oof, y_all, 0.5, 0.18)
            r["cv_ll"] = -np.mean(np.log(oof[np.arange(len(y_all)), y_all] + 1e-12))
            np.save(f"/tmp/m4/oof_{tag}_{C}.npy", oof)
        np.save(f"/tmp/m4/dev_{tag}_{C}.npy", P)
        out[C] = r
        print(tag, C, {k: (tuple(round(float(x), 4) for x in v) if isinstance(v, tuple) else round(float(v), 4)) for k, v in r.items()}, f"{time.time()-t0:.0f}s", flush=True)
    return out
import re
from bot.understanding import features as F

PREFIXES = ("وبال", "وال", "فال", "بال", "كال", "ولل", "فلل", "لل", "ال", "و")
SUFFIXES = ("كم", "هم", "ها", "نا", "ي")
def stem(word):
    if word.isascii() or len(word) < 4:
        return None
    s = word
    for p in PREFIXES:
        if s.startswith(p) and len(s) - len(p) >= (4 if p == "و" else 3):
            s = s[len(p):]; break
    return s if s != word else None

def stem2(word):
    if word.isascii() or len(word) < 4:
        return None
    s = word
    for p in PREFIXES:
        if s.startswith(p) and len(s) - len(p) >= (4 if p == "و" else 3):
            s = s[len(p):]; break
    for x in SUFFIXES:
        if s.endswith(x) and len(s) - len(x) >= 3:
            s = s[: -len(x)]
            if s.endswith("ت"): s = s[:-1] + "ه"
            break
    return s if s != word else None

def make(stemfn):
    def features(normalized):
        words = F.message_words(normalized)
        found = set()
        for w in words:
            found.update(F.word_features(w))
            s = stemfn(w)
            if s: found.add("s:" + s)
        found.update(F.pair_features(words))
        return found
    return features

from functools import cache
PLACE = "#"
EVERYDAY_WORDS = frozenset({("السلامه",), ("salama",), ("salamah",), ("الموظفين",), ("madina",)})
_JOINED = ("ب", "و", "ف", "وب")

@cache
def _place_names():
    from bot.outages.places import _names
    n = _names()
    rests = {}
    for name in frozenset(n.cities.keys() | n.districts.keys()) - EVERYDAY_WORDS:
        first, rest = name[0], name[1:]
        joined = _JOINED if not first.isascii() else ()
        for written in (first, *(letter + first for letter in joined)):
            rests.setdefault(written, set()).add(rest)
    return {f: tuple(sorted(s, key=lambda r: (-len(r), r))) for f, s in rests.items()}

def without_places(words):
    names = _place_names()
    if names.keys().isdisjoint(words):
        return words
    kept = []; i = 0
    while i < len(words):
        rest = next((r for r in names.get(words[i], ()) if tuple(words[i + 1 : i + 1 + len(r)]) == r), None)
        if rest is None:
            kept.append(words[i]); i += 1
        else:
            kept.append(PLACE); i += 1 + len(rest)
    return kept

def make_place(stemfn=None):
    def features(normalized):
        words = without_places(F.message_words(normalized))
        found = set()
        for w in words:
            found.update(F.word_features(w))
            if stemfn:
                s = stemfn(w)
                if s: found.add("s:" + s)
        found.update(F.pair_features(words))
        return found
    return features

if __name__ == "__main__":
    import os, pickle
    from sklearn.model_selection import StratifiedKFold
    os.makedirs("/tmp/m4", exist_ok=True)
    which, C, mode = sys.argv[1], float(sys.argv[2]), sys.argv[3]
    cw = sys.argv[4] if len(sys.argv) > 4 else "balanced"
    fn = {"base": F.features, "stem2": make(stem2), "place": make_place(), "place_stem2": make_place(stem2)}[which]
    tr, dv = examples("train"), examples("dev")
    t0 = time.time()
    cache = f"/tmp/m4/feats_{which}.pkl"
    if os.path.exists(cache):
        s_tr, s_dv = pickle.load(open(cache, "rb"))
    else:
        s_tr = [fn(normalize(e.text)) for e in tr]; s_dv = [fn(normalize(e.text)) for e in dv]
        pickle.dump((s_tr, s_dv), open(cache, "wb"))
    y_tr = np.array([INTENTS.index(e.intent) for e in tr]); y_dv = np.array([INTENTS.index(e.intent) for e in dv])
    print("feat", f"{time.time()-t0:.0f}s", flush=True)
    weights = None
    if cw.startswith("u"):  # off-topic weight multiplier on balanced
        m = float(cw[1:]); from sklearn.utils.class_weight import compute_class_weight
        cls = np.unique(y_tr); w = compute_class_weight("balanced", classes=cls, y=y_tr)
        weights = {int(c): float(x) * (m if c == UNK else 1.0) for c, x in zip(cls, w)}
    cwv = weights if weights else "balanced"
    tag = f"{which}_{cw}"
    if mode == "dev":
        P = fitpred(s_tr, y_tr, s_dv, C, cwv)
        np.save(f"/tmp/m4/dev_{tag}_{C:g}.npy", P)
        print(tag, C, "dev_best", thresholds(P, y_dv), "fixed", at(P, y_dv, 0.5, 0.18), "ll", -np.mean(np.log(P[np.arange(len(y_dv)), y_dv])), f"{time.time()-t0:.0f}s", flush=True)
    else:
        s_all = s_tr + s_dv; y_all = np.concatenate([y_tr, y_dv])
        oof = np.zeros((len(y_all), len(INTENTS)))
        for f, (k, h) in enumerate(StratifiedKFold(5, shuffle=True, random_state=0).split(y_all, y_all)):
            oof[h] = fitpred([s_all[i] for i in k], y_all[k], [s_all[i] for i in h], C, cwv)
            print("fold", f, f"{time.time()-t0:.0f}s", flush=True)
            np.save(f"/tmp/m4/oof_{tag}_{C:g}.npy", oof)
        print(tag, C, "cv_best", thresholds(oof, y_all), "fixed", at(oof, y_all, 0.5, 0.18), "ll", -np.mean(np.log(oof[np.arange(len(y_all)), y_all])), f"{time.time()-t0:.0f}s", flush=True)
