"""Loaded data to a validated model: pydantic's errors mapped back to the YAML line, in the toolkit's words."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from builder.core.errors import Msg, Problem, hint
from builder.core.parse import LoadedFile
from builder.core.schema import OPERATORS, Action, Gate, Option, Question

M = TypeVar("M", bound=BaseModel)


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
    last_list = next((p for p in reversed(loc) if isinstance(p, str) and not isinstance(p, int)), None)
    guess: dict[str | None, type[BaseModel]] = {"questions": Question, "options": Option, "actions": Action, "gates": Gate}
    target = guess.get(last_list, model) if loc else model
    names = []
    for name, info in target.model_fields.items():
        names.append(info.alias or name)
    return names
