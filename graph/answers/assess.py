"""A plan against the criteria of the Scottish Government's national review of children's services plans
that the graph can evidence (``drivers assess``).

Only stated links count (the data holds no others): a plan's records are the plan and everything
``partOf`` it, at any depth. Each finding lists the records that evidence it (id, and the link's quoted
text where there is one) and what is missing. National Outcomes are reached directly (a record of the
plan ``contributesTo`` one) or through a driver the plan is ``drivenBy``/``implements``/``alignsWith``
that ``contributesTo`` one; where no record of the data links to any National Outcome, the finding
says so instead of reporting the plan as failing.
"""

from __future__ import annotations

from typing import Any

from ..core.errors import UnknownId
from ..core.model import Data, Record

#: the review's guidance on the number of strategic priorities
PRIORITIES_MIN, PRIORITIES_MAX = 3, 5
_UPSTREAM = ("drivenBy", "implements", "alignsWith")


def _parent(r: Record) -> str | None:
    return next((ln.to for ln in r.links if ln.rel == "partOf"), None)


def plan_members(data: Data, plan_id: str) -> dict[str, Record]:
    """The plan and every record partOf it, at any depth."""
    children: dict[str, list[Record]] = {}
    for r in data.records.values():
        for ln in r.links:
            if ln.rel == "partOf":
                children.setdefault(ln.to, []).append(r)
    out = {plan_id: data.records[plan_id]}
    stack = [plan_id]
    while stack:
        for c in children.get(stack.pop(), []):
            if c.id not in out:
                out[c.id] = c
                stack.append(c.id)
    return out


def _cite(r: Record, ln=None) -> dict[str, Any]:
    out = {"id": r.id, "section": r.section}
    if ln is not None and ln.quote:
        out["quote"] = ln.quote
    return out


def _targets(data: Data, members: dict[str, Record], section: str, rels: tuple[str, ...]) -> dict[str, list]:
    """target id -> citations, for the members' links of ``rels`` to records of ``section``."""
    found: dict[str, list] = {}
    for r in sorted(members.values(), key=lambda r: r.id):
        for ln in r.links:
            t = data.records.get(ln.to)
            if ln.rel in rels and t is not None and t.type.section == section:
                found.setdefault(ln.to, []).append(_cite(r, ln))
    return dict(sorted(found.items()))


def plan_record(data: Data, plan_id: str) -> Record:
    """The plan record ``plan_id`` (a plan whose themes and actions the data holds); UnknownId that
    says what the id is and names the plans there are, otherwise."""
    plan = data.records.get(plan_id)
    if plan is None or plan.type.section != "plans":
        # `drivers list plans` also lists the plans the drivers document names as drivers: say which
        # ids assess can read (the plans whose themes and actions the data holds)
        plans = sorted(r.id for r in data.records.values() if r.type.section == "plans")
        what = (f"{plan_id} is a {plan.type.cls} record, not a plan whose actions the data holds"
                if plan is not None else f"no plan with id {plan_id}")
        shown = ", ".join(plans[:20]) + (f" and {len(plans) - 20} more" if len(plans) > 20 else "")
        raise UnknownId(f"{what}; the plans there are: {shown}")
    return plan


