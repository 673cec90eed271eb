"""HTML to tagged PDF with WeasyPrint: nothing fetched from the network, fonts and CSS loaded once per process."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

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


def _init_worker(templates_dir: str) -> None:
    global _RENDERER
    _RENDERER = Renderer(Path(templates_dir))


def _render_job(kind: str, name: str, html: str) -> tuple[str, str, bytes | None, str | None]:
    """One job in a worker: ('pdf' | 'docx', name, html) -> (kind, name, bytes or None, error or None)."""
    try:
        if kind == "docx":
            from builder.render.docx import html_to_docx

            return kind, name, html_to_docx(html), None
        assert _RENDERER is not None
        return kind, name, _RENDERER.pdf(html), None
    except Exception as exc:  # reported by name; the other documents still render
        return kind, name, None, f"{type(exc).__name__}: {exc}"


Job = tuple[str, str, str]
"""(kind, name, html): kind is 'pdf' or 'docx'."""


def render_many(jobs: list[Job], templates_dir: Path, workers: int | None = None, on_done: Any = None) -> dict[tuple[str, str], tuple[bytes | None, str | None]]:
    """Render jobs across cores; each result is (bytes, None) or (None, error), keyed by (kind, name)."""
    results: dict[tuple[str, str], tuple[bytes | None, str | None]] = {}
    if not jobs:
        return results
    workers = max(1, min(workers or os.cpu_count() or 1, len(jobs)))
    # Longest first, so the big plan is not left running alone at the end; PDFs before DOCX.
    ordered = sorted(jobs, key=lambda j: (j[0] != "pdf", -len(j[2])))
    if workers == 1:
        _init_worker(str(templates_dir))
        for kind, name, html in ordered:
            _, _, data, err = _render_job(kind, name, html)
            results[(kind, name)] = (data, err)
            if on_done:
                on_done(kind, name)
        return results
    from concurrent.futures import as_completed

    from builder.output.pool import worker_pool  # workers die with this process, even if it is killed

    with worker_pool(workers, ["builder.render.pdf", "weasyprint", "pypandoc"], _init_worker, (str(templates_dir),)) as pool:
        futures = [pool.submit(_render_job, kind, name, html) for kind, name, html in ordered]
        for fut in as_completed(futures):
            kind, name, data, err = fut.result()
            results[(kind, name)] = (data, err)
            if on_done:
                on_done(kind, name)
    return results
