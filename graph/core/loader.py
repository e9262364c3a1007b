"""Load ``data/*.yaml`` into checked, typed records.

Every problem is collected (not just the first) and reported with file, line and id, and what
to do about it. Example::

    >>> data = load(Path("data"))          # doctest: +SKIP
    >>> data.records["cyp-act-2014"].title  # doctest: +SKIP
    'Children and Young People (Scotland) Act 2014'
"""

from __future__ import annotations

import re
import reprlib
from pathlib import Path
from typing import Any

from .errors import DataError, Problem, rel
from .io import LineDict, parse_yaml, read_yaml
from .model import (COMMON_FIELDS, EDITION_FIELDS, ENTRY_FIELDS, RELATIONS, SOURCE_FIELDS, TYPES,
                    Data, Edition, Entry, FieldSpec, Link, Record, Source)

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
NUMBER_RE = re.compile(r"^\d+(?:\.\d+)*$")
#: Control characters (other than tab and line breaks) never belong in text, and ESC could drive a terminal.
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
MIN_YEAR, MAX_YEAR = 1900, 2100
#: Addresses become IRIs: a web address as printed (with or without http(s)://, no spaces or
#: markup characters, no other scheme such as javascript:), a legislation.gov.uk path.
ADDRESS_RE = {"url": re.compile(r"^(?:https?://|(?![A-Za-z][A-Za-z0-9+.-]*:))[^\s<>\"{}|\\^`]+$", re.I),
              "legislation": re.compile(r"^/[a-z]+/\d{4}/[0-9A-Za-z/_.-]+$")}
ADDRESS_WHAT = {"url": "web address", "legislation": "legislation.gov.uk path"}
ADDRESS_HINT = {"url": "write it as printed, e.g. www.gov.scot/publications/... or https://...; a space is %20",
                "legislation": "write the path after legislation.gov.uk, e.g. /asp/2014/8"}
KNOWN_TOP = {"source", "editions", "links", *TYPES}
#: fields of an entry in a top-level ``links:`` section (a link added to a record defined elsewhere)
EXTRA_LINK_FIELDS = {"from", "rel", "to", "note", "section", "by", "date", "score", "method"}
_REPR = reprlib.Repr()
_REPR.maxstring = _REPR.maxother = 40
_REPR.maxlist = _REPR.maxdict = 3
_REPR.maxlevel = 2


def _show(value: Any) -> str:
    """A short repr for messages (a pasted blob or a deeply nested value must not flood the screen)."""
    return _REPR.repr(value)


def data_files(data_dir: Path) -> list[Path]:
    """The YAML files under ``data_dir``, in a stable order."""
    if not data_dir.is_dir():
        raise DataError([Problem("the data folder does not exist", file=str(data_dir),
                                 hint="pass --data DIR pointing at a folder of YAML files")])
    # hidden files and folders *inside* the data folder are skipped (temporary files, editor backups); the
    # folder itself may sit under a hidden one (~/.local/pipx/..., a temporary .data.*.tmp while init writes)
    files = sorted(p for p in data_dir.rglob("*.yaml")
                   if not any(part.startswith(".") for part in p.relative_to(data_dir).parts))
    if not files:
        raise DataError([Problem("no .yaml files in the data folder", file=rel(data_dir),
                                 hint="add data files or pass --data DIR")])
    return files


def load(data_dir: Path) -> Data:
    """Read and check every YAML file under ``data_dir``; raise :class:`DataError` listing all problems."""
    problems: list[Problem] = []
    data = Data()
    for path in data_files(data_dir):
        try:
            doc = read_yaml(path)
        except DataError as exc:
            problems.extend(exc.problems)
            continue
        _load_file(doc, rel(path), data, problems)
    _check_references(data, problems)
    if problems:
        raise DataError(problems)
    return data


def load_text(files: dict[str, str]) -> Data:
    """Load in-memory YAML texts (name -> text); used by tests and tools that build data."""
    problems: list[Problem] = []
    data = Data()
    for name, text in sorted(files.items()):
        try:
            doc = parse_yaml(text, name)
        except DataError as exc:
            problems.extend(exc.problems)
            continue
        _load_file(doc, name, data, problems)
    _check_references(data, problems)
    if problems:
        raise DataError(problems)
    return data


