"""The mkdocs plugin: everything the site needs from the questionnaire and templates, made at build time.

Nothing it makes is committed or written into guidance/: files are added to the build as
generated files, so `mkdocs build` and `mkdocs serve` need no extra command.
"""

from __future__ import annotations

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

from .errors import ReadinessError
from .load import ROOT, Project, load_checked

WIZARD_DIR = ROOT / "builder" / "wizard"


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
        if WIZARD_DIR.is_dir():
            for path in sorted(WIZARD_DIR.iterdir()):
                if path.suffix in (".js", ".css") and not path.name.startswith(("_", "test")):
                    self._add(files, config, f"assets/wizard/{path.name}", path.read_text(encoding="utf-8"))
        return files

    @staticmethod
    def _add(files: Files, config: MkDocsConfig, uri: str, content: str | bytes) -> None:
        existing = files.get_file_from_path(uri)
        if existing is not None:
            files.remove(existing)
        files.append(File.generated(config, uri, content=content))
