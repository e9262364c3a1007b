"""Link suggestions (graph/answers/suggest.py, graph/answers/inferred.py) on a hand-made data set with answers worked
out by hand, plus the CLI: suggest, --evaluate, --save, why/viz --suggested."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from graph.answers import inferred
from graph.answers import suggest as sg
from graph.core.errors import DataError, UsageError
from graph.core.loader import load_text
from graph.core.view import to_networkx
from graph.core.rdf import build
from graph.core.validate import union

from .test_browser import browser  # noqa: F401 - the headless Chromium fixture

DRIVERS = """
source: {id: src-d, title: "Drivers document", partnership: north}
partnerships:
  - {id: north, title: "North", section: "Cover"}
  - {id: south, title: "South", section: "Cover"}
drivers:
  - id: mh-strategy
    title: "Mental Health Strategy 2017-2027"
    kind: strategy
    section: "National > 1.11"
    description: "Improving mental health services for children and young people."
  - id: poverty-act
    title: "Child Poverty (Scotland) Act 2017"
    kind: act
    section: "National > 1.2"
    description: "Targets to reduce child poverty and low income households."
  - id: north-housing
    title: "North Housing Strategy"
    kind: strategy
    partnership: north
    section: "Local > 2.10"
    description: "Homelessness and housing for families."
  - id: south-housing
    title: "South Housing Strategy"
    kind: strategy
    partnership: south
    section: "Local > 2.10"
    description: "Homelessness and housing for families."
  - id: parenting-programme
    title: "Psychology of Parenting Programme"
    kind: programme
    section: "Improvement > 3.1"
articles:
  - {id: uncrc-article-12, title: "Article 12 (Respect for the views of the child)", number: 12, section: "Art 12"}
  - {id: uncrc-article-24, title: "Article 24 (Health and health services)", number: 24, section: "Art 24"}
wellbeing:
  - {id: shanarri-healthy, title: "Healthy", section: "SHANARRI"}
promise_foundations:
  - {id: promise-voice, title: "Voice", description: "that children must be listened to", section: "1.17"}
"""

PLAN_A = """
source: {id: src-a, title: "North plan", partnership: north}
plans:
  - {id: plan-a, title: "North plan", kind: plan, partnership: north, section: "Intro"}
actions:
  - id: a-camhs
    title: "Reduce CAMHS waiting times"
    text: "Reduce CAMHS waiting times for young people"
    section: "row 1"
    links:
      - {rel: partOf, to: plan-a}
      - {rel: drivenBy, to: mh-strategy}
  - id: a-incredible
    title: "Deliver Incredible Years groups"
    text: "Deliver Incredible Years groups in every locality"
    section: "row 2"
    links:
      - {rel: partOf, to: plan-a}
      - {rel: partOf, to: parenting-programme}
  - id: a-unlinked
    title: "Hold a conference"
    text: "Hold a conference on money advice for low income families, to reduce child poverty"
    section: "row 3"
    links:
      - {rel: partOf, to: plan-a}
"""

PLAN_B = """
source: {id: src-b, title: "Second plan", partnership: north}
plans:
  - {id: plan-b, title: "Second plan", kind: plan, partnership: north, section: "Intro"}
actions:
  - id: b-groups
    title: "More Incredible Years groups"
    text: "Run more Incredible Years groups for parents"
    section: "row 1"
    links:
      - {rel: partOf, to: plan-b}
      - {rel: partOf, to: parenting-programme}
  - id: b-views
    title: "Listen to children"
    text: "Ask children for their views on the plan"
    section: "row 2"
    links:
      - {rel: partOf, to: plan-b}
      - {rel: upholdsRight, to: uncrc-article-12}
