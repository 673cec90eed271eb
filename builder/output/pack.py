"""The document pack: plan and templates to HTML, then PDF and DOCX, in parallel, cached by content."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from builder import __version__
from builder.core.conditions import evaluate
from builder.core.schema import DocSource, Questionnaire
from builder.load.reference_doc import ReferenceDoc
from builder.output.fileio import atomic_write, canonical_json


def _data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _pathway(q: Questionnaire, plan: dict[str, Any], role_titles: dict[str, str]) -> dict[str, Any] | None:
    from builder.render.diagrams import pathway_svg, pathway_text

    drawn = pathway_svg(q, plan, role_titles)
    if drawn is None:
        return None
    return {"uri": _data_uri(drawn), "steps": [s.replace("\n", " ") for s in pathway_text(q, plan, role_titles)]}


def _split(q: Questionnaire, plan: dict[str, Any], partner: dict[str, Any]) -> dict[str, Any] | None:
    """The who-does-what table (templates/bindings.yaml), when the route or a partner calls for one."""
    split = q.bindings.partnership_split
    if split is None or (plan["route"] in split.own_routes and partner["kind"] is None):
        return None
    return {"basis": split.basis, "hub": plan["route"] in split.hub_routes, "rows": split.rows}


def plan_sources(q: Questionnaire, plan: dict[str, Any], answers: dict[str, Any]) -> list[DocSource]:
    """The sources a plan lists: every general one, and those for one nation's system or one kind of service only when
    the answers say that is the clinic's (never while unknown)."""
    return [s for s in q.meta.sources.values() if s.when is None or evaluate(s.when, answers, plan.get("route"), plan.get("roles", [])) is True]


def plan_html(q: Questionnaire, plan: dict[str, Any], templates_dir: Path, *, link_stylesheet: bool = True) -> str:
    """The plan document as HTML, with its chart and referral diagram embedded as SVG."""
    from builder.render.charts import chart_alt, readiness_chart_svg
    from builder.render.documents import en_gb_date, environment, partner_of
    from builder.render.gantt import gantt_alt, gantt_svg
    from builder.render.safety_case import safety_summary

    role_titles = {r.id: r.title for r in q.meta.roles.options}
    answers = {a["question"]: a["answer"] for a in plan["answers"] if a["answer"] is not None}
    checklist = q.bindings.policy_checklist
    policies_q = q.question(checklist.question) if checklist else None
    titles = {t.id: t.title for t in q.templates}
    policy_rows = []
    if checklist is not None and policies_q is not None:
        have = answers.get(checklist.question)
        for o in policies_q.options:
            if o.exclusive:
                continue
            tid = checklist.templates.get(o.id)
            policy_rows.append({
                "label": o.label, "in_place": isinstance(have, list) and o.id in have, "unknown": have is None,
                "template": tid, "template_title": titles.get(tid or "", ""), "template_listed": tid in plan["templates"],
            })
    r = plan["readiness"]["domains"]
    weakest = plan["start_with"]
    partner = partner_of(q, answers)
    by_id = {a["id"]: a for a in plan["actions"]}
    if "first_steps" in plan:
        first_steps = [by_id[aid] for aid in plan["first_steps"]]
    else:  # no planning files: the first action in each of the weakest areas
        first_steps = []
        for action in plan["actions"]:
            if len(first_steps) < 5 and all(a["domain"] != action["domain"] for a in first_steps):
                first_steps.append(action)
    phase_ids = [p.id for p in q.meta.phases]
    go_live = q.planning.schedule.first_patient_phase if q.planning else phase_ids[-1]
    golive = [a for a in plan["actions"] if a.get("must") and "due_week" in a and phase_ids.index(a["phase"]) < phase_ids.index(go_live)]
    golive.sort(key=lambda a: (a["due_week"], phase_ids.index(a["phase"])))
    find_outs = [a for a in golive if a["id"].startswith(q.meta.find_out_prefix)]  # one checklist line for them all
    golive = [a for a in golive if not a["id"].startswith(q.meta.find_out_prefix)]
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
        "sources": plan_sources(q, plan, answers),
        "weakest": [{"title": r[d]["title"], "score": r[d]["score"], "rating": r[d]["rating"]} for d in weakest],
        "policy_rows": policy_rows,
        "split": _split(q, plan, partner),
        "partner": partner,
        # The plan's one review date (the engine's, as plan.md and the wizard show it), not a policy document's yearly one.
        "review_date": en_gb_date(plan.get("review_date")),
        "golive": golive,
        "safety": safety_summary(q, plan),
        "golive_find_outs": find_outs,
        "action_titles": {a["id"]: a["title"] for a in plan["actions"]},
        "gantt": {"uri": _data_uri(gantt_svg(plan, q)), "alt": gantt_alt(plan)} if "first_patient_week" in plan else None,
        "chart": {"uri": _data_uri(readiness_chart_svg(plan, q)), "alt": chart_alt(plan, q)},
        "pathway": _pathway(q, plan, role_titles),
        "link_stylesheet": link_stylesheet,
    }
    return environment(templates_dir).get_template("plan.html.j2").render(context)


QUESTIONNAIRE = "questionnaire"
"""The paper questionnaire's document name, beside the fifteen templates."""


def questionnaire_html(q: Questionnaire, templates_dir: Path, *, link_stylesheet: bool = True) -> str:
    """The printable questionnaire, routing written out as 'Answer only if ...'."""
    from builder.render.documents import document_context, environment
    from builder.render.paper import paper_context

    context = document_context(q, q.templates[0].id, None, link_stylesheet=link_stylesheet)
    context["doc"] = {**context["doc"], "id": QUESTIONNAIRE, "title": "Peer support readiness questionnaire", "version": q.meta.version}
    context.update(paper_context(q))
    return environment(templates_dir).get_template("questionnaire.html.j2").render(context)


