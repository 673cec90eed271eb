"""The hazard log as the go-live checklist: derive the checklist, rate each hazard, name the actions that lift it.

Pure: the loader calls derive_go_live once; the engine and the schedule read the result.
"""

from __future__ import annotations

from collections.abc import Mapping

from builder.core.compiled import Compiled
from builder.core.conditions import Value
from builder.core.schema import Condition, GoLive, Hazard, HazardLog, Meta, Not


def derive_go_live(log: HazardLog | None) -> list[GoLive]:
    """One go-live item per hazard, in the log's order: met exactly when the hazard's cause is definitely false."""
    if log is None:
        return []
    return [GoLive(id=h.controls.go_live.id, title=h.controls.go_live.title, met=_negate(h.cause),
                   planned=h.planned, reason=h.controls.go_live.reason, action=h.controls.actions[0],
                   actions=list(h.controls.actions), hazard=h.id)
            for h in log.hazards]


def _negate(cond: Condition) -> Condition:
    """not `cond`, without a double negation (not (not x) is x in three-valued logic too), so it reads plainly on paper."""
    return cond.not_ if isinstance(cond, Not) else Not(**{"not": cond})


def lifting_actions(meta: Meta) -> frozenset[str]:
    """Every action that lifts a go-live item: each is a must-do before the first patient."""
    return frozenset(a for g in meta.go_live for a in (g.actions or [g.action]))


def likelihood(h: Hazard, values: Mapping[str, Value], c: Compiled) -> int:
    """The likelihood before controls for these answers: the first case that holds, else the hazard's own
    (`c`: the questionnaire compiled)."""
    for case in h.cases:
        if c.evaluate(case.when, values) is True:
            return case.likelihood
    return h.likelihood
