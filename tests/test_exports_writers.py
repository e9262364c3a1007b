"""The RDF writers (graph.nq, graph.trig, graph.ttl, graph.jsonld) against rdflib's own output for the
same quads, on quads drawn to hit what the writers do by hand: literals with every character that
needs escaping, language tags, datatypes (bound and unbound namespaces), a triple repeated within and
across named graphs, equal terms that are different objects (the writers key their memos by identity),
blank nodes, predicates that need a generated prefix."""

from __future__ import annotations

import io
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import RDF, RDFS, XSD, BNode, Dataset, Graph, Literal, URIRef
from rdflib.plugins.serializers.nquads import _nq_row
from rdflib.plugins.serializers.nt import _nt_row

from graph.core.rdf import Quads
from graph.publish import exports

BASE = "https://w3id.org/drivers-graph/id/"
ONTO = "https://w3id.org/drivers-graph/ontology#"

# every character N-Triples, Turtle or JSON escapes (or that a line split could trip on), and others
escapes = st.sampled_from(list('\\"\'\n\r\t\x00\x01\x08\x0c\x1f\x7f\x85\u2028\u2029\ufeff') + ["é", "😀", "a", " "])
lexical = st.text(escapes | st.characters(blacklist_categories=("Cs",)), max_size=12)
literals = st.one_of(
    lexical.map(Literal),
    st.tuples(lexical, st.sampled_from(["en", "en-GB", "gd", "sco"])).map(lambda t: Literal(t[0], lang=t[1])),
    st.integers(-10**20, 10**20).map(lambda n: Literal(n, datatype=XSD.integer)),
    st.booleans().map(Literal),
    st.floats(allow_nan=False, allow_infinity=False).map(Literal),
    st.sampled_from(["2019", "2019-10"]).map(lambda y: Literal(y, datatype=XSD.gYear if len(y) == 4 else XSD.gYearMonth)),
    st.tuples(lexical, st.sampled_from([ONTO + "code", "http://example.org/dt/code"])).map(
        lambda t: Literal(t[0], datatype=URIRef(t[1]))),
)
local = st.text(st.sampled_from("abcXYZ019-_"), min_size=1, max_size=6)
subjects = st.one_of(local.map(lambda t: URIRef(BASE + "x/" + t)), local.map(lambda t: URIRef(ONTO + "S" + t)))
predicates = st.one_of(
    st.sampled_from([RDF.type, RDFS.label, URIRef("http://purl.org/dc/terms/title"), URIRef(ONTO + "partOf")]),
    st.tuples(st.sampled_from("abc"), local).map(lambda t: URIRef(ONTO + t[0] + t[1])),
    st.tuples(st.sampled_from("abc"), local).map(lambda t: URIRef("http://example.org/v/" + t[0] + t[1])),
)
objects = st.one_of(literals, subjects, st.just(RDFS.Class), local.map(lambda t: URIRef(ONTO + "C" + t)))
triples = st.tuples(subjects, predicates, objects)
graph_names = st.sampled_from([BASE + "graph/a", BASE + "graph/b", BASE + "graph/c"])


def fresh(t):
    """An equal term that is a different object."""
    if isinstance(t, Literal):
        return Literal(str(t), lang=t.language, datatype=t.datatype)
    return type(t)(str(t))


@st.composite
def quads(draw, bnodes: bool = False):
    q = Quads()
    pool = draw(st.lists(triples, min_size=1, max_size=14))
    if bnodes:
        b = BNode("b1")
        pool.append((b, RDFS.label, Literal("blank")))
        pool.append((pool[0][0], URIRef(ONTO + "about"), b))
    for s, p, o in pool:
        name = URIRef(draw(graph_names))
        q.graph(name).add((s, p, o))
        if draw(st.booleans()):  # the same triple again: in another graph, or in this one, made anew or not
            again = (fresh(s), fresh(p), fresh(o)) if draw(st.booleans()) else (s, p, o)
            q.graph(URIRef(draw(graph_names))).add(again)
    return q


def rdflib_nquads(q: Quads) -> str:
    lines = {_nq_row(t, URIRef(name)) for name in q.names() for t in q.graphs[name]}
    return "".join(sorted(lines)) or "\n"


def rdflib_trig(q: Quads) -> str:
    blocks = []
    for name in q.names():
        lines = sorted({_nt_row(t) for t in q.graphs[name]})
        blocks.append(f"<{name}> {{\n" + "".join("  " + line for line in lines) + "}\n")
    return "\n".join(blocks)


def rdflib_jsonld(q: Quads) -> str:
    """graph.jsonld's text from rdflib's JSON-LD writer, one graph at a time, nodes and values sorted."""
    out = []
    for name in q.names():
        g = Graph()
        for t in q.graphs[name]:
            g.add(t)
        doc = json.loads(g.serialize(format="json-ld"))
        nodes = doc if isinstance(doc, list) else doc.get("@graph", [doc])
        for node in nodes:
            exports._jsonld_sorted(node)
        out.append({"@graph": sorted(nodes, key=lambda n: n["@id"]), "@id": str(name)})
    return json.dumps(out, indent=1, sort_keys=True, ensure_ascii=False) + "\n" if out else "[]\n"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(q=quads())
def test_nquads_and_trig_are_rdflibs_lines_sorted(q: Quads):
    assert exports.nquads(q) == rdflib_nquads(q)
    assert exports.trig(q) == rdflib_trig(q)
    back = Dataset()
    back.parse(data=exports.trig(q), format="trig")
    assert {(s, p, o, getattr(g, "identifier", g)) for s, p, o, g in back.quads()} == \
        {(s, p, o, URIRef(n)) for n in q.names() for s, p, o in q.graphs[n]}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(q=quads(bnodes=True))
