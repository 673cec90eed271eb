"""The mkdocs plugin: everything the site needs from the questionnaire and templates, made at build time.

Nothing it makes is committed or written into guidance/: files are added to the build as
generated files, so `mkdocs build` and `mkdocs serve` need no extra command.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from builder.checks.project import load_checked
from builder.core.errors import ReadinessError
from builder.core.schema import Questionnaire
from builder.load.paths import ROOT
from builder.load.project import Project
from builder.load.reference_doc import ReferenceDoc
from builder.output import vendor
from builder.output.site_sources import TOOLKIT, WIZARD_DIR, minify, site_files, templates_markdown  # noqa: F401  (re-exported)

SHIM = "assets/javascripts/iframe-worker-shim.js"
"""Served by the site itself: material's offline plugin would load it from a CDN (on_config points extra.polyfills here)."""
STYLESHEET = "assets/stylesheets/readiness.css"
"""The toolkit's site stylesheet (focus ring, link underlines, the logic map's size); added to extra_css when missing."""
MARKDOWN_EXTENSIONS = ("toc", "attr_list", "admonition", "tables", "def_list", "md_in_html", "footnotes")
"""What the toolkit's pages are written with (heading ids, the wizard's raw HTML, tables, notes)."""
TOOL_PAGES = ("wizard.md", "review.md")
"""The pages that host the browser tools. Always added (unless docs_dir has its own); their raw HTML names assets and
pages from the site's root, so on_page_markdown rewrites those links for the page's own URL, in either URL style."""


class ReadinessConfig(base.Config):
    """The plugin's settings in mkdocs.yml (`plugins: - readiness: {...}`); paths are relative to mkdocs.yml."""

    questionnaire = c.Optional(c.Type(str))
    """The folder holding questionnaire.yaml and one YAML file per domain; leave it out for the toolkit's own. A project
    with its own questionnaire keeps its guidance pages in docs_dir."""
    templates = c.Optional(c.Type(str))
    """The folder holding catalog.yaml, the plan and policy templates and the print stylesheet; leave it out for the toolkit's own."""
    example = c.Optional(c.Type(str))
    """An answer file whose plan the templates page offers as a sample PDF; leave it out for no sample."""
    guidance = c.Type(bool, default=True)
    """Add the toolkit's guidance pages (the domains, setting up, references...) to the site; a page of the same path
    in docs_dir wins. With false, only the assessment, review, templates, logic map and standards pages are added,
    and their links to guidance pages become plain text."""
    reference_doc = c.Optional(c.Type(str))
    """A Trust's Word document or template (.docx, .dotx) whose styles, theme, page size and margins the Word downloads
    take (as `--reference-doc` on the command line); leave it out for the toolkit's house style."""
    node_modules = c.Optional(c.Type(str))
    """A folder of npm packages to take the site's browser assets from instead of the copies inside the package."""


VENDORED = {uri: f"{package}/{name}" for uri, (package, name) in vendor.ASSETS.items()}
"""npm packages (package.json) the site serves itself, each loaded only when needed: js-yaml to open a YAML
answer file, nunjucks to fill in a policy template from the same Jinja2 source the command line uses. The wheel
carries them (builder/site/_vendor); a checkout reads node_modules."""
SEARCH_DIALOG = 'data-md-component="search" role="dialog"'


