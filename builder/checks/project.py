"""The questionnaire loaded (builder/load/project.py: files to shape-valid models) and then cross-checked: the one
way every command, the site and the tests get a questionnaire they can trust."""

from __future__ import annotations

from builder.checks.questionnaire import check
from builder.core.errors import Problem, ProjectError, ReadinessError
from builder.core.schema import Questionnaire
from builder.load.project import ROOT, Project, load_unchecked

__all__ = ["ROOT", "Project", "load_checked", "load_questionnaire"]


def load_questionnaire(project: Project | None = None, *, thorough: bool = True) -> Questionnaire:
    """Load and check every file; raise ProjectError listing every error found."""
    return load_checked(project, thorough=thorough)[0]


def load_checked(project: Project | None = None, *, thorough: bool = True, templates: bool = True) -> tuple[Questionnaire, list[Problem]]:
    """Load and check every file: the questionnaire plus its warnings, or ProjectError (exit 1: our data).

    thorough=False skips the reachability search, which only `readiness check`, the
    site build and the tests need: plans are still built from a fully cross-checked model.
    templates=False skips reading the policy templates, for a command that renders none (`readiness review`).
    """
    project = project or Project()
    try:
        loaded = load_unchecked(project)
        found = check(loaded.questionnaire, loaded.sources, project, thorough=thorough, contract=loaded.contract,
                      templates=templates)
    except ProjectError:
        raise
    except ReadinessError as exc:  # a questionnaire file that cannot even be read is still our data
        raise ProjectError(exc.problems) from None
    errors = [p for p in found if not p.warning]
    if errors:
        raise ProjectError(errors)
    return loaded.questionnaire, [p for p in found if p.warning]