def _line(obj: Any, default: int | None = None) -> int | None:
    return obj.line if isinstance(obj, LineDict) else default


def _check_fields(obj: dict, specs: dict[str, FieldSpec], allowed: set[str], file: str, line: int | None,
                  rid: str | None, what: str, problems: list[Problem]) -> dict[str, Any]:
    """Check a mapping's fields against specs; return the cleaned values."""
    out: dict[str, Any] = {}
    for key in obj:
        if key not in allowed:
            problems.append(Problem(f"unknown field {key!r} in {what}", file=file, line=line, id=rid,
                                    hint=f"use one of: {', '.join(sorted(allowed))} (see data/SCHEMA.md)"))
    for key, spec in specs.items():
        if key not in obj or obj[key] is None:
            if spec.required:
                problems.append(Problem(f"{what} is missing the required field {key!r}", file=file,
                                        line=line, id=rid, hint=f"add '{key}:'"))
            continue
        value = obj[key]
        values = value if spec.many else [value]
        if spec.many and not isinstance(value, list):
            problems.append(Problem(f"field {key!r} must be a list", file=file, line=line, id=rid,
                                    hint=f"write '{key}: [a, b]'"))
            continue
        ok = True
        for v in values:
            if isinstance(v, bool) and spec.kind is not bool:
                ok = False
            elif not isinstance(v, spec.kind):
                ok = False
            if not ok:
                want = {int: "int (a whole number)", bool: "true or false", str: "text"}.get(spec.kind, "text")
                hint = {int: f"write a whole number without quotes, e.g. {key}: 2019" if key.endswith("year")
                        else f"write a whole number without quotes, e.g. {key}: 3",
                        bool: f"write {key}: true or {key}: false"}.get(
                    spec.kind, "quote text, and numbers meant as text, e.g. number: \"1.10\"")
                problems.append(Problem(f"field {key!r} must be {want}, not {type(v).__name__} ({_show(v)})",
                                        file=file, line=line, id=rid, hint=hint))
                break
            if spec.choices and v not in spec.choices:
                problems.append(Problem(f"field {key!r} has unknown value {_show(v)}", file=file, line=line, id=rid,
                                        hint=f"use one of: {', '.join(spec.choices)}"))
                ok = False
                break
            if key.endswith("year") and isinstance(v, int) and not MIN_YEAR <= v <= MAX_YEAR:
                problems.append(Problem(f"field {key!r} is an impossible year: {v}", file=file, line=line,
                                        id=rid, hint=f"use a four-digit year between {MIN_YEAR} and {MAX_YEAR}"))
                ok = False
                break
            # summary_number/detail_number "" record that the document prints no number (data/SCHEMA.md)
            if isinstance(v, str) and key not in ("summary", "text", "description", "summary_number",
                                                  "detail_number", "link_urls") and not v.strip():
                problems.append(Problem(f"field {key!r} is empty", file=file, line=line, id=rid,
                                        hint="give a value or remove the field"))
                ok = False
                break
            bad = CONTROL_RE.search(v) if isinstance(v, str) else None
            if bad:
                problems.append(Problem(f"field {key!r} contains the control character U+{ord(bad.group()):04X}",
                                        file=file, line=line, id=rid,
                                        hint="remove it (a \\e or \\x escape, or a character pasted from a PDF)"))
                ok = False
                break
            if key in ADDRESS_RE and isinstance(v, str) and not ADDRESS_RE[key].match(v):
                problems.append(Problem(f"field {key!r} is not a {ADDRESS_WHAT[key]}: {_show(v)}", file=file,
                                        line=line, id=rid, hint=ADDRESS_HINT[key]))
                ok = False
                break
        if ok:
            if isinstance(value, int) and not isinstance(value, bool) and spec.kind == (str, int):
                value = str(value)
            out[key] = list(value) if spec.many else value
    return out


