"""The risk register and the indicators, chosen by the answers (NHS 5 x 5 likelihood x impact)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from builder.core.compiled import compiled
from builder.core.conditions import Value
from builder.core.schedule import owner_for
from builder.core.schema import Questionnaire, RiskRegister, Schedule


def level(reg: RiskRegister, score: int) -> str:
    return next(lv.label for lv in reg.levels if score >= lv.min)


def risk_register(q: Questionnaire, reg: RiskRegister, sched: Schedule, values: Mapping[str, Value],
                  route: str | None, roles: Sequence[str]) -> list[dict[str, Any]]:
    """Risks whose condition does not rule them out (an unknown answer keeps the risk), highest score first."""
    out: list[tuple[int, int, dict[str, Any]]] = []
    c = compiled(q)
    for i, r in enumerate(reg.risks):
        if r.when is not None and c.evaluate(r.when, values, route, roles) is False:
            continue
        likelihood, reason = r.likelihood, None
        for case in r.cases:
            if c.evaluate(case.when, values, route, roles) is True:
                likelihood, reason = case.likelihood, case.reason
                break
        score = likelihood * r.impact
        residual = r.residual_likelihood * r.residual_impact
        doc = q.meta.sources[r.source.doc]
        out.append((-score, i, {
            "id": r.id, "title": r.title, "likelihood": likelihood, "impact": r.impact, "score": score,
            "level": level(reg, score), "reason": reason, "mitigation": r.mitigation,
            "residual_likelihood": r.residual_likelihood, "residual_impact": r.residual_impact,
            "residual_score": residual, "residual_level": level(reg, residual),
            "owner": owner_for(sched, r.owner, values, route, roles, c), "source": f"{doc.title}: {r.source.section}",
        }))
    return [item for _, _, item in sorted(out, key=lambda t: (t[0], t[1]))]


def indicators(q: Questionnaire, sched: Schedule, values: Mapping[str, Value], route: str | None,
               roles: Sequence[str]) -> list[dict[str, Any]]:
    """Indicators whose condition holds for this service's aims and roles, in the order written."""
    p = q.planning
    assert p is not None
    out = []
    c = compiled(q)
    for ind in p.indicators.indicators:
        if ind.when is not None and c.evaluate(ind.when, values, route, roles) is not True:
            continue
        doc = q.meta.sources[ind.source.doc]
        out.append({"id": ind.id, "name": ind.name, "definition": ind.definition, "target": ind.target,
                    "source": ind.data_source, "frequency": ind.frequency,
                    "owner": owner_for(sched, ind.owner, values, route, roles, c), "basis": f"{doc.title}: {ind.source.section}"})
    return out
