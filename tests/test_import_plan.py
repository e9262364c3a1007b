"""drivers import-plan / export-plan / assess: real .xlsx, .docx and .csv files built from the seed text
(benchmarks/seed_tables.py reads the seeds, never the curated YAML), imported into an empty init folder."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import openpyxl
import pytest
import yaml
from click.testing import CliRunner

from graph.commands import main
from graph.core.loader import load

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from seed_tables import seed_tables, write_docx, write_xlsx  # noqa: E402


def run(data: Path, *args: str):
    return CliRunner().invoke(main, ["--data", str(data), *args], catch_exceptions=False)


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    r = CliRunner().invoke(main, ["init", str(tmp_path / "w"), "--partnership", "north-lanarkshire", "--name",
                                  "North Lanarkshire"], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    return tmp_path / "w" / "data"


def curated_actions(file: str, prefix: str):
    data = load(ROOT / "data")
    return [r for r in data.of_type("actions") if r.file.endswith(file) and r.section.startswith(prefix)]


def imported(folder: Path, plan_id: str) -> dict:
    return yaml.safe_load((folder / "plans" / f"{plan_id}.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("fmt", ["xlsx", "docx"])
def test_seed_corporate_parenting_plan_verbatim(folder: Path, tmp_path: Path, fmt: str) -> None:
    src = tmp_path / f"cp.{fmt}"
    (write_xlsx if fmt == "xlsx" else write_docx)(seed_tables("nl-corporate-parenting"), src)
    r = run(folder, "import-plan", str(src), "--partnership", "north-lanarkshire", "--plan-id", "nl-cp-imp")
    assert r.exit_code == 0, r.output
    doc = imported(folder, "nl-cp-imp")
    texts = {a["text"] for a in doc["actions"]}
    want = curated_actions("nl-corporate-parenting-2019-22.yaml", "Improvement Plan > Action")
    assert len(want) == 37  # with row 5's second task of Wellbeing, Health and Leisure (issue 16)
    missing = [w.id for w in want if w.get("text") not in texts]
    assert missing == []
    # the headings above the tables became the four themes; every action cites file, table and row
    assert [t["title"].split(":")[1].strip() for t in doc["themes"]] == [
        "Listening", "Home", "Education and Work", "Wellbeing, Health and Leisure"]
    assert all(a["section"].startswith(f"cp.{fmt} > ") and " row " in a["section"] for a in doc["actions"])
    first = doc["actions"][0]
    assert first["lead"].startswith("TNT, Who Cares Manager") and first["timescale"] == "April 2019"
    assert first["measure"] == "Plan is progressed, membership extended"
    # a blank action cell continues the action above: same title, its own task
    assert doc["actions"][1]["title"] == first["title"] and doc["actions"][1]["text"] == "Champions' Board review and relaunch"
    load(folder)  # the folder still loads


def test_stated_rights_and_qi_links_with_quotes(folder: Path, tmp_path: Path) -> None:
    src = tmp_path / "rights.docx"
    write_docx(seed_tables("sl-uncrc"), src)
    r = run(folder, "import-plan", str(src), "--partnership", "north-lanarkshire", "--plan-id", "x-rights")
    assert r.exit_code == 0, r.output
    assert "column 'Clusters' not recognised" in r.output  # [WARN] on stderr (mixed by CliRunner)
    doc = imported(folder, "x-rights")
    rights = {ln["to"]: ln["quote"] for a in doc["actions"] for ln in a["links"] if ln["rel"] == "upholdsRight"}
    assert rights["uncrc-article-12"] == "Article 12 (respect for the views of the child)"
    assert sorted(rights) == sorted(f"uncrc-article-{n}" for n in (42, 12, 2, 19, 9, 24, 31, 40))

    src = tmp_path / "neglect.xlsx"
    write_xlsx(seed_tables("nl-neglect"), src)
    r = run(folder, "import-plan", str(src), "--partnership", "north-lanarkshire", "--plan-id", "x-neglect")
    assert r.exit_code == 0, r.output
    doc = imported(folder, "x-neglect")
    a1 = next(a for a in doc["actions"] if a["text"].startswith("2018-19\nIdentify and review tools"))
    qis = sorted(ln["to"] for ln in a1["links"] if ln["rel"] == "qualityIndicator")
    assert qis == ["ci-qi-1-1", "ci-qi-2-1", "ci-qi-2-2", "ci-qi-3-1", "ci-qi-5-2"]


def _sheet(path: Path, rows: list[list], merge: str | None = None) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Action plan"
    for r in rows:
        ws.append(r)
    if merge:
        ws.merge_cells(merge)
    wb.save(path)
    return path


def test_header_forms_merged_cells_dates_and_links(folder: Path, tmp_path: Path) -> None:
    src = _sheet(tmp_path / "p.xlsx", [
        ["Our Children's Services Plan 2023-26"],
        [],
        ["Strategic Priorities", "What we will do", "Lead officer / agency", "By when?", "How will we know?",
         "UNCRC Articles", "Wellbeing (SHANARRI)", "QIs", "Notes"],
        ["Mental health", "Open two drop-in hubs (1.17)", "NHS Lanarkshire", dt.datetime(2024, 3, 31),
         "Hubs open", "Article 12, 24", "Healthy, Included", "QI 2.1", "x"],
        [None, "Train 200 staff in trauma-informed practice", "HSCP", "2025", "200 trained", "UNCRC 3, 12",
         None, None, None],
        [],
        ["Poverty", "Income maximisation in every school", "Education", "2024", None, None, "Achieving", None, None],
        [None, None, "Finance", None, None, None, None, None, None],
    ], merge="A4:A5")
    r = run(folder, "import-plan", str(src), "--partnership", "north-lanarkshire", "--plan-id", "x-plan",
            "--title", "Children's Services Plan 2023-26")
    assert r.exit_code == 0, r.output
    assert "column 'Notes' not recognised" in r.output
    assert "row 8: no action text" in r.output
    doc = imported(folder, "x-plan")
    assert [t["title"] for t in doc["themes"]] == ["Mental health", "Poverty"]
    a1, a2, a3 = doc["actions"]
    assert a1["timescale"] == "2024-03-31"  # an Excel date as a date, not a serial number
    assert a2["links"][0] == {"rel": "partOf", "to": "x-plan-t1"}  # the merged priority cell covers row 5
    links1 = {(ln["rel"], ln["to"]) for ln in a1["links"]}
    assert {("upholdsRight", "uncrc-article-12"), ("upholdsRight", "uncrc-article-24"),
            ("contributesTo", "shanarri-healthy"), ("contributesTo", "shanarri-included"),
            ("qualityIndicator", "ci-qi-2-1")} <= links1
    assert {("upholdsRight", "uncrc-article-3"), ("upholdsRight", "uncrc-article-12")} <= \
        {(ln["rel"], ln["to"]) for ln in a2["links"]}
    assert [ln["to"] for ln in a3["links"]] == ["x-plan-t2", "shanarri-achieving"]
    q = next(ln for ln in a1["links"] if ln["to"] == "uncrc-article-24")
    assert q["quote"] == "Article 12, 24"

    # refuse to replace without --force (exit 2), replace with it
    r = run(folder, "import-plan", str(src), "--partnership", "north-lanarkshire", "--plan-id", "x-plan")
    assert r.exit_code == 2 and "--force" in r.output
    r = run(folder, "import-plan", str(src), "--partnership", "north-lanarkshire", "--plan-id", "x-plan", "--force")
    assert r.exit_code == 0, r.output

    # assess: priorities, rights share, what is missing
    r = run(folder, "assess", "--plan", "x-plan", "--format", "json")
    assert r.exit_code == 0, r.output
    res = json.loads(r.output)
    by = {f["criterion"].split(" (")[0]: f for f in res["findings"]}
    rights = by["Children's rights"]
    assert rights["share_of_actions_with_rights_link"] == pytest.approx(2 / 3, abs=1e-3)
    assert rights["missing"] == ["x-plan-a3"]
    pri = next(f for f in res["findings"] if f["criterion"].startswith("A manageable number"))
    assert pri["value"] == "2 priorities; 1 with a measure" and pri["missing"] == ["x-plan-t2"] and not pri["met"]
    well = next(f for f in res["findings"] if f["criterion"].startswith("Wellbeing"))
    assert "shanarri-safe" in well["missing"] and "shanarri-healthy" in well["linked"]
    r = run(folder, "assess", "--plan", "x-plan")
    assert r.exit_code == 0 and "## Children's rights" in r.output
    assert run(folder, "assess", "--plan", "nope").exit_code == 2


def test_export_then_import_gives_identical_records(folder: Path, tmp_path: Path) -> None:
    src = tmp_path / "neglect.xlsx"
    write_xlsx(seed_tables("nl-neglect"), src)
    assert run(folder, "import-plan", str(src), "--partnership", "north-lanarkshire", "--plan-id", "x-n").exit_code == 0
    before = imported(folder, "x-n")
    out = tmp_path / "out.xlsx"
    r = run(folder, "export-plan", "x-n", "--out", str(out))
    assert r.exit_code == 0, r.output
    again = out.read_bytes()
    assert run(folder, "export-plan", "x-n", "--out", str(out)).exit_code == 0
    assert out.read_bytes() == again  # deterministic
    r = run(folder, "import-plan", str(out), "--partnership", "north-lanarkshire", "--plan-id", "x-n", "--force")
    assert r.exit_code == 0, r.output
    after = imported(folder, "x-n")

    def strip(doc: dict) -> dict:
        return {k: [{f: v for f, v in rec.items() if f != "section"} for rec in doc.get(k, [])]
                for k in ("themes", "outcomes", "actions")}
    assert strip(after) == strip(before)
    assert len(before["actions"]) >= 20


@pytest.mark.parametrize("case", ["latin1-csv", "utf16-csv", "no-header", "not-xlsx", "huge", "formulas",
                                  "unknown-partnership", "bad-id", "doc-txt"])
def test_hostile_inputs_exit_2_without_traceback(folder: Path, tmp_path: Path, case: str) -> None:
    partnership = "north-lanarkshire"
    plan_id = "x-bad"
    if case == "latin1-csv":
        src = tmp_path / "p.csv"
        src.write_bytes("Action,Lead\nCaf\xe9 drop-in,Ed\n".encode("latin-1"))
        want = "not UTF-8"
    elif case == "utf16-csv":
        src = tmp_path / "p.csv"
        src.write_bytes("Action,Lead\nX,Y\n".encode("utf-16"))
        want = "UTF-16"
    elif case == "no-header":
        src = _sheet(tmp_path / "p.xlsx", [["Hello", "World"], ["a", "b"]])
        want = "no table with a recognisable header row"
    elif case == "not-xlsx":
        src = tmp_path / "p.xlsx"
        src.write_bytes(b"this is not a zip")
        want = "not a readable Excel workbook"
    elif case == "huge":
        src = tmp_path / "p.csv"
        src.write_text("Action,Lead\n" + "x,y\n" * 25_000, encoding="utf-8")
        want = "more than 20000 rows"
    elif case == "formulas":
        src = _sheet(tmp_path / "p.xlsx", [["=A2", "=B2"], ["=1+1", "=2+2"]])
        want = "formulas without saved values"
    elif case == "unknown-partnership":
        src = _sheet(tmp_path / "p.xlsx", [["Action", "Lead"], ["x", "y"]])
        partnership = "fife"
        want = "unknown partnership"
    elif case == "bad-id":
        src = _sheet(tmp_path / "p.xlsx", [["Action", "Lead"], ["x", "y"]])
        plan_id = "Bad Id"
        want = "kebab-case"
    else:
        src = tmp_path / "p.txt"
        src.write_text("Action\tLead\n", encoding="utf-8")
        want = "cannot read .txt files"
    r = run(folder, "import-plan", str(src), "--partnership", partnership, "--plan-id", plan_id)
    assert r.exit_code == 2, r.output
    assert want in r.output and "Traceback" not in r.output
    assert not (folder / "plans" / "x-bad.yaml").exists()


def test_csv_with_duplicate_headers_and_mapping(folder: Path, tmp_path: Path) -> None:
    src = tmp_path / "p.csv"
    src.write_text("Ref,Activity,Officer,Lead,Target date\n1,Run a survey of young carers,Ann,Carers centre,2024\n"
                   ",,,,\n2,Publish the results,Ann,Carers centre,2025\n", encoding="utf-8")
    mapping = tmp_path / "m.yaml"
    mapping.write_text('columns:\n  "Officer": lead\n', encoding="utf-8")
    r = run(folder, "import-plan", str(src), "--partnership", "north-lanarkshire", "--plan-id", "x-csv",
            "--mapping", str(mapping))
    assert r.exit_code == 0, r.output
    assert "second lead column" in r.output
    doc = imported(folder, "x-csv")
    assert [a["text"] for a in doc["actions"]] == ["Run a survey of young carers", "Publish the results"]
    assert doc["actions"][0]["lead"] == "Ann\nCarers centre" and doc["actions"][1]["number"] == "2"
    assert doc["actions"][1]["section"] == "p.csv > p > line 4"


def test_pdf_table_with_mapping(folder: Path, tmp_path: Path) -> None:
    """A ruled PDF table (the drivers document's Summary, built by tests/fixtures/pdf/make.py), its
    columns named by --mapping: each row an action citing page, table and row."""
    mapping = tmp_path / "m.yaml"
    mapping.write_text('columns:\n  "1. National drivers": number\n  "#2": action\n  "#4": lead\n', encoding="utf-8")
    pdf = ROOT / "tests" / "fixtures" / "pdf" / "drivers-2023.pdf"
    r = run(folder, "import-plan", str(pdf), "--partnership", "north-lanarkshire", "--plan-id", "x-pdf",
            "--mapping", str(mapping))
    assert r.exit_code == 0, r.output
    doc = imported(folder, "x-pdf")
    first = doc["actions"][0]
    assert first["text"].startswith("Children and Young People (Scotland) Act 2014")
    assert first["lead"] == "The Plan for North Lanarkshire" and first["number"] == "1.1"
    assert first["section"] == "drivers-2023.pdf > page 1 table 1 > row 2"
    bad = tmp_path / "bad.yaml"
    bad.write_text('columns:\n  "X": chief\n', encoding="utf-8")
    r = run(folder, "import-plan", str(pdf), "--partnership", "north-lanarkshire", "--plan-id", "x-pdf2",
            "--mapping", str(bad))
    assert r.exit_code == 2 and "unknown role 'chief'" in r.output


def test_drivers_document_number_and_exact_title_are_stated_links(tmp_path: Path) -> None:
    r = CliRunner().invoke(main, ["init", str(tmp_path / "w")], catch_exceptions=False)  # the bundled data
    assert r.exit_code == 0, r.output
    data = tmp_path / "w" / "data"
    src = _sheet(tmp_path / "p.xlsx", [
        ["Action", "Lead", "Link to drivers"],
        ["Keep siblings together (1.17)", "Social Work", ""],
        ["Review the parenting offer", "Education", "Equality Act 2010"],
        ["Run a care day", "Who Cares", "care"],  # a common word is never a driver
    ])
    r = run(data, "import-plan", str(src), "--partnership", "north-lanarkshire", "--plan-id", "x-drv")
    assert r.exit_code == 0, r.output
    doc = imported(data, "x-drv")
    links = [[(ln["rel"], ln["to"], ln.get("quote")) for ln in a["links"][1:]] for a in doc["actions"]]
    assert links[0] == [("drivenBy", "promise-plan-2021-24", "Keep siblings together (1.17)")]
    assert links[1] == [("drivenBy", "equality-act-2010", "Equality Act 2010")]
    assert links[2] == []
    # the imported actions are suggest candidates like any other (inferred, kept apart)
    r = run(data, "suggest", "x-drv-a2", "--format", "json")
    assert r.exit_code in (0, 1), r.output


def test_suggest_saves_inferred_candidates_and_accept_records_one(tmp_path: Path) -> None:
    r = CliRunner().invoke(main, ["init", str(tmp_path / "w")], catch_exceptions=False)  # the bundled data
    assert r.exit_code == 0, r.output
    data = tmp_path / "w" / "data"
    src = tmp_path / "cp.docx"
    tables = seed_tables("nl-corporate-parenting")[:1]
    write_docx(tables, src)
    store = tmp_path / "inferred" / "suggestions.json"
    r = run(data, "import-plan", str(src), "--partnership", "north-lanarkshire", "--plan-id", "x-sg", "--suggest",
            "--suggestions", str(store))
    assert r.exit_code == 0, r.output
    saved = json.loads(store.read_text(encoding="utf-8"))["links"]
    assert saved and all(s["from"].startswith("x-sg-a") and s["method"] for s in saved)
    # inferred candidates never enter the plan's data file
    doc = imported(data, "x-sg")
    stated = {(a["id"], ln["to"]) for a in doc["actions"] for ln in a["links"]}
    assert not {(s["from"], s["to"]) for s in saved} & stated
    first = saved[0]
    r = run(data, "accept", first["from"], first["to"], "--note", "Agreed at the board", "--by", "A Officer",
            "--date", "2026-12-02", "--suggestions", str(store))
    assert r.exit_code == 0, r.output
    accepted = yaml.safe_load((data / "accepted-links.yaml").read_text(encoding="utf-8"))["links"]
    assert {"from": first["from"], "to": first["to"]}.items() <= accepted[-1].items()


def test_assess_says_what_an_id_is_when_it_is_not_a_plan_it_can_read():
    """`drivers list plans` also lists the plans the drivers document names as drivers: assess on one
    of those says it is a driver and names the plans it can read (exit 2), never 'no plan'."""
    from graph.core.paths import BUNDLED_DATA
    r = run(BUNDLED_DATA, "assess", "--plan", "nl-child-poverty-delivery-plan")
    assert r.exit_code == 2
    assert "is a Driver record" in r.output and "nl-csp-plan-2023-26" in r.output
    r = run(BUNDLED_DATA, "assess", "--plan", "no-such-plan")
    assert r.exit_code == 2 and "no plan with id no-such-plan" in r.output and "nl-lac-ap" in r.output


def test_assess_names_a_lead_groups_national_outcomes_without_counting_them():
    """The drivers document says the National Outcomes overarch the CSP's work: assess of a plan the
    CSP leads names that as context, and still counts only the plan's own stated links."""
    import json
    from graph.core.paths import BUNDLED_DATA
    r = run(BUNDLED_DATA, "assess", "--plan", "nl-csp-plan-2023-26", "--format", "json")
    assert r.exit_code in (0, 1), r.output
    npf = json.loads(r.output)["findings"][0]
    assert npf["value"].startswith("0 of ") and npf["met"] is False
    assert len(npf["through_lead"]["nl-csp"]) == 11 and "not counted: nl-csp" in npf["note"]


def test_review_plan_lists_the_imported_actions_no_driver_reaches_with_inferred_suggestions(folder, tmp_path):
    """A new partnership has no drivers-document edition, so `review --edition` does not apply:
    `review --plan` lists the plan's actions with no stated path to a driver, with suggestions
    that say they are inferred, and writes nothing."""
    import json
    import openpyxl
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Priority", "What we will do", "Lead officer", "By when", "UNCRC"])
    ws.append(["Rights", "Make sure children's views are heard at every children's hearing", "SCRA", "2025", "Article 12"])
    ws.append(["Rights", "Deliver the plan under the Children's Hearings (Scotland) Act 2011", "SCRA", "2026", ""])
    src = tmp_path / "p.xlsx"
    wb.save(src)
    assert run(folder, "import-plan", str(src), "--partnership", "north-lanarkshire", "--plan-id", "x-plan").exit_code == 0
    before = sorted((p, p.read_bytes()) for p in folder.rglob("*") if p.is_file())
    r = run(folder, "review", "--plan", "x-plan", "--format", "json")
    assert r.exit_code == 1, r.output
    found = json.loads(r.output)
    # the second row names the Act by its exact title: a stated link, so only the first is unlinked
    assert [f["id"] for f in found] == ["x-plan-a1"]
    assert "inferred" in found[0]["message"]
    assert "childrens-hearings-act-2011" in [s["id"] for s in found[0]["suggestions"]]
    assert sorted((p, p.read_bytes()) for p in folder.rglob("*") if p.is_file()) == before
    assert run(folder, "review").exit_code == 2
    r = run(folder, "review", "--plan", "nl-child-poverty-delivery-plan")
    assert r.exit_code == 2