def _check_id(value: Any, file: str, line: int | None, problems: list[Problem], what: str = "record") -> str | None:
    if value is None:
        problems.append(Problem(f"{what} has no 'id'", file=file, line=line, hint="add 'id: some-kebab-case-id'"))
        return None
    if not isinstance(value, str) or not ID_RE.match(value):
        problems.append(Problem(f"bad id {_show(value)}", file=file, line=line,
                                hint="ids are lowercase letters, digits and single hyphens, e.g. cyp-act-2014"))
        return None
    return value


def _load_file(doc: Any, file: str, data: Data, problems: list[Problem]) -> None:
    if doc is None:
        problems.append(Problem("the file is empty", file=file, hint="add a 'source:' block and records, or delete it"))
        return
    if not isinstance(doc, dict):
        problems.append(Problem(f"the file must be a mapping of sections, not a {type(doc).__name__}", file=file,
                                line=1, hint="start with 'source:' then sections such as 'drivers:'"))
        return
    for key in doc:
        if key not in KNOWN_TOP:
            problems.append(Problem(f"unknown section {_show(key)}", file=file, line=doc.line_of(key),
                                    hint=f"use one of: {', '.join(sorted(KNOWN_TOP))}"))
    src_raw = doc.get("source")
    if not isinstance(src_raw, dict):
        problems.append(Problem("missing 'source:' block naming the document this file transcribes", file=file,
                                line=1, hint="add source: {id: src-..., title: ...}"))
        return
    sline = _line(src_raw)
    sid = _check_id(src_raw.get("id"), file, sline, problems, "source")
    sfields = _check_fields(src_raw, SOURCE_FIELDS, set(SOURCE_FIELDS), file, sline, sid, "source", problems)
    if sid is None:
        return
    if sid in data.sources:
        other = data.sources[sid]
        problems.append(Problem(f"source id {sid!r} is also used in {other.file}:{other.line}", file=file,
                                line=sline, id=sid, hint="give each document its own source id"))
        return
    data.sources[sid] = Source(sid, sfields.get("title", ""), sfields, file, sline)
    if hasattr(src_raw, "line_of") and "partnership" in src_raw:
        data.source_lines[sid] = src_raw.line_of("partnership")

    for section, spec in TYPES.items():
        items = doc.get(section)
        if items is None:
            continue
        if not isinstance(items, list):
            problems.append(Problem(f"section {section!r} must be a list of records", file=file,
                                    line=doc.line_of(section), hint=f"write '{section}:' then '- id: ...' items"))
            continue
        for n, item in enumerate(items, start=1):
            if not isinstance(item, dict):
                problems.append(Problem(f"item {n} of {section!r} is {_show(item)}, not a record", file=file,
                                        line=doc.line_of(section),
                                        hint="start each record with '- id: ...' and indent its fields under it"))
                continue
            _load_record(item, spec, sid, file, data, problems)

    editions = doc.get("editions")
    if editions is not None:
        if not isinstance(editions, list):
            problems.append(Problem("section 'editions' must be a list", file=file, line=doc.line_of("editions"),
                                    hint="write 'editions:' then '- id: ...' items"))
        else:
            for item in editions:
                if not isinstance(item, dict):
                    problems.append(Problem(f"each edition must be a mapping, not {_show(item)}", file=file,
                                            line=doc.line_of("editions"), hint="start each edition with '- id: ...'"))
                    continue
                _load_edition(item, sid, file, data, problems)

    if "links" in doc:
        _load_extra_links(doc.get("links"), doc.line_of("links"), sid, file, data, problems)


