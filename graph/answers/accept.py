"""``drivers accept``: an officer turns a suggestion into a stated link.

The source YAML files stay untouched (PyYAML would lose their comments). The link is appended,
as text, to one dedicated data file, ``accepted-links.yaml`` in the data folder, whose ``source:``
block names the officers' decisions as the document and whose top-level ``links:`` section adds
links to records defined elsewhere (see data/SCHEMA.md). The officer's note is the link's quote.

Nothing is written unless the whole data set, with the new link, loads cleanly; the file is
replaced atomically, together with the suggestions store from which the link is dropped.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..core.errors import DataError, Problem, UsageError, rel
from ..core.model import RELATIONS

FILE_NAME = "accepted-links.yaml"
SOURCE_ID = "src-officer-decisions"
HEADER = f"""# Links accepted by officers: each was suggested by `drivers suggest` (an inferred link) and then
# accepted with `drivers accept`, which appends to this file. The note is the officer's own reason,
# and is the link's evidence. Keep `links:` as the last section: new links are appended to it.
source:
  id: {SOURCE_ID}
  title: "Links accepted by officers"
  note: "Not a published document: decisions by officers of the partnership, each recorded with the officer's name, the date and a note."
links:
"""


@dataclass
class Accepted:
    path: Path
    frm: str
    rel: str
    to: str
    note: str
    by: str | None
    date: str
    score: float | None = None


def entry_text(a: Accepted, method: str | None = None) -> str:
    """The YAML for one entry of the ``links:`` list (values quoted by the YAML dumper)."""
    row: dict = {"from": a.frm, "rel": a.rel, "to": a.to, "note": a.note}
    if a.by:
        row["by"] = a.by
    row["date"] = a.date
    if a.score is not None:
        row["score"] = a.score
    if method:
        row["method"] = method
    text = yaml.safe_dump([row], allow_unicode=True, sort_keys=False, width=1_000_000, default_style=None)
    return "".join("  " + line if line.strip() else line for line in text.splitlines(keepends=True))


def accept(data_dir: Path, frm: str, to: str, rel_name: str | None, note: str, by: str | None = None,
           date: str | None = None, store: Path | None = None) -> tuple[Accepted, dict[Path, str]]:
    """Check the link and return it with the files to write (path -> new text); writes nothing.

    Unknown ids, a relation that does not exist, an empty note or a link that is already stated
    raise DriversError (exit 2). The suggestion's score, when one is saved in ``store``, is kept.
    """
    from . import inferred
    from ..core.loader import check_with
    from ..core.loader import load
    from .suggest import TARGET_TYPES

    if not note or not note.strip():
        raise UsageError("--note is required: say why the link holds (it becomes the link's evidence)")
    from ..core.loader import CONTROL_RE
    for option, value in (("--note", note), ("--by", by)):
        bad = CONTROL_RE.search(value or "")
        if bad or "\r" in (value or "") or (option == "--by" and "\n" in (value or "")):
            code = ord(bad.group()) if bad else ord("\r" if "\r" in value else "\n")
            raise UsageError(f"{option} contains the control character U+{code:04X} — remove it (type the text "
                             "plainly; a line break in --note is fine)")
    data = load(data_dir)
    for what, rid in (("ACTION-ID", frm), ("TARGET-ID", to)):
        if rid not in data.records:
            import difflib
            near = difflib.get_close_matches(rid, list(data.records), n=3, cutoff=0.6)
            raise UsageError(f"unknown {what} {rid!r} in {rel(data_dir)}" +
                             (f"; did you mean {', '.join(near)}?" if near else "; check the id with drivers show"))
    if frm == to:
        raise UsageError("a link cannot point from a record to itself")
    target_type = data.records[to].type.cls
    rel_name = rel_name or TARGET_TYPES.get(target_type)
    if rel_name is None:
        raise UsageError(f"give --rel for a link to a {target_type} (one of: {', '.join(RELATIONS)})")
    if rel_name not in RELATIONS:
        raise UsageError(f"unknown relation {rel_name!r}; use one of: {', '.join(RELATIONS)}")
    for lk in data.records[frm].links:
        if lk.rel == rel_name and lk.to == to:
            raise UsageError(f"{frm} {rel_name} {to} is already stated ({lk.source}, {lk.section}"
                             f"{f', {lk.file}:{lk.line}' if lk.file else ''}); nothing to accept")
    path = data_dir / FILE_NAME
    try:
        old = path.read_text(encoding="utf-8") if path.exists() else HEADER
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError([Problem(f"cannot read the file: {exc}", file=rel(path),
                                 hint="fix or move the file, then accept again")]) from None
    saved = inferred.load(store) if store is not None else []
    match = next((s for s in saved if s.frm == frm and s.to == to and s.rel == rel_name), None)
    a = Accepted(path, frm, rel_name, to, note.strip(), by, date or dt.datetime.now(dt.timezone.utc).date().isoformat(),
                 match.score if match else None)
    new = (old if old.endswith("\n") else old + "\n") + entry_text(a, match.method if match else None)
    # the whole data set must load with the new link, and the link must land where we put it
    try:
        after = check_with(data_dir, {path: new})
    except DataError as exc:
        raise DataError([Problem(f"the link was not written: with it the data would not load ({exc.problems[0]})",
                                 file=rel(path), hint="keep 'links:' the last section of the file")]) from None
    sid = after_source(after, rel(path))
    if not any(lk.rel == rel_name and lk.to == to and lk.source == sid for lk in after.records[frm].links):
        raise DataError([Problem("the link was not written: the file's last section is not 'links:'",
                                 file=rel(path), hint="move 'links:' to the end of the file")])
    files = {path: new}
    if match is not None:
        files[store] = inferred.dumps([s for s in saved if s != match])
    return a, files


def after_source(data, file: str) -> str | None:
    return next((s.id for s in data.sources.values() if s.file == file), None)


def write(files: dict[Path, str]) -> None:
    from ..core.io import write_many

    write_many(files)
