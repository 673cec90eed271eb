"""The costed budget: assumptions pre-filled from the answers (or overridden), cost lines in whole pounds.

Pure and integer-only, so builder/wizard/planning.js gives the same pounds: every figure is held in hundredths
(pence, or hundredths of an hour) and each line is rounded half up once, at the end.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from builder.core.compiled import Compiled, compiled
from builder.core.conditions import Value
from builder.core.errors import Msg, Problem, hint
from builder.core.parse import LoadedFile
from builder.core.schema import AssumptionCase, CostLine, Costs, Figure, Questionnaire


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


class Basis(NamedTuple):
    """What the budget is costed on: the employment model, the nation and its figures."""

    model: str
    """How peers are costed: paid, sessional, partner or volunteer."""
    model_answer: str | None
    """The answer (option id) that chose the model; None while the question is unanswered."""
    nation: str
    """The nation id in figures.yaml whose figures are used."""
    assumed: bool
    """True when the nation is not known and the default nation was used."""
    figures: dict[str, Figure]
    """The nation's figures, the shared ones filled in."""


def basis(q: Questionnaire, values: Mapping[str, Value]) -> Basis:
    """The employment model from its question, and the nation from the `nation` binding (else the default nation)."""
    p = q.planning
    assert p is not None
    emp = p.costs.employment
    answer = values.get(emp.question)
    chosen = answer if isinstance(answer, str) and answer in emp.options else None
    model = emp.options[chosen] if chosen is not None else emp.unknown
    figs = p.figures
    nation, assumed = figs.default_nation, True
    bound = q.bindings.nation
    if bound is not None:
        said = values.get(bound.question)
        if isinstance(said, str) and bound.nations.get(said) in figs.nations:
            nation, assumed = bound.nations[said], False
    table = {**figs.shared, **figs.nations[nation].figures}
    return Basis(model, chosen, nation, assumed, table)


def _case_applies(case: AssumptionCase, model: str, values: Mapping[str, Value], route: str | None, roles: Sequence[str],
                  c: Compiled) -> bool:
    if case.employment is not None and model not in case.employment:
        return False
    return case.when is None or c.evaluate(case.when, values, route, roles) is True


def chosen_figures(q: Questionnaire, b: Basis, overrides: Mapping[str, int], values: Mapping[str, Value],
                   route: str | None, roles: Sequence[str]) -> dict[str, str | None]:
    """Each assumption's figure id as used (None: a plain value, a sum of parts, or the clinic's own)."""
    p = q.planning
    assert p is not None
    out: dict[str, str | None] = {}
    c = compiled(q)
    for a in p.costs.assumptions:
        fig: str | None = None
        if a.id not in overrides:
            fig = a.figure
            for case in a.cases:
                if _case_applies(case, b.model, values, route, roles, c):
                    fig = case.figure
                    break
        out[a.id] = fig
    return out


def assumptions_used(q: Questionnaire, b: Basis, overrides: Mapping[str, int], values: Mapping[str, Value],
                     route: str | None, roles: Sequence[str]) -> dict[str, int]:
    """Each assumption's figure in hundredths: the clinic's override, else the first case that holds, else the default.

    A default given as `percent_of` is 1 plus those assumptions' percentages, rounded half up to two places, worked
    out after them (they come earlier in costs.yaml)."""
    p = q.planning
    assert p is not None
    used: dict[str, int] = {}
    c = compiled(q)
    for a in p.costs.assumptions:
        if a.id in overrides:
            used[a.id] = overrides[a.id]
            continue
        h: int | None = None
        for case in a.cases:
            if _case_applies(case, b.model, values, route, roles, c):
                h = hundredths(b.figures[case.figure].value) if case.figure is not None else hundredths(case.value or 0)
                break
        if h is None:
            if a.figure is not None:
                h = hundredths(b.figures[a.figure].value)
            elif a.percent_of:
                h = 100 + _ratio(sum(used[i] for i in a.percent_of), 100)
            else:
                h = hundredths(a.value or 0)
        used[a.id] = h
    return used