"""

THES = sg.Thesaurus({"mental-health": ["mental health", "camhs"], "care-experienced": ["looked after",
                                                                                      "care experienced"]},
                    {"shanarri-healthy": ["physical and mental health"]})


def _data(files=None):
    return load_text(files or {"drivers.yaml": DRIVERS, "a.yaml": PLAN_A, "b.yaml": PLAN_B})


#: every candidate that scores at all, so the ranking tests see the whole order (confidence is tested apart)
EVERY = replace(sg.DEFAULT, confident=0.0, min_words=0.0, relative=0.0)


@pytest.fixture(scope="module")
def small():
    data = _data()
    G = to_networkx(union(build(data)))
    return data, G, sg.Index.build(data, G, thesaurus=THES, p=EVERY)


def write_data(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in (("drivers.yaml", DRIVERS), ("a.yaml", PLAN_A), ("b.yaml", PLAN_B)):
        (folder / name).write_text(text, encoding="utf-8")
    return folder


# -- text ----------------------------------------------------------------------------------------

def test_stem_joins_plurals_and_verb_forms_only_lightly():
    assert sg.stem("families") == "family" and sg.stem("groups") == "group" and sg.stem("leaving") == "leav"
    assert sg.stem("bus") == "bus" and sg.stem("process") == "process" and sg.stem("child's") == "child"


def test_stop_words_and_generic_plan_verbs_never_score():
    tok = sg.Tokenizer.of(None, sg.DEFAULT)
    bag = sg.Bag()
    bag.add("We will make sure to ensure, support and deliver improvements; continue to develop and provide", tok)
    assert not {t for t in bag.tf if "_" not in t} - {"improvement"}
    bag = sg.Bag()
    bag.add("Delivering supported breakfast clubs", tok)
    assert set(bag.tf) == {"breakfast", "club", "breakfast_club"}
    legacy = sg.Bag()
    legacy.add("make sure", sg.Tokenizer.of(None, sg.LEGACY))
    assert set(legacy.tf) == {"make", "sure"}  # the old stop list, kept for the baseline


def test_multi_word_terms_match_as_units():
    thes = sg.Thesaurus({"poverty": ["cost of the school day", "child poverty"],
                         "youth-justice": ["children's hearing"]}, {})
    tok = sg.Tokenizer.of(thes, sg.DEFAULT)
    q = sg.Bag()
    q.add("Reduce the cost of the school day", tok, query=True)
    # the phrase is poverty: its concept and its two-word phrases count, its single words do not
    assert "~poverty" in q.tf and "school_day" in q.tf and "school" not in q.tf and "cost" not in q.tf
    q = sg.Bag()
    q.add("views heard at every children's hearing", tok, query=True)
    assert "~youth-justice" in q.tf and "children_hear" in q.tf and "view" in q.tf and "heard" in q.tf
    assert "children" not in q.tf
    # a candidate's own text keeps every word (an incomplete thesaurus must not hide its words)
    t = sg.Bag()
    t.add("Cost of the school day", tok)
    assert {"cost", "school", "day", "~poverty"} <= set(t.tf)


def test_acronyms_the_documents_define_join_the_thesaurus():
    found = sg.mine_acronyms(["In 2018-19, as part of the Permanence and Care Excellence (PACE) programme, work",
                              "Realigning Children's Services (RCS) data", "the Child Protection Committee (CPC)",
                              "CAMHS: Child and Adolescent Mental Health Services", "Read this (NOTE) now",
                              "a Big Lottery (BL) grant"])
    assert found["acronym-rcs"] == ["rcs", "realigning children's services"]
    assert found["acronym-cpc"] == ["child protection committee", "cpc"]
    assert found["acronym-camhs"] == ["camhs", "child and adolescent mental health services"]
    assert found["acronym-bl"] == ["big lottery", "bl"]
    assert found["acronym-pace"] == ["pace", "permanence and care excellence"]
    assert "acronym-note" not in found  # initials that spell no long form are no acronym


def test_thesaurus_matches_phrases_across_synonyms_longest_first():
    toks = sg.words("Looked After children and CAMHS referrals; care-experienced young people")
    found = THES.concepts(toks)
    assert ("care-experienced", "looked after") in found and ("mental-health", "camhs") in found
    assert ("care-experienced", "care experienced") in found
    assert THES.concepts(sg.words("nothing relevant here")) == []


def test_the_shipped_thesaurus_loads_and_knows_the_issue_examples():
    thes = sg.load_thesaurus()
    assert {c for c, _ in thes.concepts(sg.words("CAMHS"))} == {c for c, _ in thes.concepts(sg.words("mental health"))}
    assert {c for c, _ in thes.concepts(sg.words("looked after"))} == \
        {c for c, _ in thes.concepts(sg.words("care experienced"))} != set()


def test_a_malformed_thesaurus_is_a_located_data_error(tmp_path: Path):
    bad = tmp_path / "t.yaml"
    bad.write_text("synonyms:\n  x: just a string\n", encoding="utf-8")
    with pytest.raises(DataError) as exc:
        sg.load_thesaurus(bad)
    assert "t.yaml" in str(exc.value) and "'x'" in str(exc.value)


# -- ranking -------------------------------------------------------------------------------------

def test_new_text_ranks_the_driver_whose_words_match_first_with_evidence(small):
    _, _, idx = small
    res = sg.suggest(idx, "Child poverty: maximise income for low income households", types=("Driver",))
    assert res.action is None and res.suggestions[0].id == "poverty-act"
    ev = res.suggestions[0].evidence
    assert "poverty" in ev["matched"] and ev["lexical"] > 0
    assert [s.score for s in res.suggestions] == sorted((s.score for s in res.suggestions), reverse=True)


def test_a_synonym_from_the_thesaurus_matches_and_says_so(small):
    _, _, idx = small
    res = sg.suggest(idx, "CAMHS", types=("Driver",))
    top = res.suggestions[0]
    assert top.id == "mh-strategy" and "camhs ~ mental health" in top.evidence["matched"]
    plain = sg.Index.build(small[0], small[1], use_thesaurus=False)
    assert not [s for s in sg.suggest(plain, "CAMHS", types=("Driver",)).suggestions if s.id == "mh-strategy"
                and s.evidence.get("matched")]


def test_graph_signal_votes_for_what_similar_linked_actions_are_driven_by(small):
    _, _, idx = small
    # "Incredible Years" is nowhere in the programme's own text: only the linked actions connect them
    res = sg.suggest(idx, "Incredible Years groups", types=("Driver",))
    top = res.suggestions[0]
    assert top.id == "parenting-programme" and top.evidence["graph"] > 0
    assert {s["id"] for s in top.evidence["similar"]} <= {"a-incredible", "b-groups"}
    no_graph = sg.suggest(idx, "Incredible Years groups", types=("Driver",),
                          p=replace(sg.DEFAULT, graph_weight=0.0))
    assert "parenting-programme" not in [s.id for s in no_graph.suggestions]


def test_an_action_id_leaves_out_what_it_already_reaches_and_its_own_links(small):
    _, _, idx = small
    res = sg.suggest(idx, "a-incredible", types=("Driver",))
    assert res.action == "a-incredible" and "parenting-programme" in res.already
    assert "parenting-programme" not in [s.id for s in res.suggestions]
    res = sg.suggest(idx, "b-groups", types=("Driver",))
    assert all(sim["id"] != "b-groups" for s in res.suggestions for sim in s.evidence.get("similar", []))


def test_other_partnerships_local_drivers_are_never_suggested(small):
    _, _, idx = small
    ids = [s.id for s in sg.suggest(idx, "homelessness and housing", partnership="north").suggestions]
    assert "north-housing" in ids and "south-housing" not in ids
    both = [s.id for s in sg.suggest(idx, "homelessness and housing").suggestions]
    assert {"north-housing", "south-housing"} <= set(both)


def test_types_filter_and_relation_by_type(small):
    _, _, idx = small
    res = sg.suggest(idx, "children's views and mental health", types=sg.parse_types(["uncrcarticle,Wellbeing"
                                                                                      "Indicator"]))
    assert {s.type for s in res.suggestions} <= {"UNCRCArticle", "WellbeingIndicator"}
    rels = {s.type: s.rel for s in res.suggestions}
    assert rels.get("UNCRCArticle") == "upholdsRight" and rels.get("WellbeingIndicator") == "contributesTo"
    with pytest.raises(UsageError):
        sg.parse_types(["Plan"])


def test_ties_are_broken_by_id_and_output_is_deterministic(small):
    _, _, idx = small
    a = [s.as_dict() for s in sg.suggest(idx, "homelessness housing families").suggestions]
    b = [s.as_dict() for s in sg.suggest(idx, "homelessness housing families").suggestions]
    assert a == b
    tied = [s for s in sg.suggest(idx, "homelessness housing families").suggestions if s.id.endswith("-housing")]
    assert [s.id for s in tied] == ["north-housing", "south-housing"] and tied[0].score == tied[1].score


def test_unlinked_actions_are_those_with_no_path_to_a_driver(small):
    _, _, idx = small
    rows = sg.unlinked_actions(idx, top=2)
    assert [r["id"] for r in rows] == ["a-unlinked", "b-views"]
    assert rows[0]["suggestions"][0]["id"] == "poverty-act" and len(rows[0]["suggestions"]) <= 2


# -- evaluation ----------------------------------------------------------------------------------

def test_metrics_by_hand():
    m = sg.Metrics()
    m.add(["x", "g1", "y", "z", "w", "g2"], {"g1", "g2"})      # P@1 0, R@5 1/2, R@10 1, RR 1/2
    m.add(["g", "a"], {"g"})                                   # P@1 1, R@5 1, R@10 1, RR 1
    m.add(["a", "b"], {"g"})                                   # 0, 0, 0, 0
    assert m.row() == {"queries": 3, "P@1": round(1 / 3, 3), "R@5": 0.5, "R@10": round(2 / 3, 3), "MRR": 0.5}


GRAPH_ONLY = replace(sg.DEFAULT, lexical=False, semantic_weight=0.0, graph_weight=1.0, prior_weight=0.0)


def test_a_held_back_link_never_helps_predict_itself(small):
    data, G, _ = small
    ev = sg.Evaluation(data, G, thesaurus=THES)
    # hold back plan B: its two links are the queries; plan A's a-incredible is the only other
    # record linked to the programme, so the graph signal can still find it for b-groups
    res: dict = sg.defaultdict(sg.Metrics)
    ev.score([(q, frozenset({"src-b"})) for q in ev.queries({"src-b"})], ("g",), res, None, {"g": GRAPH_ONLY})
    assert res[("g", "Driver")].queries == 1 and res[("g", "Driver")].row()["MRR"] == 1.0
    # hold back both plans: now nothing links the programme, and the graph signal has nothing at all:
    # every query gets the candidates in id order
    details: list = []
    res = sg.defaultdict(sg.Metrics)
    ev.score([(q, frozenset({"src-a", "src-b"})) for q in ev.queries({"src-a", "src-b"})], ("g",), res, details,
             {"g": GRAPH_ONLY})
    drivers = [d for d in details if d[2] == "Driver"]
    assert len(drivers) == 3
    assert {tuple(d[4]) for d in drivers} == {("mh-strategy", "north-housing", "parenting-programme", "poverty-act")}
    assert next(d for d in drivers if d[1] == "b-groups")[3] == ["parenting-programme"]


def test_held_back_text_is_unseen_by_the_semantic_model(small):
    pytest.importorskip("numpy")
    data, G, _ = small
    ev = sg.Evaluation(data, G, thesaurus=THES)
    full = ev.full
    seen = full.space(frozenset())
    held = full.space(frozenset({"src-a", "src-b"}))
    assert seen is not None
    # "incredible" occurs only in plans A and B: with both held back the space has never seen it
    assert "incredible" in seen[0].terms and (held is None or "incredible" not in held[0].terms)


def test_evaluate_rejects_unknown_splits_and_sources(small, monkeypatch):
    data, G, _ = small
    with pytest.raises(UsageError):
        sg.evaluate(data, G, "nope")
    monkeypatch.setitem(sg.SPLITS, "bad", [(("src-missing",), ())])
    with pytest.raises(UsageError, match="src-missing"):
        sg.evaluate(data, G, "bad")


PLAN_C = """
source: {id: src-c, title: "Third plan", partnership: north}
plans:
  - {id: plan-c, title: "Third plan", kind: plan, partnership: north, section: "Intro"}
