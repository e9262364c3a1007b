"""Choose the parameters of `drivers suggest` on the tuning split only, and print the grid's best.

The tuning split is North Lanarkshire's seeds 000 and 003 (each held back in turn, trained on the
other; the test documents are left out entirely, links and text). The objective, fixed before the
grid was run: the mean of the all-types MRR of the records as written and of the same records with
the gold candidates' names taken out of them ("masked": how the query would read if it did not name
its driver — the paraphrase case, without looking at the paraphrase set, which is never tuned on).

`drivers suggest --evaluate --split cv` instead chooses the semantic and graph weights inside each
leave-one-document-out fold (graph.answers.suggest.cross_validate), with the same objective.

    python benchmarks/suggest_tune.py            # a few minutes
    python benchmarks/suggest_tune.py --context  # only the document-context sweep (seconds)

The grid holds the document context at the default; the sweep after it varies the context's
reading and weight with everything else at the default (how ``context="named"``, weight 0.15 was chosen).
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph.answers import suggest as s  # noqa: E402
from graph.core.pipeline import build_graph  # noqa: E402

GRID = {
    "semantic": ["lsa", "cooccurrence"],
    # (k3, unit_weight): BM25's query-term weight with units weighing as their words, or neither
    "query_weighting": [(1.0, True), (0.0, False)],
    "saturation": [12.0, 24.0],
    "semantic_weight": [0.0, 0.2, 0.4],
    "graph_weight": [0.0, 0.1, 0.2],
    "prior_weight": [0.0, 0.05],
    "name_weight": [0.0, 0.1, 0.2, 0.3],
}
#: the document-context sweep: its reading (Params.context) and weight, the rest at the default
CONTEXT = {"context": ["named", "defined", "both"], "context_weight": [0.0, 0.05, 0.1, 0.15, 0.2, 0.3]}


def context_sweep(b) -> None:
    ev = s.Evaluation(b.data, b.nx, s.DEFAULT)
    queries = [(q, frozenset(held) | frozenset(left)) for held, left in s.SPLITS["tune"] for q in ev.queries(set(held))]
    rows = []
    for ctx, wc in itertools.product(CONTEXT["context"], CONTEXT["context_weight"]):
        rows.append((s.objective(ev, queries, replace(s.DEFAULT, context=ctx, context_weight=wc)), ctx, wc))
    print("document context on the tuning split, everything else at the default (objective; as written, masked):")
    for (obj, plain, masked), ctx, wc in sorted(rows, key=lambda r: (-r[0][0], r[2])):
        mark = "  <- the default" if (ctx, wc) == (s.DEFAULT.context, s.DEFAULT.context_weight) else ""
        print(f"  {obj:.3f}  ({plain:.3f}, {masked:.3f})  context={ctx} context_weight={wc}{mark}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--context", action="store_true", help="only the document-context sweep")
    args = ap.parse_args()
    b = build_graph(Path(__file__).resolve().parent.parent / "data", check=False)
    if args.context:
        context_sweep(b)
        return
    t0 = time.perf_counter()
    results = []
    for sem, (k3, uw), sat in itertools.product(GRID["semantic"], GRID["query_weighting"], GRID["saturation"]):
        base = replace(s.DEFAULT, semantic=sem, k3=k3, unit_weight=uw, saturation=sat)
        ev = s.Evaluation(b.data, b.nx, base)
        queries = [(q, frozenset(held) | frozenset(left)) for held, left in s.SPLITS["tune"]
                   for q in ev.queries(set(held))]
        for ws, wg, wp, wn in itertools.product(GRID["semantic_weight"], GRID["graph_weight"], GRID["prior_weight"],
                                                GRID["name_weight"]):
            p = replace(base, semantic_weight=ws, graph_weight=wg, prior_weight=wp, name_weight=wn)
            score = s.objective(ev, queries, p)
            results.append((score, p))
    results.sort(key=lambda r: (-r[0][0], -r[0][1], -r[0][2]))
    print(f"{len(results)} settings in {time.perf_counter() - t0:.0f} s; best by the objective on the tuning split "
          "(mean MRR of records as written and masked; then each):")
    for (obj, plain, masked), p in results[:12]:
        print(f"  {obj:.3f}  (as written {plain:.3f}, masked {masked:.3f})  semantic={p.semantic} k3={p.k3} "
              f"unit_weight={p.unit_weight} "
              f"saturation={p.saturation} semantic_weight={p.semantic_weight} graph_weight={p.graph_weight} "
              f"prior_weight={p.prior_weight} name_weight={p.name_weight}")
    d = next((r for r in results if r[1] == s.DEFAULT), None)
    if d:
        print(f"the default (graph/answers/suggest.py Params): {d[0][0]:.3f} (as written {d[0][1]:.3f}, "
              f"masked {d[0][2]:.3f})")
    else:
        print("the default is not on this grid")
    context_sweep(b)


if __name__ == "__main__":
    main()
