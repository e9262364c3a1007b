"""The annual refresh steps on the bundled data: how long each takes, and ingest's fidelity.

Prints the median time of: parse + match of the published PDF (``tests/fixtures/pdf``) and of
seed 001 (the text extracted from it), review, diff, writing the document as Markdown and Word,
reading the Word file back, xlsx export; and the share of the curated 2023 edition's fields that
ingesting the PDF and the text reproduce (what ``drivers ingest FILE --edition 2023 --check``
prints). Which PDF library reads it best: ``benchmarks/pdf_libraries.py``.

    python benchmarks/refresh.py [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graph.refresh.diff import diff_editions  # noqa: E402
from graph.publish.document import render_docx, render_markdown  # noqa: E402
from graph.refresh.ingest import build_edition, compare, parse_document  # noqa: E402
from graph.refresh.ingest.text import _ratio  # noqa: E402
from graph.core.loader import load  # noqa: E402
from graph.refresh.review import review  # noqa: E402
from graph.publish.spreadsheet import rows_of, to_xlsx  # noqa: E402

SEED = ROOT / "data" / "seeds" / "001_846164effe67b3c7.txt"
PDF = ROOT / "tests" / "fixtures" / "pdf" / "drivers-2023.pdf"


def median_ms(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        _ratio.cache_clear()          # cold: no similarity remembered from the last run
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    runs = ap.parse_args().runs
    data = load(ROOT / "data")
    ed = data.edition_for_year(2023)
    with tempfile.TemporaryDirectory() as tmp:
        docx_path = Path(tmp) / "d.docx"
        docx_path.write_bytes(render_docx(data, ed))
        steps = {
            "ingest PDF (read + parse + match)": lambda: build_edition(parse_document(PDF), data, 2023, carry=False),
            "ingest seed 001 (parse + match)": lambda: build_edition(parse_document(SEED), data, 2023, carry=False),
            "review 2023": lambda: review(data, ed, "2024-06-01"),
            "diff 2023 2023": lambda: diff_editions(ed, ed),
            "document md": lambda: render_markdown(data, ed),
            "document docx": lambda: render_docx(data, ed),
            "ingest docx (parse + match)": lambda: build_edition(parse_document(docx_path), data, 2024),
            "export xlsx": lambda: to_xlsx(rows_of(data, 2023)),
        }
        for name, fn in steps.items():
            print(f"{name:34s} {median_ms(fn, runs):8.1f} ms")
    for name, path in (("PDF", PDF), ("seed 001 text", SEED)):
        report = compare(build_edition(parse_document(path), data, 2023, carry=False), ed)
        print(f"{name} -> curated 2023: {report['matching']}/{report['fields']} fields ({report['share']:.1%})")


if __name__ == "__main__":
    main()