actions:
  - id: c-mental
    title: "Mental health support in schools"
    text: "Counsellors for young people's mental health in every school"
    section: "row 1"
    links:
      - {rel: partOf, to: plan-c}
      - {rel: drivenBy, to: mh-strategy}
      - {rel: upholdsRight, to: uncrc-article-24}
"""


def test_cross_validation_never_uses_the_folds_own_links_or_text_to_choose(monkeypatch):
    data = _data({"drivers.yaml": DRIVERS, "a.yaml": PLAN_A, "b.yaml": PLAN_B, "c.yaml": PLAN_C})
    G = to_networkx(union(build(data)))
    monkeypatch.setattr(sg, "load_thesaurus", lambda path=sg.THESAURUS: THES)
    # the records whose links each document states (the queries its fold makes)
    own = {doc: {it.id for it in sg.Index.build(data, G, thesaurus=THES).items.values()
                 if doc in it.links.values()} for doc in ("src-a", "src-b", "src-c")}
    choosing: list[str] = []
    calls: list[tuple] = []   # (fold being chosen for or None, query ids, hidden sets)
    real_select, real_score = sg.select_weights, sg.Evaluation.score

    def spy_select(ev, fold, others, *args, **kw):
        choosing.append(fold)
        try:
            return real_select(ev, fold, others, *args, **kw)
        finally:
            choosing.pop()

    def spy_score(self, queries, methods, results, details=None, settings=None):
        calls.append((choosing[-1] if choosing else None, {q.id for q, _ in queries}, {h for _, h in queries}))
        return real_score(self, queries, methods, results, details, settings)

    monkeypatch.setattr(sg, "select_weights", spy_select)
    monkeypatch.setattr(sg.Evaluation, "score", spy_score)
    rows, folds = sg.cross_validate(data, G)
    assert [f["fold"] for f in folds] == ["src-a", "src-b", "src-c"]
    inner = [c for c in calls if c[0] is not None]
    # each fold: every grid setting scored as written and masked on the other two documents
    assert {c[0] for c in inner} == {"src-a", "src-b", "src-c"} and len(inner) == 3 * 2 * len(sg.CV_GRID)
    for fold, queries, hidden in inner:
        # choosing for a fold: its records are never scored, and its document is hidden from every
        # training pool and from the semantic model
        assert queries and not queries & own[fold] and all(fold in h for h in hidden)
    outer = [c for c in calls if c[0] is None]
    assert [c[2] for c in outer] == [{frozenset({"src-a"})}, {frozenset({"src-b"})}, {frozenset({"src-c"})}]
    assert set().union(*(c[1] for c in outer)) == own["src-a"] | own["src-b"] | own["src-c"]
    # one row per method and type, with query counts pooled over the folds
    got = {(r["method"], r["type"]): r for r in rows}
    assert {m for m, _ in got} == set(sg.CV_METHODS) - ({"lsa"} if not sg.semantic_available() else set())
    assert got[(sg.TUNED, "all")]["queries"] == sum(f["queries"] for f in folds) == 6
    assert got[(sg.TUNED, "Driver")]["queries"] == 4 and got[(sg.TUNED, "UNCRCArticle")]["queries"] == 2
    for f in folds:
        assert (f["semantic_weight"], f["graph_weight"], f["name_weight"], f["context_weight"]) in sg.CV_GRID
    assert sg.cross_validate(data, G) == (rows, folds)   # deterministic


def test_cross_validation_choice_ignores_the_folds_links(monkeypatch):
    # change what the fold's document states: the weights chosen for that fold must not move
    monkeypatch.setattr(sg, "load_thesaurus", lambda path=sg.THESAURUS: THES)
    files = {"drivers.yaml": DRIVERS, "a.yaml": PLAN_A, "b.yaml": PLAN_B, "c.yaml": PLAN_C}
    changed = dict(files, **{"c.yaml": PLAN_C.replace("to: mh-strategy", "to: poverty-act")
                                            .replace("uncrc-article-24", "uncrc-article-12")})
    chosen = []
    for fs in (files, changed):
        data = _data(fs)
        _, folds = sg.cross_validate(data, to_networkx(union(build(data))))
        chosen.append(next((f["semantic_weight"], f["graph_weight"], f["name_weight"], f["context_weight"], f["inner_objective"]) for f in folds
                           if f["fold"] == "src-c"))
    assert chosen[0] == chosen[1]


def test_masking_takes_the_gold_candidates_names_out_of_the_query(small):
    data, G, _ = small
    ev = sg.Evaluation(data, G, thesaurus=THES)
    q = next(q for q in ev.queries({"src-a"}) if q.id == "a-camhs")
    bag = ev.full.items["a-camhs"].bag
    masked = sg._without_names(ev.full, bag, q.gold)   # gold: mh-strategy, "Mental Health Strategy 2017-2027"
    assert "camh" in bag.tf and "camh" in masked.tf and "~mental-health" not in masked.tf
    assert "~mental-health" in bag.tf


PARA = """
paraphrases:
  - {action: a-camhs, text: "Shorter waits for child and adolescent mental health services"}
  - {action: b-views, text: "Ask young people what they think of the plan"}