def test_nquads_and_trig_write_blank_nodes_as_rdflib_does(q: Quads):
    assert exports.nquads(q) == rdflib_nquads(q)
    assert exports.trig(q) == rdflib_trig(q)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(q=quads())
def test_nquads_then_trig_sharing_their_statements_write_what_each_writes_alone(q: Quads):
    """In a build the two share one term memo, and the first keeps each graph's sorted statements
    for the second; either order gives each file's own text."""
    for first, second in ((exports.write_nquads, exports.write_trig), (exports.write_trig, exports.write_nquads)):
        terms = exports._Terms()
        a, b = io.StringIO(), io.StringIO()
        first(q, a, terms)
        second(q, b, terms)
        texts = {first: a.getvalue(), second: b.getvalue()}
        assert texts[exports.write_nquads] == exports.nquads(q)
        assert texts[exports.write_trig] == exports.trig(q)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(q=quads())
def test_turtle_of_quads_is_rdflibs_turtle_of_their_union(q: Quads):
    assert exports.turtle(q) == q.union().serialize(format="turtle")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(q=quads(bnodes=True))
def test_turtle_and_jsonld_with_blank_nodes_are_rdflibs(q: Quads):
    assert exports.turtle(q) == q.union().serialize(format="turtle")
    assert exports.jsonld(q) == exports._jsonld_rdflib(q.union())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(q=quads())
def test_jsonld_of_quads_is_rdflibs_jsonld_graph_by_graph(q: Quads):
    assert exports.jsonld(q) == rdflib_jsonld(q)


def test_a_subject_met_before_the_prefix_generated_for_its_namespace_keeps_its_iri():
    """rdflib names each term as its preprocess meets it; a predicate whose namespace no prefix holds
    gets one generated (ns1) when met, so a subject of that namespace met before it is written whole,
    and one met after it is prefixed — as graph.ttl has always written it."""
    q = Quads()
    g = q.graph(URIRef(BASE + "graph/a"))
    early, late = URIRef("http://example.org/v/early"), URIRef("http://example.org/v/late")
    g.add((early, RDFS.label, Literal("e")))
    g.add((URIRef(BASE + "x/1"), URIRef("http://example.org/v/p"), Literal("v")))
    g.add((late, RDFS.label, Literal("l")))
    text = exports.turtle(q)
    assert "@prefix ns1: <http://example.org/v/> ." in text
    assert "<http://example.org/v/early> rdfs:label" in text and "ns1:late rdfs:label" in text
    assert Graph().parse(data=text, format="turtle").isomorphic(q.union())


def test_jsonld_puts_values_of_predicates_alike_as_text_under_one_key():
    """Two predicate terms with the same IRI that rdflib holds unequal (a URIRef and a subclass) are
    one JSON-LD key, their values together and sorted."""
    class IRI(URIRef):
        pass
    q = Quads()
    s = URIRef(BASE + "x/1")
    q.graph(URIRef(BASE + "graph/a")).add((s, URIRef(ONTO + "p"), Literal("b")))
    q.graph(URIRef(BASE + "graph/a")).add((s, IRI(ONTO + "p"), Literal("a")))
    (node,) = json.loads(exports.jsonld(q))[0]["@graph"]
    assert node[ONTO + "p"] == [{"@value": "a"}, {"@value": "b"}]


def test_statements_kept_for_one_quads_are_not_given_for_another():
    one, two = Quads(), Quads()
    one.graph(URIRef(BASE + "graph/a")).add((URIRef(BASE + "x/1"), RDFS.label, Literal("one")))
    two.graph(URIRef(BASE + "graph/b")).add((URIRef(BASE + "x/2"), RDFS.label, Literal("two")))
    terms = exports._Terms()
    exports.write_nquads(one, io.StringIO(), terms)
    out = io.StringIO()
    exports.write_trig(two, out, terms)
    assert out.getvalue() == exports.trig(two) and "one" not in out.getvalue()


def test_statements_past_the_limit_are_not_kept_and_are_worked_out_again(monkeypatch):
    q = Quads()
    for i in range(5):
        q.graph(URIRef(BASE + f"graph/{i % 2}")).add((URIRef(BASE + f"x/{i}"), RDFS.label, Literal(f"v{i}")))
    for limit, kept in ((5, True), (4, False)):
        monkeypatch.setattr(exports, "KEEP_STATEMENTS", limit)
        terms = exports._Terms()
        exports.write_nquads(q, io.StringIO(), terms)
        assert (terms._held is not None) == kept
        out = io.StringIO()
        exports.write_trig(q, out, terms)
        assert out.getvalue() == exports.trig(q) and terms._held is None


def test_jsonld_with_a_blank_node_and_an_integer_past_64_bits_is_written():
    """The JSON-LD of a graph the fast writer leaves to rdflib (a blank node) is encoded with ``json``,
    whether or not orjson is installed (rdflib writes with orjson where it is, which refuses such an int)."""
    q = Quads()
    g = q.graph(URIRef(BASE + "graph/a"))
    big = 2 ** 70
    g.add((URIRef(BASE + "x/1"), RDFS.seeAlso, BNode("b1")))
    g.add((BNode("b1"), RDF.value, Literal(big)))
    doc = json.loads(exports.jsonld(q))
    assert doc == [{"@id": "_:b1", str(RDF.value): [{"@type": str(XSD.integer), "@value": big}]},
                   {"@id": BASE + "x/1", str(RDFS.seeAlso): [{"@id": "_:b1"}]}]