@dataclass
class Cache:
    """Rendered documents keyed on everything that shapes them: plan, templates, renderer code, versions.

    An entry names the SHA-256 of its blob, and the blob is checked against it on every read
    (cache.py), so a tampered or planted document is a miss, never served.
    """

    folder: Path | None
    salt: str = ""

    @classmethod
    def for_project(cls, root: Path, templates_dir: Path, enabled: bool = True, warn: Callable[[str], None] | None = None,
                    questionnaire_dir: Path | None = None) -> Cache:
        from builder.load.paths import Project
        from builder.output.cache import document_digest, open_cache

        folder = open_cache(warn) if enabled else None
        if folder is None:
            return cls(None)
        project = Project(root, templates_dir=templates_dir, questionnaire_dir=questionnaire_dir)
        return cls(folder, document_digest(project) + __version__)

    def key(self, kind: str, name: str, plan_digest: str) -> str:
        return hashlib.sha256(f"{self.salt}\0{kind}\0{name}\0{plan_digest}".encode()).hexdigest()

    def get(self, key: str, ext: str) -> bytes | None:
        from builder.core.errors import ReadinessError
        from builder.load.gate import read_bytes
        from builder.output.cache import MAX_MANIFEST, BlobStore

        if self.folder is None:
            return None
        entry = self.folder / "documents" / key[:2] / f"{key}.{ext}"
        try:
            sha = read_bytes(entry, limit=MAX_MANIFEST, follow=False).decode("ascii").strip()
        except (ReadinessError, UnicodeDecodeError):  # missing, or a link, pipe or device planted in its place
            return None
        data = BlobStore(self.folder).get(sha)
        if data is None:  # tampered, truncated or missing blob: a miss, and the entry goes
            try:
                entry.unlink(missing_ok=True)
            except OSError:
                pass
        return data

    def put(self, key: str, ext: str, data: bytes) -> None:
        from builder.output.cache import BlobStore

        if self.folder is None:
            return
        sha = BlobStore(self.folder).put(data)
        try:
            atomic_write(self.folder / "documents" / key[:2] / f"{key}.{ext}", sha)
        except OSError:
            pass  # a read-only cache only makes the next run slower


@dataclass
class PackResult:
    written: list[Path] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    cached: int = 0
    """Documents whose every file came from the cache."""
    rendered: int = 0
    """Documents with at least one file rendered (a Word file made for a new reference document counts, its PDF cached)."""


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
    trust: ReferenceDoc | None = None,
    workers: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> PackResult:
    """Write plan.pdf (+ plan.md) and each template as PDF and DOCX into out_dir.

    Every file is written atomically; a template that fails is reported by name and
    the others are still written. The Word files take their styles and page from `trust`, a Trust's
    reference document, when it is given (a cached Word file counts only for the same one).
    """
    if include_plan and plan is not None:
        from builder.render.tools import require

        require("dot")  # before anything is written: the plan's referral diagram needs Graphviz
    result = PackResult()
    out_dir.mkdir(parents=True, exist_ok=True)

    def docx_key(key: str) -> str:
        return key if trust is None else hashlib.sha256(f"{key} reference-doc={trust.digest}".encode()).hexdigest()

    names = (["plan"] if include_plan and plan is not None else []) + list(template_ids)
    todo_pdf: list[tuple[str, str]] = []
    html_for_docx: dict[str, str] = {}
    keys: dict[str, str] = {}
    # Blank documents still depend on the questionnaire (the paper questionnaire prints all of it).
    plan_digest = hashlib.sha256(canonical_json(plan).encode() if plan is not None else q.model_dump_json().encode()).hexdigest()

    for name in names:
        keys[name] = cache.key("document", name, plan_digest)
        pdf = cache.get(keys[name], "pdf")
        cached_docx = cache.get(docx_key(keys[name]), "docx") if docx and name != "plan" else None
        need_docx = docx and name != "plan" and cached_docx is None
        if pdf is not None and not need_docx:
            atomic_write(out_dir / f"{name}.pdf", pdf)
            result.written.append(out_dir / f"{name}.pdf")
            if cached_docx is not None:
                atomic_write(out_dir / f"{name}.docx", cached_docx)
                result.written.append(out_dir / f"{name}.docx")
            result.cached += 1
            if progress:
                progress(name)
            continue
        try:
            from builder.render.documents import render_template

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
        from builder.output.rendering import render_many

        pending = {name: sum(1 for j in jobs if j[1] == name) for _, name, _ in jobs}

        def done(kind: str, name: str) -> None:
            pending[name] -= 1
            if progress and pending[name] == 0:
                progress(name)

        made: set[str] = set()
        for (kind, name), (data, err) in sorted(render_many(jobs, templates_dir, workers, on_done=done, trust=trust).items()):
            if data is None:
                result.failed.append((name if kind == "pdf" else f"{name} (docx)", err or "unknown error"))
                continue
            cache.put(docx_key(keys[name]) if kind == "docx" else keys[name], kind, data)
            atomic_write(out_dir / f"{name}.{kind}", data)
            result.written.append(out_dir / f"{name}.{kind}")
            made.add(name)
        result.rendered = len(made)
    result.written.sort()
    return result


__all__ = ["QUESTIONNAIRE", "Cache", "PackResult", "build_pack", "plan_html", "questionnaire_html"]
