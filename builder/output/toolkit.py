"""The offline toolkit as one book: guidance, paper questionnaire, scoring sheet, blank templates, references.

The guidance chapters are rendered from the same Markdown files as the site (guidance/, in
mkdocs.yml's nav order), so the book and the site cannot disagree. Module-level imports stay
light: an unchanged rebuild only computes a digest and copies the cached result.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from builder.load.paths import Project
from builder.load.reference_doc import ReferenceDoc
from builder.output.fileio import atomic_write
from builder.output.pack import QUESTIONNAIRE, Cache, build_pack, plan_html
from builder.render.paper import (  # noqa: F401  (re-exported: the sheet's rules were built here before)
    UNKNOWN_GO_LIVE_CAP,
    DomainRules,
    GoLiveLine,
    RowRule,
    Scale,
    SheetRules,
    paper_context,
    sheet_rules,
)

if TYPE_CHECKING:
    from builder.core.schema import Questionnaire

BOOK_TITLE = "Peer Support Readiness Toolkit"
EXAMPLE = "riverside"
"""The example answer file shipped in the zip."""
MARKDOWN_EXTENSIONS = ["toc", "attr_list", "admonition", "tables", "def_list", "md_in_html", "footnotes"]
"""mkdocs.yml's markdown_extensions, without the permalink anchors that only make sense on screen."""
REFERENCES = "references.md"
NOT_IN_BOOK = {
    "wizard.md": "questionnaire",
    "logic-map.md": "questionnaire",
    "templates.md": "part-templates",
    "downloads/blank/questionnaire.pdf": "questionnaire",
}
"""Site pages that only work on screen (or are generated), and where their links point in the book instead."""


# ---------------------------------------------------------------- guidance Markdown to book chapters


@dataclass
class Chapter:
    id: str
    title: str
    html: str
    classes: str = ""


@dataclass
class Part:
    id: str
    title: str
    kind: str
    """'chapters' (pre-rendered HTML), 'questionnaire', 'scoring', 'answers' or 'plan'."""
    intro: str = ""
    chapters: list[Chapter] = field(default_factory=list)
    contents: list[tuple[str, str]] = field(default_factory=list)
    """(anchor, title) listed under the part in the contents."""


def guidance_pages(project: Project) -> list[str]:
    """Guidance pages in the site's nav order, then any page the nav leaves out; generated and screen-only pages skipped."""
    import yaml

    mkdocs_yml = project.root / "mkdocs.yml"
    config = (yaml.safe_load(mkdocs_yml.read_text(encoding="utf-8")) or {}) if mkdocs_yml.is_file() else {}
    order: list[str] = []

    def walk(items: Any) -> None:
        for item in items if isinstance(items, list) else []:
            values = item.values() if isinstance(item, dict) else [item]
            for v in values:
                if isinstance(v, str) and v.endswith(".md"):
                    order.append(v)
                else:
                    walk(v)

    walk(config.get("nav"))
    present = sorted(p.relative_to(project.guidance_dir).as_posix() for p in project.guidance_dir.rglob("*.md"))
    pages = [p for p in order if p in present] + [p for p in present if p not in order]
    return [p for p in pages if p not in NOT_IN_BOOK]


def slug(page: str) -> str:
    return "g-" + re.sub(r"[^a-z0-9]+", "-", page.removesuffix(".md").lower()).strip("-")


class LinkMap:
    """Turns the site's links between pages into links inside the book."""

    def __init__(self, pages: list[str]):
        self.pages = set(pages)

    def resolve(self, href: str, page: str, prefix: str) -> str | None:
        if re.match(r"^[a-z]+:", href):  # http(s), mailto: left as they are; PDF viewers open them
            return href
        path, _, frag = href.partition("#")
        if not path:
            return f"#{prefix}--{frag}" if frag else None
        target = posixpath.normpath(posixpath.join(posixpath.dirname(page), path))
        if target in self.pages:
            return f"#{slug(target)}--{frag}" if frag else f"#{slug(target)}"
        if target in NOT_IN_BOOK:
            return f"#{NOT_IN_BOOK[target]}"
        return None


