"""Fuzz the YAML loader and the document parser: bad input must give a DataError, never a crash.

Each case feeds one mutated input to the loader (random bytes, YAML token soup, real data files
with bytes flipped, lines swapped, truncated or pasted twice) or to the ingest parser (text and
.docx files, the same mutations) and counts anything other than a clean result or
``DriversError`` as a failure, saving the input under ``--save`` to reproduce it.

    python benchmarks/fuzz.py                      # 10,000 cases, seed 1
    python benchmarks/fuzz.py --cases 200 --seed 7 # what CI runs (tests/test_fuzz.py)

Prints the cases run, the failures and the time taken. Exit 1 if any case failed.
"""

from __future__ import annotations

import argparse
import io
import random
import sys
import tempfile
import time
import traceback
import zipfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graph.core.errors import DriversError  # noqa: E402
from graph.core.io import read_yaml  # noqa: E402
from graph.core.loader import load_text  # noqa: E402

TINY = ROOT / "tests" / "fixtures" / "tiny"
SEED_DATA = [TINY / "drivers.yaml", TINY / "plan.yaml", TINY / "frameworks.yaml",
             ROOT / "data" / "partnerships.yaml", ROOT / "tests" / "fixtures" / "small" / "south.yaml"]

TOKENS = ["source:", "  id: src-f", "  title: F", "drivers:", "plans:", "actions:", "editions:", "entries:",
          "- id: a", "- id: b", "  title: ", "  kind: act", "  section: s", "  links:", "    - {rel: partOf, to: a}",
          "    - {rel: drivenBy, to: b}", "  start_year: ", "2023", "20240", "1066", "1.10", "'1.1'", "yes", "null",
          "~", "[", "]", "{", "}", ",", ":", ": ", "- ", "  ", "    ", "\t", "\n", "\n", "\n", "#", "'", '"', "&a ",
          "*a", "!!str ", "!!python/object:os.system ", "|", ">", "---", "...", "%YAML 1.1", "? ", "\\e", "\\x07",
          "\u2028", "\u00e9", "\ufeff", "\u202e", "</script>", "=HYPERLINK(1)", "\x00", "\x85", "é", "😀", "[" * 1500,
          "{a: " * 1200, "- " * 1500]


def _mutate(raw: bytes, rng: random.Random) -> bytes:
    data = bytearray(raw)
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(6)
        pos = rng.randrange(len(data) + 1)
        if op == 0 and data:  # flip a byte
            data[min(pos, len(data) - 1)] = rng.randrange(256)
        elif op == 1:  # truncate
            del data[pos:]
        elif op == 2:  # insert a token
            data[pos:pos] = rng.choice(TOKENS).encode("utf-8")
        elif op == 3 and data:  # delete a span
            del data[pos:pos + rng.randint(1, 40)]
        elif op == 4:  # duplicate a span (a paste twice)
            data[pos:pos] = data[max(0, pos - 80):pos]
        else:  # swap two lines
            lines = bytes(data).split(b"\n")
            if len(lines) > 2:
                i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
                lines[i], lines[j] = lines[j], lines[i]
                data = bytearray(b"\n".join(lines))
    return bytes(data)


IDS = ["a", "b", "act-a", "strategy-b", "plan-p", "north", "src-f", "src-plan", "uncrc-article-3", "Bad Id", ""]
FIELDS = ["id", "title", "section", "kind", "partnership", "links", "text", "number", "start_year", "end_year",
          "members", "aliases", "source", "note", "year", "entries", "driver", "category", "refs", "covers", "rel",
          "to", "quote", "colour"]


def _value(rng: random.Random, depth: int = 0):
    r = rng.randrange(10)
    if r == 0:
        return rng.choice([None, True, False, 0, -1, 2023, 1066, 99999, 1.5, float("inf")])
    if r == 1 and depth < 3:
        return [_value(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    if r == 2 and depth < 3:
        return _record(rng, depth + 1)
    if r in (3, 4, 5):
        return rng.choice(IDS)
    if r == 6:
        return rng.choice(["act", "group", "national", "partOf", "drivenBy", "1.1", "0.4O", "2.1", "likes"])
    return "".join(rng.choice(TOKENS[-14:] + ["x", " ", "Plan", "\n"]) for _ in range(rng.randint(0, 6)))


def _record(rng: random.Random, depth: int = 0) -> dict:
    return {rng.choice(FIELDS): _value(rng, depth) for _ in range(rng.randint(0, 7))}


def structured_yaml(rng: random.Random) -> bytes:
    """Valid YAML shaped like a data file, with random fields, types, ids and links."""
    import yaml

    sections = ["drivers", "plans", "themes", "actions", "articles", "clusters", "partnerships", "editions",
                "groups", "links", "widgets"]
    doc: dict = {}
    if rng.random() < 0.9:
        doc["source"] = {"id": rng.choice(["src-f", "src-plan", "Bad"]), "title": "F"} if rng.random() < 0.8 \
            else _value(rng)
    for sec in rng.sample(sections, rng.randint(1, 3)):
        doc[sec] = [dict(_record(rng), id=rng.choice(IDS), title="T", section="s") if rng.random() < 0.7
                    else _value(rng) for _ in range(rng.randint(0, 4))]
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False).encode("utf-8")


def yaml_input(rng: random.Random, seeds: list[bytes]) -> bytes:
    kind = rng.randrange(6)
    if kind >= 4:
        return structured_yaml(rng)
    if kind == 0:
        return rng.randbytes(rng.randint(0, 400))
    if kind == 1:
        return "".join(rng.choice(TOKENS) for _ in range(rng.randint(1, 60))).encode("utf-8", "surrogatepass")
    seed = rng.choice(seeds)
    if kind == 2:
        return seed[: rng.randint(0, len(seed))]
    return _mutate(seed, rng)


def check_loader(raw: bytes, workdir: Path, others: dict[str, str]) -> str:
    """The file path (bytes: encoding, binary, size checks) and then the whole loader with tiny."""
    path = workdir / "f.yaml"
    path.write_bytes(raw)
    try:
        read_yaml(path)
    except DriversError:
        return "loader: refused the file"
    try:
        data = load_text({**others, "f.yaml": raw.decode("utf-8")})
    except DriversError:
        return "loader: DataError"
    from graph.core.view import to_networkx
    from graph.core.rdf import build
    from graph.core.validate import union

    to_networkx(union(build(data)))  # what loads must also build
    return "loader: loaded"


def _docx(body: bytes, rng: random.Random) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        if rng.random() < 0.8:
            z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                       'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>')
        if rng.random() < 0.7:
            z.writestr("word/document.xml", body)
    return buf.getvalue()


