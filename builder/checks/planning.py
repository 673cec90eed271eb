"""Cross-references of the planning files (costs, figures, schedule, risks, indicators) that the schema cannot see."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from typing import Any

from builder.checks.rules import Rule
from builder.core.errors import Msg, Problem, hint
from builder.core.parse import LoadedFile
from builder.core.schema import Condition, Figures, Questionnaire

today = datetime.date.today
"""The date figures' ages are measured to (a test sets its own)."""


def planning_rules(q: Questionnaire, sources: dict[str, LoadedFile]) -> list[Rule]:
    """Every condition in the planning files, so checks.py verifies its references and that it can fire."""
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
    if "meta" in sources:  # questionnaire.yaml's sources: which plans list them (with the budget's own sources)
        for sid, doc in q.meta.sources.items():
            add(f"source '{sid}'", "meta", ("sources", sid, "when"), doc.when)
    return rules


def check_planning(q: Questionnaire, sources: dict[str, LoadedFile]) -> list[Problem]:
    """Cross-references the schema cannot see: assumption, action, phase and source ids, waiting cycles."""
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

    problems += _check_employment(q, costs)
    problems += _check_figures(q, sources)

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


def _check_employment(q: Questionnaire, costs: LoadedFile) -> list[Problem]:
    """The employment question exists, is single choice, and every one of its options says how peers are costed.

    No reference is exempt for being optional: a renamed question or option fails here with the line."""
    p = q.planning
    assert p is not None
    emp = p.costs.employment
    problems: list[Problem] = []
    question = q.question(emp.question)
    if question is None:
        return [costs.problem(("employment", "question"), Msg.REF_QUESTION.format(
            where="employment", question=emp.question, hint=hint(emp.question, [x.id for x in q.questions])))]
    if question.type != "single":
        return [costs.problem(("employment", "question"), Msg.PLAN_EMPLOYMENT_TYPE.format(question=emp.question, qtype=question.type))]
    opts = [o.id for o in question.options]
    for o in emp.options:
        if o not in opts:
            problems.append(costs.problem(("employment", "options", o), Msg.PLAN_EMPLOYMENT.format(option=o, question=emp.question, options=", ".join(opts))))
    missing = [o for o in opts if o not in emp.options]
    if missing:
        problems.append(costs.problem(("employment", "options"), Msg.PLAN_EMPLOYMENT_MISSING.format(question=emp.question, options=", ".join(missing))))
    for o in emp.notes:
        if o != "unknown" and o not in opts:
            problems.append(costs.problem(("employment", "notes", o), Msg.PLAN_EMPLOYMENT.format(option=o, question=emp.question, options=", ".join([*opts, "unknown"]))))
    return problems


def _check_figures(q: Questionnaire, sources: dict[str, LoadedFile]) -> list[Problem]:
    """figures.yaml: every nation has every figure, sources are known, staleness; costs.yaml names only known figures."""
    p = q.planning
    assert p is not None
    figs, src, costs = p.figures, sources["figures"], sources["costs"]
    problems: list[Problem] = []
    nation_ids = list(figs.nations)
    if figs.default_nation not in figs.nations:
        problems.append(src.problem(("default_nation",), Msg.FIGURE_NATION.format(where="default_nation", nation=figs.default_nation,
                                                                                 hint=hint(figs.default_nation, nation_ids), nations=", ".join(nation_ids))))
    tables = {nid: {**figs.shared, **n.figures} for nid, n in figs.nations.items()}
    every = sorted({f for t in tables.values() for f in t})
    for nid, table in tables.items():
        missing = [f for f in every if f not in table]
        if missing:
            problems.append(src.problem(("nations", nid, "figures"), Msg.FIGURE_MISSING.format(nation=nid, figures=", ".join(missing))))
    located: list[tuple[tuple[Any, ...], str, Any]] = [(("shared", fid), fid, f) for fid, f in figs.shared.items()]
    located += [(("nations", nid, "figures", fid), f"{nid} {fid}", f) for nid, n in figs.nations.items() for fid, f in n.figures.items()]
    now = today()
    for path, where, f in located:
        if f.source not in q.meta.sources:
            problems.append(src.problem((*path, "source"), Msg.REF_SOURCE.format(where=f"figure '{where}'", source=f.source, hint=hint(f.source, q.meta.sources))))
        if not f.dated:  # the plan says so beside the figure; --strict holds the data to a confirmed date
            problems.append(Problem(src.file, src.line((*path, "took_effect")), Msg.FIGURE_UNDATED.format(where=where, source=f.source), warning=True))
        limit = figs.stale_after_days.get(f.kind)
        age = (now - datetime.date.fromisoformat(f.checked)).days
        if limit is not None and age > limit:
            problems.append(Problem(src.file, src.line((*path, "checked")), Msg.FIGURE_STALE.format(
                where=where, checked=f.checked, days=age, limit=limit), warning=True))
    b = q.bindings.nation
    if b is not None:
        for oid, nid in b.nations.items():
            if nid not in figs.nations:
                problems.append(Problem(src.file, None, Msg.FIGURE_NATION.format(where=f"bindings nation '{oid}'", nation=nid, hint=hint(nid, nation_ids), nations=", ".join(nation_ids))))
    units = {fid: f.unit for t in tables.values() for fid, f in t.items()}
    seen: list[str] = []
    for i, a in enumerate(p.costs.assumptions):
        named = [(("assumptions", i, "figure"), a.figure)] + [(("assumptions", i, "cases", j, "figure"), c.figure) for j, c in enumerate(a.cases)]
        for path, fid in named:
            if fid is None:
                continue
            if fid not in units:
                problems.append(costs.problem(path, Msg.FIGURE_UNKNOWN.format(where=f"assumption '{a.id}'", figure=fid, hint=hint(fid, every))))
            elif units[fid] != a.unit:
                problems.append(costs.problem(path, Msg.FIGURE_UNIT.format(where=f"assumption '{a.id}'", figure=fid, unit=units[fid], expected=a.unit)))
        for j, part in enumerate(a.percent_of):
            if part not in seen:
                problems.append(costs.problem(("assumptions", i, "percent_of", j), Msg.PLAN_ASSUMPTION.format(
                    where=f"assumption '{a.id}': percent_of (only earlier assumptions)", id=part, hint=hint(part, seen))))
        seen.append(a.id)
    problems += _check_stated(figs, src, [a.id for a in p.costs.assumptions], every)
    return problems


def _check_stated(figs: Figures, src: LoadedFile, assumptions: list[str], every: list[str]) -> list[Problem]:
    """figures.yaml 'stated': the assumptions and the figure the templates state exist."""
    if figs.stated is None:
        return []
    out: list[Problem] = []
    for key in ("pay", "check_fee"):
        aid = getattr(figs.stated, key)
        if aid not in assumptions:
            out.append(src.problem(("stated", key), Msg.PLAN_ASSUMPTION.format(where=f"stated: {key}", id=aid, hint=hint(aid, assumptions))))
    fid = figs.stated.weekly_hours
    if fid not in every:
        out.append(src.problem(("stated", "weekly_hours"), Msg.FIGURE_UNKNOWN.format(where="stated: weekly_hours", figure=fid, hint=hint(fid, every))))
    return out
