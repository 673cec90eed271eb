"""The plan as Markdown a clinic manager can act on (and paste into a report)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from builder.core.schema import Questionnaire

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]#|~])")


def md(text: str | None) -> str:
    """Escape untrusted text so it stays text in Markdown (and in any HTML made from it)."""
    if not text:
        return ""
    text = " ".join(str(text).split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text)


RATING_MARK = {"green": "🟢 green", "amber": "🟠 amber", "red": "🔴 red"}


Add = Callable[[str], None]
"""Appends one line to the Markdown being written."""


def plan_markdown(plan: dict[str, Any], q: Questionnaire) -> str:
    """The whole plan, section by section in the order of SECTIONS."""
    out: list[str] = []
    for section in SECTIONS:
        section(plan, q, out.append)
    return "\n".join(out).rstrip() + "\n"


def _heading(plan: dict[str, Any], q: Questionnaire, add: Add) -> None:
    meta = q.meta
    clinic = plan["clinic"]
    add(f"# Peer support setup plan: {md(clinic['name'])}")
    add("")
    if clinic.get("organisation"):
        add(f"**Organisation:** {md(clinic['organisation'])}  ")
    a = plan["assessment"]
    if a.get("assessed_on"):
        add(f"**Assessed on:** {a['assessed_on']}  ")
    if a.get("respondent_role"):
        add(f"**Completed by:** {md(a['respondent_role'])}  ")
    add(f"**Questionnaire:** {md(meta.title)} {meta.version}")
    add("")


def _go_live(plan: dict[str, Any], q: Questionnaire, add: Add) -> None:
    add("## Go-live checklist")
    add("")
    add("All of these must hold before the first peer meets a patient. Only what is in place counts as met: "
        "planned is not yet in place, and not known is not ready.")
    add("")
    words = q.meta.messages.go_live_status
    marks = {"met": "✅", "not_met": "❌", "planned": "🕒", "unknown": "❔"}
    status = {k: f"{mark} {getattr(words, k)[:1].lower()}{getattr(words, k)[1:]}" for k, mark in marks.items()}
    for g in plan["go_live"]:
        add(f"- {status[g['status']]}: {g['title']}")
    add("")


def _summary(plan: dict[str, Any], q: Questionnaire, add: Add) -> None:
    meta = q.meta
    r = plan["readiness"]
    add("## Summary")
    add("")
    overall = r["overall"]
    route = next(o for o in meta.routes.options if o.id == plan["route"])
    roles = {o.id: o for o in meta.roles.options}
    add(f"- **Overall readiness:** {overall['score']} of 100, {RATING_MARK[overall['rating']]} ({overall['label']})")
    add(f"- **Route:** {route.title}. {plan['route_reasons'][0]}")
    add(f"- **Recommended peer role{'s' if len(plan['roles']) > 1 else ''}:** " + ", ".join(roles[x].title for x in plan["roles"]))
    weakest = plan["start_with"]
    add("- **Start with:** " + ", ".join(f"{r['domains'][d]['title']} ({r['domains'][d]['score']})" for d in weakest))
    add(f"- **Actions:** {len(plan['actions'])}; **templates to adapt:** {len(plan['templates'])}")
    if plan["unknown"]:
        add(f"- **Not answered yet:** {len(plan['unknown'])} question(s). They count as 0 until answered, and each has a 'Find out' action below.")
    if "budget" in plan:
        b = plan["budget"]
        add(f"- **Cost:** £{b['total_year1']:,} in year one; £{b['total_3_years']:,} over three years")
        when = plan.get("first_patient_date") or f"week {plan['first_patient_week']}"
        add(f"- **First peer meets a patient:** {when}")
        if plan.get("review_date"):
            add(f"- **Review this plan by:** {plan['review_date']}")
    add("")
    if overall.get("sentence"):
        add(f"**{overall['sentence']}**")
        add("")
    add("How the overall rating was worked out: the score, then every cap:")
    add("")
    for reason in overall["reasons"]:
        add(f"- {reason}")
    add("")


def _first_steps(plan: dict[str, Any], q: Questionnaire, add: Add) -> None:
    """The top five steps, as schedule.yaml's first_steps rule orders them (plan.js shows the same)."""
    if not plan.get("first_steps"):
        return
    add("## Top five steps")
    add("")
    add("Start with these. Steps that must be done before the first peer meets a patient come first, soonest first.")
    add("")
    actions = {a["id"]: a for a in plan["actions"]}
    for n, aid in enumerate(plan["first_steps"], 1):
        a = actions[aid]
        before = "**Before go-live:** " if aid in plan["first_steps_blocking"] else ""
        add(f"{n}. {before}{md(a['title'])} ({md(a['owner'])}; due {a['due'] or 'week ' + str(a['due_week'])})")
    add("")


