"""The mkdocs plugin: everything the site needs from the questionnaire and templates, made at build time.

Nothing it makes is committed or written into guidance/: files are added to the build as
generated files, so `mkdocs build` and `mkdocs serve` need no extra command.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

from .errors import ReadinessError
from .load import ROOT, Project, load_checked
from .schema import Questionnaire

WIZARD_DIR = ROOT / "builder" / "wizard"
SHIM = "assets/javascripts/iframe-worker-shim.js"
"""Served by the site itself (mkdocs.yml extra.polyfills): material's offline plugin would load it from a CDN."""
EXAMPLE = "riverside"
"""The example clinic whose plan the templates page offers as a sample."""


def _size(data: bytes) -> str:
    return f"{max(1, round(len(data) / 1024))} KB"


def templates_markdown(q: Questionnaire, downloads: dict[str, bytes]) -> str:
    kinds = {"policy": "Policy", "agreement": "Agreement", "form": "Form", "procedure": "Procedure"}
    lines = [
        "# Templates",
        "",
        "Most clinics already have most of the policies they need; the gaps are usually the few that are specific "
        "to peers. Download the blank templates below and adapt them for your own use: the Word version to edit, "
        "the PDF to read or print. Every bracketed field, such as [Clinic name], is there for you to fill in.",
        "",
        "The [readiness assessment](wizard.md) tells you which of these your clinic needs. To get them filled in "
        "with your clinic's details, save your answers from the assessment and run `readiness pack your-answers.json -o pack/`.",
        "",
        "## The paper questionnaire",
        "",
        "Every question on paper, with tick boxes and the routing written out, for a planning meeting or for anyone "
        "working offline: [PDF, {}](downloads/blank/questionnaire.pdf){{ download }} · "
        "[Word, {}](downloads/blank/questionnaire.docx){{ download }}.".format(
            _size(downloads["downloads/blank/questionnaire.pdf"]), _size(downloads["downloads/blank/questionnaire.docx"])),
        "",
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
    sample = f"downloads/example/{EXAMPLE}-plan.pdf"
    lines += [
        "",
        "## A sample plan",
        "",
        f"See what the assessment produces: the [setup plan for a fictional clinic, Riverside Sexual Health Clinic (PDF, {_size(downloads[sample])})]({sample}){{ download }}, "
        "made from the example answers that come with the toolkit.",
        "",
    ]
    return "\n".join(lines)


class ReadinessPlugin(BasePlugin):  # type: ignore[type-arg]
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        # Rebuild when the questionnaire, templates or wizard change under `mkdocs serve`.
        for folder in ("questionnaire", "templates", "builder/wizard"):
            path = str(ROOT / folder)
            if path not in config.watch:
                config.watch.append(path)
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        from .export import questionnaire_json

        try:
            q, _warnings = load_checked(Project(ROOT))
        except ReadinessError as exc:
            raise PluginError("the questionnaire has errors:\n" + "\n".join(str(p) for p in exc.problems)) from None
        data = questionnaire_json(q)
        self._add(files, config, "assets/questionnaire.json", data)
        # A classic script as well as JSON: pages opened from disk (file://) cannot fetch JSON.
        self._add(files, config, "assets/questionnaire.js", f"window.READINESS_QUESTIONNAIRE = {data.rstrip()};\n")
        self._generated_pages(files, config, q)
        shim = ROOT / "node_modules" / "iframe-worker" / "shim" / "index.js"
        if not shim.is_file():
            raise PluginError(f"{shim} is missing; run 'bash scripts/setup.sh' (npm ci) to install the site's browser assets")
        self._add(files, config, SHIM, shim.read_text(encoding="utf-8"))
        if WIZARD_DIR.is_dir():
            for path in sorted(WIZARD_DIR.iterdir()):
                if path.suffix in (".js", ".css") and not path.name.startswith(("_", "test")):
                    self._add(files, config, f"assets/wizard/{path.name}", path.read_text(encoding="utf-8"))
        return files

    def _generated_pages(self, files: Files, config: MkDocsConfig, q: Questionnaire) -> None:
        """The logic map and its diagram, and the templates page with its blank downloads."""
        from .logicmap import decision_tree, logic_map_markdown
        from .render.diagrams import svg

        self._add(files, config, "assets/logic-map.svg", svg(decision_tree(q)))
        self._add(files, config, "logic-map.md", logic_map_markdown(q, "assets/logic-map.svg"))
        downloads = self._downloads(q)
        for name, data in downloads.items():
            self._add(files, config, name, data)
        self._add(files, config, "templates.md", templates_markdown(q, downloads))
        from .crosswalk import crosswalk_markdown

        self._add(files, config, "standards.md", crosswalk_markdown(q))

    def _downloads(self, q: Questionnaire) -> dict[str, bytes]:
        """Blank templates (PDF, DOCX) and an example plan, rendered through the content-keyed cache."""
        import tempfile

        from .answers import load_answers
        from .engine import evaluate_plan
        from .render.pack import QUESTIONNAIRE, Cache, build_pack

        project = Project(ROOT)
        cache = Cache.for_project(project.root, project.templates_dir)
        out: dict[str, bytes] = {}
        with tempfile.TemporaryDirectory() as tmp:
            blank = Path(tmp) / "blank"
            result = build_pack(q, None, [QUESTIONNAIRE] + [t.id for t in q.templates], blank, project.templates_dir, cache, include_plan=False)
            example_dir = Path(tmp) / "example"
            af, _ = load_answers(ROOT / "examples" / f"{EXAMPLE}.yaml", q)
            example = build_pack(q, evaluate_plan(q, af), [], example_dir, project.templates_dir, cache, include_plan=True, docx=False)
            failed = result.failed + example.failed
            if failed:
                raise PluginError("documents failed to render: " + "; ".join(f"{n}: {e}" for n, e in failed))
            for path in result.written:
                out[f"downloads/blank/{path.name}"] = path.read_bytes()
            out[f"downloads/example/{EXAMPLE}-plan.pdf"] = (example_dir / "plan.pdf").read_bytes()
        return out

    @staticmethod
    def _add(files: Files, config: MkDocsConfig, uri: str, content: str | bytes) -> None:
        existing = files.get_file_from_path(uri)
        if existing is not None:
            files.remove(existing)
        files.append(File.generated(config, uri, content=content))
