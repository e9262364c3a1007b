"""SHACL validation of the built graph against the shapes in ``ontology.ttl``.

Returns data, as pySHACL does: whether it conforms, and results with a severity, a focus node
(shown as its id) and a message, printed LinkML-style as ``[ERROR] [id] message``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import RDF, Dataset, Graph, URIRef
from rdflib.namespace import DCTERMS, SH

from .namespace import DG
from .paths import ONTOLOGY

SEVERITY = {SH.Violation: "ERROR", SH.Warning: "WARN", SH.Info: "INFO"}


@dataclass(frozen=True, order=True)
class Result:
    severity: str
    focus: str
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.focus} {self.path}".strip()
        return f"[{self.severity}] [{where}] {self.message}"


@dataclass
class Report:
    conforms: bool
    results: list[Result]

    @property
    def errors(self) -> list[Result]:
        return [r for r in self.results if r.severity == "ERROR"]

    def text(self) -> str:
        if not self.results:
            return "No issues found"
        return "\n".join(str(r) for r in self.results)


def load_ontology(path: Path = ONTOLOGY) -> Graph:
    g = Graph()
    g.parse(path, format="turtle")
    return g


def union(ds: Dataset) -> Graph:
    """All named graphs of ``ds`` as one graph (what SHACL and NetworkX look at)."""
    g = Graph()
    for prefix, ns in ds.namespaces():
        g.bind(prefix, ns)
    for triple in ds.quads((None, None, None, None)):
        g.add(triple[:3])
    return g


def validate(ds: Dataset, ontology: Graph | None = None) -> Report:
    """Validate every named graph together against the SHACL shapes."""
    import pyshacl  # heavy: imported only when validating

    ont = ontology if ontology is not None else load_ontology()
    data = union(ds)
    data += ont  # class hierarchy and concept schemes, so sh:class sees subclasses and kinds
    _, report_graph, _ = pyshacl.validate(
        data, shacl_graph=ont, inference="none", abort_on_first=False,
        allow_infos=True, allow_warnings=True, advanced=True)
    results = []
    for res in report_graph.subjects(RDF.type, SH.ValidationResult):
        sev = SEVERITY.get(report_graph.value(res, SH.resultSeverity), "ERROR")
        focus = report_graph.value(res, SH.focusNode)
        fid = _focus_label(data, focus)
        path = report_graph.value(res, SH.resultPath)
        msg = report_graph.value(res, SH.resultMessage)
        results.append(Result(sev, str(fid or _short(focus)), _short(path), str(msg or "does not conform")))
    results.sort()
    return Report(conforms=not any(r.severity == "ERROR" for r in results), results=results)


def _focus_label(g: Graph, focus) -> str | None:
    """An id for a record, "edition-id 1.4" for an edition entry."""
    if focus is None:
        return None
    ident = g.value(focus, DCTERMS.identifier)
    if ident is not None:
        return str(ident)
    ed = g.value(focus, DG.edition)
    if ed is not None:
        return f"{g.value(ed, DCTERMS.identifier)} entry {g.value(focus, DG.number)}"
    return None


def _short(node) -> str:
    if node is None:
        return ""
    text = str(node)
    if isinstance(node, URIRef):
        for sep in ("#", "/"):
            if sep in text:
                return text.rsplit(sep, 1)[1]
    return text