def _domains(plan: dict[str, Any], q: Questionnaire, add: Add) -> None:
    r = plan["readiness"]
    add("## Readiness by domain")
    add("")
    add("| Domain | Score | Rating | What the answers show |")
    add("|---|---:|---|---|")
    for did in q.meta.domains:
        d = r["domains"][did]
        add(f"| {d['title']} | {d['score']} | {RATING_MARK[d['rating']]} | {d['meaning']} |")
    add("")
    for did in q.meta.domains:
        d = r["domains"][did]
        add(f"### {d['title']}: {d['score']}, {d['rating']}")
        add("")
        for reason in d["reasons"]:
            add(f"- {reason}")
        notes = [x for x in plan["answers"] if x["domain"] == did and x["note"]]
        if notes:
            add("")
            add("Notes from the assessment:")
            add("")
            for x in notes:
                add(f"- *{x['title']}:* {md(x['note'])}")
        add("")


def _route_and_roles(plan: dict[str, Any], q: Questionnaire, add: Add) -> None:
    route = next(o for o in q.meta.routes.options if o.id == plan["route"])
    roles = {o.id: o for o in q.meta.roles.options}
    add("## Route and peer roles")
    add("")
    add(f"**{route.title}.** {route.summary}")
    add("")
    for reason in plan["route_reasons"]:
        add(f"- {reason}")
    add("")
    for f in plan["role_fit"]:
        mark = "recommended" if f["recommended"] else "not recommended"
        add(f"**{f['title']}** ({f['points']} point{'' if abs(f['points']) == 1 else 's'}, {mark}). {roles[f['role']].summary}")
        add("")
        for reason in f["reasons"]:
            sign = "+" if reason["points"] > 0 else "−"
            add(f"- {sign}{abs(reason['points'])}: {reason['text']}")
        if f["reasons"]:
            add("")
    if plan.get("role_note"):
        add(f"*{plan['role_note']}*")
        add("")


def _actions(plan: dict[str, Any], q: Questionnaire, add: Add) -> None:
    r = plan["readiness"]
    add("## Actions by phase")
    add("")
    for phase in q.meta.phases:
        items = [x for x in plan["actions"] if x["phase"] == phase.id]
        if not items:
            continue
        add(f"### {phase.title}")
        add("")
        add(f"*{phase.summary}*")
        add("")
        for i, x in enumerate(items, 1):
            if "due_week" in x:
                due = x.get("due") or f"week {x['due_week']}"
                must = "must-do; " if x.get("must") else ""
                add(f"{i}. **{x['title']}** ({must}owner: {md(x['owner'])}; due {due}; {r['domains'][x['domain']]['title']})  ")
                if x.get("after"):
                    names = {y["id"]: y["title"] for y in plan["actions"]}
                    add("   Waits for: " + "; ".join(names[d] for d in x["after"]) + "  ")
            else:
                add(f"{i}. **{x['title']}** (owner: {x['owner']}; {r['domains'][x['domain']]['title']})  ")
            add(f"   {x['detail']}  ")
            add(f"   *Source: {x['source']}*")
        add("")


def _planning(plan: dict[str, Any], q: Questionnaire, add: Add) -> None:
    if "budget" in plan:
        _planning_markdown(plan, add)


def _templates(plan: dict[str, Any], q: Questionnaire, add: Add) -> None:
    add("## Templates to adapt")
    add("")
    titles = {t.id: t for t in q.templates}
    for tid in plan["templates"]:
        add(f"- **{titles[tid].title}**: " + " ".join(plan["template_reasons"][tid]))
    add("")