def rewrite(html: str, prefix: str, shift: int, resolve: Callable[[str], str | None]) -> str:
    """Make a document's HTML one chapter of the book: ids prefixed, links mapped, headings moved down `shift` levels."""
    html = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{prefix}--{m.group(1)}"', html)
    html = re.sub(r'\baria-labelledby="([^"]+)"', lambda m: f'aria-labelledby="{prefix}--{m.group(1)}"', html)

    def link(m: re.Match[str]) -> str:
        target = resolve(m.group(2))
        return f'<a{m.group(1)} href="{target}"' if target else f"<a{m.group(1)}"

    html = re.sub(r'<a\b([^>]*?)\shref="([^"]*)"', link, html)
    if shift:
        html = re.sub(r"<(/?)h([1-6])\b", lambda m: f"<{m.group(1)}h{min(6, int(m.group(2)) + shift)}", html)
    return html


def _text(html: str) -> str:
    import html as htmllib

    return htmllib.unescape(re.sub(r"<[^>]+>", "", html)).strip()


WEB_ONLY = re.compile(r'<div class="web-only">.*?</div>\n?', re.S)
"""A guidance page's `<div class="web-only" markdown>` block: on the site, not in the book (no nesting of divs inside)."""


def guidance_chapter(project: Project, page: str, links: LinkMap, shift: int = 1) -> Chapter:
    """One guidance page as a chapter: the site's Markdown, the site's extensions, book links."""
    return markdown_chapter((project.guidance_dir / page).read_text(encoding="utf-8"), page, links, shift)


def markdown_chapter(text: str, page: str, links: LinkMap, shift: int = 1) -> Chapter:
    """Site Markdown (a guidance page, or one the site generates, such as the safety case) as a book chapter."""
    import markdown

    md = markdown.Markdown(extensions=MARKDOWN_EXTENSIONS, extension_configs={"toc": {"permalink": False}})
    # Text only the web page needs (a Start now button, "your answers stay in your browser") is not printed.
    body = WEB_ONLY.sub("", md.convert(text))
    prefix = slug(page)
    body = rewrite(body, prefix, shift, lambda href: links.resolve(href, page, prefix))
    m = re.search(r"<h\d[^>]*>(.*?)</h\d>", body, re.S)
    title = _text(m.group(1)) if m else page
    return Chapter(prefix, title, body)


# ---------------------------------------------------------------- documents inside the book


def _body(html: str) -> tuple[str, str]:
    """(body class, body content) of a rendered document."""
    m = re.search(r"<body(?:\s+class=\"([^\"]*)\")?[^>]*>(.*)</body>", html, re.S)
    if m is None:
        raise ValueError("rendered document has no <body>")
    return m.group(1) or "", m.group(2)


def template_chapter(q: Questionnaire, templates_dir: Path, template_id: str) -> Chapter:
    from builder.render.documents import render_template

    cls, body = _body(render_template(q, templates_dir, template_id, None, link_stylesheet=False))
    prefix = f"t-{template_id}"
    body = rewrite(body, prefix, 1, lambda href: href if not href.startswith("#") else f"#{prefix}--{href[1:]}")
    title = next(t.title for t in q.templates if t.id == template_id)
    return Chapter(prefix, title, body, classes=" ".join(c for c in cls.split() if c == "landscape"))


# ---------------------------------------------------------------- the book