def lines_that_apply(q: Questionnaire, b: Basis, values: Mapping[str, Value], route: str | None, roles: Sequence[str]) -> list[CostLine]:
    """The cost lines for this employment model; unknown answers count against the clinic: a line is left out only
    when it surely does not apply."""
    p = q.planning
    assert p is not None
    c = compiled(q)
    return [line for line in p.costs.lines if (line.employment is None or b.model in line.employment)
            and (line.when is None or c.evaluate(line.when, values, route, roles) is not False)]


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


def _fill(text: str, checks: str) -> str:
    return text.replace("{checks}", checks)


_FIELD = re.compile(r"\{([a-z_]+)\}")


def say(template: str, **fields: str) -> str:
    """A figures.yaml note with its {fields} filled in one pass (a field's value is never read again); planning.js's say()."""
    return _FIELD.sub(lambda m: fields.get(m.group(1), m.group(0)), template)


def budget(q: Questionnaire, overrides: Mapping[str, int], values: Mapping[str, Value], route: str | None, roles: Sequence[str],
           *, words: bool = True) -> dict[str, Any]:
    """The plan's budget section: every assumption as used with its source and dates, each line's year-one and
    later-year cost, the nation and pay year the figures come from, and the sentences a reader must see.

    words=False (a plan's summary): only total_year1 and total_3_years, the same numbers."""
    p = q.planning
    assert p is not None
    costs, figs = p.costs, p.figures
    b = basis(q, values)
    if not words:
        used = assumptions_used(q, b, overrides, values, route, roles)
        costed = [line_cost(line, used) for line in lines_that_apply(q, b, values, route, roles)]
        total = sum(year1 for year1, _ in costed)
        return {"total_year1": total, "total_3_years": total + 2 * sum(later for _, later in costed)}
    said = figs.notes
    nation = figs.nations[b.nation]
    checks = figs.assumed_checks if b.assumed else nation.checks
    used = assumptions_used(q, b, overrides, values, route, roles)
    fig_of = chosen_figures(q, b, overrides, values, route, roles)
    titles = {sid: s.title for sid, s in q.meta.sources.items()}
    units = {a.id: a.unit for a in costs.assumptions}
    by_id = {a.id: a for a in costs.assumptions}
    assumptions: list[dict[str, Any]] = []
    cite: dict[str, str | None] = {}
    for a in costs.assumptions:
        fid = fig_of[a.id]
        f = b.figures[fid] if fid is not None else None
        if f is not None:
            source = titles[f.source] + (f" ({f.year})" if f.year else "")
            if not f.verified:
                source = say(said.unverified_source, source=source)
            cite[a.id] = (say(said.cite_dated, source=titles[f.source], date=f.took_effect) if f.dated
                          else say(said.cite_undated, source=titles[f.source]))
        else:
            source = a.source or ""
            cite[a.id] = None
        assumptions.append({"id": a.id, "label": _fill(a.label, checks), "value": plain(used[a.id]),
                            "shown": fmt(used[a.id], a.unit), "source": source,
                            "date": f.took_effect if f is not None and f.dated else None,
                            "undated": said.undated_shown if f is not None and not f.dated else None,
                            "checked": f.checked if f is not None else None,
                            "verified": f.verified if f is not None else True,
                            "note": f.note if f is not None else None,
                            "overridden": a.id in overrides})
    lines: list[dict[str, Any]] = []
    used_ids: list[str] = []
    for line in lines_that_apply(q, b, values, route, roles):
        year1, later = line_cost(line, used)
        cited: list[str] = []
        for ident in [*line.times, *line.per]:
            parts = [] if ident in overrides else by_id[ident].percent_of
            for part in [ident, *parts]:  # a sum of parts cites each part
                used_ids.append(part)
                text = cite[part]
                if text is not None and text not in cited:
                    cited.append(text)
        basis_text = _fill(line.basis, checks)
        for ident in used:
            field = "{" + ident + "}"
            if field in basis_text:
                basis_text = basis_text.replace(field, fmt(used[ident], units[ident]))
        lines.append({"id": line.id, "label": _fill(line.label, checks), "basis": basis_text, "year1": year1, "later_year": later,
                      "source": "; ".join(cited) if cited else said.no_source})
    total1 = sum(x["year1"] for x in lines)
    notes, years = _reader_notes(q, b, fig_of, used_ids, {a["id"]: a["label"] for a in assumptions})
    return {
        "stated": _stated(q, b, overrides, fig_of, used),
        "currency": costs.currency,
        "employment": b.model,
        "nation": b.nation,
        "nation_name": nation.name,
        "nation_assumed": b.assumed,
        "pay_year": years[0] if years else None,
        "notes": notes,
        "assumptions": assumptions,
        "lines": lines,
        "total_year1": total1,
        "total_3_years": total1 + 2 * sum(x["later_year"] for x in lines),
    }