"""


def test_paraphrases_are_scored_with_their_document_held_back(small, tmp_path: Path):
    data, G, _ = small
    path = tmp_path / "p.yaml"
    path.write_text(PARA, encoding="utf-8")
    details: list = []
    rows = sg.evaluate_paraphrases(data, G, sg.load_paraphrases(path), ev=sg.Evaluation(data, G, thesaurus=THES),
                                   details=details)
    got = {(r["method"], r["type"]): r for r in rows}
    assert got[(sg.METHOD, "Driver")]["queries"] == 1 and got[(sg.METHOD, "UNCRCArticle")]["queries"] == 1
    assert got[(sg.METHOD, "Driver")]["MRR"] == 1.0   # "mental health" -> the Mental Health Strategy
    (path.parent / "bad.yaml").write_text("paraphrases:\n  - {action: a-camhs}\n", encoding="utf-8")
    with pytest.raises(DataError, match="bad.yaml"):
        sg.load_paraphrases(path.parent / "bad.yaml")
    (path.parent / "unknown.yaml").write_text("paraphrases:\n  - {action: nope, text: x}\n", encoding="utf-8")
    with pytest.raises(UsageError, match="nope"):
        sg.evaluate_paraphrases(data, G, sg.load_paraphrases(path.parent / "unknown.yaml"))
    with pytest.raises(UsageError, match="no paraphrase file"):
        sg.load_paraphrases(tmp_path / "missing.yaml")


def test_the_shipped_paraphrases_reword_linked_actions_of_the_bundled_data():
    from graph.core.pipeline import build_graph

    rows = sg.load_paraphrases(Path(__file__).parent / "fixtures" / "suggest-paraphrases.yaml")
    b = build_graph(Path(__file__).parent.parent / "data", check=False)
    for row in rows:
        r = b.data.records.get(row["action"])
        assert r is not None and r.type.cls == "Action", row
        assert any(lk.source == r.source and lk.rel in sg.UP_RELS for lk in r.links), row
        assert sg.norm(row["text"]) != sg.norm(r.title)   # a re-wording, not a copy
    assert len(rows) >= 50 and len({r["action"] for r in rows}) == len(rows)


def test_cli_evaluate_cv_prints_rows_per_type_and_the_choice_per_fold(tmp_path: Path):
    data = write_data(tmp_path / "data")
    (data / "c.yaml").write_text(PLAN_C, encoding="utf-8")
    r = CliRunner().invoke(main, ["--data", str(data), "suggest", "--evaluate", "--split", "cv", "--format", "json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert {x["method"] for x in out["rows"]} <= set(sg.CV_METHODS) and sg.TUNED in {x["method"] for x in out["rows"]}
    assert [f["fold"] for f in out["folds"]] == ["src-a", "src-b", "src-c"]
    r = CliRunner().invoke(main, ["--data", str(data), "suggest", "--evaluate", "--split", "cv"])
    assert r.exit_code == 0 and "tuned-in-fold" in r.output and "Chosen in each fold" in r.output


# -- inferred storage ----------------------------------------------------------------------------

def test_store_round_trip_is_sorted_and_merges_per_action(tmp_path: Path):
    path = tmp_path / "inferred" / "s.json"
    a = [inferred.InferredLink("a1", "drivenBy", "d2", 0.2, "m"), inferred.InferredLink("a1", "drivenBy", "d1", 0.5, "m")]
    inferred.save(path, a)
    back = inferred.load(path)
    assert [lk.to for lk in back] == ["d1", "d2"] and back[0].score == 0.5
    merged = inferred.merge(back, "a1", [inferred.InferredLink("a1", "drivenBy", "d3", 0.1, "m")])
    assert [lk.to for lk in merged] == ["d3"]
    assert inferred.load(tmp_path / "missing.json") == []
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(DataError, match="bad.json"):
        inferred.load(tmp_path / "bad.json")


def test_overlay_marks_inferred_edges_on_a_copy_and_skips_stated_or_unknown(small):
    _, G, _ = small
    links = [inferred.InferredLink("a-unlinked", "drivenBy", "poverty-act", 0.4, "m"),
             inferred.InferredLink("a-camhs", "drivenBy", "mh-strategy", 0.9, "m"),      # already stated
             inferred.InferredLink("gone", "drivenBy", "poverty-act", 0.3, "m")]         # not in the graph
    H, skipped = inferred.overlay(G, links)
    assert {lk.frm for lk in skipped} == {"a-camhs", "gone"}
    d = H.get_edge_data("a-unlinked", "poverty-act")
    assert [x["inferred"] for x in d.values()] == [True] and G.get_edge_data("a-unlinked", "poverty-act") is None


def test_why_marks_inferred_steps_and_prefers_stated_chains(small):
    from graph.answers import why as w
    _, G, _ = small
    H, _ = inferred.overlay(G, [inferred.InferredLink("a-unlinked", "drivenBy", "poverty-act", 0.4, "m"),
                                inferred.InferredLink("a-camhs", "partOf", "plan-b", 0.3, "m")])
    ans = w.why(H, "a-unlinked")
    step = ans.reached["poverty-act"][-1]
    assert step.inferred and step.as_dict()["inferred"] is True and step.as_dict()["score"] == 0.4
    js = w.as_json(H, ans)
    assert next(r for r in js["drivers"] if r["id"] == "poverty-act")["inferred"] is True
    assert "INFERRED" in w.as_tree(H, ans) and "[inferred]" in w.as_tree(H, ans, markdown=True).replace("\\", "")
    # a stated chain to plan-a is kept; the inferred partOf only adds plan-b
    camhs = w.why(H, "a-camhs")
    assert not any(s.inferred for s in camhs.reached["plan-a"]) and camhs.reached["plan-b"][-1].inferred
    assert not any("inferred" in json.dumps(r) for r in w.as_json(G, w.why(G, "a-unlinked"))["drivers"])


# -- the CLI -------------------------------------------------------------------------------------

def test_cli_suggest_json_contract_and_exit_codes(tmp_path: Path):
    data = write_data(tmp_path / "data")
    r = CliRunner().invoke(main, ["--data", str(data), "suggest", "reduce child poverty in low income households",
                                  "--top", "1", "--format", "json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert set(out) == {"query", "action", "method", "inferred", "confident", "already", "types", "suggestions"}
    assert out["inferred"] is True and out["confident"] is True and out["action"] is None
    assert [g["type"] for g in out["types"]] == list(sg.TARGET_TYPES)
    drivers = out["types"][0]
    assert drivers["confident"] and drivers["message"] is None and len(drivers["suggestions"]) == 1
    row = drivers["suggestions"][0]
    assert row["id"] == "poverty-act" and {"id", "title", "type", "rel", "score", "confident", "evidence"} == set(row)
    assert row["confident"] is True
    assert out["suggestions"] == [s for g in out["types"] for s in g["suggestions"]]
    for g in out["types"]:
        if not g["suggestions"]:
            assert g["message"] == sg.NO_CONFIDENT and g["confident"] is False
    r = CliRunner().invoke(main, ["--data", str(data), "suggest", "zzzz qqqq"])
    assert r.exit_code == 1 and "no confident suggestion" in r.output and "Traceback" not in r.output
    r = CliRunner().invoke(main, ["--data", str(data), "suggest", "zzzz qqqq", "--format", "json"])
    out = json.loads(r.stdout)   # the JSON on standard output, the reason on standard error
    assert r.exit_code == 1 and out["confident"] is False and out["suggestions"] == []
    assert {g["message"] for g in out["types"]} == {sg.NO_CONFIDENT}
    r = CliRunner().invoke(main, ["--data", str(data), "suggest", "x", "--types", "Nonsense"])
    assert r.exit_code == 2 and "unknown suggestion type" in r.output and "Traceback" not in r.output
    r = CliRunner().invoke(main, ["--data", str(data), "suggest", "poverty-act"])
    assert r.exit_code == 2 and "not an action" in r.output


def test_cli_save_then_why_and_viz_suggested_and_data_untouched(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    data = write_data(tmp_path / "data")
    before = {p.name: p.read_bytes() for p in data.iterdir()}
    store = tmp_path / "inferred" / "s.json"
    base = ["--data", str(data), "--store", "rdflib"]
    r = CliRunner().invoke(main, [*base, "why", "a-unlinked", "--suggested", "--suggestions", str(store)])
    assert r.exit_code == 2 and "no saved suggestions" in r.output
    r = CliRunner().invoke(main, [*base, "suggest", "a-unlinked", "--save", "--top", "2", "--types", "Driver",
                                  "--suggestions", str(store)])
    assert r.exit_code == 0 and "Saved 1 suggestions" in r.output, r.output
    assert {p.name: p.read_bytes() for p in data.iterdir()} == before  # data/ is never touched
    saved = inferred.load(store)
    assert saved[0].to == "poverty-act" and all(lk.frm == "a-unlinked" for lk in saved)
    plain = CliRunner().invoke(main, [*base, "why", "a-unlinked", "--format", "json"])
    assert "poverty-act" not in plain.output and '"inferred"' not in plain.output
    r = CliRunner().invoke(main, [*base, "why", "a-unlinked", "--suggested", "--suggestions", str(store),
                                  "--format", "json"])
    row = next(d for d in json.loads(r.output)["drivers"] if d["id"] == "poverty-act")
    assert row["inferred"] is True and row["path"][-1]["inferred"] is True and row["path"][-1]["score"] > 0
    r = CliRunner().invoke(main, [*base, "suggest", "free text only", "--save", "--suggestions", str(store)])
    assert r.exit_code == 2 and "needs an action id" in r.output
    out = tmp_path / "g.html"
    r = CliRunner().invoke(main, [*base, "viz", "--suggested", "--suggestions", str(store), "--out", str(out)])
    assert r.exit_code == 0, r.output
    page = out.read_text(encoding="utf-8")
    assert '"inferred":true' in page
    r = CliRunner().invoke(main, [*base, "viz", "--out", str(out)])
    assert '"inferred":true' not in out.read_text(encoding="utf-8")


def test_cli_unlinked_lists_actions_without_a_driver(tmp_path: Path):
    data = write_data(tmp_path / "data")
    r = CliRunner().invoke(main, ["--data", str(data), "suggest", "--unlinked", "--format", "json"])
    assert r.exit_code == 0, r.output
    rows = json.loads(r.output)
    assert [x["id"] for x in rows] == ["a-unlinked", "b-views"] and len(rows[0]["suggestions"]) <= 3


def test_cli_evaluate_prints_every_method_per_type():
    r = CliRunner().invoke(main, ["suggest", "--evaluate", "--format", "json"])
    assert r.exit_code == 0, r.output
    rows = json.loads(r.output)
    assert {x["method"] for x in rows} == set(sg.METHODS) - (set() if sg.semantic_available() else
                                                              set(sg.SEMANTIC_METHODS))
    assert {"Driver", "UNCRCArticle", "all"} <= {x["type"] for x in rows}
    for x in rows:
        assert all(0 <= x[k] <= 1 for k in ("P@1", "R@5", "R@10", "MRR")) and x["queries"] > 0
        assert x["R@5"] <= x["R@10"]


def test_unlinked_findings_for_review(small):
    data, G, _ = small
    found = sg.unlinked_findings(data, G, top=1)
    assert [f["id"] for f in found] == ["a-unlinked", "b-views"]
    assert {f["kind"] for f in found} == {"unlinked-action"} and {"number", "title", "message"} <= set(found[0])
    assert "inferred" in found[0]["message"] and len(found[0]["suggestions"]) <= 1
    assert sg.unlinked_findings(data)[0]["id"] == "a-unlinked"  # builds the graph itself


@pytest.mark.skipif(not Path("/usr/bin/chromium").exists() or not Path("/usr/bin/chromedriver").exists(),
                    reason="needs chromium and chromium-driver")
def test_the_page_draws_inferred_links_dashed_and_says_so_in_the_panel(small, tmp_path: Path, request):
    from graph.web import page as viz

    from .test_browser import open_page
    driver = request.getfixturevalue("browser")
    _, G, _ = small
    H, _ = inferred.overlay(G, [inferred.InferredLink("a-unlinked", "drivenBy", "poverty-act", 0.4, "m1")])
    path = tmp_path / "p.html"
    path.write_text(viz.render(H), encoding="utf-8")
    open_page(driver, path)
    looks = driver.execute_script("""
        var g = window.explorer, out = {}, drawn = g.network.body.data.edges;
        g.setType('Action', true);
        g.data.edges.forEach(function (e, k) {
          var d = drawn.get(k);
          out[g.data.nodes[e.f].id + '>' + g.data.nodes[e.t].id] = d ? d.dashes : null; });
        g.select('a-unlinked');
        out.panel = document.getElementById('panel').textContent;
        return out;""")
    assert looks["a-unlinked>poverty-act"] == [10, 4, 2, 4] and looks["a-camhs>mh-strategy"] is False
    assert "INFERRED suggestion (score 0.40, m1)" in looks["panel"]


def test_review_lists_unlinked_actions_of_the_editions_partnership(small):
    from graph.core.model import Edition
    from graph.refresh.review import Context, check_unlinked_actions

    data, _, _ = small
    north = check_unlinked_actions(Context(data, Edition("ed", 2023, "Drivers", "north", "src-d"), 2023))
    assert [f["id"] for f in north] == ["a-unlinked", "b-views"]
    assert north[0]["kind"] == "unlinked-action" and north[0]["suggestions"][0]["id"] == "poverty-act"
    assert check_unlinked_actions(Context(data, Edition("ed", 2023, "Drivers", "south", "src-d"), 2023)) == []


# -- the semantic signal (LSA, numpy: measured, off by default) --------------------------------------

def test_lsa_puts_words_that_share_records_near_each_other_deterministically():
    np = pytest.importorskip("numpy")
    from graph.answers import semantic

    docs = [{"breakfast": 1, "club": 1, "poverty": 1}, {"poverty": 1, "income": 1, "breakfast": 1},
            {"income": 1, "poverty": 1, "benefit": 1}, {"school": 1, "teacher": 1, "pupil": 1},
            {"pupil": 1, "school": 1, "exam": 1}, {"teacher": 1, "exam": 1, "school": 1},
            {"club": 1, "breakfast": 1, "income": 1}]
    sp = semantic.train(docs, dims=2)
    assert sp is not None and sp.vectors.shape == (len(sp.terms), 2)
    near = float(sp.embed({"breakfast": 1}) @ sp.embed({"income": 1}))
    far = float(sp.embed({"breakfast": 1}) @ sp.embed({"teacher": 1}))
    assert near > 0.9 and far < 0.2
    assert sp.embed({"unknown": 1}) is None and semantic.train(docs[:2]) is None
    again = semantic.train(docs, dims=2)
    assert np.array_equal(again.vectors, sp.vectors)
    # word vectors: "breakfast" and "poverty" never meet, but both keep company with "income" and "meals"
    wv = semantic.train_cooccurrence([["breakfast", "income"], ["poverty", "income"], ["breakfast", "meals"],
                                      ["poverty", "meals"], ["school", "teacher"], ["pupil", "teacher"],
                                      ["school", "exam"], ["pupil", "exam"]], dims=4)
    assert wv is not None
    assert float(wv.embed({"breakfast": 1}) @ wv.embed({"poverty": 1})) > 0.9
    assert abs(float(wv.embed({"breakfast": 1}) @ wv.embed({"pupil": 1}))) < 0.1


def test_the_semantic_signal_when_asked_finds_meaning_without_shared_words(small):
    pytest.importorskip("numpy")
    data, G, _ = small
    p = replace(EVERY, semantic_weight=0.5)
    idx = sg.Index.build(data, G, thesaurus=THES, p=p)
    # "caregivers" is in no candidate's text; plan B's records put "parents" and "groups" with "incredible
    # years", and the parenting programme is the only candidate sharing their meaning
    res = sg.rank(idx, idx.query_bag("more incredible years groups"), types=("Driver",), p=p)
    assert res and all(0 <= s.evidence["semantic"] <= 1 for s in res)


# -- the real data: the issue's examples and other phrasings of the same kind ------------------------

POVERTY = {"child-poverty-act-2017", "nl-child-poverty-delivery-plan", "sl-child-poverty-action-report",
           "nl-tackling-poverty-strategy-2023-26", "nl-tackling-poverty-officers-group", "best-start-bright-futures-2022-26",
           "nl-local-child-poverty-action-report-2022-23", "scottish-attainment-challenge", "fairer-scotland-action-plan-2016"}


@pytest.fixture(scope="module")
def real():
    from graph.core.pipeline import build_graph

    b = build_graph(Path(__file__).parent.parent / "data", check=False)
    return sg.Index.build(b.data, b.nx)


@pytest.mark.parametrize("text", [
    "Provide free breakfast clubs in schools in the most deprived areas to reduce the cost of the school day",
    "Give pupils from low-income families free school meals during the holidays",
    "Offer money advice to families struggling with the cost of living",
])
def test_poverty_actions_put_a_poverty_driver_first(real, text):
    out = sg.suggest_for_text(real, text, types=("Driver",))
    assert out["confident"] and out["types"][0]["suggestions"][0]["id"] in POVERTY, out["types"][0]


@pytest.mark.parametrize("text", [
    "Make sure children's views are heard at every children's hearing",
    "Children should have a say in decisions made about them at hearings",
])
def test_actions_about_childrens_views_put_article_12_first(real, text):
    out = sg.suggest_for_text(real, text, types=("UNCRCArticle",))
    assert out["types"][0]["suggestions"][0]["id"] == "uncrc-article-12"
    # and the generic "make sure" scores nothing
    assert not any("make" in m or "sure" in m for s in out["suggestions"] for m in s["evidence"].get("matched", []))


def test_nonsense_and_generic_text_get_no_confident_suggestion(real):
    for text in ("zzzz qqqq", "Hold a conference", "Make sure we deliver and support this"):
        out = sg.suggest_for_text(real, text)
        assert out["confident"] is False and out["suggestions"] == [], text
        assert {g["message"] for g in out["types"]} == {sg.NO_CONFIDENT}


def test_each_type_is_ranked_on_its_own_and_kept_short(real):
    out = sg.suggest_for_text(real, "Improve transitions for looked after young people moving into adult mental "
                                    "health services")
    for g in out["types"]:
        assert len(g["suggestions"]) <= sg.PER_TYPE[g["type"]]
        assert all(s["type"] == g["type"] and s["rel"] == sg.TARGET_TYPES[g["type"]] for s in g["suggestions"])
        scores = [s["score"] for s in g["suggestions"]]
        assert scores == sorted(scores, reverse=True) and all(s >= sg.DEFAULT.confident for s in scores)
    assert json.loads(json.dumps(out)) == out   # JSON-able as it is


# -- dates: a candidate that began after the query's year is left out ----------------------------

def test_a_candidates_first_year_is_its_start_year_or_the_earliest_year_its_title_prints(real):
    assert real.targets["best-start-bright-futures-2022-26"].since == 2022      # "... Plan 2022-26"
    assert real.targets["cyp-act-2014"].since == 2014                           # start_year
    assert real.targets["transforming-pathways"].since is None                  # neither says
    assert real.items["nl-rcs-a1"].year == 2019                                 # its report is dated 2019-10


def test_new_text_with_a_year_leaves_out_candidates_that_began_later(real):
    text = "Provide free breakfast clubs in schools in the most deprived areas to reduce the cost of the school day"
    undated = sg.suggest(real, text, types=("Driver",), everything=True, top=500).suggestions
    dated = sg.suggest(real, text, types=("Driver",), everything=True, top=500, year=2019).suggestions
    later = {s.id for s in undated if (real.targets[s.id].since or 0) > 2019}
    assert later, "the undated query ranks some candidate that began after 2019"
    assert not later & {s.id for s in dated}
    assert {s.id for s in dated} == {s.id for s in undated} - later
    assert sg.suggest_for_text(real, text, types=("Driver",), year=2019)["types"][0]["suggestions"][0]["id"] in POVERTY


def test_an_action_id_is_dated_by_its_document(real):
    got = sg.suggest(real, "nl-rcs-c6", types=("Driver",), everything=True, top=500).suggestions
    assert got and all((real.targets[s.id].since or 0) <= 2019 for s in got)
    # the same text as new text, with no year, does reach the later ones
    text = " ".join(x for x in (real.items["nl-rcs-c6"].title,) if x)
    assert any((real.targets[s.id].since or 0) > 2019
               for s in sg.suggest(real, text, types=("Driver",), everything=True, top=500).suggestions)


def test_the_cached_index_keeps_the_dates(real):
    back, _ = sg.index_from_json(json.loads(json.dumps(sg.index_to_json(real, real.items))))
    assert back.targets["best-start-bright-futures-2022-26"].since == 2022
    assert back.items["nl-rcs-a1"].year == 2019


def test_the_evaluation_ranks_later_candidates_last_only_for_dated_methods():
    from graph.core.pipeline import build_graph

    b = build_graph(Path(__file__).parent.parent / "data", check=False)
    ev = sg.Evaluation(b.data, b.nx)
    q = next(q for q in ev.queries({"src-nl-csp-ar-2018-19"}) if q.type == "Driver")
    assert q.year == 2019
    hidden = frozenset({"src-nl-csp-ar-2018-19"})
    for method, dated in ((sg.METHOD, True), (sg.UNDATED, False), ("tfidf+dates", True), ("tfidf", False)):
        ranked = ev.ranking(method, q, hidden)
        late = [i for i, t in enumerate(ranked) if (ev.full.targets[t].since or 0) > 2019]
        assert late
        # dated: every later candidate after every other one; undated: some of them ranked among the rest
        assert (min(late) == len(ranked) - len(late)) is dated, method


def test_the_name_signal_fires_on_whole_names_and_acronyms_not_on_common_words(real):
    assert "transforming-pathways" in sg.named(real, real.query_bag("Contribute to Transforming Pathways (Edges of Care)"))
    assert "realigning-childrens-services" in sg.named(real, real.query_bag("Apply the RCS data visualisation tool"))
    assert "pace" in sg.named(real, real.query_bag("our participation in the PACE Programme"))
    # "Money" (a Care Review report) and "Care" (a Promise foundation) are single common words: no names
    got = sg.named(real, real.query_bag("Offer money advice and care to families"))
    assert "icr-money-report" not in got and "promise-care" not in got
    # a name split by other words is not given whole
    assert "transforming-pathways" not in sg.named(real, real.query_bag("transforming our care pathways"))
    sig = sg.signals(real, real.query_bag("our participation in the PACE Programme"), types=("Driver",))
    assert sig["pace"].named == 1.0 and sig["transforming-pathways"].named == 0.0


# -- document context ------------------------------------------------------------------------------

PLAN_X = """
source: {id: src-x, title: "Parenting plan", partnership: north}
plans:
  - id: plan-x
    title: "Parenting plan"
    kind: plan
    partnership: north
    section: "Intro"
    description: "This year we rolled out the Psychology of Parenting Programme across the area."
