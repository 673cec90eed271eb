"""The published figures by nation as Markdown, from figures.yaml: the site's page and the toolkit book's chapter (one text for both)."""

from __future__ import annotations

from builder.core.budget import fmt, hundredths
from builder.core.schema import Figure, Questionnaire
from builder.render.documents import en_gb_date
from builder.render.markdown import md

FIGURES_PAGE = "figures.md"
"""The generated page's path on the site (and its name for links inside the book)."""

KINDS = {"pay": "pay scales", "fee": "check fees", "rate": "rates", "hours": "standard hours"}
"""How each kind of figure is named where the page states its staleness limit."""


def _value(q: Questionnaire, fid: str, f: Figure) -> str:
    shown = fmt(hundredths(f.value), f.unit)
    if f.kind == "rate" and f.unit == "number":
        return shown + "%"
    if f.kind == "hours":  # the standard week the templates state (figures.yaml 'stated'), else hours a year
        stated = q.planning.figures.stated if q.planning is not None else None
        return shown + (" hours a week" if stated is not None and fid == stated.weekly_hours else " hours a year")
    return shown


def _row(q: Questionnaire, fid: str, f: Figure) -> str:
    source = q.meta.sources[f.source]
    cited = f"[{md(source.title)}]({source.page})" if source.page else md(source.title)
    took = en_gb_date(f.took_effect) if f.dated else f"**{f.took_effect}**"
    verified = "yes" if f.verified else "**not yet verified**"
    year = f" ({f.year})" if f.year else ""
    return f"| `{fid}` | {_value(q, fid, f)}{year} | {took} | {en_gb_date(f.checked)} | {verified} | {cited} |"


HEAD = ["| Figure | Value | Took effect | Last checked | Verified | Source |", "|---|---:|---|---|---|---|"]


def _table(q: Questionnaire, figures: dict[str, Figure]) -> list[str]:
    """The figures as a table, then what to know about each as a list (long notes make a table unreadable)."""
    rows = [*HEAD, *(_row(q, fid, f) for fid, f in figures.items()), ""]
    notes = [f"- `{fid}`: {md(f.note)}" for fid, f in figures.items() if f.note]
    return rows + (["Notes:", "", *notes, ""] if notes else [])


def figures_markdown(q: Questionnaire) -> str:
    """Every figure the budget can use, shared and by nation, each with its value, the date it took effect (or that the
    date is not confirmed), when it was last checked, whether it is verified and its source; empty without figures.yaml."""
    if q.planning is None:
        return ""
    figs = q.planning.figures
    limits = "; ".join(f"{KINDS.get(kind, kind)} {days} days" for kind, days in figs.stale_after_days.items())
    undated = sum(1 for f in [*figs.shared.values(), *(f for n in figs.nations.values() for f in n.figures.values())] if not f.dated)
    out = [
        "# Figures by nation",
        "",
        "The plan's budget costs the service with published figures that change over time: pay scales and standard hours, "
        "criminal record check fees and the parts of an employer's on-costs. They live in one file, `questionnaire/figures.yaml`, "
        "and this page is made from it, so it always shows what the budget uses. Each figure says when it took effect and when "
        "someone last checked that it is still the one in force.",
        "",
        "Where no source to hand gives the date a figure took effect, the date is shown as **not confirmed** rather than "
        f"guessed: the plan says \"{figs.notes.undated_shown}\" beside the figure and lists it among the figures the clinic must confirm, and "
        "`readiness check --strict` fails until the date is filled in. A figure not yet checked against its publisher is marked "
        f"**not yet verified**. `readiness check --strict` also fails when a figure was last checked longer ago than its limit ({limits}).",
        "",
        f"{undated} figures have a date that is not confirmed." if undated else "Every figure has the date it took effect.",
        "",
        "Any figure can be overridden for one clinic under `assumptions:` in its answer file, or in the online assessment. "
        "The [references](references.md#unit-costs) say what each source is and what the toolkit took from it.",
        "",
    ]
    if figs.shared:
        out += ["## Across the UK", "", "These apply in every nation unless the nation gives its own below.", "", *_table(q, figs.shared)]
    for nid, nation in figs.nations.items():
        own = ", ".join(f"`{fid}`" for fid in nation.figures if fid in figs.shared)
        out += [f"## {md(nation.name)}", "", f"Criminal record checks: {md(nation.checks)}."
                + (f" Its own figures replace the UK-wide {own}." if own else ""), ""]
        if nid == figs.default_nation:
            out += [f"While a clinic has not said which nation it is in, the budget uses {md(nation.name)}'s figures and says so.", ""]
        out += _table(q, nation.figures)
    return "\n".join(out)
