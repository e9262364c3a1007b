"""Choose the parameters of `drivers suggest` on the tuning split only, and print the grid's best.

The tuning split is North Lanarkshire's seeds 000 and 003 (each held back in turn, trained on the
other; the test documents are left out entirely). The figures the README reports come from
`drivers suggest --evaluate`, on the held-out split, with the parameters chosen here;
`drivers suggest --evaluate --split cv` instead chooses the graph weight and thesaurus on/off
inside each leave-one-document-out fold (graph.answers.suggest.cross_validate).

    python benchmarks/suggest_tune.py            # ~3 minutes
"""

from __future__ import annotations

import itertools
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph.answers import suggest as s  # noqa: E402
from graph.core.pipeline import build_graph  # noqa: E402

GRID = {
    "concept_weight": [0.25, 0.5, 1.0],
    "title_weight": [1.0, 2.0],
    "b": [0.5, 0.75, 0.9],
    "saturation": [6.0, 12.0, 24.0, 48.0],
    "graph_weight": [0.1, 0.2, 0.3],
    "neighbours": [5, 10, 20],
}


def main() -> None:
    b = build_graph(Path(__file__).resolve().parent.parent / "data", check=False)
    t0 = time.perf_counter()
    results = []
    for cw, tw in itertools.product(GRID["concept_weight"], GRID["title_weight"]):
        base = replace(s.DEFAULT, concept_weight=cw, title_weight=tw)
        idx = (s.Index.build(b.data, b.nx, use_thesaurus=False, p=base), s.Index.build(b.data, b.nx, p=base))
        for bb, sat, gw, k in itertools.product(GRID["b"], GRID["saturation"], GRID["graph_weight"],
                                                GRID["neighbours"]):
            p = replace(base, b=bb, saturation=sat, graph_weight=gw, neighbours=k)
            rows = s.evaluate(b.data, b.nx, "tune", p, methods=(s.METHOD,), indexes=idx)
            al = next(r for r in rows if r["type"] == "all")
            results.append((al["MRR"], al["R@10"], al["P@5"], p))
    results.sort(key=lambda r: (-r[0], -r[1], -r[2]))
    print(f"{len(results)} settings in {time.perf_counter() - t0:.0f} s; best by MRR on the tuning split:")
    for mrr, r10, p5, p in results[:10]:
        print(f"  MRR {mrr:.3f}  R@10 {r10:.3f}  P@5 {p5:.3f}  concept_weight={p.concept_weight} "
              f"title_weight={p.title_weight} b={p.b} saturation={p.saturation} graph_weight={p.graph_weight} "
              f"neighbours={p.neighbours}")
    d = next((r for r in results if r[3] == s.DEFAULT), None)
    if d:
        print(f"the default (graph/answers/suggest.py Params): MRR {d[0]:.3f}  R@10 {d[1]:.3f}  P@5 {d[2]:.3f}")


if __name__ == "__main__":
    main()
