"""Templates to HTML: a sandboxed, autoescaping Jinja2 environment and the context each document gets."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from builder.core.compiled import compiled
from builder.core.schema import Questionnaire
from builder.load.template_loader import ContainedLoader

DOC_VERSION = "1.0"


_DICT_ATTRIBUTES = frozenset(dir(dict))


class _Environment(SandboxedEnvironment):
    """The sandbox, with `mapping.key` looked up as a key first when `key` is no attribute of dict.

    Jinja tries the attribute first and falls back to the key after an AttributeError; for a plain
    dict the result is the same, but the exception costs most of a large review's render time.
    """

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)


@lru_cache(maxsize=4)
def environment(templates_dir: Path) -> SandboxedEnvironment:
    """One environment per templates folder: templates compile once per process.

    Sandboxed, so a template cannot reach Python internals; autoescaping on, so
    clinic names and notes stay text; StrictUndefined, so a typo fails loudly.
    """
    env = _Environment(
        loader=ContainedLoader(templates_dir),  # the input gate: nothing outside templates/, links included
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["en_gb_date"] = en_gb_date
    env.filters["en_gb_short"] = en_gb_short
    env.filters["pounds"] = pounds
    return env


def en_gb_date(value: str | dt.date | None) -> str | None:
    """'2026-11-02' -> '2 November 2026'."""
    if not value:
        return None
    d = dt.date.fromisoformat(value) if isinstance(value, str) else value
    return f"{d.day} {d.strftime('%B %Y')}"


def en_gb_short(value: str | None) -> str | None:
    """'2027-03-29' -> '29 Mar 2027' (table columns)."""
    if not value:
        return None
    d = dt.date.fromisoformat(value)
    return f"{d.day} {d.strftime('%b %Y')}"


def pounds(value: int) -> str:
    """Whole pounds with thousands separators: 14814 -> '£14,814'."""
    return f"£{value:,}"


def _review(value: str | None) -> str | None:
    if not value:
        return None
    d = dt.date.fromisoformat(value)
    return (d.replace(year=d.year + 1, day=min(d.day, 28))).strftime("%B %Y")


def partner_of(q: Questionnaire, answers: dict[str, Any]) -> dict[str, str | None]:
    """The partner organisation as the answers describe it (templates/bindings.yaml says which answers)."""
    binding = q.bindings.partner
    kind = answers.get(binding.question) if binding else None
    if binding is None or not isinstance(kind, str) or kind in binding.no_partner:
        return {"name": None, "kind": None, "kind_label": None}
    question = q.question(binding.question)
    option = question.option(kind) if question else None
    name = answers.get(binding.name_question) if binding.name_question else None
    return {"name": name if isinstance(name, str) else None, "kind": kind,
            "kind_label": binding.phrases.get(kind, option.label if option else None)}


def document_context(q: Questionnaire, template_id: str, plan: dict[str, Any] | None, *, link_stylesheet: bool = True) -> dict[str, Any]:
    """What a policy template sees: tailored from a plan, or blank when `plan` is None."""
    template = next(t for t in q.templates if t.id == template_id)
    roles = {r.id: r for r in q.meta.roles.options}
    if plan is None:
        return {
            "blank": True,
            "clinic": {"name": None, "organisation": None},
            "partner": {"name": None, "kind": None, "kind_label": None},
            "role": {"id": None, "title": None, "summary": None},
            "roles": [],
            "role_titles": {r.id: r.title for r in q.meta.roles.options},
            "route": None,
            "answers": {},
            "claims": {c.id: False for c in template.claims},
            "rules": {rid: False for rid in q.meta.shared_rules},
            "rule_text": {rid: r.says for rid, r in q.meta.shared_rules.items()},
            "terms": {tid: t.unknown for tid, t in sorted(q.local.terms.items())},
            "stated": None,
            "doc": {"id": template.id, "title": template.title, "version": DOC_VERSION, "issued": None, "review_date": None},
            "link_stylesheet": link_stylesheet,
        }
    answers = dict(plan["answers_by_id"])
    top = roles[plan["roles"][0]]
    assessed = plan["assessment"].get("assessed_on")
    return {
        "blank": False,
        "clinic": {"name": plan["clinic"]["name"], "organisation": plan["clinic"].get("organisation")},
        "partner": partner_of(q, answers),
        "role": {"id": top.id, "title": top.title, "summary": top.summary},
        "roles": list(plan["roles"]),
        "role_titles": {r.id: r.title for r in q.meta.roles.options},
        "route": plan["route"],
        "answers": answers,
        # A claim is stated only when its condition surely holds; unknown answers get the fill-in field instead.
        "claims": {c.id: compiled(q).evaluate(c.when, answers, plan["route"], plan["roles"]) is True for c in template.claims},
        "rules": {rid: compiled(q).evaluate(r.when, answers, plan["route"], plan["roles"]) is True for rid, r in q.meta.shared_rules.items()},
        "rule_text": {rid: r.says for rid, r in q.meta.shared_rules.items()},
        "terms": dict(plan["local"]["terms"]) if "local" in plan else {tid: t.unknown for tid, t in sorted(q.local.terms.items())},
        # Pay scale, standard week and check fee from the budget (figures.yaml 'stated'); None while the nation is not known.
        "stated": plan["budget"].get("stated") if "budget" in plan else None,
        "doc": {"id": template.id, "title": template.title, "version": DOC_VERSION,
                "issued": en_gb_date(assessed), "review_date": _review(assessed)},
        "link_stylesheet": link_stylesheet,
    }


def planning_context(q: Questionnaire, plan: dict[str, Any] | None) -> dict[str, Any]:
    """Indicators, budget lines and risks for the monitoring return: the plan's, or all of them when blank."""
    if plan is not None and "indicators" in plan:
        return {"indicators": plan["indicators"], "budget_lines": plan["budget"]["lines"], "risks": plan["risks"]}
    p = q.planning
    if p is None:
        return {"indicators": [], "budget_lines": [], "risks": []}
    # A blank form serves every nation: name each nation's checking service.
    names = list(dict.fromkeys(n.checks for n in p.figures.nations.values()))
    schemes = ", ".join(names[:-1]) + " or " + names[-1] if len(names) > 1 else "".join(names)
    return {
        "indicators": [{"name": i.name, "definition": i.definition, "target": i.target, "source": i.data_source} for i in p.indicators.indicators],
        "budget_lines": [{"label": line.label.replace("{checks}", schemes), "year1": None} for line in p.costs.lines],
        "risks": [{"title": r.title, "residual_score": None} for r in p.risks.risks],
    }


def render_template(q: Questionnaire, templates_dir: Path, template_id: str, plan: dict[str, Any] | None, *, link_stylesheet: bool = True) -> str:
    env = environment(templates_dir)
    context = document_context(q, template_id, plan, link_stylesheet=link_stylesheet)
    context.update(planning_context(q, plan))  # every template may report on the plan's indicators, budget and risks
    return env.get_template(f"policies/{template_id}.html.j2").render(context)