def ingest_input(rng: random.Random, texts: list[bytes]) -> tuple[str, bytes]:
    kind = rng.randrange(5)
    if kind == 0:
        return ".txt", rng.randbytes(rng.randint(0, 300))
    if kind == 1:
        return ".docx", rng.randbytes(rng.randint(0, 300))
    if kind == 2:
        body = b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>' + \
               _mutate(b"<w:p><w:r><w:t>National Drivers</w:t></w:r></w:p><w:p><w:r><w:t>1.1 Act: text</w:t>"
                       b"</w:r></w:p>", rng) + b"</w:body></w:document>"
        return ".docx", _docx(body, rng)
    text = rng.choice(texts)
    suffix = ".md" if rng.random() < 0.3 else ".txt"
    return suffix, (_mutate(text, rng) if kind == 3 else text[: rng.randint(0, len(text))])


def check_ingest(name: str, raw: bytes, workdir: Path) -> str:
    from graph.refresh import ingest

    path = workdir / f"doc{name}"
    path.write_bytes(raw)
    try:
        ingest.parse_document(path)
    except DriversError:
        return "ingest: DataError"
    return "ingest: parsed"


def run(cases: int = 10_000, seed: int = 1, save: Path | None = None, quiet: bool = False) -> dict:
    """Run ``cases`` cases; return counts, failures (kind, error, input) and seconds."""
    rng = random.Random(seed)
    seeds = [p.read_bytes() for p in SEED_DATA if p.exists()]
    others = {p.name: p.read_text(encoding="utf-8") for p in TINY.glob("*.yaml")}
    texts = [p.read_bytes()[:20_000] for p in sorted((ROOT / "data" / "seeds").glob("*.txt"))[:2]]
    texts += [p.read_bytes() for p in sorted((ROOT / "tests" / "fixtures").glob("editions/*.*"))
              if p.suffix in (".txt", ".md")]
    counts: Counter = Counter()
    failures: list[dict] = []
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for i in range(cases):
            if texts and i % 4 == 3:
                kind, (suffix, raw) = "ingest", ingest_input(rng, texts)
                fn = lambda: check_ingest(suffix, raw, work)  # noqa: E731
            else:
                kind, raw = "loader", yaml_input(rng, seeds)
                fn = lambda: check_loader(raw, work, others)  # noqa: E731
            counts[kind] += 1
            try:
                counts[fn()] += 1
            except Exception as exc:  # noqa: BLE001 - anything but DriversError is what we look for
                failures.append({"case": i, "kind": kind, "error": f"{type(exc).__name__}: {exc}"[:300],
                                 "trace": traceback.format_exc(limit=-3), "input": raw})
                if save:
                    save.mkdir(parents=True, exist_ok=True)
                    (save / f"case-{i}-{kind}.bin").write_bytes(raw)
    seconds = time.perf_counter() - start
    return {"cases": cases, "by_kind": dict(counts), "failures": failures, "seconds": seconds}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cases", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--save", type=Path, default=None, help="folder to save failing inputs in")
    args = ap.parse_args(argv)
    res = run(args.cases, args.seed, args.save)
    kinds = ", ".join(f"{k} {v}" for k, v in sorted(res["by_kind"].items()) if ":" not in k)
    outcomes = ", ".join(f"{k} {v}" for k, v in sorted(res["by_kind"].items()) if ":" in k)
    print(f"cases run: {res['cases']} ({kinds}), seed {args.seed}")
    print(f"outcomes:  {outcomes}")
    print(f"failures:  {len(res['failures'])}")
    print(f"time:      {res['seconds']:.1f} s ({res['cases'] / res['seconds']:.0f} cases/s)")
    seen = set()
    for f in res["failures"]:
        if f["error"] in seen:
            continue
        seen.add(f["error"])
        print(f"\n-- case {f['case']} ({f['kind']}): {f['error']}\n{f['trace']}input: {f['input'][:200]!r}")
    return 1 if res["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
