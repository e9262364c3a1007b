"""Every evaluation of `drivers suggest` in one run, as the README's Markdown tables: the held-out
test documents, leave-one-document-out (weights chosen inside each fold) and the hand-written
paraphrase set (tests/fixtures/suggest-paraphrases.yaml, never tuned on), with P@1 / R@5 / MRR per
type for every method and baseline; then how often the default is confident and how often its
confident first suggestion is right. Re-run it after the data's links change.

    python benchmarks/suggest_eval.py            # a few minutes
    python benchmarks/suggest_eval.py --ltr      # also learning to rank fitted inside each fold
                                                 # (benchmarks/suggest_ltr.py; numpy), against the default
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graph.answers import suggest as sg  # noqa: E402
from graph.core.pipeline import build_graph  # noqa: E402

TYPES = ("Driver", "UNCRCArticle", "all")


def table(rows: list[dict]) -> str:
    got = {(r["method"], r["type"]): r for r in rows}
    methods = list(dict.fromkeys(r["method"] for r in rows))
    n = {t: next((r["queries"] for r in rows if r["type"] == t), 0) for t in TYPES}
    head = "| method | " + " | ".join(f"{t} ({n[t]})" for t in TYPES) + " |"
    lines = [head, "| --- |" + " --- |" * len(TYPES)]
    for m in methods:
        cells = []
        for t in TYPES:
            r = got.get((m, t))
            cells.append(f"{r['P@1']:.3f} / {r['R@5']:.3f} / {r['MRR']:.3f}" if r else "")
        lines.append(f"| {m} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def confidence(ev: sg.Evaluation, queries) -> str:
    """For the default: the share of queries whose type gets a confident first suggestion, and how
    often that first suggestion is a stated link, against the queries without one."""
    p = ev.p
    shown = right_shown = hidden = right_hidden = 0
    for q, h in queries:
        sigs = {t: s for t, s in ev.signals("full", q, h).items() if not (p.dated and sg.too_new(ev.full.targets[t], q.year))}
        scored = sorted(((sg.combine(s, p), s.lexical, t) for t, s in sigs.items()), key=lambda x: (-x[0], x[2]))
        if not scored:
            hidden += 1
            continue
        score, lexical, top = scored[0]
        if score >= p.confident and lexical >= p.min_words:
            shown += 1
            right_shown += top in q.gold
        else:
            hidden += 1
            right_hidden += top in q.gold
    total = shown + hidden
    return (f"confident first suggestion for {shown} of {total} queries ({shown / total:.0%}), right {right_shown} "
            f"times ({right_shown / max(1, shown):.0%}); without one: {hidden}, whose best candidate would have been "
            f"right {right_hidden} times ({right_hidden / max(1, hidden):.0%})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ltr", action="store_true",
                    help="also the learning-to-rank rows (benchmarks/suggest_ltr.py), fitted inside each fold")
    args = ap.parse_args()
    t0 = time.perf_counter()
    b = build_graph(ROOT / "data", check=False)
    ev = sg.Evaluation(b.data, b.nx)
    print("## held-out test documents (P@1 / R@5 / MRR)\n")
    print(table(sg.evaluate(b.data, b.nx, "test", ev=ev)))
    rows, folds = sg.cross_validate(b.data, b.nx, ev=ev)
    print("\n## leave one document out\n")
    print(table(rows))
    print("\nchosen in each fold: " + "; ".join(f"{f['fold']} ({f['queries']} queries) semantic {f['semantic_weight']}"
                                             f" graph {f['graph_weight']} name {f['name_weight']} context {f['context_weight']}" for f in folds))
    para = sg.load_paraphrases(ROOT / sg.PARAPHRASES)
    print(f"\n## paraphrases ({len(para)})\n")
    print(table(sg.evaluate_paraphrases(b.data, b.nx, para, ev=ev)))
    print(f"\n## paraphrases, each given the year of its action's document ({len(para)})\n")
    print(table(sg.evaluate_paraphrases(b.data, b.nx, para, ev=ev, dated=True)))
    docs = sg.cv_documents(b.data, ev.full)
    cv_queries = [(q, frozenset({d})) for d in docs for q in ev.queries({d})]
    para_queries = sg.paraphrase_queries(ev, para)
    print("\n## confidence (the default)\n")
    print("- leave one document out: " + confidence(ev, cv_queries))
    print("- paraphrases: " + confidence(ev, para_queries))
    if args.ltr:
        sys.path.insert(0, str(ROOT / "benchmarks"))
        import suggest_ltr as ltr

        print("\n# learning to rank, fitted strictly inside each fold (benchmarks/suggest_ltr.py), "
              "against the default")
        ltr.print_tables(ltr.run(b, ev, tuple(ltr.VARIANTS)), tuple(ltr.VARIANTS))
    print(f"\n({time.perf_counter() - t0:.0f} s)")


if __name__ == "__main__":
    main()
