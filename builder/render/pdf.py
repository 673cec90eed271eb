"""HTML to tagged PDF with WeasyPrint: nothing fetched from the network, fonts and CSS loaded once per process."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from builder.load.reference_doc import ReferenceDoc

PDF_VARIANT = "pdf/ua-1"
"""PDF/UA-1: tagged structure, title and language, so screen readers can read the documents."""


def fetcher_class() -> type:
    from weasyprint.urls import URLFetcher, URLFetchingError

    class LocalOnlyFetcher(URLFetcher):  # type: ignore[misc]
        """Serves data: URLs and files inside the templates folder; refuses everything else.

        No http(s), no ftp, no file:// outside templates/: a document can never make
        the renderer reach the network or read the machine's other files.
        """

        def __init__(self, root: Path):
            super().__init__(allowed_protocols=("data", "file"), allow_redirects=False)
            self.root = root.resolve()
            self.refused: list[str] = []

        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            if url.startswith("file:"):
                from urllib.parse import unquote, urlparse

                path = Path(unquote(urlparse(url).path)).resolve()
                if path.is_relative_to(self.root) and path.is_file():
                    return super().fetch(url, headers)
            self.refused.append(url)
            raise URLFetchingError(f"refused to fetch {url}: documents may only use files inside templates/")

    return LocalOnlyFetcher


class Renderer:
    """Holds the parsed stylesheet and font configuration: build one per process, render many."""

    def __init__(self, templates_dir: Path):
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        self.templates_dir = templates_dir.resolve()
        self.fetcher = fetcher_class()(self.templates_dir)
        self.fonts = FontConfiguration()
        css_path = self.templates_dir / "assets" / "print.css"
        self.css = CSS(filename=str(css_path), font_config=self.fonts, url_fetcher=self.fetcher)

    def pdf(self, html: str) -> bytes:
        from weasyprint import HTML

        doc = HTML(string=html, base_url=str(self.templates_dir) + os.sep, url_fetcher=self.fetcher)
        return doc.write_pdf(stylesheets=[self.css], font_config=self.fonts, pdf_variant=PDF_VARIANT,
                             uncompressed_pdf=False, custom_metadata=False)  # type: ignore[no-any-return]


_RENDERER: Renderer | None = None
_TRUST: ReferenceDoc | None = None
"""The Trust's reference document every Word file of this run takes its styles from (None: the house style)."""


def init_worker(templates_dir: str, trust: ReferenceDoc | None = None) -> None:
    global _RENDERER, _TRUST
    _RENDERER = Renderer(Path(templates_dir))
    _TRUST = trust


def render_job(kind: str, name: str, html: str) -> tuple[str, str, bytes | None, str | None]:
    """One job in a worker: ('pdf' | 'docx', name, html) -> (kind, name, bytes or None, error or None)."""
    try:
        if kind == "docx":
            from builder.render.docx import html_to_docx

            return kind, name, html_to_docx(html, _TRUST), None
        assert _RENDERER is not None
        return kind, name, _RENDERER.pdf(html), None
    except Exception as exc:  # reported by name; the other documents still render
        return kind, name, None, f"{type(exc).__name__}: {exc}"
