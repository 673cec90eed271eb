"""The dated timeline: owners as the clinic's own roles, must-dos first, lead times, due dates, first-patient date.

Pure: dates count from the assessment date, so the same answers always give the same dates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from builder.core.compiled import Compiled, compiled
from builder.core.conditions import Value
from builder.core.hazards import lifting_actions
from builder.core.schema import FirstSteps, Questionnaire, Schedule


def owner_for(sched: Schedule, owner: str, values: Mapping[str, Value], route: str | None, roles: Sequence[str], c: Compiled) -> str:
    """The owner as this clinic can name it: a role it lacks becomes the rule's 'becomes' (`c`: the questionnaire compiled)."""
    for rule in sched.owners:
        if rule.owner == owner and c.evaluate(rule.when, values, route, roles) is True:
            return rule.becomes
    return owner


def add_days(iso: str, days: int) -> str:
    return (dt.date.fromisoformat(iso) + dt.timedelta(days=days)).isoformat()


def add_months(iso: str, months: int) -> str:
    """The same day `months` later, or the month's last day when it is shorter (31 Jan + 1 = 28/29 Feb)."""
    d = dt.date.fromisoformat(iso)
    m = d.month - 1 + months
    year, month = d.year + m // 12, m % 12 + 1
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(d.day, last)).isoformat()


def is_must(sched: Schedule, action_id: str, lifts: frozenset[str], find_out_prefix: str) -> bool:
    """A must-do: every "find out" action (its id starts with meta.find_out_prefix), each action that lifts a go-live
    item (`lifts`), and each the schedule marks must."""
    if action_id.startswith(find_out_prefix) or action_id in lifts:
        return True
    timing = sched.actions.get(action_id)
    return timing is not None and timing.must


def must_first(q: Questionnaire, sched: Schedule, actions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The plan's order of actions: must-dos first in each phase; otherwise the engine's order (weakest domain first) stands."""
    phases = {p.id: i for i, p in enumerate(q.meta.phases)}
    lifts = lifting_actions(q.meta)
    return sorted(actions, key=lambda a: (phases[a["phase"]], 0 if is_must(sched, a["id"], lifts, q.meta.find_out_prefix) else 1))


def schedule(q: Questionnaire, sched: Schedule, actions: list[dict[str, Any]], values: Mapping[str, Value],
             route: str | None, roles: Sequence[str], start: str | None) -> dict[str, Any]:
    """Reorder `actions` must-dos first within each phase and give each its owner, weeks, waits and due date.

    Returns the plan-level dates: first_patient_week/date and review_date (None without a start date).
    """
    phases = [p.id for p in q.meta.phases]
    ids = {a["id"] for a in actions}
    lifts = lifting_actions(q.meta)  # every action that lifts a go-live item is a must-do before the first patient
    c = compiled(q)
    for a in actions:
        a["owner"] = owner_for(sched, a["owner"], values, route, roles, c)
        timing = sched.actions.get(a["id"])
        if a["id"].startswith(q.meta.find_out_prefix):
            a["weeks"], a["must"], a["after"] = sched.find_out_weeks, True, []
        elif timing is None:
            a["weeks"], a["must"], a["after"] = sched.default_weeks, a["id"] in lifts, []
        else:
            a["weeks"], a["must"], a["after"] = timing.weeks, timing.must or a["id"] in lifts, [d for d in timing.after if d in ids]
    actions[:] = must_first(q, sched, actions)

    by_id = {a["id"]: a for a in actions}
    due: dict[str, int] = {}
    phase_start: dict[str, int] = {}
    floor = 0

    def due_of(aid: str) -> int:
        if aid not in due:
            a = by_id[aid]
            begin = max([phase_start[a["phase"]]] + [due_of(d) for d in a["after"]])
            a["start_week"] = begin
            due[aid] = begin + a["weeks"]
        return due[aid]

    for ph in phases:
        phase_start[ph] = floor
        in_phase = [a for a in actions if a["phase"] == ph]
        for a in in_phase:
            due_of(a["id"])
        floor = max([floor] + [due[a["id"]] for a in in_phase if a["must"]])
    for a in actions:
        a["due_week"] = due[a["id"]]
        a["due"] = add_days(start, 7 * due[a["id"]]) if start else None
    first_week = phase_start[sched.first_patient_phase]
    return {
        "first_patient_week": first_week,
        "first_patient_date": add_days(start, 7 * first_week) if start else None,
        "review_date": add_months(start, sched.review_months) if start else None,
    }


def first_steps(rule: FirstSteps, actions: Sequence[Mapping[str, Any]], go_live: Sequence[Mapping[str, Any]]) -> dict[str, list[str]]:
    """The plan's top steps, the one answer to "what first?" for the plan's PDF, its Markdown and the browser.

    First the actions of go-live items whose status the rule names as blocking, soonest due first (ties in the
    checklist's order); then must-dos that can start now, one per area where possible, then any that can start
    now, soonest due first. `blocking` is the steps that lead the list. firstSteps in planning.js mirrors this."""
    by_id = {a["id"]: a for a in actions}
    blocking: list[str] = []
    for g in go_live:
        if g["status"] in rule.blocking and g["action"] in by_id and g["action"] not in blocking:
            blocking.append(g["action"])
    blocking.sort(key=lambda aid: by_id[aid]["due_week"])
    steps = blocking[:rule.count]
    ready = [a for a in actions if a["start_week"] == 0 and a["must"]]
    rest: list[str] = []
    for a in ready:
        if len(steps) + len(rest) < rule.count and a["id"] not in steps and all(by_id[s]["domain"] != a["domain"] for s in steps + rest):
            rest.append(a["id"])
    for a in ready + [a for a in actions if a["start_week"] == 0 and not a["must"]]:
        if len(steps) + len(rest) < rule.count and a["id"] not in steps and a["id"] not in rest:
            rest.append(a["id"])
    rest.sort(key=lambda aid: by_id[aid]["due_week"])
    return {"first_steps": steps + rest, "first_steps_blocking": steps}
