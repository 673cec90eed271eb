"""From an answer file to a plan: the checked questionnaire, the validated answers, the routing, the evaluation."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from builder.checks.project import load_checked
from builder.core.engine import evaluate_plan, ignored_answers, walk
from builder.core.errors import Msg, Problem, ProjectError, ReadinessError
from builder.core.schema import Questionnaire
from builder.load.answers import load_answers
from builder.load.paths import Project

BROKEN_QUESTIONNAIRE = "The questionnaire has errors; run 'readiness check' for the full list."


def load_project(project: Project, *, templates: bool = True) -> Questionnaire:
    """The cross-checked questionnaire, or ProjectError (exit 1: it is our data, not the user's); templates=False for a
    command that renders no policy template (their reads are not checked)."""
    try:
        return load_checked(project, thorough=False, templates=templates)[0]
    except ProjectError as exc:
        exc.summary = BROKEN_QUESTIONNAIRE
        raise


@dataclass
class PlannedClinic:
    """A validated answer file and the plan built from it."""

    q: Questionnaire
    plan: dict[str, Any]
    warnings: list[Problem] = field(default_factory=list)
    """Answers to questions that were not asked: reported, then ignored."""
    answers: Any = None
    """The validated answer file (an AnswerFile) the plan was built from."""


def plan_for(project: Project, answers: Path, strict: bool) -> PlannedClinic:
    """Load the questionnaire, validate `answers` against it and evaluate; ReadinessError (exit 2) on bad answers."""
    q = load_project(project)
    af, src = load_answers(answers, q, str(answers))
    steps, _values = walk(q, af)
    ignored = [src.problem(("answers", qid), msg, warning=not strict) for qid, msg in ignored_answers(q, af, steps)]
    missing = []
    if strict:
        missing = [src.problem(("answers",), Msg.MISSING_ANSWER.format(question=s.question.id))
                   for s in steps if s.state == "unknown" and not s.question.optional]
    errors = [p for p in ignored if not p.warning] + missing
    if errors:
        raise ReadinessError(errors)
    return PlannedClinic(q, evaluate_plan(q, af), ignored, af)
