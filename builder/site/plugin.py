"""The mkdocs plugin: everything the site needs from the questionnaire and templates, made at build time.

Nothing it makes is committed or written into guidance/: files are added to the build as
generated files, so `mkdocs build` and `mkdocs serve` need no extra command.
"""

from __future__ import annotations

import re
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from builder.core.errors import ReadinessError
from builder.load.project import Project, load_checked
from builder.load.paths import PACKAGE
from builder.core.schema import Questionnaire

WIZARD_DIR = PACKAGE / "wizard"
SHIM = "assets/javascripts/iframe-worker-shim.js"
"""Served by the site itself (mkdocs.yml extra.polyfills): material's offline plugin would load it from a CDN."""


class ReadinessConfig(base.Config):
    """The plugin's settings in mkdocs.yml (`plugins: - readiness: {...}`); paths are relative to mkdocs.yml."""

    questionnaire = c.Type(str, default="questionnaire")
    """The folder holding questionnaire.yaml and one YAML file per domain."""
    templates = c.Type(str, default="templates")
    """The folder holding catalog.yaml, the plan and policy templates and the print stylesheet."""
    example = c.Optional(c.Type(str))
    """An answer file whose plan the templates page offers as a sample PDF; leave it out for no sample."""
    node_modules = c.Type(str, default="node_modules")
    """Where `npm ci` put the browser assets the site serves itself (iframe-worker's shim, js-yaml, nunjucks)."""


VENDORED = {
    "assets/wizard/vendor/js-yaml.min.js": "js-yaml/dist/js-yaml.min.js",
    "assets/wizard/vendor/nunjucks.min.js": "nunjucks/browser/nunjucks.min.js",
}
"""npm packages (package.json) the site serves itself, each loaded only when needed: js-yaml to open a YAML
answer file, nunjucks to fill in a policy template from the same Jinja2 source the command line uses."""
SEARCH_DIALOG = 'data-md-component="search" role="dialog"'


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
        "the PDF to read or print. In the PDF every bracketed field, such as [Clinic name], is there for you to fill in; "
        "in the Word version each is a field to click and type in.",
        "",
        "The [readiness assessment](wizard.md) tells you which of these your clinic needs, and its plan offers each one "
        "filled in with your clinic's details, ready to print. For filled-in Word versions, save your answers from the "
        "assessment and run `readiness pack your-answers.json -o pack/`.",
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


