"""The explanation property both engines are held to: every sentence a plan states about a clinic
comes from a rule whose condition holds for that clinic's answers, and every such rule is stated.

Checked independently of the engine under test: conditions are re-evaluated here, with the Python
condition language, over the answers the plan was made from.
"""

from __future__ import annotations

from typing import Any

from builder.core.answers import AnswerFile
from builder.core.conditions import evaluate
from builder.core.engine import fill, walk
from builder.core.schema import Questionnaire

STATUS = {True: "met", False: "not_met", None: "unknown"}


def explanation_problems(q: Questionnaire, af: AnswerFile, plan: dict[str, Any]) -> list[str]:
    """Every way `plan` states something its answers do not support (empty when it is honest)."""
    _, values = walk(q, af)
    route, roles = plan["route"], plan["roles"]
    msgs = q.meta.messages
    out: list[str] = []
    for d in q.domains:
        got = plan["readiness"]["domains"][d.id]
        holding = [f.text for f in d.findings if evaluate(f.when, values) is True]
        for text in got["findings"]:
            rules = [f for f in d.findings if f.text == text]
            if not rules:
                out.append(f"{d.id}: finding from no rule: {text!r}")
            elif not any(evaluate(f.when, values) is True for f in rules):
                out.append(f"{d.id}: finding whose condition does not hold: {text!r}")
        if got["findings"] != holding:
            out.append(f"{d.id}: findings {got['findings']!r}, expected {holding!r}")
        if got["meaning"] != " ".join(got["findings"]):
            out.append(f"{d.id}: 'meaning' is not the findings")
        gate_lines = {fill(msgs.gate, cap=g.cap, reason=g.reason): g for g in d.gates if g.cap}
        for line in got["reasons"]:
            if line.startswith("Capped at"):
                gate = gate_lines.get(line)
                if gate is None or evaluate(gate.when, values) is not True:
                    out.append(f"{d.id}: cap without a gate that holds: {line!r}")
    planned: dict[str, bool] = {}
    for item in plan["go_live"]:
        spec = next(g for g in q.meta.go_live if g.id == item["id"])
        want = STATUS[evaluate(spec.met, values)]
        planned[spec.id] = want == "not_met" and spec.planned is not None and evaluate(spec.planned, values) is True
        if planned[spec.id]:
            want = "planned"
        if item["status"] != want:
            out.append(f"go-live {item['id']}: status {item['status']}, the answers say {want}")
    reasons = plan["readiness"]["overall"]["reasons"]
    for g in q.meta.go_live:
        said = fill(msgs.go_live_not_met, cap="red", title=g.title, reason=g.reason) in reasons
        if said != (evaluate(g.met, values) is False and not planned.get(g.id)):
            out.append(f"overall: {'says' if said else 'does not say'} that '{g.title}' is not met, against the answers")
        said = fill(msgs.go_live_planned, cap="red", title=g.title, reason=g.reason) in reasons
        if said != bool(planned.get(g.id)):
            out.append(f"overall: {'says' if said else 'does not say'} that '{g.title}' is planned, against the answers")
    route_rules = [r for r in q.meta.routes.rules if evaluate(r.when, values) is True]
    expected_route = [route_rules[0].reason] if route_rules else [q.meta.routes.default.reason]
    if plan["route_reasons"] != expected_route:
        out.append(f"route reasons {plan['route_reasons']!r}, expected {expected_route!r}")
    for f in plan["role_fit"]:
        for reason in f["reasons"]:
            rules = [r for r in q.meta.roles.rules if r.role == f["role"] and r.reason == reason["text"]]
            if not any(evaluate(r.when, values) is True for r in rules):
                out.append(f"role {f['role']}: reason whose condition does not hold: {reason['text']!r}")
    for tid, reasons in plan["template_reasons"].items():
        for reason in reasons:
            rules = [t for t in q.meta.templates.rules if t.template == tid and t.reason == reason]
            if not any(t.when is None or evaluate(t.when, values, route, roles) is True for t in rules):
                out.append(f"template {tid}: reason whose condition does not hold: {reason!r}")
    return out