def _load_extra_links(items: Any, line: int, sid: str, file: str, data: Data, problems: list[Problem]) -> None:
    """A top-level ``links:`` section: stated links from records defined in other files.

    Each entry is ``{from, rel, to, note}`` (optionally ``section``, ``by``, ``date``, ``score``,
    ``method``); the link cites this file's source, its ``section`` (default "Accepted by BY on
    DATE") and the ``note`` as its quote. ``drivers accept`` writes such entries.
    """
    if not isinstance(items, list):
        problems.append(Problem("section 'links' must be a list", file=file, line=line,
                                hint="write 'links:' then '- {from: id, rel: drivenBy, to: id, note: ...}' items"))
        return
    seen: dict[tuple, int | None] = {}
    for raw in items:
        lline = _line(raw, line)
        if not isinstance(raw, dict):
            problems.append(Problem(f"each entry of 'links' must be a mapping, not {_show(raw)}", file=file,
                                    line=lline, hint="write - {from: id, rel: drivenBy, to: id, note: ...}"))
            continue
        unknown = set(raw) - EXTRA_LINK_FIELDS
        if unknown:
            problems.append(Problem(f"unknown field(s) in link: {', '.join(sorted(map(str, unknown)))}", file=file,
                                    line=lline, hint=f"use: {', '.join(sorted(EXTRA_LINK_FIELDS))}"))
        frm, r, to, note = raw.get("from"), raw.get("rel"), raw.get("to"), raw.get("note")
        if not isinstance(frm, str) or not ID_RE.match(frm) or not isinstance(to, str) or not ID_RE.match(to):
            problems.append(Problem(f"link needs 'from' and 'to' ids, got {_show(frm)} -> {_show(to)}", file=file,
                                    line=lline, hint="ids are lowercase kebab-case, e.g. nl-neglect-ap-a1"))
            continue
        if not isinstance(r, str) or r not in RELATIONS:
            problems.append(Problem(f"unknown relation {_show(r)}", file=file, line=lline, id=frm,
                                    hint=f"use one of: {', '.join(RELATIONS)}"))
            continue
        if not isinstance(note, str) or not note.strip():
            problems.append(Problem("link has no 'note'", file=file, line=lline, id=frm,
                                    hint="say why the link holds: the note is the link's evidence"))
            continue
        bad = [k for k in ("section", "by", "date", "method") if k in raw and not isinstance(raw[k], str)]
        if bad or "score" in raw and (isinstance(raw["score"], bool) or not isinstance(raw["score"], (int, float))):
            problems.append(Problem(f"link field(s) {', '.join(bad or ['score'])} must be "
                                    f"{'text' if bad else 'a number'}", file=file, line=lline, id=frm,
                                    hint="quote dates, e.g. date: \"2026-11-23\""))
            continue
        ctrl = next(((k, m) for k in ("note", "section", "by", "date", "method") if isinstance(raw.get(k), str)
                     for m in [CONTROL_RE.search(raw[k])] if m), None)
        if ctrl:
            problems.append(Problem(f"link field {ctrl[0]!r} contains the control character U+{ord(ctrl[1].group()):04X}",
                                    file=file, line=lline, id=frm,
                                    hint="remove it (a \\e or \\x escape, or a character pasted from a PDF)"))
            continue
        if (frm, r, to) in seen:
            problems.append(Problem(f"link {frm} {r} {to} is listed twice (also line {seen[(frm, r, to)]})",
                                    file=file, line=lline, id=frm, hint="remove one of them"))
            continue
        seen[(frm, r, to)] = lline
        section = raw.get("section") or "Accepted" + (f" by {raw['by']}" if raw.get("by") else "") + (
            f" on {raw['date']}" if raw.get("date") else "")
        data.extra_links.append((frm, Link(r, to, sid, section, note, file, lline)))


