"""The house style and Word rules the browser needs to write the command line's Word files itself (builder/wizard/word.js).

The command line makes a template's Word file with pandoc and builder/render/docx.py. The filled-in documents page
makes the same files in the browser, offline, from the same HTML; what it must not invent it takes from here: the
package parts of a real Word file made by the command line (styles, theme, fonts, settings, the list definitions),
the page setup, and docx.py's own tables of styles, column widths, row heights and field rules. One source: when
the house style or a rule changes in Python, the browser's Word files follow at the next site build.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from typing import Any

SAMPLE = """<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>Sample</title></head><body class="portrait">
<h1 class="doc-title">Sample</h1><ul><li>one</li></ul><ol><li>two</li></ol></body></html>"""
"""A document with one bulleted and one numbered list: its Word file holds every part the browser copies."""

KEPT = ("[Content_Types].xml", "_rels/.rels", "word/_rels/document.xml.rels", "word/styles.xml", "word/settings.xml",
        "word/webSettings.xml", "word/fontTable.xml", "word/theme/theme1.xml", "word/footnotes.xml", "word/comments.xml",
        "docProps/custom.xml")
"""The parts every Word file shares, copied as they are; the browser writes the document, numbering, header,
footer and properties for each file itself."""


def _numbering(document_xml: str, numbering_xml: str) -> dict[str, str]:
    """The list definitions pandoc uses for bullets and for numbers, and the numbering part without its instances."""
    from lxml import etree

    from builder.render.reference_docx import W

    doc = etree.fromstring(document_xml.encode())
    num = etree.fromstring(numbering_xml.encode())
    abstract_of = {n.get(f"{W}numId"): n.find(f"{W}abstractNumId").get(f"{W}val") for n in num.findall(f"{W}num")}
    used = [p.find(f"{W}pPr/{W}numPr/{W}numId").get(f"{W}val") for p in doc.iter(f"{W}p") if p.find(f"{W}pPr/{W}numPr") is not None]
    if len(used) != 2:
        raise RuntimeError(f"the sample Word file should have two list paragraphs, found {len(used)}")
    for n in num.findall(f"{W}num"):
        num.remove(n)
    return {"bullet": abstract_of[used[0]], "decimal": abstract_of[used[1]],
            "numbering": etree.tostring(num, xml_declaration=True, encoding="UTF-8", standalone=True).decode()}


def word_kit() -> dict[str, Any]:
    """Everything word.js reads, as plain data (needs the docx extra: pandoc and python-docx)."""
    from builder.render import docx
    from builder.render.reference_docx import page_setup, text_width

    data = docx.html_to_docx(SAMPLE)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        parts = {name: z.read(name).decode("utf-8") for name in KEPT}
        lists = _numbering(z.read("word/document.xml").decode("utf-8"), z.read("word/numbering.xml").decode("utf-8"))
        rels = parts["word/_rels/document.xml.rels"]
    header = re.search(r'Id="(rId\d+)"[^>]*relationships/header"', rels)
    footer = re.search(r'Id="(rId\d+)"[^>]*relationships/footer"', rels)
    if header is None or footer is None:
        raise RuntimeError("the sample Word file has no header or footer relationship")
    return {
        "parts": parts,
        "numbering": lists["numbering"],
        "bullet": lists["bullet"],
        "decimal": lists["decimal"],
        "page": {"portrait": page_setup(landscape=False, header_ref=header.group(1), footer_ref=footer.group(1)),
                 "landscape": page_setup(landscape=True, header_ref=header.group(1), footer_ref=footer.group(1))},
        "width": {"portrait": text_width(False), "landscape": text_width(True)},
        "styles": docx.STYLE_FOR_CLASS,
        "page_break_before": list(docx.PAGE_BREAK_BEFORE),
        "column_width_by_class": docx.COLUMN_WIDTH_BY_CLASS,
        "column_widths_by_table": docx.COLUMN_WIDTHS_BY_TABLE,
        "label_share": docx.LABEL_SHARE,
        "row_height_by_cell_class": docx.ROW_HEIGHT_BY_CELL_CLASS,
        "row_height_by_table": [list(x) for x in docx.ROW_HEIGHT_BY_TABLE],
        "placeholder_rpr": docx.PLACEHOLDER_RPR,
        "placeholder": docx.placeholder("{prompt}"),  # the blank's shown text, as a pattern: "[{prompt}]"
        "clinic_prompt": docx.CLINIC_PROMPT,
        "bind_clinic": docx.BIND_CLINIC,
        "date_label": docx.DATE_LABEL.pattern,
        "box": docx.BOX,
        "w14": docx.W14_NS,
        "mc": docx.MC_NS,
        "fixed_time": docx.FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def word_kit_script() -> str:
    """word_kit() as a classic script (pages opened from disk cannot fetch JSON)."""
    return f"window.READINESS_WORD_KIT = {json.dumps(word_kit(), sort_keys=True, ensure_ascii=False)};\n"
