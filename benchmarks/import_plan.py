"""How much of the seed plans' action tables ``drivers import-plan`` reproduces, against the curated data.

For each seed plan, the action tables are read from the seed text (benchmarks/seed_tables.py, never
from the curated YAML), written as .xlsx and as .docx, and imported into an empty ``drivers init``
folder. Printed per plan and format:

* verbatim: the share of the curated actions (of the same tables) whose text is an imported
  action's text exactly; "contained": whose text appears inside one imported action's cell (the
  curated data splits some cells into several actions: 2018-19 work and planned 2019-20 activity);
* links: the share of the curated actions' stated UNCRC-article and QI links (upholdsRight,
  qualityIndicator) that the import states on the action holding that text.

Run: python benchmarks/import_plan.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from seed_tables import seed_tables, write_docx, write_xlsx  # noqa: E402

from graph.core.loader import load  # noqa: E402

#: plan -> (curated file, section prefixes of its table rows, partnership)
CURATED = {
    "nl-corporate-parenting": ("nl-corporate-parenting-2019-22.yaml", ("Improvement Plan > Action",),
                               "north-lanarkshire"),
    "nl-neglect": ("nl-csp-annual-report-2018-19.yaml", ("Neglect Task Group > Action Plan",
                   "Prevention Task Group > Action Plan", "Looked After Children and Young People Task Group > Action Plan",
                   "Mental Health, Wellbeing and Resilience Task Group > Action Plan"), "north-lanarkshire"),
    "sl-uncrc": ("sl-csp-annual-report-2018-19.yaml", ("4. Children's Rights > UNCRC table",), "south-lanarkshire"),
}
RIGHTS = ("upholdsRight", "qualityIndicator")


def norm(t: str) -> str:
    return " ".join(str(t).split())


def measure(plan: str, fmt: str, work: Path) -> dict:
    file, prefixes, partnership = CURATED[plan]
    curated = load(ROOT / "data")
    want = [r for r in curated.of_type("actions") if r.file and r.file.endswith(file)
            and r.section.startswith(prefixes)]
    src = work / f"{plan}.{fmt}"
    (write_xlsx if fmt == "xlsx" else write_docx)(seed_tables(plan), src)
    folder = work / f"{plan}-{fmt}"
    drivers = [str(Path(sys.executable).with_name("drivers"))]  # the drivers of this Python (the venv)
    subprocess.run([*drivers, "init", str(folder), "--partnership", partnership, "--name", partnership],
                   check=True, capture_output=True)
    r = subprocess.run([*drivers, "import-plan", str(src), "--partnership", partnership, "--plan-id",
                        f"bench-{plan}"], cwd=folder, capture_output=True, text=True)
    if r.returncode:
        raise SystemExit(r.stderr)
    got = load(folder / "data").of_type("actions")
    texts = {norm(a.get("text")): a for a in got}
    exact = [w for w in want if norm(w.get("text")) in texts]
    contained = [w for w in want if any(norm(w.get("text")) in t for t in texts)]
    links_want = [(w, ln.to) for w in want for ln in w.links if ln.rel in RIGHTS]
    found = 0
    for w, to in links_want:
        holders = [a for t, a in texts.items() if norm(w.get("text")) in t]
        if any(any(ln.rel in RIGHTS and ln.to == to for ln in a.links) for a in holders):
            found += 1
    return {"plan": plan, "format": fmt, "curated": len(want), "imported": len(got), "exact": len(exact),
            "contained": len(contained), "links": len(links_want), "links_found": found}


def pct(a: int, b: int) -> str:
    return f"{100 * a / b:5.1f}%" if b else "    -"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        print(f"{'plan':24} {'fmt':5} {'curated':>7} {'imported':>8} {'verbatim':>9} {'contained':>9} "
              f"{'UNCRC/QI links':>15}")
        for plan in CURATED:
            for fmt in ("xlsx", "docx"):
                m = measure(plan, fmt, Path(tmp))
                print(f"{m['plan']:24} {fmt:5} {m['curated']:7} {m['imported']:8} {pct(m['exact'], m['curated']):>9} "
                      f"{pct(m['contained'], m['curated']):>9} "
                      f"{m['links_found']:>4}/{m['links']:<4} {pct(m['links_found'], m['links'])}")


if __name__ == "__main__":
    main()