actions:
  - id: x-groups
    title: "Run two more groups for families"
    text: "Run two more groups for families"
    section: "row 1"
    links:
      - {rel: partOf, to: plan-x}
      - {rel: drivenBy, to: north-housing, quote: "Child Poverty (Scotland) Act 2017"}
"""


def test_document_context_is_the_candidates_its_records_text_names_and_never_its_links():
    files = {"drivers.yaml": DRIVERS, "x.yaml": PLAN_X}
    data = _data(files)
    idx = sg.Index.build(data, to_networkx(union(build(data))), thesaurus=THES)
    # the plan's description names the programme; the link's quote names the Act, which does not count
    assert idx.context["src-x"] == {"parenting-programme": 1}
    unlinked = _data({**files, "x.yaml": PLAN_X.replace("      - {rel: drivenBy, to: north-housing, quote: "
                                                          "\"Child Poverty (Scotland) Act 2017\"}\n", "")})
    assert sg.Index.build(unlinked, None, thesaurus=THES).context == idx.context


def test_an_action_ids_document_context_lifts_the_programme_its_document_names():
    data = _data({"drivers.yaml": DRIVERS, "x.yaml": PLAN_X})
    G = to_networkx(union(build(data)))
    idx = sg.Index.build(data, G, thesaurus=THES, p=EVERY)
    by_id = sg.suggest(idx, "x-groups", types=("Driver",), everything=True)
    assert by_id.by_type["Driver"][0].id == "parenting-programme"
    assert by_id.by_type["Driver"][0].evidence["document"] == 1
    assert "named in its document (1 record)" in sg.evidence_text(by_id.by_type["Driver"][0].evidence)
    # the same words as new text have no document: nothing is lifted, and no evidence claims one
    as_text = sg.suggest(idx, "Run two more groups for families", types=("Driver",), everything=True)
    assert all("document" not in s.evidence for s in as_text.suggestions)
    off = sg.suggest(idx, "x-groups", types=("Driver",), everything=True, p=replace(EVERY, context_weight=0.0))
    assert [s.score for s in off.suggestions if s.id == "parenting-programme"] < \
        [s.score for s in by_id.suggestions if s.id == "parenting-programme"]


def test_the_cached_index_keeps_the_document_context():
    data = _data({"drivers.yaml": DRIVERS, "x.yaml": PLAN_X})
    idx = sg.Index.build(data, None, thesaurus=THES)
    back, _ = sg.index_from_json(json.loads(json.dumps(sg.index_to_json(idx, data.records))))
    assert back.context == idx.context == {"src-x": {"parenting-programme": 1}}