def book_html(q: Questionnaire, project: Project, plan: dict[str, Any] | None = None) -> str:
    """The whole toolkit as one HTML document; with a plan, the clinic's answered questionnaire and plan instead."""
    from builder.render.documents import en_gb_date, environment

    templates_dir = project.templates_dir
    context: dict[str, Any] = {"meta": q.meta, "title": BOOK_TITLE, "filled": plan is not None, "plan": plan}
    context.update(paper_context(q))
    parts: list[Part] = []
    if plan is None:
        pages = guidance_pages(project)
        from builder.render.figures_page import FIGURES_PAGE, figures_markdown
        from builder.render.safety_case import SAFETY_CASE_PAGE

        links = LinkMap(pages + [SAFETY_CASE_PAGE, FIGURES_PAGE])
        guidance = Part("part-guidance", "Guidance", "chapters",
                        intro="The guidance from the toolkit's website, printed from the same pages: why peer support, each area of readiness, "
                              "and how to set the service up.")
        guidance.chapters = [guidance_chapter(project, p, links) for p in pages if p != REFERENCES]
        parts.append(guidance)
        from builder.render.safety_case import SAFETY_CASE_PAGE, safety_case_markdown

        if q.hazards is not None:  # the same text as the site's safety case page
            safety = Part("part-safety-case", "Safety case", "chapters",
                          intro="The hazards a new peer support service can pose, how the go-live checklist controls each, and the "
                                "evidence that the controls work; with a summary a clinic can attach to its governance paper.")
            safety.chapters = [markdown_chapter(safety_case_markdown(q), SAFETY_CASE_PAGE, links)]
            parts.append(safety)
        if q.planning is not None:  # the same text as the site's figures page
            figures = Part("part-figures", "Figures by nation", "chapters",
                           intro="The published figures the budget uses in each nation, each with the date it took effect (or that "
                                 "the date is not confirmed) and the date it was last checked.")
            figures.chapters = [markdown_chapter(figures_markdown(q), FIGURES_PAGE, links)]
            parts.append(figures)
        parts.append(Part("questionnaire", "The paper questionnaire", "questionnaire",
                          contents=[(f"q-domain-{i}", f"{i}. {d.title}") for i, d in enumerate(q.domains, start=1)]))
        parts.append(Part("scoring-sheet", "Scoring sheet", "scoring",
                          contents=[(f"s-{d.id}", d.title) for d in q.domains] + [("s-overall", "Overall rating"), ("s-go-live", "Go-live checklist"), ("s-route", "Route and peer roles"), ("s-feeds", "What your answers bring in")]))
        tparts = Part("part-templates", "Templates", "chapters",
                      intro="Every template, blank: replace each [bracketed field] with your own details and delete what does not apply. "
                            "Word versions to edit come with the toolkit's zip and on the website.")
        tparts.chapters = [template_chapter(q, templates_dir, t.id) for t in q.templates]
        parts.append(tparts)
        if REFERENCES in pages:
            ref = guidance_chapter(project, REFERENCES, links, shift=0)
            parts.append(Part(ref.id, ref.title, "references", intro=ref.html,
                              contents=[(m.group(1), _text(m.group(2))) for m in re.finditer(r'<h2 id="([^"]+)">(.*?)</h2>', ref.html, re.S)]))
        context["templates_linked"] = {t.id: f"t-{t.id}" for t in q.templates}
        context["template_summaries"] = {f"t-{t.id}": t.summary for t in q.templates}
    else:
        from builder.render.paper import numbers

        num = numbers(q)
        items = []
        for a in plan["answers"]:
            qu = q.question(a["question"])
            assert qu is not None
            value = a["answer"]
            chosen = value if isinstance(value, list) else ([] if value is None else [value])
            items.append({"number": num[qu.id], "question": qu, "domain": a["domain"], "state": "answered" if value is not None else "unknown",
                          "chosen": chosen, "note": a["note"]})
        context["answered_items"] = items
        parts.append(Part("answers", "The questionnaire as answered", "answers",
                          contents=[(f"a-{d.id}", d.title) for d in q.domains if any(i["domain"] == d.id for i in items)]))
        _cls, body = _body(plan_html(q, plan, templates_dir, link_stylesheet=False))
        body = rewrite(body, "plan", 0, lambda href: href if not href.startswith("#") else f"#plan--{href[1:]}")
        sections = [(f"plan--{m.group(1)}", _text(m.group(2))) for m in re.finditer(r'<h2 id="([^"]+)">(.*?)</h2>', body, re.S)]
        parts.append(Part("plan", "The setup plan", "plan", intro=body, contents=sections))
        context["clinic"] = plan["clinic"]
        context["assessed_on"] = en_gb_date(plan["assessment"].get("assessed_on"))
        context["templates_linked"] = {}
        context["template_summaries"] = {}
    context["parts"] = parts
    return environment(templates_dir).get_template("toolkit/book.html.j2").render(context)


def render_pdf(html: str, templates_dir: Path) -> tuple[bytes, int]:
    """(PDF, pages): tagged PDF/UA-1 through the project's renderer (local files only, its stylesheet and fonts)."""
    import os

    from builder.render.pdf import PDF_VARIANT, Renderer, load_weasyprint

    load_weasyprint()
    from weasyprint import HTML

    r = Renderer(templates_dir)
    doc = HTML(string=html, base_url=str(r.templates_dir) + os.sep, url_fetcher=r.fetcher).render(stylesheets=[r.css], font_config=r.fonts)
    pdf = doc.write_pdf(pdf_variant=PDF_VARIANT, uncompressed_pdf=False, custom_metadata=False)
    return pdf, len(doc.pages)


# ---------------------------------------------------------------- building: cache, book, zip

ZIP_DATE = (2026, 1, 1, 0, 0, 0)
"""Fixed timestamps: the same toolkit gives a byte-identical zip."""


