"""The plan a board can act on: the steps engine.evaluate_plan runs last (budget, timeline, risks, indicators)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from builder.core.answers import AnswerFile
from builder.core.budget import budget
from builder.core.conditions import Value
from builder.core.risks import indicators, risk_register
from builder.core.schedule import first_steps, must_first, schedule
from builder.core.schema import Questionnaire


def add_planning(plan: dict[str, Any], q: Questionnaire, af: AnswerFile, values: Mapping[str, Value],
                 route: str, roles: Sequence[str], *, words: bool = True) -> None:
    """Extend `plan` in place; addPlanning in builder/wizard/planning.js does the same, step for step.

    words=False (a plan's summary): only the actions' final order and the budget's totals, no dates or text."""
    p = q.planning
    if p is None:
        return
    if not words:
        plan["actions"] = must_first(q, p.schedule, plan["actions"])
        plan["budget"] = budget(q, getattr(af, "assumptions", {}) or {}, values, route, roles, words=False)
        return
    dates = schedule(q, p.schedule, plan["actions"], values, route, roles, af.assessed_on)
    plan.update(dates)
    plan.update(first_steps(p.schedule.first_steps, plan["actions"], plan["go_live"]))
    plan["budget"] = budget(q, getattr(af, "assumptions", {}) or {}, values, route, roles)
    plan["risks"] = risk_register(q, p.risks, p.schedule, values, route, roles)
    plan["indicators"] = indicators(q, p.schedule, values, route, roles)
