"""Property tests: any Unicode survives YAML -> records -> RDF -> Turtle -> back; bad input never crashes."""

from __future__ import annotations

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Dataset, Graph, Literal
from rdflib.namespace import DCTERMS

from graph.answers.catalog import Catalog
from graph.core.errors import DataError
from graph.core.loader import load_text
from graph.core.namespace import DG
from graph.core.rdf import build
from graph.core.validate import union

# YAML cannot carry every code point (it normalises line breaks and refuses some controls), so the
# strategy draws printable text plus tabs and newlines, which real documents contain.
text = st.text(st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("\t\n"), min_size=1,
               max_size=80).filter(lambda s: s.strip())


def dataset_yaml(title: str, body: str, section: str) -> dict[str, str]:
    doc = {
        "source": {"id": "src-p", "title": title},
        "plans": [{"id": "plan-p", "title": title, "section": section}],
        "actions": [{"id": "act-1", "title": title, "text": body, "section": section,
                     "links": [{"rel": "partOf", "to": "plan-p", "quote": body}]}],
    }
    return {"p.yaml": yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=text, body=text, section=text)
def test_unicode_survives_yaml_rdf_turtle(title: str, body: str, section: str):
    data = load_text(dataset_yaml(title, body, section))
    assert data.records["act-1"].get("text") == body
    g = union(build(data))
    (row,) = Catalog(g).list("actions")
    assert (row["title"], row["text"], row["section"]) == (title, body, section)
    # through Turtle and TriG text as well
    back = Graph().parse(data=g.serialize(format="turtle"), format="turtle")
    node = next(back.subjects(DCTERMS.identifier, Literal("act-1")))
    assert str(back.value(node, DG.text)) == body
    ds = Dataset()
    ds.parse(data=build(data).serialize(format="trig"), format="trig")
    assert any(str(q[2]) == body for q in ds.quads((None, DG.quote, None, None)))


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_never_crash(raw: bytes):
    try:
        load_text({"r.yaml": raw.decode("utf-8", errors="replace")})
    except DataError as exc:
        assert exc.problems and all(p.file == "r.yaml" or p.file is None for p in exc.problems)


@settings(max_examples=150, deadline=None)
@given(cut=st.integers(min_value=0, max_value=2000))
def test_truncated_valid_file_never_crashes(cut: int):
    from .conftest import TINY

    full = (TINY / "plan.yaml").read_text(encoding="utf-8")
    files = {p.name: p.read_text(encoding="utf-8") for p in TINY.glob("*.yaml")}
    files["plan.yaml"] = full[: cut % (len(full) + 1)]
    try:
        load_text(files)
    except DataError as exc:
        assert all(str(p) for p in exc.problems)


@settings(max_examples=100, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=10),
                    lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=8), c, max_size=3),
                    max_leaves=12))
def test_arbitrary_yaml_structures_give_data_errors(value):
    doc = {"source": {"id": "src-q", "title": "Q"}, "drivers": value}
    try:
        load_text({"q.yaml": yaml.safe_dump(doc)})
    except DataError as exc:
        assert exc.problems


json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
                           lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
                           max_leaves=25)


json_keys = st.text() | st.integers() | st.booleans() | st.none() | st.floats(allow_nan=False)


@settings(max_examples=400, deadline=None)
@given(value=json_values, prefix=st.sampled_from(["", " ", "   "]), indent=st.sampled_from([1, 2, 4]),
       sort_keys=st.booleans())
def test_json_text_writer_equals_json_dumps(value, prefix: str, indent: int, sort_keys: bool):
    """graph.jsonld's and --format json's encoder writes exactly what json.dumps(indent=...) would."""
    import json

    from graph.core import jsontext
    expected = json.dumps(value, indent=indent, sort_keys=sort_keys, ensure_ascii=False).replace("\n", "\n" + prefix)
    assert jsontext.dumps(value, indent, sort_keys, prefix) == expected