def input_digest(project: Project, plan_json: str, options: str) -> str:
    """Everything the toolkit depends on: questionnaire, guidance, templates, examples, code, libraries, the
    validated plan (or "blank") and the options."""
    from builder.output.cache import CODE, digest_files, renderer_digest

    files = [*sorted(project.questionnaire_dir.glob("*.yaml")), *sorted(p for p in project.guidance_dir.rglob("*") if p.is_file()),
             project.root / "mkdocs.yml", *sorted((project.root / "examples").glob("*.yaml")), *sorted(CODE.rglob("*.py"))]
    files = [p for p in files if p.is_file()]
    inside = [p for p in files if p.is_relative_to(project.root)]
    outside = [p for p in files if not p.is_relative_to(project.root)]  # a temporary project in tests, or an installed package
    plan_digest = hashlib.sha256(plan_json.encode()).hexdigest()
    return digest_files(inside, project.root, [options, plan_digest, renderer_digest(project.templates_dir), digest_files(outside, CODE.parent)])


@dataclass
class ToolkitResult:
    written: list[Path] = field(default_factory=list)
    pages: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)


def build_book(q: Questionnaire, project: Project, plan: dict[str, Any] | None, cache_on: bool = True) -> tuple[bytes, int]:
    """(PDF, pages) of the book, from the document cache when its HTML has not changed."""

    html = book_html(q, project, plan)
    cache = Cache.for_project(project.root, project.templates_dir, enabled=cache_on, questionnaire_dir=project.questionnaire_dir)
    key = cache.key("toolkit", "book", hashlib.sha256(html.encode()).hexdigest())
    pdf, pages = cache.get(key, "pdf"), cache.get(key, "pages")
    if pdf is not None and pages is not None:
        return pdf, int(pages)
    pdf, n = render_pdf(html, project.templates_dir)
    cache.put(key, "pdf", pdf)
    cache.put(key, "pages", str(n).encode())
    return pdf, n


def build_zip(q: Questionnaire, project: Project, book: bytes, out: Path, *, cache_on: bool = True, workers: int | None = None,
              progress: Callable[[str], None] | None = None, trust: ReferenceDoc | None = None) -> list[tuple[str, str]]:
    """toolkit.zip: the book, the paper questionnaire and every template (PDF and DOCX), and an example answer file."""
    import tempfile


    cache = Cache.for_project(project.root, project.templates_dir, enabled=cache_on, questionnaire_dir=project.questionnaire_dir)
    with tempfile.TemporaryDirectory() as tmp:
        result = build_pack(q, None, [QUESTIONNAIRE] + [t.id for t in q.templates], Path(tmp), project.templates_dir, cache,
                            include_plan=False, trust=trust, workers=workers, progress=progress)
        if result.failed:
            return result.failed
        members: list[tuple[str, bytes]] = [("toolkit.pdf", book)]
        for path in result.written:
            folder = "" if path.stem == QUESTIONNAIRE else "templates/"
            members.append((f"{folder}{path.name}", path.read_bytes()))
        example = project.root / "examples" / f"{EXAMPLE}.yaml"
        if example.is_file():
            members.append(("example-answers.yaml", example.read_bytes()))
        members.append(("README.txt", _zip_readme(q).encode("utf-8")))
        staging = Path(tmp) / "toolkit.zip"
        with zipfile.ZipFile(staging, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in sorted(members):
                info = zipfile.ZipInfo(name, ZIP_DATE)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                zf.writestr(info, data)
        atomic_write(out, staging.read_bytes())
    return []


def _zip_readme(q: Questionnaire) -> str:
    return (
        f"{BOOK_TITLE} (questionnaire version {q.meta.version})\n\n"
        "toolkit.pdf            the whole toolkit as one book: guidance, paper questionnaire, scoring sheet,\n"
        "                       every template, references\n"
        "questionnaire.pdf      the paper questionnaire with its scoring sheet, to print on its own\n"
        "questionnaire.docx     the same, to edit\n"
        "templates/             every template, blank: PDF to print, DOCX to edit\n"
        "example-answers.yaml   an example answer file: run 'readiness plan example-answers.yaml' or\n"
        "                       'readiness toolkit --answers example-answers.yaml -o record.pdf'\n"
    )


__all__ = ["BOOK_TITLE", "Chapter", "LinkMap", "Part", "ToolkitResult", "book_html", "build_book", "build_zip", "guidance_pages",
           "input_digest", "paper_context", "render_pdf", "rewrite", "sheet_rules"]
