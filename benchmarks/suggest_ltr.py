"""Learning to rank for `drivers suggest`, measured against the hand-weighted default (issue 19).

The default's score is a hand-weighted sum of per-candidate signals (graph/answers/suggest.py
``combine``). Here the same signals, plus a few cheap per-(query, candidate) features, are combined
by a linear model fitted on training queries only:

- *pairwise logistic regression* (RankNet with a linear scorer): every (stated, not stated)
  candidate pair of a query, each query weighing the same; L2 on standardised features; full-batch
  gradient descent from zero (deterministic);
- *coordinate ascent on MRR* from the default's weights (a direct search of the metric).

Strictly nested. Leave one document out: for each action document in turn, the model is fitted on
the other documents' queries only — each of them held back in turn with the fold's document hidden
too, as ``select_weights`` does for the tuned-in-fold row — so neither the fold's links nor its
partOf links take part in fitting (its text does, as for the default: the document-context signal
reads it). Held-out test: fitted on the non-test documents (each held back in turn, the test
documents hidden). Paraphrases: each scored by the model of its action's leave-one-document-out
fold (fitted without its document); the paraphrases are never used for fitting or choosing.

Training queries are the records as written and the same records "masked" (their stated
candidates' names taken out), the two halves of the objective the default's weights were chosen by.

    python benchmarks/suggest_ltr.py             # every row, about a minute
    python benchmarks/suggest_ltr.py --misses    # also the per-query ranks of the default's misses
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graph.answers import suggest as sg  # noqa: E402
from graph.core.pipeline import build_graph  # noqa: E402

TYPES = ("Driver", "UNCRCArticle", "all")

#: the default's signals, in ``combine``'s terms
BASE = ("lexical", "graph", "prior", "named", "context")
#: extra cheap features, per (query, candidate)
EXTRA = ("semantic", "title", "coverage", "top_vote", "mentions_log", "defined", "n_matched")
#: the candidate's training records as one text (Rocchio): cosine of the query with the mean TF-IDF
#: vector of the records linked to it, counting only records of documents not hidden
CENTROID = ("centroid",)
#: the query's own document's title (text of the document, no link), BM25 against the candidate, 0..1;
#: none for new text (as the document context)
DOC_TITLE = ("doc_title",)


class Features:
    """Per-(query, candidate) feature vectors from the evaluation's cached signals."""

    def __init__(self, ev: sg.Evaluation, names=BASE + EXTRA):
        self.ev, self.names = ev, names
        ix = ev.full
        tok = ix.tokenizer
        # a title-only bag per candidate (title, aliases), with its own document frequencies
        self.title_bags = {}
        for tid, t in ix.targets.items():
            b = sg.Bag()
            for text in (t.title, *t.aliases):
                b.add(text, tok)
            self.title_bags[tid] = b
        self.title_df = defaultdict(int)
        for b in self.title_bags.values():
            for term in b.tf:
                self.title_df[term] += 1
        self.title_avg = sum(b.length for b in self.title_bags.values()) / max(1, len(self.title_bags))
        self._cache: dict = {}
        self._centroids: dict = {}

    def centroids(self, hidden: frozenset) -> dict[str, dict[str, float]]:
        """Per candidate, the unit-length mean TF-IDF vector of the records linked to it by links of
        documents not hidden, the records of hidden documents left out whatever links them."""
        if hidden not in self._centroids:
            ix = self.ev.full
            acc: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
            for it in self.ev.pool("full", hidden).values():
                if it.source in hidden:
                    continue
                vec = ix.item_vector(it)
                for t in it.links:
                    for term, x in vec.items():
                        acc[t][term] += x
            out = {}
            for t, v in acc.items():
                n = math.sqrt(sum(x * x for x in v.values())) or 1.0
                out[t] = {k: x / n for k, x in v.items()}
            self._centroids[hidden] = out
        return self._centroids[hidden]

    def query_bag(self, q: sg.Query) -> sg.Bag:
        ix = self.ev.full
        bag = ix.items[q.id].bag if q.text is None else ix.query_bag(q.text)
        return sg._without_names(ix, bag, q.gold) if q.masked else bag

    def title_bm25(self, qb: sg.Bag, tid: str, p: sg.Params) -> float:
        b = self.title_bags[tid]
        n = len(self.title_bags)
        norm = p.k1 * (1 - p.b + p.b * b.length / (self.title_avg or 1.0))
        s = 0.0
        for term, qtf in qb.tf.items():
            f = b.tf.get(term)
            if not f:
                continue
            df = self.title_df[term]
            s += math.log(1 + (n - df + 0.5) / (df + 0.5)) * f * (p.k1 + 1) / (f + norm)
        return s / (s + 6.0) if s > 0 else 0.0

    def of(self, q: sg.Query, hidden: frozenset) -> tuple[list[str], np.ndarray]:
        """The candidates (ranked order irrelevant, sorted by id) and their feature matrix."""
        key = (q.id, q.text, q.type, hidden, q.masked)
        if key in self._cache:
            return self._cache[key]
        ev, p = self.ev, self.ev.p
        sigs = ev.signals("full", q, hidden)
        qb = self.query_bag(q)
        qmass = sum(qb.tf.values()) or 1.0
        cands = sorted(sigs)
        rows = []
        cents = self.centroids(hidden) if "centroid" in self.names else {}
        dt = {}
        if "doc_title" in self.names and q.text is None:
            src = ev.data.sources.get(ev.full.items[q.id].source)
            if src is not None and getattr(src, "title", None):
                tb = ev.full.query_bag(src.title)
                for tid in cands:
                    x = sg.bm25(ev.full, tb, ev.full.targets[tid], p)[0]
                    dt[tid] = x / (x + p.saturation) if x > 0 else 0.0
        qv = sg._tfidf(qb, ev.full.item_df, len(ev.full.items)) if cents else {}
        for tid in cands:
            s = sigs[tid]
            matched = {term for _, term in s.matched}
            f = {"lexical": s.lexical, "graph": s.graph, "prior": s.prior, "named": s.named,
                 "context": s.context(p), "semantic": s.semantic,
                 "title": self.title_bm25(qb, tid, p),
                 "coverage": sum(qb.tf[t] for t in matched if t in qb.tf) / qmass,
                 "top_vote": max((sim for sim, _ in s.votes), default=0.0),
                 "mentions_log": math.log1p(s.mentions), "defined": s.defined,
                 "n_matched": math.log1p(len(matched)),
                 "doc_title": dt.get(tid, 0.0),
                 "centroid": sum(x * cents[tid].get(k, 0.0) for k, x in qv.items()) if tid in cents else 0.0}
            rows.append([f[n] for n in self.names])
        out = (cands, np.array(rows, dtype=float).reshape(len(cands), len(self.names)))
        self._cache[key] = out
        return out