def _standards(plan: dict[str, Any], q: Questionnaire, add: Add) -> None:
    add("## Standards this plan helps meet")
    add("")
    for std in plan["standards"]:
        add(f"- **{std['title']}**: {len(std['actions'])} action(s), {len(std['templates'])} template(s)")
    if not plan["standards"]:
        add("- None: the standards in the crosswalk are each written for one kind of service or one nation, and none is written for this service as answered.")
    add("")


def _ignored(plan: dict[str, Any], q: Questionnaire, add: Add) -> None:
    if plan["ignored"]:
        add("## Answers ignored")
        add("")
        add("These questions were not asked for this clinic's answers, so their answers were left out: " + ", ".join(plan["ignored"]) + ".")
        add("")


def _local_markdown(plan: dict[str, Any], q: Questionnaire, add: Any) -> None:
    """What applies where the service is and to whom, and what waits on an unanswered setting question."""
    local = plan.get("local")
    if not local or not (local["shown"] or local["pending"]):
        return
    add("## Where the service is and whom it serves")
    add("")
    for t in local["shown"]:
        add(f"- **{t['label']}:** {t['text']}")
    if local["shown"]:
        add("")
    titles = {a["id"]: a["title"] for a in plan["actions"]}
    for p in local["pending"]:
        uses = "; ".join(titles[a] for a in p["actions"])
        depends = f" These actions use it: {uses}." if uses else ""
        add(f"- *{p['title']}* is not answered yet, so the plan and the templates use neutral wording where it matters.{depends}")
    if local["pending"]:
        add("")


def _planning_markdown(plan: dict[str, Any], add: Any) -> None:
    """Budget, risk register and indicators: the sections a board asks about."""
    b = plan["budget"]
    add("## Budget")
    add("")
    add("| Cost line | How it is worked out | Year one | Each later year |")
    add("|---|---|---:|---:|")
    for line in b["lines"]:
        add(f"| {line['label']} | {md(line['basis'])} | £{line['year1']:,} | £{line['later_year']:,} |")
    add(f"| **Total** | three years: £{b['total_3_years']:,} | **£{b['total_year1']:,}** | |")
    add("")
    for note in b.get("notes", []):
        add(f"- {md(note)}")
    if b.get("notes"):
        add("")
    add("Assumptions (override any of them under `assumptions:` in the answer file):")
    add("")
    for a in b["assumptions"]:
        date = f", took effect {a['date']}" if a["date"] else (f", {md(a['undated'])}" if a.get("undated") else "")
        date += f", checked {a['checked']}" if a.get("checked") else ""
        mark = " (set by the clinic)" if a["overridden"] else ""
        note = f". {md(a['note'])}" if a.get("note") else ""
        add(f"- `{a['id']}` {a['label']}: **{md(a['shown'])}**{mark}. {md(a['source'])}{date}{note}")
    add("")
    add("## Risk register")
    add("")
    add("Likelihood × impact on the NHS 5 × 5 matrix, before and after mitigation.")
    add("")
    add("| Risk | Now | Mitigation | After | Owner |")
    add("|---|---|---|---|---|")
    for k in plan["risks"]:
        why = f" ({k['reason']})" if k["reason"] else ""
        add(f"| {k['title']}{why} | {k['likelihood']}×{k['impact']} = {k['score']} {k['level']} | {k['mitigation']} | "
            f"{k['residual_likelihood']}×{k['residual_impact']} = {k['residual_score']} {k['residual_level']} | {md(k['owner'])} |")
    add("")
    add("## Indicators")
    add("")
    add("| Indicator | Definition | Target | Data source | Frequency | Owner |")
    add("|---|---|---|---|---|---|")
    for i in plan["indicators"]:
        add(f"| {i['name']} | {i['definition']} | {i['target']} | {i['source']} | {i['frequency']} | {md(i['owner'])} |")
    add("")


SECTIONS: tuple[Callable[[dict[str, Any], Questionnaire, Add], None], ...] = (
    _heading, _go_live, _summary, _first_steps, _local_markdown, _domains, _route_and_roles, _actions, _planning, _templates, _standards, _ignored)
"""The plan's sections, in the order they are written."""
