"""Render many documents (PDF and DOCX from HTML) across cores, in workers that die with this process."""

from __future__ import annotations

import os
from concurrent.futures import as_completed
from pathlib import Path
from typing import Any

from builder.load.reference_doc import ReferenceDoc
from builder.output.pool import worker_pool
from builder.render.pdf import init_worker, render_job

Job = tuple[str, str, str]
"""(kind, name, html): kind is 'pdf' or 'docx'."""


def render_many(jobs: list[Job], templates_dir: Path, workers: int | None = None, on_done: Any = None,
                trust: ReferenceDoc | None = None) -> dict[tuple[str, str], tuple[bytes | None, str | None]]:
    """Render jobs across cores; each result is (bytes, None) or (None, error), keyed by (kind, name). Word files take
    their styles and page from `trust`, a Trust's reference document, when it is given."""
    results: dict[tuple[str, str], tuple[bytes | None, str | None]] = {}
    if not jobs:
        return results
    workers = max(1, min(workers or os.cpu_count() or 1, len(jobs)))
    # Longest first, so the big plan is not left running alone at the end; PDFs before DOCX.
    ordered = sorted(jobs, key=lambda j: (j[0] != "pdf", -len(j[2])))
    if workers == 1:
        init_worker(str(templates_dir), trust)
        for kind, name, html in ordered:
            _, _, data, err = render_job(kind, name, html)
            results[(kind, name)] = (data, err)
            if on_done:
                on_done(kind, name)
        return results
    with worker_pool(workers, ["builder.render.pdf", "weasyprint", "pypandoc"], init_worker, (str(templates_dir), trust)) as pool:
        futures = [pool.submit(render_job, kind, name, html) for kind, name, html in ordered]
        for fut in as_completed(futures):
            kind, name, data, err = fut.result()
            results[(kind, name)] = (data, err)
            if on_done:
                on_done(kind, name)
    return results
