"""HTML to tagged PDF with WeasyPrint: nothing fetched from the network, fonts and CSS loaded once per process."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from builder.load.reference_doc import ReferenceDoc

PDF_VARIANT = "pdf/ua-1"
"""PDF/UA-1: tagged structure, title and language, so screen readers can read the documents."""


def load_weasyprint() -> None:
    """Import WeasyPrint, once per process, without its slow search for libraries.

    WeasyPrint loads Pango, HarfBuzz and fontconfig by trying several names for each; through cffi, every name that
    is not the library's real file name runs ctypes.util.find_library, which starts `ldconfig -p` (and the linker)
    as new processes: about 80 of them, a tenth of a second of every PDF command's start (0.37 s to import, 0.25 s
    without them), and more from a large review's writer. The real names (libpango-1.0.so.0, libpango-1.0.dylib, libpango-1.0-0.dll) are on each of
    WeasyPrint's lists and load directly, so the search is switched off while it imports; should that fail on some
    machine, the import runs again with the search, as WeasyPrint itself would (tests/test_pdf_import.py)."""
    import sys

    if "weasyprint" in sys.modules:
        return
    import contextlib
    import ctypes.util
    import io

    search = ctypes.util.find_library
    try:
        ctypes.util.find_library = _no_search
        with contextlib.redirect_stdout(io.StringIO()):  # WeasyPrint prints its installation advice before raising
            import weasyprint  # noqa: F401
        return
    except OSError:
        for name in [m for m in sys.modules if m == "weasyprint" or m.startswith("weasyprint.")]:
            del sys.modules[name]
    finally:
        ctypes.util.find_library = search
    import weasyprint  # noqa: F401, F811 - a machine whose libraries have other names: WeasyPrint's own search


def _no_search(name: str) -> None:
    return None


def fetcher_class() -> type:
    load_weasyprint()
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
        load_weasyprint()
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
