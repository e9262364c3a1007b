"""``drivers init``: a working folder for a user's own changes, so nothing writes into the project's
bundled data (or a checkout's ``data/``).

Two kinds of folder, each ``DIR/data`` written whole (into a temporary folder beside it, checked by
loading it, then renamed into place):

- the bundled data, copied as it is (the README's ``accept``, ``refresh`` and ``ingest`` examples
  then run in ``DIR``);
- an empty partnership skeleton: the reference lists (UNCRC, SHANARRI, Promise, National Outcomes,
  quality indicators), the legislation of the bundled drivers document (and, with ``national``, all
  of its national drivers), and one partnership record.

Example::

    init_folder(Path("work"))                                        # work/data = the bundled data
    init_folder(Path("fife"), partnership="fife", name="Fife Children's Services Partnership")
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import yaml

from .errors import DriversError, UsageError

#: the bundled drivers document the skeleton's legislation and national drivers come from
DRIVERS_DOCUMENT = "nl-drivers-2023.yaml"
#: driver kinds that are legislation
LEGISLATION_KINDS = {"act", "regulations", "bill"}


def _bundled() -> Path:
    from .paths import bundled_data
    return bundled_data()


def _is_empty(folder: Path) -> bool:
    return not folder.exists() or (folder.is_dir() and not any(folder.iterdir()))


def _dump(header: str, doc: dict) -> str:
    body = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False)
    return "".join(f"# {line}\n" if line else "#\n" for line in header.splitlines()) + body


def _national_ids(doc: dict) -> set[str]:
    """The drivers the document's national entries describe (each entry's driver and what it covers)."""
    ids: set[str] = set()
    for ed in doc.get("editions") or []:
        for en in ed.get("entries") or []:
            if en.get("category") == "national":
                ids.add(en["driver"])
                ids.update(en.get("covers") or [])
    return ids


def _reference_targets(reference: Path) -> set[str]:
    """Ids the reference lists link to (their records must exist in the skeleton)."""
    out: set[str] = set()
    for f in sorted(reference.glob("*.yaml")):
        doc = yaml.safe_load(f.read_text(encoding="utf-8")) or {}
        for key, items in doc.items():
            if key == "source" or not isinstance(items, list):
                continue
            for item in items:
                for lk in (item.get("links") or []) if isinstance(item, dict) else []:
                    out.add(lk.get("to"))
    return out


def skeleton_files(partnership: str, name: str, national: bool = False, bundled: Path | None = None
                   ) -> dict[str, str]:
    """The files of an empty partnership skeleton, by path under ``data/`` (pure: reads the bundled data)."""
    from .loader import ID_RE
    if not ID_RE.match(partnership):
        raise UsageError(f"bad partnership id {partnership!r} — ids are lowercase letters, digits and single "
                         "hyphens, e.g. fife or west-lothian")
    if not name.strip():
        raise UsageError("--name is empty — give the partnership's name as its documents print it")
    src = bundled or _bundled()
    files: dict[str, str] = {}
    for f in sorted((src / "reference").glob("*.yaml")):
        files[f"reference/{f.name}"] = f.read_text(encoding="utf-8")
    doc = yaml.safe_load((src / DRIVERS_DOCUMENT).read_text(encoding="utf-8"))
    drivers = doc.get("drivers") or []
    wanted = {d["id"] for d in drivers if d.get("kind") in LEGISLATION_KINDS}
    wanted |= _reference_targets(src / "reference")
    if national:
        wanted |= _national_ids(doc)
    kept = []
    for d in drivers:
        if d["id"] not in wanted:
            continue
        d = dict(d)
        # a link to a driver left out, or stated by another document (its `source:`), is not copied
        links = [lk for lk in d.get("links") or []
                 if lk.get("to") in wanted and lk.get("source") in (None, doc["source"]["id"])]
        if links:
            d["links"] = links
        else:
            d.pop("links", None)
        kept.append(d)
    source = {k: v for k, v in doc["source"].items() if k != "partnership"}
    what = "national drivers" if national else "legislation (and the drivers the reference lists link to)"
    source["note"] = (f"Copied by 'drivers init' from the bundled {DRIVERS_DOCUMENT}: its {what}, verbatim; links "
                      "to drivers left out or stated by other documents are dropped, and its editions (North Lanarkshire's numbering and "
                      "categories) are not copied. " + source.get("note", ""))
    files["national-drivers.yaml" if national else "legislation.yaml"] = _dump(
        f"The {what} of the bundled drivers document ({DRIVERS_DOCUMENT}), written by 'drivers init'.\n"
        "Records are verbatim; the document's own partnership, local drivers and editions are left out.",
        {"source": source, "drivers": kept})
    seed = source.get("seed")
    if seed and (src / "seeds" / seed).is_file():
        files[f"seeds/{seed}"] = (src / "seeds" / seed).read_text(encoding="utf-8")
    files["partnerships.yaml"] = _dump(
        f"The partnership this folder is for, written by 'drivers init --partnership {partnership}'.\n"
        "Add its plans, groups and actions as new files beside this one (see SCHEMA.md).",
        {"source": {"id": "src-partnerships", "title": "Partnerships named in this data folder",
                    "publisher": "drivers-graph",
                    "note": "Not a published document: the partnership as 'drivers init' was told its name."},
         "partnerships": [{"id": partnership, "title": name, "section": "drivers init"}]})
    if (src / "SCHEMA.md").is_file():
        files["SCHEMA.md"] = (src / "SCHEMA.md").read_text(encoding="utf-8")
    return files


def init_folder(folder: Path, partnership: str | None = None, name: str | None = None, national: bool = False,
                force: bool = False) -> Path:
    """Write ``folder/data`` (the bundled data, or a partnership skeleton); return its path.

    A non-empty ``folder`` is refused unless ``force`` (then only ``folder/data`` is replaced). The new
    ``data/`` is loaded before it is renamed into place, so a failed init leaves nothing behind.
    """
    if partnership is None and (name is not None or national):
        raise UsageError("--name and --with-national go with --partnership ID (an empty partnership skeleton)")
    if partnership is not None and name is None:
        raise UsageError("--partnership needs --name \"...\" (the partnership's name as its documents print it)")
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder} is a file — give a folder to create (or an empty one)")
    if not force and not _is_empty(folder):
        raise UsageError(f"{folder} is not empty — choose a new or empty folder, or use --force to replace "
                         f"{folder / 'data'}")
    files = skeleton_files(partnership, name, national) if partnership is not None else None
    target = folder / "data"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".data.", suffix=".tmp", dir=folder))
    except OSError as exc:
        raise DriversError(f"cannot create {folder}: {exc.strerror or exc} — check the path and that its parent "
                           "is writable") from None
    try:
        staged = tmp / "data"
        if files is None:
            shutil.copytree(_bundled(), staged, ignore=shutil.ignore_patterns("__pycache__", "*.lock", ".*.tmp"))
        else:
            for rel_path, text in files.items():
                p = staged / rel_path
                p.parent.mkdir(parents=True, exist_ok=True)
                p.write_text(text, encoding="utf-8", newline="\n")
        from .loader import load
        load(staged)  # a DataError here means a bug in the skeleton: nothing is put in place
        old = None
        if target.exists():
            old = tmp / "old"
            os.replace(target, old)
        os.replace(staged, target)
    except OSError as exc:
        raise DriversError(f"cannot write {target}: {exc.strerror or exc} — check that {folder} is writable") from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target