def _load_record(item: dict, spec, sid: str, file: str, data: Data, problems: list[Problem]) -> None:
    line = _line(item)
    rid = _check_id(item.get("id"), file, line, problems)
    if rid is None:
        return
    data.declared.add(rid)
    allowed = {"id", "links", *COMMON_FIELDS, *spec.fields}
    fields = _check_fields(item, {**COMMON_FIELDS, **spec.fields}, allowed, file, line, rid, spec.label, problems)
    if rid in data.records:
        other = data.records[rid]
        problems.append(Problem(f"duplicate id: also defined at {other.file}:{other.line}", file=file, line=line,
                                id=rid, hint="ids must be unique across all data files; rename one"))
        return
    links = []
    raw_links = item.get("links") or []
    if not isinstance(raw_links, list):
        problems.append(Problem("'links' must be a list", file=file, line=line, id=rid,
                                hint="write links: [{rel: drivenBy, to: some-id}]"))
        raw_links = []
    for lk in raw_links:
        lline = _line(lk, line)
        if not isinstance(lk, dict):
            problems.append(Problem(f"each link must be a mapping {{rel, to}}, not {_show(lk)}", file=file,
                                    line=lline, id=rid, hint="write - {rel: drivenBy, to: some-id}"))
            continue
        unknown = set(lk) - {"rel", "to", "section", "quote", "source"}
        if unknown:
            problems.append(Problem(f"unknown field(s) in link: {', '.join(sorted(unknown))}", file=file, line=lline,
                                    id=rid, hint="a link has rel, to, and optionally section, quote, source"))
        r, to = lk.get("rel"), lk.get("to")
        if not isinstance(r, str) or r not in RELATIONS:
            problems.append(Problem(f"unknown relation {_show(r)}", file=file, line=lline, id=rid,
                                    hint=f"use one of: {', '.join(RELATIONS)}"))
            continue
        if not isinstance(to, str) or not ID_RE.match(to):
            problems.append(Problem(f"link {r} has a bad target {_show(to)}", file=file, line=lline, id=rid,
                                    hint="'to' is the id of another record"))
            continue
        for k in ("section", "quote", "source"):
            if k in lk and not isinstance(lk[k], str):
                problems.append(Problem(f"link field {k!r} must be text", file=file, line=lline, id=rid,
                                        hint=f"quote it: {k}: \"...\""))
            elif k in lk and CONTROL_RE.search(lk[k]):
                problems.append(Problem(f"link field {k!r} contains the control character "
                                        f"U+{ord(CONTROL_RE.search(lk[k]).group()):04X}", file=file, line=lline,
                                        id=rid, hint="remove it (a \\e or \\x escape, or a character pasted from a PDF)"))
        links.append(Link(r, to, str(lk.get("source") or fields.get("source") or sid),
                          str(lk.get("section") or fields.get("section", "")),
                          lk.get("quote") if isinstance(lk.get("quote"), str) else None, file, lline))
    if "title" not in fields or "section" not in fields:
        return
    src = fields.pop("source", sid)
    data.records[rid] = Record(rid, spec, fields.pop("title"), src, fields.pop("section"), fields, links, file, line)


def _load_edition(item: dict, sid: str, file: str, data: Data, problems: list[Problem]) -> None:
    line = _line(item)
    eid = _check_id(item.get("id"), file, line, problems, "edition")
    if eid is None:
        return
    fields = _check_fields(item, EDITION_FIELDS, {"id", "entries", *EDITION_FIELDS}, file, line, eid, "edition",
                           problems)
    if eid in data.editions or eid in data.records:
        problems.append(Problem("duplicate edition id", file=file, line=line, id=eid, hint="rename the edition"))
        return
    if not {"year", "title", "partnership"} <= set(fields):
        return
    ed = Edition(eid, fields.pop("year"), fields.pop("title"), fields.pop("partnership"),
                 fields.pop("source", sid), fields=fields, file=file, line=line)
    for other in data.editions.values():
        if other.year == ed.year and other.partnership == ed.partnership:
            problems.append(Problem(f"edition year {ed.year} for {ed.partnership} is also edition {other.id!r} "
                                    f"({other.file}:{other.line})", file=file, line=line, id=eid,
                                    hint="one edition per partnership and year; use --force to replace"))
    entries = item.get("entries") or []
    if not isinstance(entries, list):
        problems.append(Problem("'entries' must be a list", file=file, line=line, id=eid,
                                hint="write 'entries:' then '- number: ...' items"))
        entries = []
    for order, raw in enumerate(entries, start=1):
        eline = _line(raw, line)
        if not isinstance(raw, dict):
            problems.append(Problem(f"each entry must be a mapping, not {_show(raw)}", file=file, line=eline,
                                    id=eid, hint="write - {number: \"1.1\", driver: some-id, category: national, "
                                                 "title: ...}"))
            continue
        ef = _check_fields(raw, ENTRY_FIELDS, set(ENTRY_FIELDS), file, eline, eid, "edition entry", problems)
        if not {"number", "driver", "category", "title"} <= set(ef):
            continue
        if "link_urls" in ef and len(ef["link_urls"]) != len(ef.get("links_text", [])):
            problems.append(Problem(f"entry {ef['number']} has {len(ef['link_urls'])} link_urls for "
                                    f"{len(ef.get('links_text', []))} links_text", file=file, line=eline,
                                    id=ef["driver"], hint="give one address per link text, \"\" where none is known"))
        for u in ef.get("link_urls", []):
            if u and not re.match(r"^(?:https?://|mailto:)[^\s<>\"]+$", u, re.I):
                problems.append(Problem(f"entry {ef['number']}: link address {_show(u)} is not a web address",
                                        file=file, line=eline, id=ef["driver"],
                                        hint="give an http:// or https:// address, or \"\" for none"))
        if not NUMBER_RE.match(ef["number"]):
            problems.append(Problem(f"entry number {ef['number']!r} is not like '1.12'", file=file, line=eline,
                                    id=ef["driver"], hint="record the true number; keep the printed one in "
                                                          "summary_number/detail_number"))
            continue
        ed.entries.append(Entry(ef.pop("number"), ef.pop("driver"), ef.pop("category"), ef.pop("title"), order,
                                ef, file, eline))
    data.editions[eid] = ed


