"""Short fuzz runs for CI (the long run is ``python benchmarks/fuzz.py``, 10,000 cases).

* the loader, fed YAML token soup, mutated and truncated files, raises only DataError;
* the ingest parser, fed random lines, raises only DataError;
* any Unicode a document may hold survives data -> RDF -> every export -> back, unchanged;
* a short run of the fuzz script itself finds no failure.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import json

import networkx as nx
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Dataset, Graph, Literal
from rdflib.namespace import DCTERMS

from graph.publish import exports
from graph.answers.catalog import Catalog
from graph.core.errors import DataError, DriversError
from graph.core.loader import load_text
from graph.core.namespace import DG
from graph.core.view import to_networkx
from graph.core.rdf import build
from graph.core.validate import union

from .conftest import ROOT, TINY

_spec = importlib.util.spec_from_file_location("fuzz", ROOT / "benchmarks" / "fuzz.py")
fuzz = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fuzz)

TINY_FILES = {p.name: p.read_text(encoding="utf-8") for p in TINY.glob("*.yaml")}


def test_fuzz_script_short_run_finds_nothing():
    res = fuzz.run(cases=300, seed=7)
    assert res["failures"] == [], res["failures"][0]["trace"]
    kinds = res["by_kind"]
    # the run reached every stage: files refused, data rejected, data loaded (and built)
    assert kinds.get("loader: refused the file") and kinds.get("loader: DataError") and kinds.get("loader: loaded")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([t for t in fuzz.TOKENS if len(t) < 100]), max_size=60).map("".join))
def test_yaml_token_soup_gives_data_errors_only(text: str):
    try:
        load_text({**TINY_FILES, "soup.yaml": text})
    except DataError as exc:
        assert exc.problems and all(str(p) for p in exc.problems)


@settings(max_examples=150, deadline=None)
@given(name=st.sampled_from(sorted(TINY_FILES)), data=st.data())
def test_mutated_tiny_files_give_data_errors_only(name: str, data):
    raw = TINY_FILES[name].encode("utf-8")
    import random

    mutated = fuzz._mutate(raw, random.Random(data.draw(st.integers(0, 2**32))))
    files = dict(TINY_FILES)
    try:
        files[name] = mutated.decode("utf-8")
    except UnicodeDecodeError:
        return  # the bytes path is covered by the fuzz script (read_yaml)
    try:
        loaded = load_text(files)
    except DataError:
        return
    to_networkx(union(build(loaded)))


def _ingest():
    try:
        from graph.refresh import ingest
    except ImportError:  # pragma: no cover - issue 5 not merged yet
        return None
    return ingest if hasattr(ingest, "parse_lines") else None


@settings(max_examples=150, deadline=None)
@given(lines=st.lists(st.one_of(
    st.sampled_from(["Summary", "National Drivers", "Local Drivers", "Improvement Programmes",
                     "Governance, Planning and Delivery", "1.1 Act: the text", "1.2", "(see 1.1)", "- ", "**2.3**",
                     "Strategic drivers and plans", "Updated November 2023", "\t1.1\tAct\t2.1\tPlan", "# 1.1 A"]),
    st.text(max_size=60)), max_size=40), structured=st.booleans())
def test_ingest_parser_gives_data_errors_only(lines: list[str], structured: bool):
    ingest = _ingest()
    if ingest is None:
        return
    try:
        ingest.parse_lines(list(enumerate(lines, start=1)), "doc.txt", structured)
    except DriversError:
        pass


# -- Unicode round trip through every export ------------------------------------------------------

# Everything but surrogates and control characters (the loader refuses those: see CONTROL_RE),
# with the awkward ones drawn often: line and paragraph separators, BOM, bidi overrides,
# combining marks, astral characters, quotes and markup.
AWKWARD = "\u2028\u2029\ufeff\u202e\u200b\u0301\U0001F600\U00010348\"'<>&\\|`*_[]{}#=+-@ \t\n"
text = st.text(st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from(AWKWARD), min_size=1,
               max_size=60).filter(lambda s: s.strip())


def _data(title: str, body: str) -> dict[str, str]:
    doc = {"source": {"id": "src-u", "title": title},
           "plans": [{"id": "plan-u", "title": title, "section": body}],
           "actions": [{"id": "act-u", "title": title, "text": body, "section": "s",
                        "links": [{"rel": "partOf", "to": "plan-u", "quote": body}]}]}
    return {"u.yaml": yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=text, body=text)
def test_unicode_survives_data_rdf_every_export_and_back(title: str, body: str):
    data = load_text(_data(title, body))
    assert (data.records["act-u"].title, data.records["act-u"].get("text")) == (title, body)
    ds = build(data)
    g = union(ds)
    G = to_networkx(g)
    # back to data: what the catalog (list/show) reads out of the graph
    (row,) = Catalog(g).list("actions")
    assert (row["title"], row["text"]) == (title, body)
    assert Catalog(g).show("plan-u")["provenance"]["section"] == body
    # RDF text formats
    for fmt, txt in (("nquads", exports.nquads(ds)), ("trig", exports.trig(ds))):
        back = Dataset()
        back.parse(data=txt, format=fmt)
        assert (None, DCTERMS.title, Literal(title), None) in {(None, q[1], q[2], None) for q in back.quads()
                                                              if q[1] == DCTERMS.title}
        assert body in {str(q[2]) for q in back.quads((None, DG.quote, None, None))}
    for fmt, txt in (("turtle", exports.turtle(g)), ("json-ld", exports.jsonld(g))):
        back = Graph().parse(data=txt, format=fmt)
        assert (None, DG.text, Literal(body)) in back, fmt
    # GraphML
    H = nx.parse_graphml(exports.graphml(G))
    assert H.nodes["act-u"]["title"] == title
    # CSV: the same text, apart from the apostrophe that makes a formula inert
    rows = list(csv.DictReader(io.StringIO(exports.nodes_csv(G))))
    cell = next(r["title"] for r in rows if r["id"] == "act-u")
    assert cell == (("'" + title) if title.startswith(exports.FORMULA_START) else title)
    # the page's JSON (escaped for <script>) decodes to the same text
    from graph.web import page as viz

    page = json.loads(viz.script_json({"t": title, "b": body}))
    assert page == {"t": title, "b": body}
