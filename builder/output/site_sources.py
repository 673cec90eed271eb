"""What the site generates from the questionnaire and templates, as plain files, independent of any site generator.

The mkdocs plugin (builder/site/plugin.py) adds these files to its build; `readiness site` writes them to a folder, with
the guidance pages, for any generator to build. One function makes them both, so the two cannot drift.
"""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

from builder.core.errors import Problem, ProjectError
from builder.core.schema import Questionnaire
from builder.load.paths import PACKAGE, Project
from builder.load.reference_doc import ReferenceDoc
from builder.output import vendor

WIZARD_DIR = PACKAGE / "wizard"
BUNDLES = {"engine.js": ("pycompat.js", "engine.js")}
"""Wizard scripts the site serves as one file made of several sources, in order: pycompat.js (Python's behaviour the
engine needs) is served as the start of engine.js, so a page (the toolkit's, or a user's own wizard.md) loads it with
no script tag and no request of its own."""
BUNDLED = frozenset(part for parts in BUNDLES.values() for part in parts) - frozenset(BUNDLES)
"""Sources served only inside a bundle, never as a file of their own."""


def wizard_script(name: str) -> str:
    """A wizard script as the site serves it, before minifying: a bundle's sources joined in order, else the file."""
    return "".join((WIZARD_DIR / part).read_text(encoding="utf-8") for part in BUNDLES.get(name, (name,)))


def minify(name: str, text: str) -> str:
    """Minified JavaScript or CSS for the built site (the sources stay readable)."""
    import rcssmin
    import rjsmin

    if name.endswith(".js"):
        return str(rjsmin.jsmin(text, keep_bang_comments=True)) + "\n"
    if name.endswith(".css"):
        return str(rcssmin.cssmin(text, keep_bang_comments=True)) + "\n"
    return text
TOOLKIT = "downloads/toolkit.pdf"
"""The whole offline toolkit as one book (builder/output/toolkit.py)."""


def _size(data: bytes) -> str:
    return f"{max(1, round(len(data) / 1024))} KB"


def templates_markdown(q: Questionnaire, downloads: dict[str, bytes], example: str | None = None) -> str:
    kinds = {"policy": "Policy", "agreement": "Agreement", "form": "Form", "procedure": "Procedure"}
    lines = [
        "# Templates",
        "",
        "Most clinics already have most of the policies they need; the gaps are usually the few that are specific "
        "to peers. Download the blank templates below and adapt them for your own use: the Word version to edit, "
        # Escaped brackets: Zensical's strict build fails on an unresolved link reference, which [Clinic name] is.
        "the PDF to read or print. In both, every bracketed field, such as \\[Clinic name\\], is there for you to fill in; "
        "in the Word version each is a field to click and type in.",
        "",
        "The [readiness assessment](wizard.md) tells you which of these your clinic needs, and its plan offers each one "
        "filled in with your clinic's details, ready to print, and all of them as editable Word files in one zip, made in "
        "your browser with nothing uploaded. On a command line, `readiness pack your-answers.json -o pack/` makes the same "
        "Word files.",
        "",
        "## The paper questionnaire",
        "",
        "Every question on paper, with tick boxes and the routing written out, for a planning meeting or for anyone "
        "working offline: [PDF, {}](downloads/blank/questionnaire.pdf){{ download }} · "
        "[Word, {}](downloads/blank/questionnaire.docx){{ download }}.".format(
            _size(downloads["downloads/blank/questionnaire.pdf"]), _size(downloads["downloads/blank/questionnaire.docx"])),
        "",
        *([
            "## The whole toolkit as one book",
            "",
            "The guidance on this site, the paper questionnaire with its scoring sheet, and every template, in one PDF with "
            "contents, bookmarks and links: for a board paper, a team away day or a clinic without reliable internet: "
            f"[PDF, {_size(downloads[TOOLKIT])}]({TOOLKIT}){{ download }}.",
            "",
        ] if TOOLKIT in downloads else []),
        "## Policy and form templates",
        "",
        "| Template | Type | When you need it | Download |",
        "|---|---|---|---|",
    ]
    for t in q.templates:
        pdf = f"downloads/blank/{t.id}.pdf"
        docx = f"downloads/blank/{t.id}.docx"
        links = f"[PDF, {_size(downloads[pdf])}]({pdf}){{ download }} · [Word, {_size(downloads[docx])}]({docx}){{ download }}"
        lines.append(f"| **{t.title}** | {kinds[t.kind]} | {t.summary} [Guidance]({t.guidance}). | {links} |")
    sample = next((name for name in downloads if name.startswith("downloads/example/")), None)
    if example and sample:
        lines += [
            "",
            "## A sample plan",
            "",
            f"See what the assessment produces: the [setup plan for a fictional clinic, {example} (PDF, {_size(downloads[sample])})]({sample}){{ download }}, "
            "made from the example answers that come with the toolkit.",
        ]
    lines.append("")
    return "\n".join(lines)