def _check_references(data: Data, problems: list[Problem]) -> None:
    """Every link target, partnership, source and edition entry must name something that exists."""
    ids = data.records
    known = data.declared | set(ids)
    for frm, lk in data.extra_links:  # links added by a top-level links: section, to records defined elsewhere
        if frm in ids:
            ids[frm].links.append(lk)
        elif frm not in known:
            problems.append(Problem(f"link {lk.rel} starts from unknown id {frm!r}", file=lk.file, line=lk.line,
                                    id=frm, hint=_suggest(frm, ids)))
    data.extra_links = []
    for r in ids.values():
        p = r.get("partnership")
        if p is not None and p in ids and ids[p].type.section != "partnerships" or p is not None and p not in known:
            problems.append(Problem(f"unknown partnership {p!r}", file=r.file, line=r.line, id=r.id,
                                    hint="use an id from data/partnerships.yaml"))
        if r.source not in data.sources:
            problems.append(Problem(f"unknown source {r.source!r}", file=r.file, line=r.line, id=r.id,
                                    hint="use the id of a file's source: block"))
        for lk in r.links:
            if lk.to not in known:
                problems.append(Problem(f"link {lk.rel} points to unknown id {lk.to!r}", file=lk.file, line=lk.line,
                                        id=r.id, hint=_suggest(lk.to, ids)))
            elif lk.to == r.id:
                problems.append(Problem(f"link {lk.rel} points to the record itself", file=lk.file, line=lk.line,
                                        id=r.id, hint="remove the link"))
            if lk.source not in data.sources:
                problems.append(Problem(f"link {lk.rel} cites unknown source {lk.source!r}", file=lk.file,
                                        line=lk.line, id=r.id, hint="use the id of a file's source: block"))
        if r.type.section == "clusters":
            for m in r.get("members", []):
                if m not in known:
                    problems.append(Problem(f"cluster member {m!r} is not a known article", file=r.file,
                                            line=r.line, id=r.id, hint=_suggest(m, ids)))
        s, e = r.get("start_year"), r.get("end_year")
        if isinstance(s, int) and isinstance(e, int) and e < s:
            problems.append(Problem(f"end_year {e} is before start_year {s}", file=r.file, line=r.line, id=r.id,
                                    hint="check the years in the document"))
    for src in data.sources.values():  # a source's partnership: its records drop out of that partnership's answers
        p = src.fields.get("partnership")
        if p is not None and (not isinstance(p, str) or p not in known
                              or p in ids and ids[p].type.section != "partnerships"):
            line = data.source_lines.get(src.id, src.line)
            problems.append(Problem(f"the source's partnership {p!r} is not a known partnership", file=src.file,
                                    line=line, id=src.id,
                                    hint=_partnership_hint(p, ids)))
    for ed in data.editions.values():
        if ed.partnership not in known:
            problems.append(Problem(f"unknown partnership {ed.partnership!r}", file=ed.file, line=ed.line, id=ed.id,
                                    hint="use an id from data/partnerships.yaml"))
        seen_num: dict[str, Entry] = {}
        seen_drv: dict[str, Entry] = {}
        for en in ed.entries:
            if en.driver not in known:
                problems.append(Problem(f"entry {en.number} describes unknown driver {en.driver!r}", file=en.file,
                                        line=en.line, id=ed.id, hint=_suggest(en.driver, ids)))
            for c in en.fields.get("covers", []):
                if c not in known:
                    problems.append(Problem(f"entry {en.number} covers unknown id {c!r}", file=en.file,
                                            line=en.line, id=ed.id, hint=_suggest(c, ids)))
            if en.number in seen_num:
                problems.append(Problem(f"number {en.number} is used twice in the edition (also line "
                                        f"{seen_num[en.number].line})", file=en.file, line=en.line, id=ed.id,
                                        hint="record the true number; keep a garbled one in summary_number"))
            if en.driver in seen_drv:
                problems.append(Problem(f"driver {en.driver!r} has two entries ({seen_drv[en.driver].number} and "
                                        f"{en.number})", file=en.file, line=en.line, id=ed.id,
                                        hint="one entry per driver per edition"))
            seen_num[en.number] = en
            seen_drv[en.driver] = en
        for en in ed.entries:
            for ref in en.fields.get("refs", []):
                if ref not in seen_num:
                    problems.append(Problem(f"entry {en.number} refers to {ref!r}, which is not a number in this "
                                            "edition", file=en.file, line=en.line, id=ed.id,
                                            hint="fix the reference or the numbering"))
    _check_part_of_cycles(data, problems)