def default_weights(names, p: sg.Params = sg.DEFAULT) -> np.ndarray:
    w = {"lexical": p.lexical_weight, "graph": p.graph_weight, "prior": p.prior_weight, "named": p.name_weight,
         "context": p.context_weight, "semantic": p.semantic_weight}
    return np.array([w.get(n, 0.0) for n in names])


def ranked(fx: Features, q: sg.Query, hidden: frozenset, w: np.ndarray, hub: dict | None = None) -> list[str]:
    cands, X = fx.of(q, hidden)
    scores = X @ w[:X.shape[1]]
    if hub is not None:
        scores = scores + w[-1] * np.array([hub.get(c, 0.0) for c in cands])
    order = sorted(range(len(cands)), key=lambda i: (-scores[i], cands[i]))
    return fx.ev.dated([cands[i] for i in order], q, True)


def training_set(fx: Features, queries, head: int | None = None) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per query: (features of its stated candidates, features of the others), dated candidates out;
    ``head``: only the others the default ranks in its first ``head`` (the pairs that decide the top)."""
    out = []
    base = default_weights(fx.names, fx.ev.p)
    for q, hidden in queries:
        cands, X = fx.of(q, hidden)
        keep = [i for i, c in enumerate(cands) if not (q.year is not None and sg.too_new(fx.ev.full.targets[c], q.year))]
        pos = [i for i in keep if cands[i] in q.gold]
        neg = [i for i in keep if cands[i] not in q.gold]
        if head:
            sc = X @ base
            neg = sorted(neg, key=lambda i: (-sc[i], cands[i]))[:head]
        if pos and neg:
            out.append((X[pos], X[neg]))
    return out


def fit_pairwise(data, l2: float = 0.01, steps: int = 400, lr: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
    """Pairwise logistic regression on standardised features; returns (weights, scale) with
    raw-feature weights = weights / scale. Each query weighs 1 (its pairs share it)."""
    allx = np.vstack([np.vstack([p, n]) for p, n in data])
    scale = allx.std(axis=0)
    scale[scale == 0] = 1.0
    diffs, qw = [], []
    for pos, neg in data:
        d = (pos[:, None, :] - neg[None, :, :]).reshape(-1, pos.shape[1]) / scale
        diffs.append(d)
        qw.append(np.full(len(d), 1.0 / len(d)))
    D = np.vstack(diffs)
    W = np.concatenate(qw) / len(data)
    w = np.zeros(D.shape[1])
    for _ in range(steps):
        z = D @ w
        g = -(D * (W * (1 / (1 + np.exp(z))))[:, None]).sum(axis=0) + l2 * w
        w -= lr * g
    return w / scale, scale


def hubness(fx: Features, queries, top: int = 3) -> dict[str, float]:
    """Per candidate, from the training queries only: how much more often the default puts it in its
    first ``top`` without it being stated than with (log ratio, add-one smoothed), as a penalty feature
    (0 for a candidate never seen there): candidates that top many lists and are rarely right."""
    wrong, right = defaultdict(int), defaultdict(int)
    base = default_weights(fx.names, fx.ev.p)
    for q, hidden in queries:
        for c in ranked(fx, q, hidden, base)[:top]:
            (right if c in q.gold else wrong)[c] += 1
    return {c: -math.log((wrong[c] + 1) / (right[c] + 1)) for c in set(wrong) | set(right)}


def fit_softmax(data, l2: float = 0.01, steps: int = 600, lr: float = 0.5) -> np.ndarray:
    """Listwise softmax cross-entropy (ListNet top-one): maximise the probability mass a softmax over
    each query's candidates puts on its stated ones; standardised features, L2, full-batch gradient
    descent from zero (deterministic). Returns raw-feature weights."""
    allx = np.vstack([np.vstack([p, n]) for p, n in data])
    scale = allx.std(axis=0)
    scale[scale == 0] = 1.0
    lists = [(np.vstack([p, n]) / scale, len(p)) for p, n in data]
    w = np.zeros(allx.shape[1])
    for _ in range(steps):
        g = l2 * w
        for X, npos in lists:
            z = X @ w
            z = z - z.max()
            e = np.exp(z)
            pa = e / e.sum()
            pp = e[:npos] / e[:npos].sum()
            g += ((pa @ X) - (pp @ X[:npos])) / len(lists)
        w -= lr * g
    return w / scale


def mrr_of(fx: Features, queries, w: np.ndarray, hub: dict | None = None) -> float:
    tot = 0.0
    for q, hidden in queries:
        r = ranked(fx, q, hidden, w, hub)
        first = next((i for i, c in enumerate(r, 1) if c in q.gold), None)
        tot += 1 / first if first else 0.0
    return tot / max(1, len(queries))


def fit_coordinate(fx: Features, queries, start: np.ndarray, rounds: int = 3,
                   steps=(-0.1, -0.05, -0.02, 0.02, 0.05, 0.1), hub: dict | None = None) -> np.ndarray:
    """Coordinate ascent on the training queries' MRR from ``start``; lexical weight fixed (scale)."""
    w = start.copy()
    best = mrr_of(fx, queries, w, hub)
    for _ in range(rounds):
        moved = False
        for j in range(1, len(w)):
            for st in steps:
                cand = w.copy()
                cand[j] = max(0.0, cand[j] + st)
                if cand[j] == w[j]:
                    continue
                m = mrr_of(fx, queries, cand, hub)
                if m > best + 1e-9:
                    best, w, moved = m, cand, True
        if not moved:
            break
    return w