def _stated(q: Questionnaire, b: Basis, overrides: Mapping[str, int], fig_of: Mapping[str, str | None],
            used: Mapping[str, int]) -> dict[str, Any] | None:
    """What the templates state from the budget (figures.yaml 'stated'): each figure as shown, with its pay year, the
    date it took effect (None: not confirmed) and whether it is verified; None for an assumption the clinic overrode
    (its own figure has no published date) or the whole while the nation is not known (no nation's figure is a fact)."""
    p = q.planning
    assert p is not None
    figs = p.figures
    if figs.stated is None or b.assumed:
        return None
    units = {a.id: a.unit for a in p.costs.assumptions}

    def one(f: Figure, h: int, unit: str) -> dict[str, Any]:
        return {"shown": fmt(h, unit), "year": f.year, "date": f.took_effect if f.dated else None,
                "undated": None if f.dated else figs.notes.undated_shown, "verified": f.verified}

    out: dict[str, Any] = {"nation_name": figs.nations[b.nation].name}
    for key in ("pay", "check_fee"):
        aid = getattr(figs.stated, key)
        fid = fig_of[aid]
        out[key] = one(b.figures[fid], used[aid], units[aid]) if fid is not None and aid not in overrides else None
    hours = b.figures[figs.stated.weekly_hours]
    out["weekly_hours"] = one(hours, hundredths(hours.value), hours.unit)
    return out


def _reader_notes(q: Questionnaire, b: Basis, fig_of: Mapping[str, str | None], used_ids: Sequence[str],
                  labels: Mapping[str, str]) -> tuple[list[str], list[str]]:
    """What the reader must be told: the nation assumed, the pay year, how the employment model was chosen, and any
    figure the costed lines use that is not yet verified or whose date is not confirmed; and the pay years used."""
    p = q.planning
    assert p is not None
    costs, figs = p.costs, p.figures
    said, nation = figs.notes, figs.nations[b.nation]
    notes: list[str] = []
    if b.assumed:
        notes.append(say(said.assumed, nation=nation.name))
    years: list[str] = []
    unverified: list[str] = []
    undated: list[str] = []
    for ident in used_ids:
        fid = fig_of[ident]
        if fid is None:
            continue
        f = b.figures[fid]
        if f.year and f.year not in years:
            years.append(f.year)
        if not f.verified and labels[ident] not in unverified:
            unverified.append(labels[ident])
        if not f.dated and labels[ident] not in undated:
            undated.append(labels[ident])
    if years:
        notes.append(say(said.pay_year, years=" and ".join(years), nation=nation.name))
    note = costs.employment.notes.get(b.model_answer if b.model_answer is not None else "unknown")
    if note:
        notes.append(note)
    if unverified:
        notes.append(say(said.unverified, nation=nation.name, labels="; ".join(unverified)))
    if undated:
        notes.append(say(said.undated, nation=nation.name, labels="; ".join(undated)))
    return notes, years


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