def _check_part_of_cycles(data: Data, problems: list[Problem]) -> None:
    graph: dict[str, list[str]] = {}
    for r in data.records.values():
        graph[r.id] = sorted(lk.to for lk in r.links if lk.rel == "partOf")
    state: dict[str, int] = {}
    for start in sorted(graph):
        stack = [(start, iter(graph[start]))]
        path = [start]
        if state.get(start):
            continue
        state[start] = 1
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                state[node] = 2
                stack.pop()
                path.pop()
                continue
            if state.get(nxt) == 1:
                cyc = path[path.index(nxt):] + [nxt]
                r = data.records[node]
                problems.append(Problem(f"partOf cycle: {' -> '.join(cyc)}", file=r.file, line=r.line, id=node,
                                        hint="something cannot be part of itself; remove one partOf link"))
                continue
            if nxt in graph and not state.get(nxt):
                state[nxt] = 1
                stack.append((nxt, iter(graph[nxt])))
                path.append(nxt)


def _partnership_hint(bad, ids: dict) -> str:
    parts = sorted(k for k, v in ids.items() if v.type.section == "partnerships")
    hint = _suggest(str(bad), dict.fromkeys(parts))
    return hint if hint.startswith("did you mean") else f"use a partnership's id: {', '.join(parts) or 'none defined'}"


def _suggest(bad: str, ids: dict) -> str:
    import difflib

    near = difflib.get_close_matches(bad, list(ids), n=3, cutoff=0.6)
    return f"did you mean {', '.join(near)}?" if near else "define it in a data file or fix the id"


def check_with(data_dir: Path, replace: dict[Path, str]) -> Data:
    """Load ``data_dir`` as it would be with ``replace`` written (nothing is written).

    Raises :class:`DataError` (naming the files) if the result would not load.
    """
    texts: dict[str, str] = {}
    targets = {p.resolve(): t for p, t in replace.items()}
    for p in data_files(data_dir):
        if p.resolve() in targets:
            continue
        texts[rel(p)] = p.read_text(encoding="utf-8")
    for p, t in replace.items():
        texts[rel(p)] = t
    return load_text(texts)
