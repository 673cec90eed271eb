"""A Word file's structure, for comparing two Word files of the same document made different ways.

What a reader of the document meets, in order: headings with their level, paragraphs, list items with their
level and kind (bullet or number), tables with their header rows, spanned cells and each cell's content, and
every fill-in field (content control) with its kind and prompt, in the body, the header and the footer; plus the
file's title and language. Styles are left out on purpose: the house style is compared by being the same part.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
DC = "{http://purl.org/dc/elements/1.1/}"


def _text(el: Any) -> str:
    return " ".join("".join(t.text or "" for t in el.iter(f"{W}t")).split())


def _fields(el: Any) -> list[tuple[str, str]]:
    out = []
    for sdt in el.iter(f"{W}sdt"):
        pr = sdt.find(f"{W}sdtPr")
        tag, alias = pr.find(f"{W}tag"), pr.find(f"{W}alias")
        out.append((tag.get(f"{W}val") if tag is not None else "", alias.get(f"{W}val") if alias is not None else ""))
    return out


def _list_kinds(numbering: bytes | None) -> dict[str, str]:
    """numId -> the numFmt of its first level (bullet, decimal …)."""
    if numbering is None:
        return {}
    root = etree.fromstring(numbering)
    abstract = {a.get(f"{W}abstractNumId"): a.find(f"{W}lvl/{W}numFmt").get(f"{W}val") for a in root.findall(f"{W}abstractNum")}
    return {n.get(f"{W}numId"): abstract.get(n.find(f"{W}abstractNumId").get(f"{W}val"), "?") for n in root.findall(f"{W}num")}


def _paragraph(p: Any, kinds: dict[str, str]) -> tuple[str, ...] | None:
    text = _text(p)
    if not text and p.find(f".//{W}sdt") is None:
        return None  # an empty paragraph (a page-break mark, a spacer) is not content
    style = p.find(f"{W}pPr/{W}pStyle")
    style_id = style.get(f"{W}val") if style is not None else ""
    if style_id.startswith("Heading"):
        return ("heading", style_id[len("Heading"):], text)
    num = p.find(f"{W}pPr/{W}numPr")
    if num is not None:
        level, num_id = num.find(f"{W}ilvl").get(f"{W}val"), num.find(f"{W}numId").get(f"{W}val")
        return ("item", level, kinds.get(num_id, "?"), text)
    return ("paragraph", text)


def _blocks(parent: Any, kinds: dict[str, str]) -> list[Any]:
    out: list[Any] = []
    for child in parent:
        if child.tag == f"{W}p":
            para = _paragraph(child, kinds)
            if para is not None:
                out.append(para)
        elif child.tag == f"{W}tbl":
            rows = []
            for tr in child.findall(f"{W}tr"):
                cells = []
                for tc in tr.findall(f"{W}tc"):
                    span = tc.find(f"{W}tcPr/{W}gridSpan")
                    cells.append((int(span.get(f"{W}val")) if span is not None else 1, tuple(_blocks(tc, kinds))))
                rows.append((tr.find(f"{W}trPr/{W}tblHeader") is not None, tuple(cells)))
            out.append(("table", tuple(rows)))
        elif child.tag == f"{W}sdt":  # a block-level content control: its content is the document's
            content = child.find(f"{W}sdtContent")
            if content is not None:
                out.extend(_blocks(content, kinds))
    return out


def structure(data: bytes) -> dict[str, Any]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = set(z.namelist())
        body = etree.fromstring(z.read("word/document.xml")).find(f"{W}body")
        kinds = _list_kinds(z.read("word/numbering.xml") if "word/numbering.xml" in names else None)
        header = etree.fromstring(z.read("word/header1.xml"))
        footer = etree.fromstring(z.read("word/footer1.xml"))
        core = etree.fromstring(z.read("docProps/core.xml"))
    section = body.find(f"{W}sectPr")
    size = section.find(f"{W}pgSz") if section is not None else None
    return {
        "blocks": _blocks(body, kinds),
        "fields": _fields(body),
        "header": (_text(header), _fields(header)),
        "footer": (_text(footer), _fields(footer)),
        "title": core.findtext(f"{DC}title"),
        "language": core.findtext(f"{DC}language"),
        "subject": core.findtext(f"{DC}subject"),
        "page": None if size is None else (size.get(f"{W}w"), size.get(f"{W}h"), size.get(f"{W}orient")),
    }
