"""Templates to HTML: a sandboxed, autoescaping Jinja2 environment and the context each document gets."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from ..schema import Questionnaire

DOC_VERSION = "1.0"
PARTNER_KINDS = {"hiv_peer_org": "HIV peer support organisation", "other_peer_org": "peer support organisation"}
"""How the documents name each kind of partner organisation (the wizard's tailored templates read it too)."""


@lru_cache(maxsize=4)
def environment(templates_dir: Path) -> SandboxedEnvironment:
    """One environment per templates folder: templates compile once per process.

    Sandboxed, so a template cannot reach Python internals; autoescaping on, so
    clinic names and notes stay text; StrictUndefined, so a typo fails loudly.
    """
    env = SandboxedEnvironment(
        loader=FileSystemLoader(str(templates_dir)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["en_gb_date"] = en_gb_date
    return env


def en_gb_date(value: str | dt.date | None) -> str | None:
    """'2026-11-02' -> '2 November 2026'."""
    if not value:
        return None
    d = dt.date.fromisoformat(value) if isinstance(value, str) else value
    return f"{d.day} {d.strftime('%B %Y')}"


def _review(value: str | None) -> str | None:
    if not value:
        return None
    d = dt.date.fromisoformat(value)
    return (d.replace(year=d.year + 1, day=min(d.day, 28))).strftime("%B %Y")


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
            "doc": {"id": template.id, "title": template.title, "version": DOC_VERSION, "issued": None, "review_date": None},
            "link_stylesheet": link_stylesheet,
        }
    answers = {a["question"]: a["answer"] for a in plan["answers"] if a["answer"] is not None}
    partner_kind = answers.get("partner_org")
    partner_q = q.question("partner_org")
    kind_label = None
    if partner_kind and partner_kind != "none" and partner_q is not None:
        opt = partner_q.option(partner_kind)
        kind_label = PARTNER_KINDS.get(partner_kind, opt.label if opt else None)
    else:
        partner_kind = None
    top = roles[plan["roles"][0]]
    assessed = plan["assessment"].get("assessed_on")
    return {
        "blank": False,
        "clinic": {"name": plan["clinic"]["name"], "organisation": plan["clinic"].get("organisation")},
        "partner": {"name": answers.get("partner_name") if partner_kind else None, "kind": partner_kind, "kind_label": kind_label},
        "role": {"id": top.id, "title": top.title, "summary": top.summary},
        "roles": list(plan["roles"]),
        "role_titles": {r.id: r.title for r in q.meta.roles.options},
        "route": plan["route"],
        "answers": answers,
        "doc": {"id": template.id, "title": template.title, "version": DOC_VERSION,
                "issued": en_gb_date(assessed), "review_date": _review(assessed)},
        "link_stylesheet": link_stylesheet,
    }


def render_template(q: Questionnaire, templates_dir: Path, template_id: str, plan: dict[str, Any] | None, *, link_stylesheet: bool = True) -> str:
    env = environment(templates_dir)
    return env.get_template(f"policies/{template_id}.html.j2").render(document_context(q, template_id, plan, link_stylesheet=link_stylesheet))