def site_files(project: Project, q: Questionnaire, *, example: Path | None, assets: Path, directory_urls: bool,
               guidance: bool, trust: ReferenceDoc | None = None) -> dict[str, str | bytes]:
    """Site path -> content: the exported questionnaire and its schema, the logic map, the templates page with every
    download, the standards crosswalk, the wizard's scripts (minified) and the vendored libraries with their licences.

    directory_urls and guidance tell the wizard how the site names its pages and whether it has the guidance pages;
    trust, a Trust's Word reference document, styles the Word downloads.
    ProjectError when a document fails to render."""
    from builder.core.answer_schema import ANSWERS_SCHEMA, answer_schema_json
    from builder.core.plan_model import PLAN_SCHEMA, plan_schema_json
    from builder.core.review_model import REVIEW_SCHEMA, review_schema_json
    from builder.output.export import questionnaire_json
    from builder.render.crosswalk import crosswalk_markdown
    from builder.render.diagrams import svg
    from builder.render.figures_page import FIGURES_PAGE, figures_markdown
    from builder.render.glossary import glossary_markdown
    from builder.render.logicmap import decision_tree, logic_map_markdown
    from builder.render.safety_case import safety_case_markdown
    from builder.render.tailor import templates_script
    from builder.render.word_kit import word_kit_script

    out: dict[str, str | bytes] = {}
    data = questionnaire_json(q)
    out["assets/questionnaire.json"] = data
    # A classic script as well as JSON: pages opened from disk (file://) cannot fetch JSON. The second line tells
    # the wizard how this site names its pages, for its help links.
    site = {"directory_urls": directory_urls, "guidance": guidance}
    out["assets/questionnaire.js"] = (f"window.READINESS_QUESTIONNAIRE = {data.rstrip()};\n"
                                      f"window.READINESS_SITE = {json.dumps(site, sort_keys=True)};\n")
    out[f"assets/schemas/{ANSWERS_SCHEMA}"] = answer_schema_json(q)  # for editors and other tools
    out[f"assets/schemas/{PLAN_SCHEMA}"] = plan_schema_json()
    out[f"assets/schemas/{REVIEW_SCHEMA}"] = review_schema_json()
    out["assets/logic-map.svg"] = svg(decision_tree(q))
    out["logic-map.md"] = logic_map_markdown(q, "assets/logic-map.svg")
    downloads, example_name = _downloads(project, q, example, trust)
    out.update(downloads)
    out["templates.md"] = templates_markdown(q, downloads, example_name)
    if q.meta.standards:  # a questionnaire mapped to no standards has no crosswalk page
        out["standards.md"] = crosswalk_markdown(q)
    if q.glossary is not None:  # the toolkit's words, from questionnaire/glossary.yaml
        out["glossary.md"] = glossary_markdown(q.glossary)
    if q.hazards is not None:  # the safety case, from the hazard log that also builds the go-live checklist
        out["safety-case.md"] = safety_case_markdown(q)
    if q.planning is not None:  # every published figure the budget uses, with its dates, from figures.yaml
        out[FIGURES_PAGE] = figures_markdown(q)
    # The open-formats page offers an example QuestionnaireResponse: the site's own example, else the toolkit's.
    bundled = project.root / "examples" / "riverside.yaml"
    out.update(_open_formats(q, example or (bundled if bundled.is_file() else None)))
    if WIZARD_DIR.is_dir():
        for path in sorted(WIZARD_DIR.iterdir()):
            if path.suffix in (".js", ".css") and not path.name.startswith(("_", "test")) and path.name not in BUNDLED:
                out[f"assets/wizard/{path.name}"] = minify(path.name, wizard_script(path.name))
    for uri, (package, name) in vendor.ASSETS.items():
        # Without its source-map comment: the map is not served, so nothing asks for it.
        out[uri] = re.sub(r"\n//# sourceMappingURL=\S+\s*$", "\n", (assets / package / name).read_text(encoding="utf-8"))
        out[f"{uri.rpartition('/')[0]}/{package}.LICENSE.txt"] = (assets / package / vendor.LICENCE).read_bytes()
    # The policy templates' own sources and print stylesheet, for the wizard's tailored templates; the templates link
    # "assets/print.css", which from wizard.html is this file.
    out["assets/templates.js"] = templates_script(project.templates_dir, [t.id for t in q.templates])
    # The house style and Word rules for the Word files the filled-in documents page makes in the browser.
    out["assets/wizard/word-kit.js"] = word_kit_script()
    # The filled-in documents page: one tailored template, or all of them as one document to print.
    out["documents.html"] = (WIZARD_DIR / "documents.html").read_text(encoding="utf-8")
    out["assets/print.css"] = minify("print.css", (project.templates_dir / "assets" / "print.css").read_text(encoding="utf-8"))
    return out


