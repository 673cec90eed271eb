"""Planning data: load questionnaire/costs.yaml, figures.yaml, schedule.yaml, risks.yaml and indicators.yaml.

Their cross-references are checked a layer above, in builder/checks/planning.py."""

from __future__ import annotations

from typing import Any

from builder.core.errors import Problem
from builder.core.schema import Costs, Figures, Indicators, Planning, RiskRegister, Schedule
from builder.load.paths import Project
from builder.load.sources import LoadedFile, expand_shared_rules, load
from builder.load.validate import validate

FILES: dict[str, type[Any]] = {"costs": Costs, "figures": Figures, "schedule": Schedule, "risks": RiskRegister, "indicators": Indicators}
"""Planning file stems (in questionnaire/) and the model each is validated against."""

def load_planning(project: Project, rules: dict[str, Any] | None = None) -> tuple[Planning | None, dict[str, LoadedFile], list[Problem]]:
    """Validate the five planning files; all must be present and valid for a Planning.

    A questionnaire with none of them plans without a budget, timeline, risks or indicators.
    """
    problems: list[Problem] = []
    sources: dict[str, LoadedFile] = {}
    parts: dict[str, Any] = {}
    if not any((project.questionnaire_dir / f"{stem}.yaml").exists() for stem in FILES):
        return None, sources, problems
    for stem, model in FILES.items():
        path = project.questionnaire_dir / f"{stem}.yaml"
        src = load(path, project.rel(path))
        expand_shared_rules(src, rules or {}, problems)
        sources[stem] = src
        value, errs = validate(model, src)
        problems += errs
        parts[stem] = value
    if problems or any(v is None for v in parts.values()):
        return None, sources, problems
    return Planning(costs=parts["costs"], figures=parts["figures"], schedule=parts["schedule"], risks=parts["risks"],
                    indicators=parts["indicators"]), sources, []
