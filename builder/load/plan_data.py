"""Planning data: load questionnaire/costs.yaml, schedule.yaml, risks.yaml and indicators.yaml, and check their references."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from builder.core.errors import Msg, Problem, hint
from builder.core.schema import Condition, Costs, Indicators, Planning, Questionnaire, RiskRegister, Schedule
from builder.load.sources import LoadedFile, load

if TYPE_CHECKING:
    from builder.checks.questionnaire import Rule
    from builder.load.paths import Project

FILES: dict[str, type[Any]] = {"costs": Costs, "schedule": Schedule, "risks": RiskRegister, "indicators": Indicators}
"""Planning file stems (in questionnaire/) and the model each is validated against."""


def load_planning(project: Project) -> tuple[Planning | None, dict[str, LoadedFile], list[Problem]]:
    """Validate the four planning files; all four must be present and valid for a Planning.

    A questionnaire with none of them plans without a budget, timeline, risks or indicators.
    """
    from builder.load.project import validate

    problems: list[Problem] = []
    sources: dict[str, LoadedFile] = {}
    parts: dict[str, Any] = {}
    if not any((project.questionnaire_dir / f"{stem}.yaml").exists() for stem in FILES):
        return None, sources, problems
    for stem, model in FILES.items():
        path = project.questionnaire_dir / f"{stem}.yaml"
        src = load(path, project.rel(path))
        sources[stem] = src
        value, errs = validate(model, src)
        problems += errs
        parts[stem] = value
    if problems or any(v is None for v in parts.values()):
        return None, sources, problems
    return Planning(costs=parts["costs"], schedule=parts["schedule"], risks=parts["risks"], indicators=parts["indicators"]), sources, []


def planning_rules(q: Questionnaire, sources: dict[str, LoadedFile]) -> list[Rule]:
    """Every condition in the planning files, so checks.py verifies its references and that it can fire."""
    from builder.checks.questionnaire import Rule

    p = q.planning
    if p is None or "costs" not in sources:
        return []
    rules: list[Rule] = []

    def add(where: str, stem: str, path: tuple[Any, ...], cond: Condition | None) -> None:
        if cond is not None:
            rules.append(Rule(where, sources[stem], path, cond, None, True, "planning"))

    for i, a in enumerate(p.costs.assumptions):
        for j, c in enumerate(a.cases):
            add(f"assumption '{a.id}' case {j + 1}", "costs", ("assumptions", i, "cases", j, "when"), c.when)
    for i, line in enumerate(p.costs.lines):
        add(f"cost line '{line.id}'", "costs", ("lines", i, "when"), line.when)
    for i, o in enumerate(p.schedule.owners):
        add(f"owner rule {i + 1} ({o.owner})", "schedule", ("owners", i, "when"), o.when)
    for i, r in enumerate(p.risks.risks):
        add(f"risk '{r.id}'", "risks", ("risks", i, "when"), r.when)
        for j, rc in enumerate(r.cases):
            add(f"risk '{r.id}' case {j + 1}", "risks", ("risks", i, "cases", j, "when"), rc.when)
    for i, ind in enumerate(p.indicators.indicators):
        add(f"indicator '{ind.id}'", "indicators", ("indicators", i, "when"), ind.when)
    return rules


def check_planning(q: Questionnaire, sources: dict[str, LoadedFile]) -> list[Problem]:
    """Cross-references the schema cannot see: assumption, action, phase and source ids, waiting cycles."""
    import re

    p = q.planning
    if p is None or "costs" not in sources:
        return []
    problems: list[Problem] = []
    costs, sched = sources["costs"], sources["schedule"]

    def dup(src: LoadedFile, kind: str, ids: list[str], base: tuple[Any, ...]) -> None:
        first: dict[str, str] = {}
        for i, ident in enumerate(ids):
            if ident in first:
                problems.append(src.problem((*base, i, "id"), Msg.DUPLICATE_ID.format(kind=kind, id=ident, first=first[ident])))
            else:
                first[ident] = f"{src.file}:{src.line((*base, i, 'id'))}"

    assumption_ids = [a.id for a in p.costs.assumptions]
    dup(costs, "assumption", assumption_ids, ("assumptions",))
    dup(costs, "cost line", [line.id for line in p.costs.lines], ("lines",))
    dup(sources["risks"], "risk", [r.id for r in p.risks.risks], ("risks",))
    dup(sources["indicators"], "indicator", [i.id for i in p.indicators.indicators], ("indicators",))

    def known(ident: str, where: str, src: LoadedFile, path: tuple[Any, ...]) -> None:
        if ident not in assumption_ids:
            problems.append(src.problem(path, Msg.PLAN_ASSUMPTION.format(where=where, id=ident, hint=hint(ident, assumption_ids))))

    for i, line in enumerate(p.costs.lines):
        where = f"cost line '{line.id}'"
        for key in ("times", "per"):
            for j, ident in enumerate(getattr(line, key)):
                known(ident, f"{where}: {key}", costs, ("lines", i, key, j))
        if line.later_from is not None:
            known(line.later_from, f"{where}: later_from", costs, ("lines", i, "later_from"))
        for field in re.findall(r"\{(\w+)\}", line.basis):
            known(field, f"{where}: basis", costs, ("lines", i, "basis"))

    emp = p.costs.employment
    question = q.question(emp.question)
    if question is not None:  # the question is optional: until it exists every peer is a volunteer
        opts = [o.id for o in question.options]
        for j, o in enumerate(emp.paid_options):
            if o not in opts:
                problems.append(costs.problem(("employment", "paid_options", j), Msg.PLAN_EMPLOYMENT.format(option=o, question=emp.question, options=", ".join(opts))))

    # Schedule: every action id known; waits only on the same or earlier phases; no cycles.
    phase_of = {a.id: a.phase for d in q.domains for a in d.actions}
    phase_ids = [ph.id for ph in q.meta.phases]
    if p.schedule.first_patient_phase not in phase_ids:
        fp = p.schedule.first_patient_phase
        problems.append(sched.problem(("first_patient_phase",), Msg.REF_PHASE.format(where="first_patient_phase", phase=fp, hint=hint(fp, phase_ids), options=", ".join(phase_ids))))
    rank = {ph: i for i, ph in enumerate(phase_ids)}
    for aid, timing in p.schedule.actions.items():
        if aid not in phase_of:
            problems.append(sched.problem(("actions", aid), Msg.PLAN_ACTION.format(where="schedule", action=aid, hint=hint(aid, phase_of))))
            continue
        for j, dep in enumerate(timing.after):
            if dep not in phase_of:
                problems.append(sched.problem(("actions", aid, "after", j), Msg.PLAN_ACTION.format(where=f"action '{aid}': after", action=dep, hint=hint(dep, phase_of))))
            elif rank.get(phase_of[dep], 0) > rank.get(phase_of[aid], 0):
                problems.append(sched.problem(("actions", aid, "after", j), Msg.PLAN_AFTER_LATER.format(where=f"action '{aid}'", action=dep, phase=phase_of[dep])))
    # A depth-first search with an explicit stack and a visited state: linear in actions and waits, and no recursion
    # limit however long a chain of waits is (the same cycles, in the same order, as a recursive search finds).
    state: dict[str, int] = {}  # 1: on the current path; 2: done

    def waits(aid: str) -> Iterator[str]:
        timing = p.schedule.actions.get(aid)
        return iter([d for d in (timing.after if timing else []) if d in p.schedule.actions])

    for start in p.schedule.actions:
        if state.get(start) == 2:
            continue
        state[start] = 1
        path, stack = [start], [waits(start)]
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                state[path.pop()] = 2
                stack.pop()
            elif state.get(nxt) == 1:
                cycle = " -> ".join(path[path.index(nxt):] + [nxt])
                problems.append(sched.problem(("actions", nxt, "after"), Msg.PLAN_AFTER_CYCLE.format(where=f"action '{nxt}'", cycle=cycle)))
            elif state.get(nxt) is None:
                state[nxt] = 1
                path.append(nxt)
                stack.append(waits(nxt))

    # Risks: levels highest first down to 1; mitigation never raises the score; sources known.
    mins = [lv.min for lv in p.risks.levels]
    if not mins or mins[-1] != 1 or any(b >= a for a, b in zip(mins, mins[1:])):
        problems.append(sources["risks"].problem(("levels",), Msg.PLAN_LEVELS))
    for i, r in enumerate(p.risks.risks):
        lowest = min([r.likelihood] + [c.likelihood for c in r.cases]) * r.impact
        after = r.residual_likelihood * r.residual_impact
        if after > lowest:
            problems.append(sources["risks"].problem(("risks", i, "residual_likelihood"), Msg.PLAN_RESIDUAL.format(where=f"risk '{r.id}'", after=after, before=lowest)))
    cited: list[tuple[str, list[Any], str]] = [("risks", list(p.risks.risks), "risk"), ("indicators", list(p.indicators.indicators), "indicator")]
    for stem, items, kind in cited:
        for i, item in enumerate(items):
            doc = item.source.doc
            if doc not in q.meta.sources:
                problems.append(sources[stem].problem((stem, i, "source", "doc"), Msg.REF_SOURCE.format(where=f"{kind} '{item.id}'", source=doc, hint=hint(doc, q.meta.sources))))
    return problems
