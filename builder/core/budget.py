"""The costed budget: assumptions pre-filled from the answers (or overridden), cost lines in whole pounds.

Pure and integer-only, so builder/wizard/planning.js gives the same pounds: every figure is held in hundredths
(pence, or hundredths of an hour) and each line is rounded half up once, at the end.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from builder.core.conditions import Value, evaluate
from builder.core.errors import Msg, Problem, hint
from builder.core.schema import CostLine, Costs
from builder.load.sources import LoadedFile


def hundredths(value: float) -> int:
    """A figure with at most two decimal places as an exact integer count of hundredths."""
    return int(round(value * 100))


def fmt(h: int, unit: str) -> str:
    """Hundredths as text: money as '£38,682' or '£0.45', numbers as '7.5' or '1,950'."""
    whole, frac = divmod(h, 100)
    text = f"{whole:,}"
    if unit == "money":
        return "£" + text + (f".{frac:02d}" if frac else "")
    if frac:
        text += f".{frac:02d}".rstrip("0")
    return text


def plain(h: int) -> str:
    """Hundredths as a plain decimal ('38682', '7.5'): what an answer file's assumptions: takes."""
    whole, frac = divmod(h, 100)
    return str(whole) + (f".{frac:02d}".rstrip("0") if frac else "")


def _ratio(num: int, den: int) -> int:
    """num / den rounded half up, for non-negative integers."""
    return (2 * num + den) // (2 * den)


def employment(costs: Costs, values: Mapping[str, Value]) -> str:
    """'paid' when the optional employment question says peers are paid; otherwise 'volunteer'."""
    v = values.get(costs.employment.question)
    return "paid" if isinstance(v, str) and v in costs.employment.paid_options else "volunteer"


def assumptions_used(costs: Costs, model: str, overrides: Mapping[str, int], values: Mapping[str, Value],
                     route: str | None, roles: Sequence[str]) -> dict[str, int]:
    """Each assumption's figure in hundredths: the clinic's override, else the first case that holds, else the default."""
    used: dict[str, int] = {}
    for a in costs.assumptions:
        if a.id in overrides:
            h = overrides[a.id]
        else:
            h = hundredths(a.value)
            for case in a.cases:
                if case.employment not in (None, model):
                    continue
                if case.when is None or evaluate(case.when, values, route, roles) is True:
                    h = hundredths(case.value)
                    break
        used[a.id] = h
    return used


def lines_that_apply(costs: Costs, model: str, values: Mapping[str, Value], route: str | None, roles: Sequence[str]) -> list[CostLine]:
    """The cost lines for this employment model; unknown answers count against the clinic: a line is left out only
    when it surely does not apply."""
    return [line for line in costs.lines if line.employment in (None, model)
            and (line.when is None or evaluate(line.when, values, route, roles) is not False)]


def line_cost(line: CostLine, used: Mapping[str, int]) -> tuple[int, int]:
    """(year one, each later year) in whole pounds: the product of `times` over the product of `per`, rounded once."""
    num = 1
    den = 1
    for ident in line.times:
        num *= used[ident]
        den *= 100
    for ident in line.per:
        num *= 100
        den *= used[ident]
    if den == 0:
        return 0, 0
    share = used[line.later_from] if line.later_from else line.later * 100
    return _ratio(num, den), _ratio(num * share, den * 10000)


def year_one_total(costs: Costs, overrides: Mapping[str, int], values: Mapping[str, Value], route: str | None,
                   roles: Sequence[str]) -> int:
    """budget(...)["total_year1"] without the text of the budget section (what a review of many clinics needs)."""
    model = employment(costs, values)
    used = assumptions_used(costs, model, overrides, values, route, roles)
    return sum(line_cost(line, used)[0] for line in lines_that_apply(costs, model, values, route, roles))


def budget(costs: Costs, overrides: Mapping[str, int], values: Mapping[str, Value], route: str | None, roles: Sequence[str]) -> dict[str, Any]:
    """The plan's budget section: every assumption as used, each line's year-one and later-year cost."""
    model = employment(costs, values)
    used = assumptions_used(costs, model, overrides, values, route, roles)
    assumptions = [{"id": a.id, "label": a.label, "value": plain(used[a.id]), "shown": fmt(used[a.id], a.unit), "source": a.source,
                    "date": a.date, "overridden": a.id in overrides} for a in costs.assumptions]
    units = {a.id: a.unit for a in costs.assumptions}
    by_id = {a.id: a for a in costs.assumptions}
    lines: list[dict[str, Any]] = []
    for line in lines_that_apply(costs, model, values, route, roles):
        year1, later = line_cost(line, used)
        cited: list[str] = []
        for ident in [*line.times, *line.per]:
            a = by_id[ident]
            if a.date is not None:
                text = f"{a.source}, {a.date}"
                if text not in cited:
                    cited.append(text)
        basis = line.basis
        for ident in used:
            field = "{" + ident + "}"
            if field in basis:
                basis = basis.replace(field, fmt(used[ident], units[ident]))
        lines.append({"id": line.id, "label": line.label, "basis": basis, "year1": year1, "later_year": later,
                      "source": "; ".join(cited) if cited else "Planning assumptions (see the assumptions table)"})
    total1 = sum(x["year1"] for x in lines)
    return {
        "currency": costs.currency,
        "employment": model,
        "assumptions": assumptions,
        "lines": lines,
        "total_year1": total1,
        "total_3_years": total1 + 2 * sum(x["later_year"] for x in lines),
    }


def parse_assumptions(src: LoadedFile, raw: Any, costs: Costs | None, problems: list[Problem]) -> dict[str, int]:
    """An answer file's 'assumptions:' section: {assumption id: hundredths}, each problem with its line."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        problems.append(src.problem(("assumptions",), Msg.ASSUMPTIONS_MAPPING))
        return {}
    ids = [a.id for a in costs.assumptions] if costs else []
    out: dict[str, int] = {}
    for key, value in raw.items():
        path = ("assumptions", key)
        if key not in ids:
            problems.append(src.problem(path, Msg.ASSUMPTION_UNKNOWN.format(key=key, hint=hint(str(key), ids))))
            continue
        problem = _number_problem(value)
        if problem:
            problems.append(src.problem(path, Msg.ASSUMPTION_NUMBER.format(key=key, got=problem)))
            continue
        out[str(key)] = hundredths(value)
    return out


def _number_problem(value: Any) -> str | None:
    """What is wrong with an assumption's value, in words engine.js uses too; None if it is fine."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return _kind(value)
    if value != value or value in (float("inf"), float("-inf")):
        return "not a number"
    if value < 0:
        return "a negative number"
    if value > 10_000_000:
        return "a number over 10,000,000"
    if abs(value * 100 - round(value * 100)) > 1e-6:
        return "a number with more than two decimal places"
    return None


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    names: dict[type, str] = {str: "text", list: "a list", dict: "a mapping"}
    return names.get(type(value), type(value).__name__)