def _open_formats(q: Questionnaire, example: Path | None) -> dict[str, str | bytes]:
    """The questionnaire as an XLSForm and a FHIR Questionnaire, and the example's answers as a QuestionnaireResponse
    (guidance/open-formats.md links them). A ReadinessError when the extra is missing or a condition cannot be carried."""
    from builder.load.answers import load_answers
    from builder.output.formats import OPEN_FORMATS, fhir_questionnaire_json, fhir_response_json, workbook_for

    if q.meta.formats is None:
        return {}
    out: dict[str, str | bytes] = {OPEN_FORMATS["xlsform"]: workbook_for(q), OPEN_FORMATS["fhir"]: fhir_questionnaire_json(q)}
    if example is not None:
        out[OPEN_FORMATS["fhir-response"]] = fhir_response_json(q, load_answers(example, q)[0])
    return out


def _downloads(project: Project, q: Questionnaire, example: Path | None,
               trust: ReferenceDoc | None = None) -> tuple[dict[str, bytes], str | None]:
    """Blank templates (PDF, DOCX), an example plan and the toolkit book, rendered through the content-keyed cache."""
    from builder.core.engine import evaluate_plan
    from builder.load.answers import load_answers
    from builder.output.pack import QUESTIONNAIRE, Cache, build_pack
    from builder.output.toolkit import build_book

    cache = Cache.for_project(project.root, project.templates_dir, questionnaire_dir=project.questionnaire_dir)
    out: dict[str, bytes] = {}
    example_name = None
    with tempfile.TemporaryDirectory() as tmp:
        blank = Path(tmp) / "blank"
        result = build_pack(q, None, [QUESTIONNAIRE] + [t.id for t in q.templates], blank, project.templates_dir, cache, include_plan=False,
                            trust=trust)
        failed = list(result.failed)
        example_dir = Path(tmp) / "example"
        if example is not None:
            af, _ = load_answers(example, q)
            example_name = af.clinic_name
            sample = build_pack(q, evaluate_plan(q, af), [], example_dir, project.templates_dir, cache, include_plan=True, docx=False)
            failed += sample.failed
        if failed:
            raise ProjectError([Problem(project.rel(project.templates_dir), None, "documents failed to render: "
                                        + "; ".join(f"{n}: {e}" for n, e in failed))])
        for path in result.written:
            out[f"downloads/blank/{path.name}"] = path.read_bytes()
        if example is not None:
            out[f"downloads/example/{example.stem}-plan.pdf"] = (example_dir / "plan.pdf").read_bytes()
    try:
        out[TOOLKIT] = build_book(q, project, None)[0]  # from the same guidance pages as the site (cached when unchanged)
    except Exception as exc:  # reported like the other downloads: the build stops with the reason
        raise ProjectError([Problem("templates/toolkit/book.html.j2", None,
                                    f"the toolkit book failed to render: {type(exc).__name__}: {exc}")]) from None
    return out, example_name
