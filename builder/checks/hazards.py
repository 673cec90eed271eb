"""Cross-references of the hazard log (questionnaire/hazards.yaml): every hazard controlled, every control real."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from builder.checks.rules import Rule, witness
from builder.core.errors import Msg, Problem, hint
from builder.core.parse import LoadedFile
from builder.core.schema import All, AnyOf, Questionnaire


def hazard_rules(q: Questionnaire, sources: dict[str, LoadedFile]) -> Iterator[Rule]:
    """Every condition in the hazard log, so the questionnaire's checks verify its questions and options."""
    log, src = q.hazards, sources.get("hazards")
    if log is None or src is None:
        return
    for i, h in enumerate(log.hazards):
        yield Rule(f"hazard '{h.id}': cause", src, ("hazards", i, "cause"), h.cause, None, False, "hazard")
        if h.planned is not None:
            yield Rule(f"hazard '{h.id}': planned", src, ("hazards", i, "planned"), h.planned, None, False, "hazard")
        for j, case in enumerate(h.cases):
            yield Rule(f"hazard '{h.id}' case {j + 1}", src, ("hazards", i, "cases", j, "when"), case.when, None, False, "hazard")


def check_hazards(q: Questionnaire, sources: dict[str, LoadedFile], action_ids: dict[str, str], *, thorough: bool = True) -> list[Problem]:
    """Unique hazard and go-live ids; controls that name real actions, templates and sources; lifting actions
    that come before the first patient and that the plan can list while the cause holds."""
    log, src = q.hazards, sources.get("hazards")
    if log is None or src is None:
        return []
    problems: list[Problem] = []
    template_ids = [t.id for t in q.templates]
    phases = [p.id for p in q.meta.phases]
    first = q.planning.schedule.first_patient_phase if q.planning else None
    actions = {a.id: a for d in q.domains for a in d.actions}
    seen: dict[str, dict[str, int | None]] = {"hazard": {}, "go-live item": {}}

    def unique(kind: str, ident: str, path: tuple[Any, ...]) -> None:
        table = seen[kind]
        if ident in table:
            problems.append(src.problem(path, Msg.DUPLICATE_ID.format(kind=kind, id=ident, first=f"{src.file}:{table[ident]}")))
        else:
            table[ident] = src.line(path)

    for i, h in enumerate(log.hazards):
        where = f"hazard '{h.id}'"
        unique("hazard", h.id, ("hazards", i, "id"))
        unique("go-live item", h.controls.go_live.id, ("hazards", i, "controls", "go_live", "id"))
        if h.source.doc not in q.meta.sources:
            problems.append(src.problem(("hazards", i, "source", "doc"), Msg.REF_SOURCE.format(where=where, source=h.source.doc, hint=hint(h.source.doc, q.meta.sources))))
        for j, aid in enumerate(h.controls.actions):
            path = ("hazards", i, "controls", "actions", j)
            if aid not in action_ids:
                problems.append(src.problem(path, Msg.REF_ACTION.format(where=where, action=aid, hint=hint(aid, action_ids))))
            elif first in phases and phases.index(actions[aid].phase) >= phases.index(first):
                problems.append(src.problem(path, Msg.HAZARD_ACTION_PHASE.format(where=where, action=aid, phase=actions[aid].phase, first=first)))
        for j, tid in enumerate(h.controls.templates):
            if tid not in template_ids:
                problems.append(src.problem(("hazards", i, "controls", "templates", j), Msg.REF_TEMPLATE.format(where=where, template=tid, hint=hint(tid, template_ids))))
        named = [actions[a] for a in h.controls.actions if a in actions]
        if thorough and named and len(named) == len(h.controls.actions) and all(a.when is not None for a in named):
            # Some answer set where the cause holds must let at least one lifting action into the plan.
            lifted = All(all=[h.cause, AnyOf(any=[a.when for a in named if a.when is not None])])
            if witness(q, lifted, plan_ops=True) is None:
                problems.append(src.problem(("hazards", i, "controls", "actions"), Msg.HAZARD_NOTHING_LIFTS.format(where=where)))
    return problems

