"""Synthetic data for benchmarks and scale tests: N partnerships, E editions, hundreds of actions.

Deterministic (one seeded ``random.Random``; the same arguments give byte-identical files), and
shaped like the real data in ``data/``: shared national drivers (the Acts, strategies, guidance and
programmes every partnership answers to, with ``drivenBy`` / ``seeAlso`` / ``supersedes`` among
them), and per partnership its groups (a board, the children's services partnership, task groups
reporting to it), its local drivers (driven by national ones), a drivers document per edition year
(numbered entries in four categories, renumbered from year to year), and per year a children's
services plan with themes, outcomes, indicators and actions. Actions link as the real ones do:
``partOf`` a theme or indicator, ``ledBy`` a task group, ``qualityIndicator``, ``drivenBy`` /
``alignsWith`` a driver, ``upholdsRight`` an article, ``contributesTo`` a wellbeing indicator.

The reference lists (UNCRC, SHANARRI, Promise, National Outcomes, quality indicators) are copied
from the bundled data. Every title says it is synthetic; nothing here is a real document.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

from .paths import BUNDLED_DATA

#: the 32 Scottish local authority areas, each a children's services partnership
COUNCILS = [
    "Aberdeen City", "Aberdeenshire", "Angus", "Argyll and Bute", "Clackmannanshire", "Dumfries and Galloway",
    "Dundee City", "East Ayrshire", "East Dunbartonshire", "East Lothian", "East Renfrewshire", "Edinburgh",
    "Eilean Siar", "Falkirk", "Fife", "Glasgow", "Highland", "Inverclyde", "Midlothian", "Moray",
    "North Ayrshire", "North Lanarkshire", "Orkney", "Perth and Kinross", "Renfrewshire", "Scottish Borders",
    "Shetland", "South Ayrshire", "South Lanarkshire", "Stirling", "West Dunbartonshire", "West Lothian",
]
FIRST_YEAR = 2023
#: at most this many partnerships: past the 32 real areas, "Aberdeen City 2", "Angus 2", ... (a
#: national body holding every partnership's plans with their history is the 128-256 end)
MAX_PARTNERSHIPS = 1024


def council_names(n: int) -> list[str]:
    """The first ``n`` partnership names: the 32 Scottish areas, then numbered rounds of them."""
    return [COUNCILS[i % len(COUNCILS)] + (f" {i // len(COUNCILS) + 1}" if i >= len(COUNCILS) else "")
            for i in range(n)]

#: national drivers the reference lists link to (ids as in the real data)
ANCHORS = [
    ("cyp-act-2014", "Children and Young People (Scotland) Act 2014", "act", 2014, None),
    ("the-promise", "The Promise", "report", 2020, None),
    ("promise-plan-2021-24", "The Promise Plan 21-24", "strategy", 2021, 2024),
]
NATIONAL_TOPICS = [
    ("act", "{} (Scotland) Act {}", ["Children's Hearings", "Carers", "Equality", "Child Poverty",
                                      "Community Empowerment", "Education", "Mental Health", "Housing",
                                      "Children (Care and Justice)", "Adoption and Children"]),
    ("strategy", "{} Strategy {}", ["Mental Health", "Suicide Prevention", "Pregnancy and Parenthood",
                                     "Youth Employment", "Digital Inclusion", "Play", "Active Living",
                                     "Gender-Based Violence", "Rights Respecting", "Tackling Child Poverty"]),
    ("guidance", "National Guidance for {} {}", ["Child Protection", "Corporate Parenting", "Kinship Care",
                                                 "Early Learning", "Whole Family Support"]),
    ("framework", "{} Framework {}", ["Community Mental Health", "Trauma Informed Practice", "Family Support",
                                      "Participation", "Workforce Wellbeing"]),
    ("programme", "{} Programme {}", ["Attainment Challenge", "Improvement in Children's Services",
                                      "Raising Achievement", "Early Years Collaborative", "Child Protection Improvement"]),
    ("fund", "{} Fund {}", ["Whole Family Wellbeing", "Attainment Scotland", "Mental Health Recovery"]),
]
LOCAL_TOPICS = [
    ("plan", "Local Outcomes Improvement Plan"), ("strategy", "Tackling Poverty Strategy"),
    ("strategy", "Equality Strategy"), ("plan", "Local Housing Strategy"), ("plan", "Community Justice Outcome Improvement Plan"),
    ("strategy", "Alcohol and Drug Partnership Strategy"), ("plan", "Community Learning and Development Plan"),
    ("strategy", "Violence Against Women Strategy"), ("plan", "Child Health Plan"),
    ("plan", "Strategic Commissioning Plan"), ("strategy", "Parenting Strategy"), ("plan", "Child Poverty Action Plan"),
    ("strategy", "Corporate Parenting Strategy"), ("plan", "Economic Regeneration Plan"),
]
IMPROVEMENT = [("programme", "Realigning Children's Services"), ("approach", "Contextual Safeguarding"),
               ("programme", "Psychology of Parenting Programme"), ("approach", "Signs of Safety")]
THEMES = ["Keeping children safe", "Health and wellbeing", "Closing the attainment gap", "Care experienced young people",
          "Tackling child poverty", "Mental health and emotional wellbeing", "Children's rights and participation"]
VERBS = ["Review", "Develop", "Implement", "Extend", "Embed", "Evaluate", "Deliver", "Establish", "Roll out", "Improve"]
OBJECTS = ["the neglect toolkit", "family support hubs", "trauma informed training", "a youth participation forum",
           "the corporate parenting plan", "school counselling services", "early intervention pathways",
           "the child poverty dashboard", "kinship care support", "transitions for care leavers",
           "perinatal mental health support", "the multi-agency screening hub", "a digital inclusion offer",
           "holiday food and activity programmes", "the Bairns' Hoose model", "peer mentoring in secondary schools"]
AUDIENCES = ["with parents and carers", "across all localities", "for children under five", "in partnership with the third sector",
             "with young people", "for care experienced young people", "across education and health", "in every cluster"]
TIMESCALES = ["March {}", "June {}", "August {}", "December {}", "Ongoing to {}"]
QIS = ["ci-qi-1-1", "ci-qi-2-1", "ci-qi-2-2", "ci-qi-5-1", "ci-qi-5-2", "ci-qi-6-1", "ci-qi-9-2"]
SHANARRI = ["shanarri-safe", "shanarri-healthy", "shanarri-achieving", "shanarri-nurtured", "shanarri-active",
            "shanarri-respected", "shanarri-responsible", "shanarri-included"]
PROMISE = ["promise-voice", "promise-family", "promise-care", "promise-people", "promise-scaffolding"]


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower().replace("'", "")).strip("-")


def generate(partnerships: int, editions: int = 2, seed: int = 1, actions: int = 100) -> dict[str, str]:
    """Relative path -> YAML text for a whole data folder. Same arguments, same files."""
    import yaml
    if not 1 <= partnerships <= MAX_PARTNERSHIPS:
        from .errors import UsageError
        raise UsageError(f"--partnerships must be 1 to {MAX_PARTNERSHIPS}, not {partnerships}")
    if editions < 1:
        from .errors import UsageError
        raise UsageError(f"--editions must be at least 1, not {editions}")
    rng = random.Random(seed)
    files: dict[str, dict] = {}
    national = _national(rng)
    files["national.yaml"] = national["doc"]
    councils = council_names(partnerships)
    files["partnerships.yaml"] = {
        "source": {"id": "src-synth-partnerships", "title": "Partnerships (synthetic)", "publisher": "drivers synth",
                   "note": "Synthetic data generated by 'drivers synth'; not a published document."},
        "partnerships": [{"id": slug(c), "title": f"{c} Children's Services Partnership (synthetic)",
                          "section": "Partnerships"} for c in councils],
    }
    for c in councils:
        files.update(_partnership(rng, c, editions, actions, national))
    out = {name: _dump(yaml, doc) for name, doc in files.items()}
    for ref in sorted((BUNDLED_DATA / "reference").glob("*.yaml")):
        # the Promise foundations cite the real drivers document; here the national file stands in
        out[f"reference/{ref.name}"] = ref.read_text(encoding="utf-8").replace('"src-nl-drivers-2023"',
                                                                               '"src-synth-national"')
    return dict(sorted(out.items()))


def write(out: Path, files: dict[str, str], progress=None) -> list[Path]:
    """Write the files under ``out`` (all or none, via graph.io); ``progress(done, total)`` as they go."""
    from . import io
    targets = {out / name: text for name, text in files.items()}
    done: list = []

    def staged(path: Path) -> None:
        done.append(path)
        progress(len(done), len(targets))
    io.write_many(targets, progress=staged if progress else None)
    return sorted(targets)


def _dump(yaml, doc: dict) -> str:
    # libyaml's emitter when installed (6x faster; the same text, checked in tests/test_synth.py)
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return "# Synthetic data from 'drivers synth' (graph/synth.py): not a real document.\n" + \
        yaml.dump(doc, Dumper=dumper, sort_keys=False, allow_unicode=True, width=120)


def _link(rel: str, to: str, section: str | None = None, quote: str | None = None) -> dict:
    lk = {"rel": rel, "to": to}
    if section:
        lk["section"] = section
    if quote:
        lk["quote"] = quote
    return lk


def _national(rng: random.Random) -> dict:
    drivers = []
    by_kind: dict[str, list[str]] = {}
    for rid, title, kind, start, end in ANCHORS:
        d = {"id": rid, "title": title, "kind": kind, "start_year": start, "section": "National drivers"}
        if end:
            d["end_year"] = end
        drivers.append(d)
        by_kind.setdefault(kind, []).append(rid)
    for kind, pattern, topics in NATIONAL_TOPICS:
        for topic in topics:
            year = rng.randint(2010, 2023)
            title = pattern.format(topic, year if kind == "act" else f"{year}-{str(year + 4)[2:]}")
            rid = slug(title)
            d = {"id": rid, "title": f"{title} (synthetic)", "kind": kind, "start_year": year,
                 "section": f"National drivers > {topic}"}
            if kind != "act":
                d["end_year"] = year + 4
            links = []
            if by_kind.get("act") and kind != "act":
                links.append(_link("drivenBy", rng.choice(by_kind["act"]), quote="takes account of"))
            if kind == "act":
                links.append(_link("upholdsRight", f"uncrc-article-{rng.randint(1, 42)}"))
            if drivers and rng.random() < 0.2:
                links.append(_link("seeAlso", rng.choice(drivers)["id"]))
            if kind == "strategy" and rng.random() < 0.3:
                links.append(_link("alignsWith", "promise-plan-2021-24", quote="in line with the Promise"))
            if links:
                d["links"] = links
            drivers.append(d)
            by_kind.setdefault(kind, []).append(rid)
    doc = {"source": {"id": "src-synth-national", "title": "National drivers (synthetic)", "publisher": "drivers synth",
                      "date": "2023", "note": "Synthetic data generated by 'drivers synth'; not a published document."},
           "drivers": drivers}
    return {"doc": doc, "ids": [d["id"] for d in drivers], "by_kind": by_kind}


def _partnership(rng: random.Random, council: str, editions: int, n_actions: int, national: dict) -> dict[str, dict]:
    pid = slug(council)
    files: dict[str, dict] = {}
    src0 = f"src-{pid}-drivers-{FIRST_YEAR}"
    board, csp = f"{pid}-strategic-board", f"{pid}-csp"
    groups = [{"id": board, "title": f"{council} Strategic Leadership Board", "kind": "board", "partnership": pid,
               "section": "Governance"},
              {"id": csp, "title": f"{council} Children's Services Partnership Board", "kind": "partnership",
               "partnership": pid, "section": "Governance", "links": [_link("reportsTo", board)]}]
    task_groups = []
    for topic in rng.sample(["Neglect", "Mental Health", "Prevention", "Looked After Children", "Child Poverty",
                             "Youth Justice", "Disability"], 4):
        gid = f"{pid}-{slug(topic)}-task-group"
        groups.append({"id": gid, "title": f"{topic} Task Group", "kind": "task-group", "partnership": pid,
                       "section": f"Governance > {topic} Task Group", "links": [_link("reportsTo", csp)]})
        task_groups.append(gid)
    local = []
    for kind, topic in rng.sample(LOCAL_TOPICS, 10):
        start = rng.randint(2018, FIRST_YEAR)
        rid = f"{pid}-{slug(topic)}-{start}"
        d = {"id": rid, "title": f"{council} {topic} {start}-{str(start + 4)[2:]} (synthetic)", "kind": kind,
             "start_year": start, "end_year": start + 4, "partnership": pid, "section": f"Local drivers > {topic}",
             "links": [_link("drivenBy", nid, quote="takes account of") for nid in
                       sorted(rng.sample(national["ids"], rng.randint(1, 3)))]}
        local.append(d)
    improvement = []
    for kind, topic in rng.sample(IMPROVEMENT, 2):
        rid = f"{pid}-{slug(topic)}"
        improvement.append({"id": rid, "title": f"{topic} in {council} (synthetic)", "kind": kind, "partnership": pid,
                            "section": f"Improvement programmes > {topic}",
                            "links": [_link("drivenBy", rng.choice(national["by_kind"]["programme"]))]})
    governance = [{"id": f"{pid}-csp-driver", "title": f"{council} Children's Services Partnership", "kind": "group",
                   "partnership": pid, "section": "Governance planning and delivery",
                   "links": [_link("partOf", csp)]}]
    files[f"{pid}/drivers.yaml"] = {
        "source": {"id": src0, "title": f"{council} Strategic drivers and plans {FIRST_YEAR} (synthetic)",
                   "publisher": f"{council} Children's Services Partnership", "date": f"{FIRST_YEAR}-11",
                   "partnership": pid},
        "groups": groups, "drivers": local + improvement + governance,
    }
    national_pick = sorted(rng.sample(national["ids"], min(22, len(national["ids"]))))
    all_local = [d["id"] for d in local]
    for e in range(editions):
        year = FIRST_YEAR + e
        src = f"src-{pid}-drivers-{year}"
        entries = []
        if e:  # later editions drop one national driver and reorder, as the annual refresh does
            national_pick = sorted(rng.sample(national_pick, len(national_pick) - 1))
            rng.shuffle(all_local)
        for cat, ids in (("national", national_pick), ("local", all_local),
                         ("improvement", [d["id"] for d in improvement]),
                         ("governance", [d["id"] for d in governance])):
            section = {"national": 1, "local": 2, "improvement": 3, "governance": 4}[cat]
            for i, rid in enumerate(ids, start=1):
                entry = {"number": f"{section}.{i}", "driver": rid, "category": cat,
                         "title": f"Entry {section}.{i} of {year}", "section": f"{cat.title()} drivers > {section}.{i}"}
                if i > 1 and rng.random() < 0.1:
                    entry["refs"] = [f"{section}.{rng.randint(1, i - 1)}"]
                entries.append(entry)
        doc: dict = {"editions": [{"id": f"{pid}-drivers-{year}", "year": year,
                                   "title": f"Strategic drivers and plans {year} (synthetic)", "partnership": pid,
                                   "date": f"{year}-11", "section": "whole document", "entries": entries}]}
        if e:
            doc = {"source": {"id": src, "title": f"{council} Strategic drivers and plans {year} (synthetic)",
                              "publisher": f"{council} Children's Services Partnership", "date": f"{year}-11",
                              "partnership": pid}, **doc}
            files[f"{pid}/drivers-{year}.yaml"] = doc
        else:
            files[f"{pid}/drivers.yaml"].update(doc)
        files[f"{pid}/csp-{year}.yaml"] = _plan(rng, council, pid, year, n_actions, task_groups, all_local,
                                                national["ids"], csp)
    return files


def _plan(rng: random.Random, council: str, pid: str, year: int, n_actions: int, task_groups: list[str],
          local: list[str], national: list[str], csp: str) -> dict:
    plan = f"{pid}-csp-plan-{year}"
    src = f"src-{pid}-csp-ar-{year}"
    plans = [{"id": plan, "title": f"{council} Children's Services Plan {year}-{str(year + 3)[2:]} (synthetic)",
              "kind": "plan", "start_year": year, "end_year": year + 3, "partnership": pid, "section": "Foreword",
              "links": [_link("drivenBy", "cyp-act-2014", quote="Part 3 of the Children and Young People (Scotland) Act 2014"),
                        _link("ledBy", csp),
                        *[_link("drivenBy", d) for d in sorted(rng.sample(local, 3))],
                        *[_link("contributesTo", s) for s in sorted(rng.sample(SHANARRI, 3))],
                        _link("alignsWith", rng.choice(PROMISE))]}]
    themes, outcomes, indicators, actions = [], [], [], []
    for t, title in enumerate(rng.sample(THEMES, 5), start=1):
        tid = f"{plan}-t{t}"
        links = [_link("partOf", plan)]
        if rng.random() < 0.5:
            links.append(_link("drivenBy", rng.choice(national)))
        if rng.random() < 0.5:
            links.append(_link("ledBy", rng.choice(task_groups)))
        themes.append({"id": tid, "number": str(t), "title": title, "section": f"Priorities > {title}", "links": links})
        oid = f"{plan}-o{t}"
        outcomes.append({"id": oid, "number": str(t), "title": f"Outcome {t}: {title} improves",
                         "text": f"Children and families experience better outcomes in {title.lower()}.",
                         "section": f"Outcomes > {t}", "links": [_link("partOf", plan), _link("contributesTo", tid)]})
        for i in (1, 2):
            indicators.append({"id": f"{plan}-i{t}-{i}", "number": f"{t}.{i}", "title": f"Indicator {t}.{i}",
                               "text": f"Share of children reached under {title.lower()} ({i})",
                               "section": f"Outcomes > {t} > Indicator {t}.{i}", "links": [_link("partOf", oid)]})
    n = rng.randint(int(n_actions * 0.8), int(n_actions * 1.2))
    for a in range(1, n + 1):
        text = f"{rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(AUDIENCES)} ({year}, row {a})"
        parent = rng.choice(themes)["id"] if rng.random() < 0.6 else rng.choice(indicators)["id"]
        links = [_link("partOf", parent)]
        if rng.random() < 0.4:
            links.append(_link("ledBy", rng.choice(task_groups)))
        if rng.random() < 0.3:
            links.append(_link("qualityIndicator", rng.choice(QIS)))
        if rng.random() < 0.15:
            links.append(_link("drivenBy", rng.choice(local + national)))
        if rng.random() < 0.05:
            links.append(_link("alignsWith", rng.choice(PROMISE)))
        if rng.random() < 0.05:
            links.append(_link("upholdsRight", f"uncrc-article-{rng.randint(1, 42)}"))
        if rng.random() < 0.05:
            links.append(_link("contributesTo", rng.choice(SHANARRI)))
        act = {"id": f"{plan}-a{a}", "number": str(a), "title": text.split(" (")[0], "text": text,
               "lead": rng.choice(["Education", "Social Work", "Health", "Third sector", "Housing"]),
               "timescale": rng.choice(TIMESCALES).format(year + rng.randint(0, 2)),
               "section": f"Action plan > row {a}", "links": links}
        if rng.random() < 0.5:
            act["progress"] = rng.choice(["Complete", "On track", "Delayed: staffing", "Not started"])
        actions.append(act)
    return {"source": {"id": src, "title": f"{council} Children's Services Plan annual report {year} (synthetic)",
                       "publisher": f"{council} Children's Services Partnership", "date": str(year + 1),
                       "partnership": pid},
            "plans": plans, "themes": themes, "outcomes": outcomes, "indicators": indicators, "actions": actions}
