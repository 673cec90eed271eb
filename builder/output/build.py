"""A pack or a set of templates, written into a folder whole: staged, swapped in, served from the cache when unchanged.

The CLI's `pack` and `templates` commands are thin calls into `write_folder`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from builder.core.errors import Problem, ProjectError
from builder.core.schema import Questionnaire
from builder.load.paths import Project
from builder.load.reference_doc import ReferenceDoc
from builder.output.fileio import canonical_json, check_output_folder, staged_folder
from builder.output.gate import this_runs_inputs


@dataclass
class FolderResult:
    names: list[str] = field(default_factory=list)
    """Files now in the folder."""
    rendered: int = 0
    cached: int = 0
    whole_from_cache: bool = False


def _failure(name: str, err: str) -> Problem:
    where = "templates/plan.html.j2" if name == "plan" else f"templates/policies/{name.split(' ')[0]}.html.j2"
    return Problem(where, None, f"{name} was not rendered: {err}")


def write_folder(
    project: Project,
    q: Questionnaire,
    plan: dict[str, Any] | None,
    template_ids: list[str],
    out: Path,
    *,
    include_plan: bool,
    docx: bool,
    jobs: int | None,
    trust: ReferenceDoc | None = None,
    cache_on: bool,
    progress: Callable[[str], None] | None = None,
    warn: Callable[[str], None] | None = None,
) -> FolderResult:
    """Render into a fresh folder and swap it in for `out` whole; on any failure `out` is left as it was.

    A pack (include_plan) is copied from the whole-pack cache when its validated plan and
    everything else that shapes it are unchanged. A template that fails is reported by name
    after the others have been tried, and nothing is written (ProjectError, exit 1).
    """
    from builder.output.pack import Cache, build_pack

    check_output_folder(out, project.root, this_runs_inputs())
    cache = Cache.for_project(project.root, project.templates_dir, enabled=cache_on, warn=warn, questionnaire_dir=project.questionnaire_dir)
    result = FolderResult()
    with staged_folder(out, recheck=lambda: check_output_folder(out, project.root, this_runs_inputs())) as stage:
        digest = None
        if include_plan and plan is not None:
            from builder.output.cache import pack_digest, remember_pack, restore_pack
            from builder.output.fileio import atomic_write
            from builder.render.csvout import actions_csv
            from builder.render.markdown import plan_markdown

            atomic_write(stage / "plan.md", plan_markdown(plan, q))
            atomic_write(stage / "actions.csv", actions_csv(plan, q))
            if cache.folder is not None:
                digest = pack_digest(project, canonical_json(plan), f"ids={','.join(template_ids)} docx={docx} reference-doc={trust.digest if trust else None}")
                restored = restore_pack(cache.folder, digest, stage)
                if restored is not None:
                    result.names = sorted(p.name for p in stage.iterdir())
                    result.cached = len(template_ids) + 1
                    result.whole_from_cache = True
                    return result
        built = build_pack(q, plan, template_ids, stage, project.templates_dir, cache, include_plan=include_plan,
                           docx=docx, trust=trust, workers=jobs, progress=progress)
        if built.failed:
            raise ProjectError([_failure(name, err) for name, err in built.failed],
                               summary=f"Nothing was written to {out}; fix the template and run again.")
        result.names = sorted(p.name for p in stage.iterdir())
        result.rendered, result.cached = built.rendered, built.cached
        if digest is not None and cache.folder is not None:
            remember_pack(cache.folder, digest, stage, result.names)
    return result