@settings(max_examples=200, deadline=None)
@given(value=st.dictionaries(json_keys, st.tuples(st.integers(), st.text()) | st.lists(st.booleans())), )
def test_json_text_writer_keys_and_tuples_as_json(value):
    import json

    from graph.core import jsontext
    assert jsontext.dumps(value) == json.dumps(value, indent=2, ensure_ascii=False)


iri_tail = st.text(st.sampled_from("abcXYZ019-_.()%~"), min_size=1, max_size=8)
# predicates are the ontology's terms (names that start with a letter): rdflib re-derives a
# predicate's prefixed name each time it writes it, the exporter once, which differs only for a
# local name rdflib refuses at first and accepts once a generated prefix is bound ("%", "-0")
pred_tail = st.tuples(st.sampled_from("abcXYZ"), st.text(st.sampled_from("abcXYZ019-_"), max_size=7)).map("".join)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.tuples(iri_tail, st.sampled_from(["dg", "other", "type", "label"]), pred_tail,
                               st.one_of(text, st.integers(), st.booleans(), st.none())),
                     min_size=1, max_size=12))
def test_turtle_writer_equals_rdflibs_serializer(rows):
    """graph.ttl's own layout code writes exactly what rdflib's Turtle serializer writes (prefixes,
    generated ones included, subject/predicate/object order, literals, IRIs no prefix can hold)."""
    from rdflib import RDF, RDFS, URIRef

    from graph.core.rdf import namespaced_graph
    from graph.publish.exports import turtle
    g = namespaced_graph()
    base, onto = "https://w3id.org/drivers-graph/id/", "https://w3id.org/drivers-graph/ontology#"
    preds = {"dg": lambda t: URIRef(onto + t), "other": lambda t: URIRef(f"http://example.org/v/{t}"),
             "type": lambda t: RDF.type, "label": lambda t: RDFS.label}
    for s, kind, p, value in rows:
        subject = URIRef(base + s)
        pred = preds[kind](p)
        o = p + s
        obj = (URIRef(base + o) if value is None else RDFS.Class if kind == "type" and value is True
               else URIRef(onto + o) if kind == "type" else Literal(value))
        g.add((subject, pred, obj))
    assert turtle(g) == g.serialize(format="turtle")


# text NetworkX's writer keeps as it is (it splits its output with str.splitlines(), which breaks
# lines at \r, \x0b, \x0c, \x1c-\x1e, \x85 inside values too; XML 1.0 refuses most other controls)
xml_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("\t\n&<>\"'"), max_size=20)


@settings(max_examples=150, deadline=None)
@given(nodes=st.dictionaries(xml_text.filter(bool), st.dictionaries(st.sampled_from(["title", "type", "kind", "x y"]),
                                                                    xml_text, max_size=3), min_size=0, max_size=6),
       edges=st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5), xml_text,
                                st.dictionaries(st.sampled_from(["rel", "source", "quote"]), xml_text, max_size=3)),
                      max_size=8))
def test_graphml_writer_equals_networkx(nodes, edges):
    """graph.graphml's own text writer gives exactly NetworkX's generate_graphml for the same graph."""
    import networkx as nx

    from graph.publish.exports import graphml
    G = nx.MultiDiGraph()
    for n, d in nodes.items():
        G.add_node(n, **d)
    ids = sorted(nodes)
    for u, v, k, d in edges if ids else ():
        G.add_edge(ids[u % len(ids)], ids[v % len(ids)], key=k, **d)
    H = nx.MultiDiGraph()
    for n in sorted(G.nodes):
        H.add_node(n, **dict(sorted(G.nodes[n].items())))
    for i, (u, v, k, d) in enumerate(sorted(G.edges(keys=True, data=True), key=lambda e: (e[0], e[1], str(e[2])))):
        H.add_edge(u, v, key=f"e{i}", link=str(k), **{a: b for a, b in sorted(d.items()) if a != "link"})
    assert graphml(G) == "\n".join(nx.generate_graphml(H, prettyprint=True)) + "\n"
