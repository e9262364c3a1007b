"""The learning-to-rank measurement of `drivers suggest` (benchmarks/suggest_ltr.py): its features
reproduce the default's ranking, its fitters learn what separates stated from other candidates and
are deterministic, and a fold's model is fitted without anything of the fold's document's links."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

np = pytest.importorskip("numpy")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import suggest_ltr as ltr  # noqa: E402

from graph.answers import suggest as sg  # noqa: E402
from graph.core.pipeline import build_graph  # noqa: E402


@pytest.fixture(scope="module")
def ev():
    b = build_graph(ROOT / "data", check=False)
    return b, sg.Evaluation(b.data, b.nx)


def _toy():
    """Queries whose stated candidate has feature 0 high and feature 1 no different from the others."""
    rng = np.random.default_rng(0)
    data = []
    for _ in range(30):
        neg = rng.random((12, 2)) * [0.5, 1.0]
        pos = np.array([[0.6 + 0.4 * rng.random(), rng.random()]])
        data.append((pos, neg))
    return data


@pytest.mark.parametrize("fitter", [ltr.fit_pairwise, ltr.fit_softmax])
def test_fitters_learn_the_separating_feature_deterministically(fitter):
    data = _toy()
    w = fitter(data)
    w = w[0] if isinstance(w, tuple) else w
    again = fitter(data)
    again = again[0] if isinstance(again, tuple) else again
    assert np.array_equal(w, again)
    assert w[0] > 0 and abs(w[1]) < w[0] / 3
    # every toy query then ranks its stated candidate first
    assert all((pos @ w).max() > (neg @ w).max() for pos, neg in data)


def test_default_weights_through_the_features_give_the_default_ranking(ev):
    b, e = ev
    fx = ltr.Features(e, ltr.BASE)
    w = ltr.default_weights(fx.names, e.p)
    docs = sg.cv_documents(b.data, e.full)
    n = 0
    for fold in docs:
        for q in e.queries({fold}):
            assert ltr.ranked(fx, q, frozenset({fold}), w) == e.ranking(sg.METHOD, q, frozenset({fold}))
            n += 1
    assert n > 100


def test_a_folds_training_queries_hold_nothing_of_the_fold(ev):
    b, e = ev
    docs = sg.cv_documents(b.data, e.full)
    fold = docs[0]
    others = docs[1:]
    train = ltr.training_queries(e, others, frozenset({fold}))
    fold_ids = {q.id for q in e.queries({fold})}
    assert train and all(fold in hidden for _, hidden in train)
    # each training query is another document's record, scored with its own document hidden too
    assert all(any(d in hidden for d in others) for _, hidden in train)
    assert fold_ids and not fold_ids & {q.id for q, _ in train}
    assert {q.masked for q, _ in train} == {False, True}


def test_coordinate_ascent_never_lowers_the_training_mrr(ev):
    b, e = ev
    fx = ltr.Features(e, ltr.BASE)
    docs = sg.cv_documents(b.data, e.full)
    train = ltr.training_queries(e, docs[1:2], frozenset({docs[0]}), masked=False)
    start = ltr.default_weights(fx.names, e.p)
    w = ltr.fit_coordinate(fx, train, start, rounds=1)
    assert ltr.mrr_of(fx, train, w) >= ltr.mrr_of(fx, train, start)
    assert w[0] == start[0]  # the lexical weight fixes the scale
