"""The document pack: plan and templates to HTML, then PDF and DOCX, in parallel, cached by content."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import __version__
from ..fileio import atomic_write, canonical_json
from ..schema import Questionnaire

POLICY_TEMPLATES = {
    "confidentiality": "confidentiality", "data_protection": "confidentiality", "volunteer": "volunteer_agreement",
    "safeguarding": "safeguarding", "lone_working": "lone_working", "expenses": "expenses",
    "recruitment_checks": "recruitment", "supervision": "supervision", "boundaries": "boundaries",
}
"""Which template fills the gap when a policy in the checklist is missing."""


def _data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def plan_html(q: Questionnaire, plan: dict[str, Any], templates_dir: Path, *, link_stylesheet: bool = True) -> str:
    """The plan document as HTML, with its chart and referral diagram embedded as SVG."""
    from .charts import chart_alt, readiness_chart_svg
    from .diagrams import pathway_svg, pathway_text
    from .documents import _review, environment

    role_titles = {r.id: r.title for r in q.meta.roles.options}
    answers = {a["question"]: a["answer"] for a in plan["answers"] if a["answer"] is not None}
    policies_q = q.question("policies_in_place")
    titles = {t.id: t.title for t in q.templates}
    policy_rows = []
    if policies_q is not None:
        have = answers.get("policies_in_place")
        for o in policies_q.options:
            if o.exclusive:
                continue
            tid = POLICY_TEMPLATES.get(o.id)
            policy_rows.append({
                "label": o.label, "in_place": isinstance(have, list) and o.id in have, "unknown": have is None,
                "template": tid, "template_title": titles.get(tid or "", ""), "template_listed": tid in plan["templates"],
            })
    r = plan["readiness"]["domains"]
    weakest = sorted(q.meta.domains, key=lambda d: (r[d]["score"], q.meta.domains.index(d)))[:3]
    partner = answers.get("partner_org")
    first_steps: list[dict[str, Any]] = []
    for action in plan["actions"]:
        if len(first_steps) < 5 and all(a["domain"] != action["domain"] for a in first_steps):
            first_steps.append(action)
    context = {
        "plan": plan,
        "first_steps": first_steps,
        "answers": answers,
        "meta": q.meta,
        "domains": q.domains,
        "routes": {o.id: o for o in q.meta.routes.options},
        "roles": {o.id: o for o in q.meta.roles.options},
        "role_titles": role_titles,
        "phases": {p.id: p for p in q.meta.phases},
        "phases_used": sorted({a["phase"] for a in plan["actions"]}, key=[p.id for p in q.meta.phases].index),
        "templates": {t.id: t for t in q.templates},
        "sources": list(q.meta.sources.values()),
        "weakest": [{"title": r[d]["title"], "score": r[d]["score"], "rating": r[d]["rating"]} for d in weakest],
        "policy_rows": policy_rows,
        "show_partnership": plan["route"] != "in_house" or (partner not in (None, "none")),
        "partner_name": answers.get("partner_name") if partner not in (None, "none") else None,
        "review_date": _review(plan["assessment"].get("assessed_on")),
        "chart": {"uri": _data_uri(readiness_chart_svg(plan, q)), "alt": chart_alt(plan, q)},
        "pathway": {"uri": _data_uri(pathway_svg(plan, role_titles)), "steps": [s.replace("\n", " ") for s in pathway_text(plan, role_titles)]},
        "link_stylesheet": link_stylesheet,
    }
    return environment(templates_dir).get_template("plan.html.j2").render(context)


QUESTIONNAIRE = "questionnaire"
"""The paper questionnaire's document name, beside the fifteen templates."""


def questionnaire_html(q: Questionnaire, templates_dir: Path, *, link_stylesheet: bool = True) -> str:
    """The printable questionnaire, routing written out as 'Answer only if ...'."""
    from .documents import document_context, environment
    from .toolkit import paper_context

    context = document_context(q, q.templates[0].id, None, link_stylesheet=link_stylesheet)
    context["doc"] = {**context["doc"], "id": QUESTIONNAIRE, "title": "Peer support readiness questionnaire", "version": q.meta.version}
    context.update(paper_context(q))
    return environment(templates_dir).get_template("questionnaire.html.j2").render(context)


