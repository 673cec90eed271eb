"""Load the questionnaire from questionnaire/ and templates/catalog.yaml into validated models.

Shape errors are collected from every file and raised together, each with its file:line. The
cross-reference checks run on the result, a layer above (builder/checks/project.py's load_checked):
loading never imports the checks.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from builder.core.bindings import Bindings
from builder.core.compiled import compiled
from builder.core.contract import Contract
from builder.core.errors import Msg, Problem, ProjectError, ReadinessError
from builder.core.hazards import derive_go_live
from builder.core.limits import MAX_CONDITION_DEPTH
from builder.core.schema import OPERATORS, Catalog, Domain, Glossary, HazardLog, Local, Meta, Questionnaire
from builder.load.paths import ROOT, Project
from builder.load.plan_data import FILES as PLANNING_FILES
from builder.load.plan_data import load_planning
from builder.load.sources import LoadedFile, expand_shared_rules, load
from builder.load.validate import M, validate

__all__ = ["ROOT", "Project", "Unchecked", "load_unchecked"]


def _deep_conditions(src: LoadedFile) -> list[Problem]:
    """Conditions nested deeper than MAX_CONDITION_DEPTH (all / any / not inside each other), one problem each."""
    problems: list[Problem] = []

    def walk(node: Any, path: tuple[Any, ...], depth: int) -> None:
        if isinstance(node, dict):
            is_condition = len(node) == 1 and next(iter(node)) in OPERATORS
            if is_condition:
                depth += 1
                if depth > MAX_CONDITION_DEPTH:
                    problems.append(src.problem(path, Msg.DEEP_CONDITION.format(limit=MAX_CONDITION_DEPTH)))
                    return
            for key, value in node.items():
                walk(value, (*path, key), depth if is_condition else 0)
        elif isinstance(node, list):
            for i, item in enumerate(node):
                walk(item, (*path, i), depth)

    walk(src.data, (), 0)
    return problems


def _duplicate_questions(domains: list[Domain], sources: dict[str, LoadedFile]) -> list[Problem]:
    """Question ids used twice, across domain files too: every later check looks questions up by id."""
    first: dict[str, str] = {}
    problems: list[Problem] = []
    for d in domains:
        src = sources[d.id]
        for i, qu in enumerate(d.questions):
            path = ("questions", i, "id")
            if qu.id in first:
                problems.append(src.problem(path, Msg.DUPLICATE_ID.format(kind="question", id=qu.id, first=first[qu.id])))
            else:
                first[qu.id] = f"{src.file}:{src.line(path)}"
    return problems


def _optional(project: Project, path: Path, model: type[M], key: str, sources: dict[str, LoadedFile], problems: list[Problem],
              rules: dict[str, Any] | None = None) -> M | None:
    """An optional file (bindings.yaml, contract.yaml, hazards.yaml): validated when present, None when absent.
    With `rules`, its `{holds: id}` conditions are expanded first (the hazard log uses the shared rules)."""
    if not path.exists():
        return None
    sources[key] = load(path, project.rel(path))
    if rules is not None:
        expand_shared_rules(sources[key], rules, problems)
    value, errs = validate(model, sources[key])
    problems += errs
    return value


@dataclass
class Unchecked:
    """A shape-valid questionnaire, before its cross-references are checked, with the files it came from."""

    questionnaire: Questionnaire
    sources: dict[str, LoadedFile]
    """Each file's loaded data and lines, by key: 'meta', 'catalog', each domain id, 'bindings', 'local', the planning stems…"""
    contract: Contract | None


def load_unchecked(project: Project | None = None) -> Unchecked:
    """Load and validate the shape of every file, or raise ProjectError (exit 1: our data) listing every error found."""
    try:
        return _load(project or Project())
    except ProjectError:
        raise
    except ReadinessError as exc:  # a questionnaire file that cannot even be read is still our data
        raise ProjectError(exc.problems) from None