def training_queries(ev: sg.Evaluation, docs, hidden_extra: frozenset, masked: bool = True):
    qs = [(q, frozenset({d}) | hidden_extra) for d in docs for q in ev.queries({d})]
    if masked:
        qs = qs + [(replace(q, masked=True), h) for q, h in qs]
    return qs


def fit(kind: str, fx: Features, train, l2: float):
    """(weights, hub dict or None)."""
    if kind.endswith("+hub"):
        hub = hubness(fx, [(q, h) for q, h in train if not q.masked])
        w = fit_coordinate(fx, train, np.append(default_weights(fx.names, fx.ev.p), 0.0), hub=hub)
        return w, hub
    return _fit(kind, fx, train, l2), None


def _fit(kind: str, fx: Features, train, l2: float) -> np.ndarray:
    if kind == "default":
        return default_weights(fx.names, fx.ev.p)
    if kind == "softmax":
        return fit_softmax(training_set(fx, train), l2=l2)
    if kind == "pairwise":
        return fit_pairwise(training_set(fx, train), l2=l2)[0]
    if kind.startswith("pairwise-head"):
        return fit_pairwise(training_set(fx, train, int(kind.rsplit("-", 1)[1])), l2=l2)[0]
    base = default_weights(fx.names, fx.ev.p)
    return fit_coordinate(fx, train, base)


