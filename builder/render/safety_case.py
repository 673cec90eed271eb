"""The safety case as Markdown, from the hazard log: the site's page and the toolkit book's chapter (one text for both)."""

from __future__ import annotations

from typing import Any

from builder.core.schema import Hazard, Questionnaire
from builder.render.markdown import md

SAFETY_CASE_PAGE = "safety-case.md"
"""The generated page's path on the site (and its name for links inside the book)."""

AFFECTS = {"patient": "patients", "peer": "peers", "staff": "staff"}
"""How each group a hazard can harm is named in the text."""


def level(q: Questionnaire, score: int) -> str:
    """The risk register's level for a likelihood x severity score (Extreme, High, ...), or '' without one."""
    levels = q.planning.risks.levels if q.planning else []
    return next((lv.label for lv in levels if score >= lv.min), "")


def rating(q: Questionnaire, severity: int, likelihood: int) -> str:
    score = severity * likelihood
    name = level(q, score)
    return f"{score} ({name})" if name else str(score)


def _anchor(h: Hazard) -> str:
    return "hazard-" + h.id.replace("_", "-")


def safety_case_markdown(q: Questionnaire) -> str:
    """Every hazard: what could happen and to whom, its cause in the answers, its rating before and after its
    controls, the controls (go-live item, actions, templates) and the evidence; then a summary to attach to a
    governance paper. Empty when the questionnaire has no hazard log."""
    from builder.render.paper import describe

    log = q.hazards
    if log is None:
        return ""
    actions = {a.id: (d, a) for d in q.domains for a in d.actions}
    templates = {t.id: t for t in q.templates}
    first = q.planning.schedule.first_patient_phase if q.planning else None
    phase_titles = {p.id: p.title for p in q.meta.phases}
    labels = q.meta.ratings.labels
    out: list[str] = [
        "# Safety case", "",
        "A peer support service can harm the people it means to help, and the peers who give it. This page sets out "
        "each way it could, what in a clinic's answers shows the harm is not yet guarded against, and what the plan "
        "makes the clinic do about it before the first peer meets a patient. The toolkit's go-live checklist is built "
        "from this list and nothing else, so the checklist and the safety case cannot drift apart.", "",
        f"**How it is kept.** {md(log.method)} The method is the one the NHS clinical risk management standards "
        "[DCB0129 and DCB0160](references.md#dcb0129-dcb0160) ask of those who make and deploy health IT: a hazard "
        "log with causes, effects, controls and evidence, and a safety case that summarises it. The hazards are the "
        "toolkit's own, and the standards, NHS England's, are cited for the method only: it serves a service in any of "
        "the four nations, and places no duty on the clinic.", "",
        "**How to read a rating.** Severity (how bad the harm would be) and likelihood (how likely it is while the "
        "cause holds) are each scored from 1 to 5, as in the plan's risk register, and multiplied. The rating *after* "
        "assumes every control is in place.", "",
        "**What the plan does with it.** While a hazard's cause holds, or cannot be ruled out because an answer is "
        f"missing, its go-live item is not met and the plan's overall rating is red, \u201c{md(labels.red)}\u201d: "
        "planned is not in place, and not known is not ready. Each action that lifts the item is a must-do, and the "
        "plan's first-patient date comes after all of them.", "",
        "## Summary for a governance paper {#summary}", "",
        f"The readiness toolkit keeps a hazard log of {len(log.hazards)} hazards that a new peer support service can "
        "pose to patients and peers. Each is tied to one item on the go-live checklist; the service is not rated "
        "ready to start while any item is not met, only planned, or not known. The ratings below are before and after "
        "the controls; the clinic's own plan shows which items it has met.", "",
        "| Hazard | Who could be harmed | Rating before | Rating after | Go-live item |",
        "|---|---|---|---|---|",
    ]
    for h in log.hazards:
        out.append(f"| [{md(h.title)}](#{_anchor(h)}) | {', '.join(AFFECTS[a] for a in h.affects)} | "
                   f"{rating(q, h.severity, h.likelihood)} | {rating(q, h.residual_severity, h.residual_likelihood)} | "
                   f"{md(h.controls.go_live.title)} |")
    out += ["", "To attach it to a governance paper, copy this table and add the clinic's own go-live checklist from "
            "the front page of its plan: together they show the committee what could go wrong and what is still open.", "",
            "## The hazards {#hazards}", ""]
    for i, h in enumerate(log.hazards, start=1):
        out += [f"### {i}. {md(h.title)} {{#{_anchor(h)}}}", "",
                f"**What could happen.** {md(h.harm)} Who could be harmed: {', '.join(AFFECTS[a] for a in h.affects)}.", "",
                f"**Cause, in the answers** (question numbers as in the paper questionnaire): {md(describe(h.cause, q))}.", ""]
        if h.planned is not None:
            out += [f"**Planned, still not met, when** {md(describe(h.planned, q))}.", ""]
        out += [f"**Rating before the controls:** severity {h.severity} \u00d7 likelihood {h.likelihood} = "
                f"{rating(q, h.severity, h.likelihood)}."]
        for c in h.cases:
            out.append(f"The likelihood is {c.likelihood} when {md(describe(c.when, q))}: {md(c.reason[:1].lower() + c.reason[1:])}")
        out += ["", f"**Rating after the controls:** severity {h.residual_severity} \u00d7 likelihood {h.residual_likelihood} = "
                f"{rating(q, h.residual_severity, h.residual_likelihood)}.", "",
                f"**Controls.** Go-live item: *{md(h.controls.go_live.title)}*. Until it is met, {md(h.controls.go_live.reason)}", ""]
        for aid in h.controls.actions:
            d, a = actions[aid]
            when = f"{phase_titles[a.phase]} phase, a must-do before the first patient" if first else phase_titles[a.phase]
            out.append(f"- Action: **{md(a.title)}** ({md(d.title)}; {when}; owner: {md(a.owner)}).")
        for tid in h.controls.templates:
            out.append(f"- Template: [{md(templates[tid].title)}](templates.md).")
        out.append("")
        if h.procedure:
            out += ["What a peer does, in the same words as the plan and the template:", ""]
            out += [f"{n}. {md(step)}" for n, step in enumerate(h.procedure, start=1)] + [""]
        out += ["**Evidence.** " + "; ".join(f"`{e}`" for e in h.evidence) + ": property tests that generate answer "
                "sets where the cause holds or is not known, in the Python engine and the browser's, and check the plan "
                "is red, the item never met, and its actions must-dos dated before the first patient.", ""]
    return "\n".join(out).rstrip() + "\n"


def safety_summary(q: Questionnaire, plan: dict[str, Any]) -> list[dict[str, Any]]:
    """One clinic's safety case in brief, for its governance paper: each hazard with its go-live status, and its
    rating before the controls at the likelihood this clinic's answers give (the hazard's cases), and after them."""
    from builder.core.answers import Answer, AnswerFile
    from builder.core.compiled import compiled
    from builder.core.engine import route_states
    from builder.core.hazards import likelihood

    if q.hazards is None:
        return []
    given = AnswerFile(plan["clinic"]["name"], answers={k: Answer(v) for k, v in plan.get("answers_by_id", {}).items()})
    _, values = route_states(q, given)
    status = {g["hazard"]: g["status"] for g in plan.get("go_live", []) if g.get("hazard")}
    return [{"hazard": h.id, "title": h.title, "status": status.get(h.id, "unknown"),
             "before": rating(q, h.severity, likelihood(h, values, compiled(q))), "after": rating(q, h.residual_severity, h.residual_likelihood)}
            for h in q.hazards.hazards]