def assess_plan(data: Data, plan_id: str) -> dict[str, Any]:
    plan = plan_record(data, plan_id)
    members = plan_members(data, plan_id)
    actions = sorted((r for r in members.values() if r.type.section == "actions"), key=lambda r: r.id)
    findings = []

    # National Outcomes (NPF)
    npf_all = [r.id for r in data.of_type("national_outcomes")]
    direct = _targets(data, members, "national_outcomes", ("contributesTo",))
    via: dict[str, list] = {}
    for r in sorted(members.values(), key=lambda r: r.id):
        for ln in r.links:
            d = data.records.get(ln.to)
            if ln.rel not in _UPSTREAM or d is None:
                continue
            for dl in d.links:
                t = data.records.get(dl.to)
                if dl.rel == "contributesTo" and t is not None and t.type.section == "national_outcomes":
                    via.setdefault(dl.to, []).append({"id": r.id, "through": d.id, **({"quote": dl.quote}
                                                                                       if dl.quote else {})})
    any_npf_links = any(ln.rel == "contributesTo" and data.records.get(ln.to) is not None
                        and data.records[ln.to].type.section == "national_outcomes"
                        for r in data.records.values() for ln in r.links)
    linked = sorted(set(direct) | set(via))
    # context, not counted: a group that leads the plan and whose work another document says the
    # National Outcomes overarch (the drivers document's "overarch all the work" of the CSP and CPC)
    leads = sorted({ln.to for r in members.values() for ln in r.links if ln.rel == "ledBy"})
    via_lead = {g: sorted(dl.to for dl in data.records[g].links if dl.rel == "contributesTo"
                          and data.records.get(dl.to) is not None
                          and data.records[dl.to].type.section == "national_outcomes")
                for g in leads if g in data.records}
    via_lead = {g: v for g, v in via_lead.items() if v}
    lead_note = "".join(f"; not counted: {g}, which leads this plan, contributes to {len(v)} National Outcomes "
                        "by another document's statement" for g, v in via_lead.items())
    findings.append({
        "criterion": "National Performance Framework outcomes linked",
        "value": f"{len(linked)} of {len(npf_all)}",
        "met": bool(direct),
        "linked": {k: direct.get(k, []) + via.get(k, []) for k in linked},
        "missing": [k for k in npf_all if k not in linked],
        "note": ("the plan states no link to a National Outcome" if not direct else "")
        + ("" if any_npf_links else "; no record in the data links to any National Outcome yet, so links "
                                    "through drivers cannot be shown either") + lead_note,
        "through_lead": via_lead,
    })

    # UNCRC
    rights = _targets(data, members, "articles", ("upholdsRight",))
    with_right = [a.id for a in actions if any(ln.rel == "upholdsRight" for ln in a.links)]
    findings.append({
        "criterion": "Children's rights (UNCRC articles upheld)",
        "value": f"{len(rights)} articles; {len(with_right)} of {len(actions)} actions "
                 f"({_pct(len(with_right), len(actions))}) with a rights link",
        "met": bool(rights),
        "linked": rights,
        "share_of_actions_with_rights_link": round(len(with_right) / len(actions), 4) if actions else 0.0,
        "missing": [a.id for a in actions if a.id not in with_right],
        "note": "missing: the actions with no stated UNCRC article",
    })

    # The Promise
    found = _targets(data, members, "promise_foundations", ("alignsWith", "contributesTo", "drivenBy"))
    prios = _targets(data, members, "promise_priorities", ("alignsWith", "contributesTo", "drivenBy"))
    promise_plans = {ln.to: _cite(r, ln) for r in members.values() for ln in r.links
                     if ln.to in ("the-promise", "promise-plan-2021-24", "independent-care-review")}
    findings.append({
        "criterion": "The Promise (foundations)",
        "value": f"{len(found)} of {len(data.of_type('promise_foundations'))} foundations; {len(prios)} Plan 21-24 "
                 f"priorities; {len(promise_plans)} links to The Promise itself",
        "met": bool(found or prios or promise_plans),
        "linked": {**found, **prios, **{k: [v] for k, v in sorted(promise_plans.items())}},
        "missing": [r.id for r in data.of_type("promise_foundations") if r.id not in found],
        "note": "",
    })

    # SHANARRI
    well = _targets(data, members, "wellbeing", ("contributesTo",))
    findings.append({
        "criterion": "Wellbeing indicators (SHANARRI) covered",
        "value": f"{len(well)} of {len(data.of_type('wellbeing'))}",
        "met": len(well) == len(data.of_type("wellbeing")),
        "linked": well,
        "missing": [r.id for r in data.of_type("wellbeing") if r.id not in well],
        "note": "",
    })

    # priorities and measures
    themes = sorted((r for r in members.values() if r.type.section == "themes" and _parent(r) == plan_id),
                    key=lambda r: r.id)
    measured, unmeasured = {}, []
    for t in themes:
        sub = plan_members_from(data, members, t.id)
        cites = [_cite(r) for r in sorted(sub.values(), key=lambda r: r.id)
                 if r.get("measure") or r.type.section == "indicators"]
        if cites:
            measured[t.id] = cites
        else:
            unmeasured.append(t.id)
    n = len(themes)
    findings.append({
        "criterion": f"A manageable number of strategic priorities ({PRIORITIES_MIN}-{PRIORITIES_MAX}), each with a "
                     "measure",
        "value": f"{n} priorities; {len(measured)} with a measure",
        "met": PRIORITIES_MIN <= n <= PRIORITIES_MAX and not unmeasured,
        "linked": measured,
        "missing": unmeasured,
        "note": ("" if PRIORITIES_MIN <= n <= PRIORITIES_MAX
                 else f"{n} priorities, outside the guidance of {PRIORITIES_MIN}-{PRIORITIES_MAX}")
        + ("; missing: the priorities with no action measure or indicator under them" if unmeasured else ""),
    })
    return {"plan": plan_id, "title": plan.title, "actions": len(actions), "priorities": [t.id for t in themes],
            "findings": findings}


def plan_members_from(data: Data, members: dict[str, Record], root: str) -> dict[str, Record]:
    out = {}
    stack = [root]
    while stack:
        cur = stack.pop()
        for r in members.values():
            if r.id not in out and _parent(r) == cur:
                out[r.id] = r
                stack.append(r.id)
    return out


def _pct(a: int, b: int) -> str:
    return f"{100 * a / b:.0f}%" if b else "0%"


def to_markdown(result: dict[str, Any]) -> str:
    from ..core.text import md_escape
    lines = [f"# Assessment: {md_escape(result['title'])} (`{result['plan']}`)", "",
             f"{result['actions']} actions. Only links the documents state are counted.", ""]
    for f in result["findings"]:
        mark = "met" if f["met"] else "not met"
        lines += [f"## {f['criterion']}: {f['value']} ({mark})", ""]
        for k, cites in f["linked"].items():
            ids = ", ".join(f"`{c['id']}`" + (f" via `{c['through']}`" if c.get("through") else "") for c in cites[:5])
            more = f" and {len(cites) - 5} more" if len(cites) > 5 else ""
            lines.append(f"- `{k}`: {ids}{more}")
        if f["missing"]:
            shown = ", ".join(f"`{m}`" for m in f["missing"][:15])
            more = f" and {len(f['missing']) - 15} more" if len(f["missing"]) > 15 else ""
            lines.append(f"- missing: {shown}{more}")
        if f["note"].strip("; "):
            lines.append(f"- note: {md_escape(f['note'].strip('; '))}")
        lines.append("")
    return "\n".join(lines)
