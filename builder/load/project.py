"""Load the questionnaire from questionnaire/ and templates/catalog.yaml into validated models.

Shape errors are collected from every file and raised together, each with its file:line;
cross-reference checks (checks.py) run only once the shape is valid.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from builder.core.errors import Msg, Problem, ProjectError, ReadinessError, hint
from builder.core.hazards import derive_go_live
from builder.core.limits import MAX_CONDITION_DEPTH
from builder.core.schema import OPERATORS, Catalog, Domain, HazardLog, Meta, Questionnaire
from builder.load.sources import LoadedFile, expand_shared_rules, load

M = TypeVar("M", bound=BaseModel)

from builder.load.paths import ROOT, Project  # noqa: E402  (re-exported: callers import them from here too)

__all__ = ["ROOT", "Project", "load_questionnaire", "load_checked"]


PLANNING_LISTS = {"assumptions": "assumption", "lines": "cost line", "risks": "risk", "indicators": "indicator", "hazards": "hazard"}
"""Lists in the planning files and the hazard log whose items are named by id in error messages."""


def describe(data: Any, loc: tuple[Any, ...]) -> str:
    """A readable place for a validation error: "question 'space_times': options.1.label"."""
    names: list[str] = []
    rest: list[str] = []
    node = data
    i = 0
    while i < len(loc):
        key = loc[i]
        if key in ("questions", "actions", "gates", "options", "rules", "templates", "phases", *PLANNING_LISTS) and i + 1 < len(loc) and isinstance(loc[i + 1], int):
            try:
                item = node[key][loc[i + 1]]
            except (KeyError, IndexError, TypeError):
                item = None
            label = {"questions": "question", "actions": "action", "gates": "gate", "options": "option",
                     "rules": "rule", "templates": "template", "phases": "phase", **PLANNING_LISTS}[key]
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                names.append(f"{label} '{item['id']}'")
            else:
                names.append(f"{key}[{loc[i + 1]}]")
            rest = []
            node = item
            i += 2
            continue
        rest.append(str(key))
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            node = None
        i += 1
    where = " ".join(names)
    field = ".".join(rest)
    return ": ".join(p for p in (where, field) if p) or "top level"


def _clean_loc(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """Drop the union tags pydantic adds inside conditions ('not', 'not' -> 'not')."""
    out: list[Any] = []
    for part in loc:
        if out and part == out[-1] and part in OPERATORS:
            continue
        if isinstance(part, str) and part.startswith("function-"):
            continue
        out.append(part)
    return tuple(out)


def _message(err: dict[str, Any], loc: tuple[Any, ...]) -> str:
    kind = err["type"]
    field = loc[-1] if loc else ""
    if kind == "missing":
        return f"missing '{field}'; add it"
    if kind == "extra_forbidden":
        return f"unknown key '{field}'; remove it or check its spelling"
    if kind in ("string_type",) and isinstance(err.get("input"), bool):
        return "expected text, got true/false; put the value in quotes"
    if kind == "string_pattern_mismatch":
        return f"'{err.get('input')}' is not a valid id; use lower_snake_case letters, digits and _"
    if kind == "literal_error":
        return f"{err['msg'].lower()}, not {err.get('input')!r}"
    return err["msg"][0].lower() + err["msg"][1:]


def validate(model: type[M], source: LoadedFile, wrap: str | None = None) -> tuple[M | None, list[Problem]]:
    """Validate `source.data` against `model`; map each error back to its YAML line."""
    data = {wrap: source.data} if wrap else source.data
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = _clean_loc(tuple(err["loc"]))
            if wrap:
                loc = loc[1:]
            # An unknown key's line is its own; a missing key's is its parent's.
            msg = _message(dict(err), loc)
            if err["type"] == "extra_forbidden":
                siblings = model_fields_for(model, loc[:-1], data if not wrap else data[wrap])
                msg = f"unknown key '{loc[-1]}'{hint(str(loc[-1]), siblings)}; remove it or check its spelling"
            keyed = err["type"] in ("missing", "extra_forbidden")
            where = describe(source.data, loc[:-1] if keyed and loc else loc)
            problems.append(source.problem(loc, Msg.SCHEMA.format(where=where, problem=msg)))
        return None, problems


def model_fields_for(model: type[BaseModel], loc: tuple[Any, ...], data: Any) -> list[str]:
    """Best-effort field names at `loc`, for 'did you mean' hints on unknown keys."""
    from builder.core.schema import Action, Gate, Option, Question  # local: only for hints

    last_list = next((p for p in reversed(loc) if isinstance(p, str) and not isinstance(p, int)), None)
    guess: dict[str | None, type[BaseModel]] = {"questions": Question, "options": Option, "actions": Action, "gates": Gate}
    target = guess.get(last_list, model) if loc else model
    names = []
    for name, info in target.model_fields.items():
        names.append(info.alias or name)
    return names


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


def load_questionnaire(project: Project | None = None, *, thorough: bool = True) -> Questionnaire:
    """Load and check every file; raise ReadinessError listing every error found."""
    return load_checked(project, thorough=thorough)[0]


def load_checked(project: Project | None = None, *, thorough: bool = True) -> tuple[Questionnaire, list[Problem]]:
    """Load and check every file: the questionnaire plus its warnings, or ProjectError (exit 1: our data).

    thorough=False skips the reachability search, which only `readiness check`, the
    site build and the tests need: plans are still built from a fully cross-checked model.
    """
    try:
        return _load_checked(project or Project(), thorough)
    except ProjectError:
        raise
    except ReadinessError as exc:  # a questionnaire file that cannot even be read is still our data
        raise ProjectError(exc.problems) from None


def _load_checked(project: Project, thorough: bool) -> tuple[Questionnaire, list[Problem]]:
    from builder.checks.questionnaire import check  # cross-references need the validated model

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
    from builder.core.bindings import Bindings
    from builder.core.contract import Contract

    bindings = _optional(project, project.templates_dir / "bindings.yaml", Bindings, "bindings", sources, problems)
    contract = _optional(project, project.questionnaire_dir / "contract.yaml", Contract, "contract", sources, problems)
    from builder.core.schema import Local

    local = _optional(project, project.questionnaire_dir / "local.yaml", Local, "local", sources, problems)
    from builder.load.plan_data import FILES as PLANNING_FILES
    from builder.load.plan_data import load_planning

    hazards = _optional(project, project.questionnaire_dir / "hazards.yaml", HazardLog, "hazards", sources, problems, rules)
    planning, planning_sources, errs = load_planning(project, rules)
    problems += errs
    sources.update(planning_sources)
    for path in sorted(project.questionnaire_dir.glob("*.yaml")) if meta else []:
        if path.stem not in ("questionnaire", "contract", "local", "hazards", *domain_ids, *PLANNING_FILES):
            problems.append(Problem(project.rel(path), 1, Msg.UNLISTED_DOMAIN_FILE.format(domain=path.stem)))

    problems += _duplicate_questions(domains, sources)
    if problems or meta is None or catalog is None:
        raise ProjectError(problems)
    # The go-live checklist is the hazard log's: derived here, once, so no second list exists to drift.
    meta = meta.model_copy(update={"go_live": derive_go_live(hazards)})
    questionnaire = Questionnaire(meta=meta, domains=domains, templates=catalog.templates, planning=planning, hazards=hazards,
                                  bindings=bindings or Bindings(), local=local or Local())
    found = check(questionnaire, sources, project, thorough=thorough, contract=contract)
    errors = [p for p in found if not p.warning]
    if errors:
        raise ProjectError(errors)
    return questionnaire, [p for p in found if p.warning]
