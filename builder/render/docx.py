"""Editable DOCX from the same HTML as the PDF, converted by pandoc (shipped in pypandoc-binary)."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

REPRODUCIBLE_EPOCH = "1767225600"
"""2026-01-01: pandoc stamps this into the DOCX instead of the current time, so reruns are byte-identical."""


def _for_word(html: str) -> str:
    # Word has no running headers from CSS; drop the stylesheet link and keep the content.
    return re.sub(r"<link[^>]*>", "", html)


def html_to_docx(html: str) -> bytes:
    import pypandoc

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "doc.docx"
        env_before = os.environ.get("SOURCE_DATE_EPOCH")
        os.environ["SOURCE_DATE_EPOCH"] = REPRODUCIBLE_EPOCH
        try:
            pypandoc.convert_text(_for_word(html), "docx", format="html", outputfile=str(out), extra_args=["--sandbox"])
        finally:
            if env_before is None:
                os.environ.pop("SOURCE_DATE_EPOCH", None)
            else:
                os.environ["SOURCE_DATE_EPOCH"] = env_before
        return out.read_bytes()