@dataclass
class Cache:
    """Rendered documents keyed on everything that shapes them: plan, templates, renderer code, versions."""

    folder: Path | None
    salt: str = ""

    @classmethod
    def for_project(cls, root: Path, templates_dir: Path, enabled: bool = True) -> Cache:
        from ..packcache import cache_dir, renderer_digest
        from ..paths import Project

        if not enabled:
            return cls(None)
        return cls(cache_dir(Project(root)), renderer_digest(templates_dir.resolve()) + __version__)

    def key(self, kind: str, name: str, plan_digest: str) -> str:
        return hashlib.sha256(f"{self.salt}\0{kind}\0{name}\0{plan_digest}".encode()).hexdigest()

    def get(self, key: str, ext: str) -> bytes | None:
        if self.folder is None:
            return None
        path = self.folder / f"{key[:2]}/{key}.{ext}"
        return path.read_bytes() if path.is_file() else None

    def put(self, key: str, ext: str, data: bytes) -> None:
        if self.folder is not None:
            atomic_write(self.folder / f"{key[:2]}/{key}.{ext}", data)


@dataclass
class PackResult:
    written: list[Path] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    cached: int = 0
    rendered: int = 0


def build_pack(
    q: Questionnaire,
    plan: dict[str, Any] | None,
    template_ids: list[str],
    out_dir: Path,
    templates_dir: Path,
    cache: Cache,
    *,
    include_plan: bool,
    docx: bool = True,
    workers: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> PackResult:
    """Write plan.pdf (+ plan.md) and each template as PDF and DOCX into out_dir.

    Every file is written atomically; a template that fails is reported by name and
    the others are still written.
    """
    result = PackResult()
    out_dir.mkdir(parents=True, exist_ok=True)
    names = (["plan"] if include_plan and plan is not None else []) + list(template_ids)
    todo_pdf: list[tuple[str, str]] = []
    html_for_docx: dict[str, str] = {}
    keys: dict[str, str] = {}
    # Blank documents still depend on the questionnaire (the paper questionnaire prints all of it).
    plan_digest = hashlib.sha256(canonical_json(plan).encode() if plan is not None else q.model_dump_json().encode()).hexdigest()

    for name in names:
        keys[name] = cache.key("document", name, plan_digest)
        pdf = cache.get(keys[name], "pdf")
        need_docx = docx and name != "plan" and cache.get(keys[name], "docx") is None
        if pdf is not None and not need_docx:
            atomic_write(out_dir / f"{name}.pdf", pdf)
            result.written.append(out_dir / f"{name}.pdf")
            if docx and name != "plan":
                atomic_write(out_dir / f"{name}.docx", cache.get(keys[name], "docx") or b"")
                result.written.append(out_dir / f"{name}.docx")
            result.cached += 1
            if progress:
                progress(name)
            continue
        try:
            from .documents import render_template

            if name == "plan" and plan is not None:
                html = plan_html(q, plan, templates_dir, link_stylesheet=False)
            elif name == QUESTIONNAIRE:
                html = questionnaire_html(q, templates_dir, link_stylesheet=False)
            else:
                html = render_template(q, templates_dir, name, plan, link_stylesheet=False)
        except Exception as exc:  # a broken template is reported by name; the rest go on
            result.failed.append((name, f"{type(exc).__name__}: {exc}"))
            if progress:
                progress(name)
            continue
        if pdf is None:
            todo_pdf.append((name, html))
        else:
            atomic_write(out_dir / f"{name}.pdf", pdf)
            result.written.append(out_dir / f"{name}.pdf")
        if docx and name != "plan":
            html_for_docx[name] = html

    jobs = [("pdf", name, html) for name, html in todo_pdf] + [("docx", name, html) for name, html in html_for_docx.items()]
    if jobs:
        from .pdf import render_many

        pending = {name: sum(1 for j in jobs if j[1] == name) for _, name, _ in jobs}

        def done(kind: str, name: str) -> None:
            pending[name] -= 1
            if progress and pending[name] == 0:
                progress(name)

        for (kind, name), (data, err) in sorted(render_many(jobs, templates_dir, workers, on_done=done).items()):
            if data is None:
                result.failed.append((name if kind == "pdf" else f"{name} (docx)", err or "unknown error"))
                continue
            cache.put(keys[name], kind, data)
            atomic_write(out_dir / f"{name}.{kind}", data)
            result.written.append(out_dir / f"{name}.{kind}")
            if kind == "pdf":
                result.rendered += 1
    result.written.sort()
    return result


__all__ = ["QUESTIONNAIRE", "Cache", "PackResult", "build_pack", "plan_html", "questionnaire_html"]
