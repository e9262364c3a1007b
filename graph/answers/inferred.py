"""Inferred links (suggestions), stored apart from the stated ones and shown only when asked.

A suggestion from ``drivers suggest ID --save`` goes to its own file (default
``inferred/suggestions.json``), never into ``data/``: the graph that ``drivers build`` writes to
``exports/`` holds stated links only. ``overlay`` adds the saved suggestions to a *copy* of the
NetworkX view as edges marked ``inferred=True`` with their score and method, for ``drivers why
--suggested`` and ``drivers viz --suggested``. ``drivers accept`` turns one into a stated link whose
provenance is the officer's decision (``graph/accept.py``), and drops it from this store.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx

from ..core.errors import DataError, Problem, UsageError, rel

DEFAULT_STORE = Path("inferred") / "suggestions.json"
NOTE = ("Inferred link suggestions from `drivers suggest --save`: NOT stated by any source document. "
        "Each has the score and method that produced it. `drivers accept` turns one into a stated link.")


@dataclass(frozen=True)
class InferredLink:
    frm: str
    rel: str
    to: str
    score: float
    method: str
    evidence: dict = field(default_factory=dict, compare=False, hash=False)

    def as_dict(self) -> dict:
        return {"from": self.frm, "rel": self.rel, "to": self.to, "score": self.score, "method": self.method,
                "evidence": self.evidence}


def load(path: Path) -> list[InferredLink]:
    """The saved suggestions; a missing file is an empty store, a malformed one a DataError."""
    if not path.exists():
        return []
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError([Problem(f"cannot read the suggestions file: {exc}", file=rel(path),
                                 hint="delete it and save suggestions again")]) from None
    except json.JSONDecodeError as exc:
        raise DataError([Problem(f"not valid JSON: {exc.msg}", file=rel(path), line=exc.lineno,
                                 hint="delete it and save suggestions again with drivers suggest ID --save")]) from None
    out = []
    rows = doc.get("links") if isinstance(doc, dict) else None
    if not isinstance(rows, list):
        raise DataError([Problem("expected an object with a 'links' list", file=rel(path),
                                 hint="delete it and save suggestions again")])
    for i, row in enumerate(rows, 1):
        try:
            out.append(InferredLink(str(row["from"]), str(row["rel"]), str(row["to"]), float(row["score"]),
                                    str(row["method"]), dict(row.get("evidence") or {})))
        except (KeyError, TypeError, ValueError):
            raise DataError([Problem(f"link {i} needs from, rel, to, score and method", file=rel(path),
                                     hint="delete it and save suggestions again")]) from None
    return out


def dumps(links: list[InferredLink]) -> str:
    """Deterministic JSON: links sorted by (from, best score first, to)."""
    rows = [lk.as_dict() for lk in sorted(set(links), key=lambda lk: (lk.frm, -lk.score, lk.to, lk.rel))]
    return json.dumps({"note": NOTE, "links": rows}, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def merge(existing: list[InferredLink], action: str, new: list[InferredLink]) -> list[InferredLink]:
    """Replace every saved suggestion from ``action`` with ``new``."""
    return [lk for lk in existing if lk.frm != action] + list(new)


def save(path: Path, links: list[InferredLink]) -> None:
    from ..core.io import write_text

    write_text(path, dumps(links))


def overlay(G: nx.MultiDiGraph, links: list[InferredLink]) -> tuple[nx.MultiDiGraph, list[InferredLink]]:
    """A copy of ``G`` with the suggestions as edges marked inferred; and those left out.

    Left out: suggestions whose ends are no longer in the graph, and those already stated (an
    accepted suggestion is a stated link now and is drawn as one).
    """
    H = G.copy()
    H.graph["inferred"] = True  # graph.answers.why then prefers stated chains to inferred ones
    skipped = []
    for lk in sorted(set(links), key=lambda lk: (lk.frm, lk.to, lk.rel)):
        if lk.frm not in H or lk.to not in H or any(
                d.get("rel") == lk.rel for d in (G.get_edge_data(lk.frm, lk.to) or {}).values()):
            skipped.append(lk)
            continue
        H.add_edge(lk.frm, lk.to, key=f"{lk.rel}|inferred", rel=lk.rel, source="inferred", section=lk.method,
                   inferred=True, score=lk.score, method=lk.method)
    return H, skipped


def load_overlay(G: nx.MultiDiGraph, path: Path) -> tuple[nx.MultiDiGraph, list[InferredLink]]:
    """``overlay`` of the store at ``path``; asking for suggestions with none saved is exit 2."""
    if not path.exists():
        raise UsageError(f"no saved suggestions at {path}; save some first with: drivers suggest ACTION-ID --save "
                         f"(or pass --suggestions FILE)")
    return overlay(G, load(path))