class ReadinessPlugin(BasePlugin[ReadinessConfig]):
    project: Project
    questionnaire: Questionnaire
    example: Path | None
    shim: Path
    node_modules: Path

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        here = Path(config.config_file_path or ".").resolve().parent
        self.project = Project(here, questionnaire_dir=here / self.config.questionnaire, templates_dir=here / self.config.templates,
                               guidance_dir=Path(config.docs_dir))
        self.example = here / self.config.example if self.config.example else None
        self.shim = here / self.config.node_modules / "iframe-worker" / "shim" / "index.js"
        self.node_modules = here / self.config.node_modules
        for folder, what in ((self.project.questionnaire_dir, "questionnaire"), (self.project.templates_dir, "templates")):
            if not (folder.is_dir()):
                raise PluginError(f"{config.config_file_path}: plugin 'readiness': {what} folder {folder} does not exist; fix '{what}:'")
        if self.example is not None and not self.example.is_file():
            raise PluginError(f"{config.config_file_path}: plugin 'readiness': example answer file {self.example} does not exist; fix 'example:'")
        for asset in (self.shim, *(self.node_modules / v for v in VENDORED.values())):
            if not asset.is_file():
                raise PluginError(f"error: {asset} is missing; run bash scripts/setup.sh (npm ci) to install the site's browser assets")
        # Checked here, before mkdocs cleans the site folder: a failed build leaves the last good site in place.
        from builder.render.tools import ToolMissing, require

        try:
            require("dot")
        except ToolMissing as exc:
            raise PluginError(f"error: {exc.problems[0].message}") from None
        try:
            self.questionnaire, _warnings = load_checked(self.project)
        except ReadinessError as exc:
            raise PluginError("the questionnaire has errors:\n" + "\n".join(str(p) for p in exc.problems)) from None
        # Rebuild when the questionnaire, templates or wizard change under `mkdocs serve`.
        for path in (self.project.questionnaire_dir, self.project.templates_dir, WIZARD_DIR):
            if str(path) not in config.watch:
                config.watch.append(str(path))
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        from builder.output.export import questionnaire_json

        q = self.questionnaire
        data = questionnaire_json(q)
        self._add(files, config, "assets/questionnaire.json", data)
        # A classic script as well as JSON: pages opened from disk (file://) cannot fetch JSON.
        self._add(files, config, "assets/questionnaire.js", f"window.READINESS_QUESTIONNAIRE = {data.rstrip()};\n")
        self._generated_pages(files, config, q)
        self._add(files, config, SHIM, self.shim.read_text(encoding="utf-8"))
        if WIZARD_DIR.is_dir():
            for path in sorted(WIZARD_DIR.iterdir()):
                if path.suffix in (".js", ".css") and not path.name.startswith(("_", "test")):
                    self._add(files, config, f"assets/wizard/{path.name}", minify(path.name, path.read_text(encoding="utf-8")))
        for uri, vendored in VENDORED.items():
            path = self.node_modules / vendored
            # Without its source-map comment: the map is not served, so nothing asks for it.
            self._add(files, config, uri, re.sub(r"\n//# sourceMappingURL=\S+\s*$", "\n", path.read_text(encoding="utf-8")))
        self._tailored_templates(files, config, q)
        # The filled-in documents page: one tailored template, or all of them as one document to print.
        self._add(files, config, "documents.html", (WIZARD_DIR / "documents.html").read_text(encoding="utf-8"))
        return files

    def _tailored_templates(self, files: Files, config: MkDocsConfig, q: Questionnaire) -> None:
        """The policy templates' own sources and print stylesheet, for the wizard's tailored templates."""
        from builder.render.tailor import templates_script

        templates_dir = self.project.templates_dir
        self._add(files, config, "assets/templates.js", templates_script(templates_dir, [t.id for t in q.templates]))
        # The templates link "assets/print.css"; from wizard.html that is this file.
        self._add(files, config, "assets/print.css", minify("print.css", (templates_dir / "assets" / "print.css").read_text(encoding="utf-8")))

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        # The theme's search dialog has no accessible name (axe and Lighthouse: aria-dialog-name).
        return output.replace(SEARCH_DIALOG, SEARCH_DIALOG + ' aria-label="Search"', 1)

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """The site's own stylesheet, minified in place (the theme's assets come minified)."""
        for css in config.extra_css:
            path = Path(config.site_dir) / str(css)
            if path.suffix == ".css" and path.is_file():
                path.write_text(minify(path.name, path.read_text(encoding="utf-8")), encoding="utf-8")

    def _generated_pages(self, files: Files, config: MkDocsConfig, q: Questionnaire) -> None:
        """The logic map and its diagram, and the templates page with its blank downloads."""
        from builder.render.logicmap import decision_tree, logic_map_markdown
        from builder.render.diagrams import svg

        self._add(files, config, "assets/logic-map.svg", svg(decision_tree(q)))
        self._add(files, config, "logic-map.md", logic_map_markdown(q, "assets/logic-map.svg"))
        downloads = self._downloads(q)
        for name, data in downloads.items():
            self._add(files, config, name, data)
        self._add(files, config, "templates.md", templates_markdown(q, downloads, self._example_name))
        from builder.core.crosswalk import crosswalk_markdown

        if q.meta.standards:  # a questionnaire mapped to no standards has no crosswalk page
            self._add(files, config, "standards.md", crosswalk_markdown(q))

    def _downloads(self, q: Questionnaire) -> dict[str, bytes]:
        """Blank templates (PDF, DOCX) and an example plan, rendered through the content-keyed cache."""
        import tempfile

        from builder.core.answers import load_answers
        from builder.core.engine import evaluate_plan
        from builder.output.pack import QUESTIONNAIRE, Cache, build_pack

        project = self.project
        cache = Cache.for_project(project.root, project.templates_dir)
        out: dict[str, bytes] = {}
        with tempfile.TemporaryDirectory() as tmp:
            blank = Path(tmp) / "blank"
            result = build_pack(q, None, [QUESTIONNAIRE] + [t.id for t in q.templates], blank, project.templates_dir, cache, include_plan=False)
            failed = list(result.failed)
            example_dir = Path(tmp) / "example"
            self._example_name = None
            if self.example is not None:
                af, _ = load_answers(self.example, q)
                self._example_name = af.clinic_name
                example = build_pack(q, evaluate_plan(q, af), [], example_dir, project.templates_dir, cache, include_plan=True, docx=False)
                failed += example.failed
            if failed:
                raise PluginError("documents failed to render: " + "; ".join(f"{n}: {e}" for n, e in failed))
            for path in result.written:
                out[f"downloads/blank/{path.name}"] = path.read_bytes()
            if self.example is not None:
                out[f"downloads/example/{self.example.stem}-plan.pdf"] = (example_dir / "plan.pdf").read_bytes()
        out[TOOLKIT] = self._toolkit(q, project)
        return out

    @staticmethod
    def _toolkit(q: Questionnaire, project: Project) -> bytes:
        """The offline toolkit book, rendered from the same guidance pages as the site (cached when unchanged)."""
        from builder.output.toolkit import build_book

        try:
            return build_book(q, project, None)[0]
        except Exception as exc:  # reported like the other downloads: the build stops with the reason
            raise PluginError(f"the toolkit book failed to render: {type(exc).__name__}: {exc}") from None

    @staticmethod
    def _add(files: Files, config: MkDocsConfig, uri: str, content: str | bytes) -> None:
        existing = files.get_file_from_path(uri)
        if existing is not None:
            files.remove(existing)
        files.append(File.generated(config, uri, content=content))
