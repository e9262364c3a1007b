"""The loader: typed records from YAML, and clear located errors for bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.core.errors import DataError
from graph.core.loader import load, load_text

from .conftest import TINY

SOURCE = "source: {id: src-x, title: X}\n"


def problems(files: dict[str, str]) -> list[str]:
    with pytest.raises(DataError) as exc:
        load_text(files)
    return [str(p) for p in exc.value.problems]


def test_tiny_loads_with_types_and_provenance():
    data = load(TINY)
    assert set(data.sources) == {"src-ref", "src-drivers", "src-plan"}
    a = data.records["action-1"]
    assert a.type.cls == "Action"
    assert a.source == "src-plan" and a.section == "Action plan > row 1"
    assert a.get("timescale") == "August 2019"
    assert [(lk.rel, lk.to) for lk in a.links][:2] == [("partOf", "theme-t"), ("qualityIndicator", "ci-qi-2-1")]
    assert all(lk.source == "src-plan" for lk in a.links)
    assert data.records["strategy-b"].links[0].quote == "in line with the Alpha Act"
    ed = data.editions["north-drivers-2023"]
    assert [e.number for e in ed.entries] == ["1.1", "2.1", "4.1"]
    assert ed.entries[1].fields["refs"] == ["1.1"]


def test_link_line_numbers_point_at_the_link():
    text = SOURCE + "drivers:\n  - id: a\n    title: A\n    kind: act\n    section: s\n    links:\n" \
                    "      - {rel: drivenBy, to: nowhere}\n"
    (msg,) = problems({"f.yaml": text})
    assert "f.yaml:8" in msg and "unknown id 'nowhere'" in msg and "id 'a'" in msg


def test_yaml_syntax_error_names_file_and_line():
    (msg,) = problems({"bad.yaml": SOURCE + "drivers:\n  - id: a\n    title: [unclosed\n"})
    assert msg.startswith("[ERROR] [bad.yaml:") and "YAML syntax error" in msg


def test_tab_indentation_is_explained(tmp_path: Path):
    (tmp_path / "t.yaml").write_text(SOURCE + "drivers:\n\t- id: a\n", encoding="utf-8")
    with pytest.raises(DataError) as exc:
        load(tmp_path)
    assert "t.yaml:3" in str(exc.value) and "tab" in str(exc.value)


def test_non_utf8_is_reported_with_line(tmp_path: Path):
    (tmp_path / "n.yaml").write_bytes(SOURCE.encode() + b"drivers:\n  - id: caf\xe9\n")
    with pytest.raises(DataError) as exc:
        load(tmp_path)
    assert "n.yaml:3" in str(exc.value) and "UTF-8" in str(exc.value)


def test_duplicate_ids_name_both_places():
    rec = "  - id: dup\n    title: T\n    kind: act\n    section: s\n"
    msgs = problems({"a.yaml": SOURCE + "drivers:\n" + rec,
                     "b.yaml": "source: {id: src-y, title: Y}\ndrivers:\n" + rec})
    assert len(msgs) == 1 and "b.yaml:3" in msgs[0] and "a.yaml:3" in msgs[0] and "duplicate id" in msgs[0]


def test_duplicate_yaml_keys_are_an_error():
    (msg,) = problems({"k.yaml": SOURCE + "drivers:\n  - id: a\n    title: A\n    title: B\n"})
    assert "duplicate key 'title'" in msg and "k.yaml:5" in msg


@pytest.mark.parametrize("body, expected", [
    ("drivers:\n  - id: a\n    title: A\n    section: s\n", "missing the required field 'kind'"),
    ("drivers:\n  - id: a\n    title: A\n    kind: law\n    section: s\n", "unknown value 'law'"),
    ("drivers:\n  - id: a\n    title: A\n    kind: act\n    section: s\n    start_year: '2019'\n", "must be int"),
    ("drivers:\n  - id: a\n    title: A\n    kind: act\n    section: s\n    end_year: 20250\n", "impossible year"),
    ("drivers:\n  - id: A B\n    title: A\n    kind: act\n    section: s\n", "bad id"),
    ("drivers:\n  - id: a\n    title: A\n    kind: act\n    section: s\n    colour: red\n", "unknown field 'colour'"),
    ("drivers:\n  - id: a\n    title: A\n    kind: act\n    section: s\n    links: [{rel: likes, to: b}]\n",
     "unknown relation 'likes'"),
    ("widgets: []\n", "unknown section 'widgets'"),
    ("actions:\n  - id: a\n    title: A\n    section: s\n", "missing the required field 'text'"),
    ("findings:\n  - id: a\n    title: A\n    text: A\n    section: s\n", "missing the required field 'kind'"),
    ("findings:\n  - id: a\n    title: A\n    text: A\n    kind: action\n    section: s\n", "unknown value 'action'"),
    ("drivers:\n  - id: a\n    title: A\n    kind: act\n    section: s\n    start_year: 2020\n    end_year: 2019\n",
     "before start_year"),
])
def test_bad_records_are_explained(body: str, expected: str):
    msgs = problems({"x.yaml": SOURCE + body})
    assert any(expected in m for m in msgs), msgs
    assert all(m.startswith("[ERROR] [x.yaml") for m in msgs)


def test_part_of_cycle_is_found():
    body = ("themes:\n  - id: a\n    title: A\n    section: s\n    links: [{rel: partOf, to: b}]\n"
            "  - id: b\n    title: B\n    section: s\n    links: [{rel: partOf, to: a}]\n")
    msgs = problems({"c.yaml": SOURCE + body})
    assert any("partOf cycle: a -> b -> a" in m for m in msgs)


def test_edition_checks_numbers_refs_and_years():
    drivers = "drivers:\n" + "".join(f"  - id: d{i}\n    title: D{i}\n    kind: act\n    section: s\n" for i in (1, 2))
    part = "partnerships:\n  - id: p\n    title: P\n    section: s\n"
    entry = "      - {{number: '{n}', driver: {d}, category: national, title: T{refs}}}\n"
    ed = ("editions:\n  - id: e\n    year: 2023\n    title: E\n    partnership: p\n    entries:\n"
          + entry.format(n="1.1", d="d1", refs=", refs: ['9.9']")
          + entry.format(n="1.1", d="d2", refs="")
          + entry.format(n="0.4O", d="d2", refs=""))
    msgs = problems({"e.yaml": SOURCE + part + drivers + ed})
    text = "\n".join(msgs)
    assert "refers to '9.9'" in text
    assert "number 1.1 is used twice" in text
    assert "'0.4O' is not like" in text


def test_two_editions_for_one_year_clash():
    part = "partnerships:\n  - id: p\n    title: P\n    section: s\n"
    ed = "editions:\n  - {id: e1, year: 2023, title: E, partnership: p}\n  - {id: e2, year: 2023, title: E, partnership: p}\n"
    msgs = problems({"e.yaml": SOURCE + part + ed})
    assert any("edition year 2023" in m and "--force" in m for m in msgs)


def test_empty_and_non_mapping_files():
    msgs = problems({"empty.yaml": "", "list.yaml": "- 1\n- 2\n"})
    assert any("empty.yaml" in m and "empty" in m for m in msgs)
    assert any("list.yaml" in m and "mapping" in m for m in msgs)


def test_missing_data_dir(tmp_path: Path):
    with pytest.raises(DataError) as exc:
        load(tmp_path / "nope")
    assert "does not exist" in str(exc.value) and "--data" in str(exc.value)


def test_the_event_reader_gives_the_pure_python_loaders_values_and_lines():
    """io._fast_events (libyaml's events, values built directly) must give what the pure-Python line
    loader gives — values, types, mapping and key lines — or leave the text to it."""
    import yaml

    from graph.core import io

    def shape(o):
        if isinstance(o, dict):
            return ["map", o.line, dict(o.key_lines), [(repr(k), shape(v)) for k, v in o.items()]]
        if isinstance(o, list):
            return [shape(v) for v in o]
        return (type(o).__name__, repr(o))

    texts = ["a: 1\nb: [x, 2, 3.5, true, null, ~, '7', \"8\"]\n", "- {id: a, year: 2019}\n- date: 2022-02-22\n",
             "k:\n  - n: 010\n    m: 0x1f\n    o: 1_000\n    p: yes\n    q: .inf\n", "", "---\n", "# only\n",
             "x: |\n  two\n  lines\n\ny: >-\n  folded\n  text\n", "1: one\nnull: none\nfalse: f\n",
             "deep: {a: {b: {c: [1, [2, [3]]]}}}\n", "s: !!str 12\nt: !!int '5'\n", "plain\n", "- - - x\n"]
    for text in texts:
        fast = io._fast_events(text)
        slow = yaml.load(text, Loader=io._LineLoader)  # noqa: S506 - SafeLoader subclass
        assert shape(fast) == shape(slow), text
    for unusual in ("a: &x 1\nb: *x\n", "a: 1\na: 2\n", "<<: {a: 1}\n", "--- 1\n--- 2\n", "? [a]\n: 1\n",
                    "a: !!set {x}\n"):
        with pytest.raises((io._Unusual, yaml.YAMLError)):
            io._fast_events(unusual)