def metrics_rows(results) -> dict:
    return {k: v.row() for k, v in results.items()}


def table(rows: dict, methods) -> str:
    lines = ["| method | " + " | ".join(f"{t} ({rows[(methods[0], t)]['queries']})" for t in TYPES) + " |",
             "| --- |" + " --- |" * len(TYPES)]
    for m in methods:
        cells = [f"{rows[(m, t)]['P@1']:.3f} / {rows[(m, t)]['R@5']:.3f} / {rows[(m, t)]['MRR']:.3f}"
                 if (m, t) in rows else "" for t in TYPES]
        lines.append(f"| {m} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def add(results, m, q, r):
    results[(m, q.type)].add(r, q.gold)
    results[(m, "all")].add(r, q.gold)


VARIANTS = {
    "default weights via these features (check)": ("default", BASE, 0.0, True),
    "ltr-pairwise-head20 (default signals)": ("pairwise-head-20", BASE, 0.01, True),
    "ltr-pairwise-head20 (+extra features)": ("pairwise-head-20", BASE + EXTRA, 0.01, True),
    # name: (fitter, feature names, l2, masked training copies)
    "ltr-pairwise (default signals)": ("pairwise", BASE, 0.01, True),
    "ltr-pairwise (+extra features)": ("pairwise", BASE + EXTRA, 0.01, True),
    "ltr-pairwise (+extra, as written only)": ("pairwise", BASE + EXTRA, 0.01, False),
    "ltr-pairwise (+extra, l2 0.1)": ("pairwise", BASE + EXTRA, 0.1, True),
    "ltr-coordinate-ascent (default signals)": ("coordinate", BASE, 0.0, True),
    "ltr-coordinate-ascent (+extra features)": ("coordinate", BASE + EXTRA, 0.0, True),
    "ltr-softmax (default signals)": ("softmax", BASE, 0.01, True),
    "ltr-softmax (+extra features)": ("softmax", BASE + EXTRA, 0.01, True),
    "ltr-softmax (+semantic)": ("softmax", BASE + ("semantic",), 0.01, True),
    "ltr-coordinate-ascent (+centroid)": ("coordinate", BASE + CENTROID, 0.0, True),
    "ltr-softmax (+centroid)": ("softmax", BASE + CENTROID, 0.01, True),
    "ltr-pairwise (+centroid)": ("pairwise", BASE + CENTROID, 0.01, True),
    "ltr-coordinate-ascent (+document title)": ("coordinate", BASE + DOC_TITLE, 0.0, True),
    "ltr-softmax (+document title)": ("softmax", BASE + DOC_TITLE, 0.01, True),
    "ltr-coordinate-ascent (default signals + hubness)": ("coordinate+hub", BASE, 0.0, True),
}


def run(b, ev: sg.Evaluation, variants, show_weights: bool = False) -> dict:
    """Every variant and the default on the three sets, in one run: {set: {(method, type): row}}."""
    fxs = {}

    def fx_for(names):
        if names not in fxs:
            fxs[names] = Features(ev, names)
        return fxs[names]

    docs = sg.cv_documents(b.data, ev.full)
    para = sg.load_paraphrases(ROOT / sg.PARAPHRASES)
    D = sg.METHOD
    out = {s: defaultdict(sg.Metrics) for s in SETS}
    fold_w = {}
    for v in variants:
        kind, names, l2, masked = VARIANTS[v]
        fx = fx_for(names)
        # leave one document out: fitted on the other documents only
        for fold in docs:
            others = [d for d in docs if d != fold]
            w, hub = fit(kind, fx, training_queries(ev, others, frozenset({fold}), masked), l2)
            fold_w[(v, fold)] = (w, hub)
            if show_weights:
                print(f"{v} fold {fold}: " + ", ".join(f"{n} {x:+.3f}" for n, x in zip((*names, "hub"), w)))
            for q in ev.queries({fold}):
                add(out["cv"], v, q, ranked(fx, q, frozenset({fold}), w, hub))
        # held-out test: fitted on the non-test documents
        train_docs = [d for d in docs if d not in sg.TEST]
        w, hub = fit(kind, fx, training_queries(ev, train_docs, frozenset(sg.TEST), masked), l2)
        if show_weights:
            print(f"{v} test: " + ", ".join(f"{n} {x:+.3f}" for n, x in zip((*names, "hub"), w)))
        for held, left in sg.SPLITS["test"]:
            hidden = frozenset(held) | frozenset(left)
            for q in ev.queries(set(held)):
                add(out["test"], v, q, ranked(fx, q, hidden, w, hub))
        # paraphrases: the model of the fold that left their document out
        for key, dated in (("para", False), ("para-dated", True)):
            for q, hidden in sg.paraphrase_queries(ev, para, dated):
                (src,) = hidden
                add(out[key], v, q, ranked(fx, q, hidden, *fold_w[(v, src)]))
    # the default, in the same run
    for fold in docs:
        for q in ev.queries({fold}):
            add(out["cv"], D, q, ev.ranking(D, q, frozenset({fold})))
    for held, left in sg.SPLITS["test"]:
        hidden = frozenset(held) | frozenset(left)
        for q in ev.queries(set(held)):
            add(out["test"], D, q, ev.ranking(D, q, hidden))
    for key, dated in (("para", False), ("para-dated", True)):
        for q, hidden in sg.paraphrase_queries(ev, para, dated):
            add(out[key], D, q, ev.ranking(D, q, hidden))
    return {k: metrics_rows(v) for k, v in out.items()}


SETS = {"cv": "leave one document out (fitted on the other documents in each fold)",
        "test": "held-out test documents (fitted on the non-test documents)",
        "para": "paraphrases as new text (each by its document's fold model)",
        "para-dated": "paraphrases with their document's year"}


def print_tables(rows: dict, variants) -> None:
    methods = [sg.METHOD, *variants]
    for key, title in SETS.items():
        print(f"\n## {title} — P@1 / R@5 / MRR\n")
        print(table(rows[key], methods))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--variants", default=",".join(VARIANTS), help="comma-separated variant names")
    ap.add_argument("--misses", action="store_true", help="print the default's per-query ranks on cv drivers")
    ap.add_argument("--weights", action="store_true", help="print each fold's fitted weights")
    args = ap.parse_args()
    t0 = time.perf_counter()
    b = build_graph(ROOT / "data", check=False)
    ev = sg.Evaluation(b.data, b.nx)
    variants = [v for v in VARIANTS if v in args.variants.split(",")]
    print_tables(run(b, ev, variants, args.weights), variants)
    if args.misses:
        print("\n## the default's cv driver misses (rank of the first stated driver)\n")
        for fold in sg.cv_documents(b.data, ev.full):
            for q in ev.queries({fold}):
                if q.type != "Driver":
                    continue
                r = ev.ranking(sg.METHOD, q, frozenset({fold}))
                first = next((i for i, c in enumerate(r, 1) if c in q.gold), None)
                if first != 1:
                    print(f"{first}\t{q.id}\t{sorted(q.gold)}\ttop: {r[:3]}")
    print(f"\n({time.perf_counter() - t0:.0f} s)")


if __name__ == "__main__":
    main()