def _load(project: Project) -> Unchecked:
    problems: list[Problem] = []

    meta_path = project.questionnaire_dir / "questionnaire.yaml"
    meta_src = load(meta_path, project.rel(meta_path))
    deep = _deep_conditions(meta_src)
    if deep:
        raise ProjectError(deep)
    # Shared rules are stated once in questionnaire.yaml and expanded wherever {holds: id} or {rule:id} uses them.
    raw_rules = meta_src.data.get("shared_rules") if isinstance(meta_src.data, dict) else None
    rules: dict[str, Any] = raw_rules if isinstance(raw_rules, dict) else {}
    expand_shared_rules(meta_src, rules, problems, skip=("shared_rules",))
    meta, errs = validate(Meta, meta_src)
    problems += errs
    if isinstance(meta_src.data, dict) and "go_live" in meta_src.data:
        problems.append(meta_src.problem(("go_live",), Msg.GO_LIVE_WITHOUT_HAZARD))

    catalog_path = project.templates_dir / "catalog.yaml"
    catalog_src = load(catalog_path, project.rel(catalog_path))
    expand_shared_rules(catalog_src, rules, problems)
    catalog, errs = validate(Catalog, catalog_src, wrap="templates")
    problems += errs

    domain_ids = list(meta.domains) if meta else []
    domains: list[Domain] = []
    sources: dict[str, LoadedFile] = {"meta": meta_src, "catalog": catalog_src}
    for did in domain_ids:
        path = project.questionnaire_dir / f"{did}.yaml"
        if not path.exists():
            problems.append(meta_src.problem(("domains",), Msg.UNKNOWN_DOMAIN_FILE.format(domain=did, file=project.rel(path))))
            continue
        src = load(path, project.rel(path))
        sources[did] = src
        deep = _deep_conditions(src)
        if deep:  # pydantic would recurse through them: report, and skip the file's shape check
            problems += deep
            continue
        expand_shared_rules(src, rules, problems)
        domain, errs = validate(Domain, src)
        problems += errs
        if domain:
            if domain.id != did:
                problems.append(src.problem(("id",), Msg.DOMAIN_ID_MISMATCH.format(expected=did, actual=domain.id)))
            domains.append(domain)
    bindings = _optional(project, project.templates_dir / "bindings.yaml", Bindings, "bindings", sources, problems)
    contract = _optional(project, project.questionnaire_dir / "contract.yaml", Contract, "contract", sources, problems)
    local = _optional(project, project.questionnaire_dir / "local.yaml", Local, "local", sources, problems)
    hazards = _optional(project, project.questionnaire_dir / "hazards.yaml", HazardLog, "hazards", sources, problems, rules)
    glossary = _optional(project, project.questionnaire_dir / "glossary.yaml", Glossary, "glossary", sources, problems)
    planning, planning_sources, errs = load_planning(project, rules)
    problems += errs
    sources.update(planning_sources)
    for path in sorted(project.questionnaire_dir.glob("*.yaml")) if meta else []:
        if path.stem not in ("questionnaire", "contract", "local", "hazards", "glossary", *domain_ids, *PLANNING_FILES):
            problems.append(Problem(project.rel(path), 1, Msg.UNLISTED_DOMAIN_FILE.format(domain=path.stem)))

    problems += _duplicate_questions(domains, sources)
    if problems or meta is None or catalog is None:
        raise ProjectError(problems)
    # The go-live checklist is the hazard log's: derived here, once, so no second list exists to drift.
    meta = meta.model_copy(update={"go_live": derive_go_live(hazards)})
    questionnaire = Questionnaire(meta=meta, domains=domains, templates=catalog.templates, planning=planning, hazards=hazards,
                                  bindings=bindings or Bindings(), local=local or Local(), glossary=glossary)
    compiled(questionnaire)  # every condition compiled and every index built once, here, and attached to the model
    return Unchecked(questionnaire, sources, contract)