class ReadinessPlugin(BasePlugin[ReadinessConfig]):
    project: Project
    questionnaire: Questionnaire
    example: Path | None
    trust: ReferenceDoc | None
    """A Trust's reference document for the Word downloads, or None for the house style."""
    assets: Path
    owned: set[str]
    """Pages this plugin adds or generates: their links to pages the site lacks become plain text."""

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        here = Path(config.config_file_path or ".").resolve().parent
        docs = Path(config.docs_dir).resolve()
        own = self.config.questionnaire is not None
        # The toolkit's own questionnaire brings its own guidance (inside the package, or the checkout's guidance/);
        # a project's own questionnaire keeps its guidance in docs_dir, where its help links point.
        self.project = Project(here if own else ROOT,
                               questionnaire_dir=here / self.config.questionnaire if self.config.questionnaire else None,
                               templates_dir=here / self.config.templates if self.config.templates else None,
                               guidance_dir=docs if own else None)
        self.example = here / self.config.example if self.config.example else None
        for folder, what in ((self.project.questionnaire_dir, "questionnaire"), (self.project.templates_dir, "templates")):
            if not (folder.is_dir()):
                raise PluginError(f"{config.config_file_path}: plugin 'readiness': {what} folder {folder} does not exist; fix '{what}:'")
        if self.example is not None and not self.example.is_file():
            raise PluginError(f"{config.config_file_path}: plugin 'readiness': example answer file {self.example} does not exist; fix 'example:'")
        try:
            self.assets = vendor.asset_folder(here / self.config.node_modules if self.config.node_modules else None)
        except vendor.VendorError as exc:
            raise PluginError(str(exc)) from None
        # Checked here, before mkdocs cleans the site folder: a failed build leaves the last good site in place.
        from builder.render.tools import ToolMissing, require, require_extra

        try:
            require_extra("plugin 'readiness'", "pdf", "docx")  # the site's downloads are PDF and Word files
            require("dot")
        except ToolMissing as exc:
            raise PluginError(f"error: {exc.problems[0].message}") from None
        self.trust = None
        if self.config.reference_doc:
            from builder.load.reference_doc import load_reference_doc

            try:
                self.trust = load_reference_doc(here / self.config.reference_doc)
            except ReadinessError as exc:
                raise PluginError(f"{exc.problems[0].line_text()} (plugin 'readiness', reference_doc: in {config.config_file_path})") from None
        try:
            self.questionnaire, _warnings = load_checked(self.project)
        except ReadinessError as exc:
            raise PluginError("the questionnaire has errors:\n" + "\n".join(str(p) for p in exc.problems)) from None
        # The iframe-worker shim from this site, never the CDN material's offline plugin would name.
        polyfills = [p for p in config.extra.get("polyfills", []) if not ("iframe-worker" in str(p) and "//" in str(p))]
        if any(name.split("/")[-1] == "offline" for name in config.plugins) and SHIM not in polyfills:
            polyfills.append(SHIM)
        if polyfills or "polyfills" in config.extra:
            config.extra["polyfills"] = polyfills
        for extension in MARKDOWN_EXTENSIONS:  # the toolkit's pages use them; a user's own site may not list them
            if extension not in config.markdown_extensions:
                config.markdown_extensions.append(extension)
        if STYLESHEET not in [str(css) for css in config.extra_css]:
            config.extra_css.append(STYLESHEET)
        # Rebuild when the questionnaire, templates, guidance or wizard change under `mkdocs serve`.
        for path in (self.project.questionnaire_dir, self.project.templates_dir, self.project.guidance_dir, WIZARD_DIR):
            if path.is_dir() and str(path) not in config.watch:
                config.watch.append(str(path))
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        """The toolkit's pages docs_dir lacks, then everything generated (builder/output/site_sources.py, as `readiness site`)."""
        q = self.questionnaire
        self.owned = set()
        self._guidance_pages(files, config)
        try:
            generated = site_files(self.project, q, example=self.example, assets=self.assets,
                                   directory_urls=bool(config.use_directory_urls), guidance=self._has_guidance(files, q),
                                   trust=self.trust)
        except ReadinessError as exc:
            raise PluginError("\n".join(p.line_text() for p in exc.problems)) from None
        for uri, content in generated.items():
            self._add(files, config, uri, content)
        return files

    def _guidance_pages(self, files: Files, config: MkDocsConfig) -> None:
        """The toolkit's pages that docs_dir lacks: the tool pages and its stylesheet always, the guidance when asked."""
        source = self.project.guidance_dir
        if source == Path(config.docs_dir).resolve() or not source.is_dir():
            return
        for path in sorted(p for p in source.rglob("*") if p.is_file()):
            uri = path.relative_to(source).as_posix()
            if any(part.startswith(".") for part in uri.split("/")) or files.get_file_from_path(uri) is not None:
                continue
            if uri in TOOL_PAGES or uri == STYLESHEET or self.config.guidance:
                self._add(files, config, uri, path.read_bytes())

    def _has_guidance(self, files: Files, q: Questionnaire) -> bool:
        """True when every page the questions' help links name is in the site."""
        return all(files.get_file_from_path(qu.guidance.partition("#")[0]) is not None for qu in q.questions if qu.guidance)

    def on_page_markdown(self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        src = page.file.src_uri
        if src in TOOL_PAGES:
            markdown = _relink_raw_html(markdown, page, files)
        if src in self.owned:
            markdown = _unlink_missing(markdown, src, files)
        return markdown

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        # The theme's search dialog has no accessible name (axe and Lighthouse: aria-dialog-name).
        return output.replace(SEARCH_DIALOG, SEARCH_DIALOG + ' aria-label="Search"', 1)

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """The toolkit's stylesheet, minified in place (the theme's assets come minified; a user's own are left alone)."""
        path = Path(config.site_dir) / STYLESHEET
        if path.is_file():
            path.write_text(minify(path.name, path.read_text(encoding="utf-8")), encoding="utf-8")

    def _add(self, files: Files, config: MkDocsConfig, uri: str, content: str | bytes) -> None:
        existing = files.get_file_from_path(uri)
        if existing is not None:
            files.remove(existing)
        files.append(File.generated(config, uri, content=content))
        if uri.endswith(".md"):
            self.owned.add(uri)


_MD_LINK = re.compile(r"(?<!!)\[([^\]\n]+)\]\(([^()\s]+?\.md)(#[^()\s]*)?\)")
_RAW_LINK = re.compile(r'<a href="([^"]*)">(.*?)</a>|\b(src|href)="([^"]*)"')


def _unlink_missing(markdown: str, src: str, files: Files) -> str:
    """Links to pages the site does not have become their text (a site built without the toolkit's guidance)."""
    base = posixpath.dirname(src)

    def keep(m: re.Match[str]) -> str:
        target = posixpath.normpath(posixpath.join(base, m.group(2)))
        return m.group(0) if files.get_file_from_path(target) is not None else m.group(1)

    return _MD_LINK.sub(keep, markdown)


def _relink_raw_html(markdown: str, page: Page, files: Files) -> str:
    """Raw HTML links written from the site's root (`assets/…`, `downloads/…`, `domains/x.md`), made relative to this
    page's URL in either URL style; a link to a page the site lacks becomes its text."""

    def site_url(target: str) -> str | None:
        path, hash_, anchor = target.partition("#")
        if path.endswith((".md", ".html")):
            found = files.get_file_from_path(path.rsplit(".", 1)[0] + ".md")
            if found is None:
                return None
            path = found.url
        return get_relative_url(path, page.url) + hash_ + anchor

    def fix(m: re.Match[str]) -> str:
        if m.group(1) is not None:  # a whole <a href="…">text</a>
            target, text = m.group(1), m.group(2)
            if _external(target):
                return m.group(0)
            url = site_url(target)
            return text if url is None else f'<a href="{url}">{text}</a>'
        attr, target = m.group(3), m.group(4)
        if _external(target):
            return m.group(0)
        url = site_url(target)
        return m.group(0) if url is None else f'{attr}="{url}"'

    return _RAW_LINK.sub(fix, markdown)


def _external(target: str) -> bool:
    return not target or target.startswith(("#", "/", "../")) or ":" in target.split("/")[0]
