"""Editable DOCX from the same HTML as the PDF: pandoc with the house style, then Word's own fields and page setup.

Four steps, each a function here:
1. `prepare_html`: read the document details (title, clinic, version, review date, orientation) and
   turn what pandoc would drop (<header>, <footer>, classes on <p> and <ul>, definition lists laid
   out as forms) into plain divs and tables.
2. `add_fields` on pandoc's JSON AST: every fill-in blank becomes a content control with its prompt
   as placeholder text, every tick box a check-box content control, styled blocks get their Word
   style, and sections that start a new page in the PDF start one in Word.
3. pandoc writes the DOCX with the house style (`reference_docx.py`).
4. `finish`: header and footer on every page, A4 portrait or landscape, table column widths, row
   heights and header rows, title and language in the file's properties, reproducible zip.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from builder.load.reference_doc import Logo, Page, ReferenceDoc
from builder.render.reference_docx import W_NS, W, page_setup, reference_docx, rezip, sort_ppr, text_width, trust_reference_docx

REPRODUCIBLE_EPOCH = "1767225600"
"""2026-01-01: pandoc stamps this into the DOCX instead of the current time, so reruns are byte-identical."""

W14_NS = "http://schemas.microsoft.com/office/word/2010/wordml"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"

BOX = "☐"
DATE_LABEL = re.compile(r"(^|\b)date$", re.IGNORECASE)
"""A blank whose prompt ends in 'date' ("Start date", "date") gets a date picker."""

STYLE_FOR_CLASS = {
    "doc-clinic": "Clinic Name",
    "doc-status": "Document Status",
    "blank-note": "Blank Note",
    "note": "Note",
    "note-action": "Action Note",
    "small": "Small",
    "doc-footer": "Document Note",
    "q-asked": "Condition",
    "q-help": "Small",
    "q-note-label": "Small",
    "checklist": "Checklist",
}
"""HTML class -> Word paragraph style (defined in reference_docx.house_styles). Later classes win."""

PAGE_BREAK_BEFORE = ("appendix", "page-break", "q-domain")
"""Classes that start a new page in print.css (the first .q-domain excepted)."""

# Column widths and row heights from print.css, as fractions of the text width and millimetres.
COLUMN_WIDTH_BY_CLASS = {
    "label-col": 0.38, "col-wide": 0.28, "col-mid": 0.18, "col-narrow": 0.09, "col-num": 0.10, "col-step": 0.50,
    "col-date": 0.10, "col-ref": 0.09, "col-type": 0.10, "col-dur": 0.08, "col-topics": 0.26, "col-follow": 0.20,
    "col-flag": 0.085, "col-peer": 0.19, "col-no": 0.06,
}
COLUMN_WIDTHS_BY_TABLE = {
    "signatures": [0.22, 0.22, 0.20, 0.22, 0.14], "contacts": [0.30, 0.25, 0.25], "costs": [0.50, 0.30],
    "checks": [0.55, 0.30], "split": [0.30, 0.22], "details": [0.28, 0.72],
}
LABEL_SHARE = 0.34
"""In a table of label/value pairs, the labels' share of each pair's width."""
# The availability grid is 1 mm lower than in print.css: Word's 12 pt document details need the room to keep all eight rows on page one.
ROW_HEIGHT_BY_CELL_CLASS = {"tall": 22.0, "medium": 13.0, "entry": 7.5}
ROW_HEIGHT_BY_TABLE = [("availability", 7.5), ("matching", 8.5), ("log", 8.0), ("compact", 7.0), ("grid", 10.0), ("signatures", 11.0)]


# ---------------------------------------------------------------- 1. HTML


@dataclass
class DocMeta:
    """What the header, footer and file properties show."""

    title: str
    clinic: str | None
    clinic_prompt: str
    version: str | None
    review: str | None
    review_prompt: str
    landscape: bool
    language: str = "en-GB"


def _fill_prompt(el: Any) -> str | None:
    """The prompt of a fill-in blank inside el, without its square brackets; None if el is filled in."""
    fills = el.find_class("fill")
    if not fills:
        return None
    return str(fills[0].text_content()).strip().strip("[]").strip()


def _text(el: Any) -> str:
    return " ".join(str(el.text_content()).split())


def _dl_to_table(dl: Any, pairs_per_row: int, kind: str) -> Any:
    """A label/value definition list as a table with row headers: Word has no side-by-side definition lists."""
    from lxml import etree
    from lxml import html as lhtml

    table = lhtml.Element("table", {"class": f"details-table {kind}"})
    tbody = etree.SubElement(table, "tbody")
    pairs: list[tuple[Any, Any]] = []
    term = None
    for child in dl:
        if child.tag == "dt":
            term = child
        elif child.tag == "dd" and term is not None:
            pairs.append((term, child))
            term = None
    for start in range(0, len(pairs), pairs_per_row):
        tr = etree.SubElement(tbody, "tr")
        for dt_el, dd_el in pairs[start:start + pairs_per_row]:
            for tag, src, attrs in (("th", dt_el, {"scope": "row", "class": "rowhead"}), ("td", dd_el, {})):
                cell = etree.SubElement(tr, tag, attrs)
                cell.text = src.text
                for sub in src:
                    cell.append(sub)
        for _ in range(pairs_per_row - len(pairs[start:start + pairs_per_row])):
            etree.SubElement(tr, "td").text = "\u00a0"
            etree.SubElement(tr, "td").text = "\u00a0"
    table.tail = dl.tail
    return table


def prepare_html(html: str) -> tuple[str, DocMeta]:
    """The HTML pandoc should read for Word, and the document's details."""
    from lxml import html as lhtml

    root = lhtml.document_fromstring(html)
    body = root.find("body")
    assert body is not None, "a document has a body"

    def first(cls: str) -> Any:
        found = root.find_class(cls)
        return found[0] if found else None

    title_el = first("doc-title")
    clinic_el, version_el, review_el = first("doc-clinic"), first("doc-version"), first("doc-review")
    head_title = root.find(".//title")
    meta = DocMeta(
        title=_text(title_el) if title_el is not None else (_text(head_title) if head_title is not None else "Document"),
        clinic=None if clinic_el is None or _fill_prompt(clinic_el) is not None else _text(clinic_el),
        clinic_prompt=(_fill_prompt(clinic_el) if clinic_el is not None else None) or "Clinic name",
        version=None if version_el is None or _fill_prompt(version_el) is not None else _text(version_el),
        review=None if review_el is None or _fill_prompt(review_el) is not None else _text(review_el),
        review_prompt=(_fill_prompt(review_el) if review_el is not None else None) or "Review date",
        landscape="landscape" in (body.get("class") or "").split(),
        language=root.get("lang") or "en-GB",
    )

    # The title, stylesheet and script would become a Title paragraph or nothing; Word gets the title as a property.
    for el in root.xpath("//head/title | //head/link | //head/style | //script"):
        el.drop_tree()
    for el in root.find_class("pdf-only"):
        el.drop_tree()
    # pandoc drops <header>/<footer> with their content and keeps only a div's classes.
    for el in root.xpath("//header | //footer | //main | //section | //article | //aside | //nav"):
        el.tag = "div"
    # Label/value lists as tables, as many pairs to a row as the PDF sets side by side (more when landscape).
    for dl in root.xpath("//dl[contains(concat(' ', normalize-space(@class), ' '), ' doc-meta ') "
                         "or contains(concat(' ', normalize-space(@class), ' '), ' details ')]"):
        classes = (dl.get("class") or "").split()
        if "doc-meta" in classes:
            kind, pairs = "doc-meta", 3 if meta.landscape else 2
        elif "inline-details" in classes:
            kind, pairs = "details-pairs", 4 if meta.landscape else 2
        else:
            kind, pairs = ("details-pairs", 2) if meta.landscape else ("details", 1)
        dl.getparent().replace(dl, _dl_to_table(dl, pairs, kind))
    # Classes on <p> and <ul> are lost in pandoc's reader: carry them on a wrapping div.
    for el in root.xpath("//p[@class] | //ul[@class] | //ol[@class]"):
        wrapper = lhtml.Element("div", {"class": el.get("class")})
        del el.attrib["class"]
        el.addprevious(wrapper)
        wrapper.append(el)
    for th in root.xpath("//tbody//th"):
        th.set("class", ((th.get("class") or "") + " rowhead").strip())
    domains = root.find_class("q-domain")
    for cls in PAGE_BREAK_BEFORE:
        for el in root.find_class(cls):
            if not (cls == "q-domain" and domains and el is domains[0]):
                el.set("class", el.get("class", "") + " word-page-break")
    return lhtml.tostring(root, encoding="unicode", doctype="<!DOCTYPE html>"), meta


# ---------------------------------------------------------------- 2. AST


def _xml_text(text: str) -> str:
    return f'<w:t xml:space="preserve">{escape(text)}</w:t>'


def placeholder(prompt: str) -> str:
    """The text a fill-in field shows until someone fills it in: its prompt in square brackets, as the PDF prints it.

    Word shades placeholder text, but LibreOffice drops that shading when it prints, and shading alone vanishes on a
    grey-scale printer: the brackets and a dotted underline (PLACEHOLDER_RPR) still mark a blank, where a bare prompt
    ("Organisation or NHS Trust") would read as an answer.
    """
    return f"[{prompt}]"


@dataclass
class TableInfo:
    """What pandoc cannot say about a table, applied to the matching w:tbl afterwards (tables keep their order)."""

    classes: list[str]
    head_rows: int
    row_heights: list[float | None]
    rowhead_cells: list[tuple[int, int]]


@dataclass
class Fields:
    """Numbers content controls and collects table details while the AST is rewritten."""

    next_id: int = 1
    tables: list[TableInfo] = field(default_factory=list)

    def _id(self) -> int:
        self.next_id += 1
        return self.next_id

    def text(self, prompt: str, *, multiline: bool = False, kind: str = "text") -> str:
        """A plain-text (or date) content control showing `prompt` as placeholder text until filled in."""
        kind = "date" if kind == "text" and DATE_LABEL.search(prompt) else kind
        if kind == "date":
            choice = ('<w:date><w:dateFormat w:val="d MMMM yyyy"/><w:lid w:val="en-GB"/>'
                      '<w:storeMappedDataAs w:val="dateTime"/><w:calendar w:val="gregorian"/></w:date>')
        else:
            choice = '<w:text w:multiLine="1"/>' if multiline else "<w:text/>"
        alias = prompt[:60]
        binding = BIND_CLINIC if prompt == CLINIC_PROMPT and kind == "text" else ""
        return (f'<w:sdt><w:sdtPr><w:alias w:val={quoteattr(alias)}/><w:tag w:val="{kind}"/><w:id w:val="{self._id()}"/>'
                f"<w:showingPlcHdr/>{binding}{choice}</w:sdtPr>"
                f"<w:sdtContent><w:r>{PLACEHOLDER_RPR}{_xml_text(placeholder(prompt))}</w:r></w:sdtContent></w:sdt>")

    def checkbox(self, label: str) -> str:
        """A Word 2010 check-box content control, unticked, named by its label for screen readers."""
        font = '<w:rFonts w:ascii="MS Gothic" w:eastAsia="MS Gothic" w:hAnsi="MS Gothic" w:hint="eastAsia"/>'
        return (f'<w:sdt xmlns:w14="{W14_NS}"><w:sdtPr><w:rPr>{font}</w:rPr><w:alias w:val={quoteattr(label[:60] or "Tick box")}/>'
                f'<w:tag w:val="checkbox"/><w:id w:val="{self._id()}"/>'
                f'<w14:checkbox><w14:checked w14:val="0"/><w14:checkedState w14:val="2612" w14:font="MS Gothic"/>'
                f'<w14:uncheckedState w14:val="2610" w14:font="MS Gothic"/></w14:checkbox></w:sdtPr>'
                f"<w:sdtContent><w:r><w:rPr>{font}</w:rPr>{_xml_text(BOX)}</w:r></w:sdtContent></w:sdt>")


def _raw_inline(xml: str) -> dict[str, Any]:
    return {"t": "RawInline", "c": ["openxml", xml]}


def _raw_block(xml: str) -> dict[str, Any]:
    return {"t": "RawBlock", "c": ["openxml", xml]}


PLACEHOLDER_RPR = ('<w:rPr><w:rStyle w:val="PlaceholderText"/><w:color w:val="4A4A4A"/><w:u w:val="dotted" w:color="1F3B63"/>'
                   '<w:shd w:val="clear" w:color="auto" w:fill="E6EDF6"/></w:rPr>')
"""The style Word expects, plus its look as direct formatting for readers (LibreOffice) that drop the style on import."""

CLINIC_PROMPT = "Clinic name"
BIND_CLINIC = ('<w:dataBinding w:prefixMappings="xmlns:ns0=\'http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\'" '
               'w:xpath="/ns0:Properties[1]/ns0:Company[1]" w:storeItemID="{6668398D-A668-4E3E-A5EB-62B293D839F1}"/>')
"""Every blank clinic name is bound to the file's Company property, as Word's Quick Parts do it: type the
name once in Word and every copy, the running header's too, shows it."""

PAGE_BREAK_MARK = "WordPageBreak"
"""pStyle of an empty paragraph that `finish` turns into page-break-before on the paragraph after it."""


def stringify(node: Any) -> str:
    """The plain text of an AST fragment."""
    if isinstance(node, list):
        return "".join(stringify(n) for n in node)
    if isinstance(node, dict):
        kind = node.get("t")
        if kind == "Str":
            return str(node["c"])
        if kind in ("Space", "SoftBreak", "LineBreak"):
            return " "
        if kind in ("RawInline", "RawBlock"):
            return ""
        return stringify(node.get("c", []))
    return ""


def _attr(attr: list[Any]) -> tuple[list[str], dict[str, str]]:
    return list(attr[1]), {k: v for k, v in attr[2]}


def _split_boxes(text: str, fields: Fields, label: str) -> list[dict[str, Any]]:
    parts: list[dict[str, Any]] = []
    for i, piece in enumerate(text.split(BOX)):
        if i:
            parts.append(_raw_inline(fields.checkbox(label)))
        if piece:
            parts.append({"t": "Str", "c": piece})
    return parts


def _inlines(items: list[Any], fields: Fields) -> list[Any]:
    out: list[Any] = []
    for item in items:
        kind = item.get("t")
        if kind == "Span":
            classes, attrs = _attr(item["c"][0])
            if "fill" in classes:
                out.append(_raw_inline(fields.text(stringify(item["c"][1]).strip().strip("[]").strip())))
                continue
            if "field" in classes:
                out.append(_raw_inline(fields.text(attrs.get("data-prompt", "Enter text"), multiline=attrs.get("data-lines") == "many",
                                                   kind=attrs.get("data-kind", "text"))))
                continue
            if "check" in classes:
                label = stringify(item["c"][1]).replace(BOX, "").strip()
                inner = []
                for sub in item["c"][1]:
                    if sub.get("t") == "Span" and "box" in sub["c"][0][1]:
                        inner.append(_raw_inline(fields.checkbox(label)))
                    else:
                        inner.extend(_inlines([sub], fields))
                out.extend(inner)
                continue
            item["c"][1] = _inlines(item["c"][1], fields)
            out.append(item)
        elif kind == "Str" and BOX in item["c"]:
            out.extend(_split_boxes(item["c"], fields, "Tick box"))
        elif kind in ("Emph", "Strong", "Underline", "Strikeout", "SmallCaps", "Superscript", "Subscript"):
            item["c"] = _inlines(item["c"], fields)
            out.append(item)
        elif kind in ("Link",):
            item["c"][1] = _inlines(item["c"][1], fields)
            out.append(item)
        else:
            out.append(item)
    return out


def _row_height(cell_classes: list[str], table_classes: list[str]) -> float | None:
    for cls, mm in ROW_HEIGHT_BY_CELL_CLASS.items():
        if cls in cell_classes and (cls != "entry" or "form" in table_classes):
            return mm
    for cls, mm in ROW_HEIGHT_BY_TABLE:
        if cls in table_classes:
            return mm
    return None


def _table(node: dict[str, Any], fields: Fields) -> dict[str, Any]:
    attr, caption, colspecs, head, bodies, foot = node["c"]
    classes, _ = _attr(attr)
    caption[1] = _blocks(caption[1], fields)
    head_rows = head[1]
    rows: list[tuple[bool, Any]] = [(True, r) for r in head_rows]
    for body in bodies:
        rows += [(True, r) for r in body[2]] + [(False, r) for r in body[3]]
    rows += [(False, r) for r in foot[1]]
    heights: list[float | None] = []
    rowheads: list[tuple[int, int]] = []
    for r_index, (is_head, row) in enumerate(rows):
        height: float | None = None
        for c_index, cell in enumerate(row[1]):
            cell_classes, _ = _attr(cell[0])
            if "rowhead" in cell_classes:
                rowheads.append((r_index, c_index))
            if not is_head and "rowhead" not in cell_classes:
                h = _row_height(cell_classes, classes)
                height = max(height or 0.0, h) if h else height
            cell[4] = _blocks(cell[4], fields)
        heights.append(height)
    # Column widths as print.css gives them; the columns it leaves free share what is left.
    widths: list[float | None] = [None] * len(colspecs)
    by_table = next((COLUMN_WIDTHS_BY_TABLE[c] for c in classes if c in COLUMN_WIDTHS_BY_TABLE), None)
    if "doc-meta" in classes or "details-pairs" in classes:
        pair = 2 / len(colspecs)
        by_table = [pair * (LABEL_SHARE if i % 2 == 0 else 1 - LABEL_SHARE) for i in range(len(colspecs))]
    if by_table:
        widths[:len(by_table)] = by_table[:len(widths)]
    if head_rows:
        for i, cell in enumerate(head_rows[-1][1][:len(widths)]):
            w = next((COLUMN_WIDTH_BY_CLASS[c] for c in cell[0][1] if c in COLUMN_WIDTH_BY_CLASS), None)
            if w is not None:
                widths[i] = w
    if any(w is not None for w in widths):
        free = [i for i, w in enumerate(widths) if w is None]
        left = max(0.0, 1.0 - sum(w for w in widths if w is not None))
        for i in free:
            widths[i] = max(left / len(free), 0.04)
        total = sum(w for w in widths if w is not None)
        node["c"][2] = [[spec[0], {"t": "ColWidth", "c": (w or 0) / total}] for spec, w in zip(colspecs, widths)]
    fields.tables.append(TableInfo(classes, len(head_rows), heights, rowheads))
    return node


def _blocks(blocks: list[Any], fields: Fields) -> list[Any]:
    out: list[Any] = []
    for block in blocks:
        kind = block.get("t")
        if kind in ("Para", "Plain"):
            block["c"] = _inlines(block["c"], fields)
        elif kind == "Header":
            block["c"][2] = _inlines(block["c"][2], fields)
        elif kind == "Div":
            classes, attrs = _attr(block["c"][0])
            if "word-page-break" in classes:
                out.append(_raw_block(f'<w:p><w:pPr><w:pStyle w:val="{PAGE_BREAK_MARK}"/><w:pageBreakBefore/></w:pPr></w:p>'))
            if "lines" in classes:
                # Ruled lines to write on: in Word, one paragraph to type in, its prompt as placeholder.
                prompt = attrs.get("data-prompt", "Write your answer here")
                out.append({"t": "Div", "c": [["", [], [["custom-style", "Writing Space"]]],
                                              [{"t": "Para", "c": [_raw_inline(fields.text(prompt, multiline=True))]}]]})
                continue
            style = None
            for cls in classes:
                style = STYLE_FOR_CLASS.get(cls, style)
            if style:
                block["c"][0][2] = [*block["c"][0][2], ["custom-style", style]]
            if "checklist" in classes:
                # A list of tick boxes has no bullets in the PDF: one paragraph per box in Word.
                flat: list[Any] = []
                for inner in block["c"][1]:
                    if inner.get("t") == "BulletList":
                        for item in inner["c"]:
                            flat += [{"t": "Para", "c": b["c"]} if b.get("t") in ("Plain", "Para") else b for b in item]
                    else:
                        flat.append(inner)
                block["c"][1] = flat
            block["c"][1] = _blocks(block["c"][1], fields)
        elif kind in ("BulletList", "OrderedList"):
            items = block["c"] if kind == "BulletList" else block["c"][1]
            for i, item in enumerate(items):
                items[i] = _blocks(item, fields)
        elif kind == "BlockQuote":
            block["c"] = _blocks(block["c"], fields)
        elif kind == "DefinitionList":
            for term_defs in block["c"]:
                term_defs[0] = _inlines(term_defs[0], fields)
                term_defs[1] = [_blocks(d, fields) for d in term_defs[1]]
        elif kind == "Table":
            block = _table(block, fields)
        elif kind == "Figure":
            block["c"][2] = _blocks(block["c"][2], fields)
        out.append(block)
    return out


def add_fields(ast: dict[str, Any], fields: Fields) -> dict[str, Any]:
    """Content controls for blanks and tick boxes, Word styles for styled blocks, page-break marks."""
    ast["blocks"] = _blocks(ast["blocks"], fields)
    ast["meta"] = {}  # the title would become a Title paragraph; `finish` sets it as a property instead
    return ast


# ---------------------------------------------------------------- 3 and 4. DOCX


def _header_xml(meta: DocMeta, fields: Fields, page: Page | None = None) -> str:
    clinic = _run(meta.clinic) if meta.clinic else fields.text(meta.clinic_prompt)
    return (f'<w:p xmlns:w="{W_NS}"><w:pPr><w:pStyle w:val="Header"/><w:tabs><w:tab w:val="right" w:pos="{text_width(meta.landscape, page)}"/></w:tabs></w:pPr>'
            f"{clinic}<w:r><w:tab/></w:r>{_run(meta.title)}</w:p>")


def _run(text: str) -> str:
    return f"<w:r>{_xml_text(text)}</w:r>"


def _field(instr: str, shown: str) -> str:
    return (f'<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> {instr} </w:instrText></w:r>'
            f'<w:r><w:fldChar w:fldCharType="separate"/></w:r>{_run(shown)}<w:r><w:fldChar w:fldCharType="end"/></w:r>')


def _footer_xml(meta: DocMeta, fields: Fields, page: Page | None = None) -> str:
    review = _run(meta.review) if meta.review else fields.text(meta.review_prompt, kind="text")
    version = _run(meta.version) if meta.version else fields.text("Version")
    return (f'<w:p xmlns:w="{W_NS}"><w:pPr><w:pStyle w:val="Footer"/><w:tabs><w:tab w:val="right" w:pos="{text_width(meta.landscape, page)}"/></w:tabs></w:pPr>'
            f"{_run('Version ')}{version}{_run('  ·  Review date ')}{review}<w:r><w:tab/></w:r>"
            f"{_run('Page ')}{_field('PAGE', '1')}{_run(' of ')}{_field('NUMPAGES', '1')}</w:p>")


def _apply_tables(body: Any, infos: list[TableInfo], width: int) -> None:
    from lxml import etree

    tables = [t for t in body.iter(f"{W}tbl")]
    if len(tables) != len(infos):  # pragma: no cover - pandoc writes one w:tbl per table, in order
        raise RuntimeError(f"expected {len(infos)} tables in the DOCX, found {len(tables)}")
    mm = 56.6929
    for tbl, info in zip(tables, infos):
        tbl_pr = tbl.find(f"{W}tblPr")
        if "grid" in info.classes:
            style = tbl_pr.find(f"{W}tblStyle")
            style.set(f"{W}val", "GridTable")
        tbl_w = tbl_pr.find(f"{W}tblW")
        if tbl_w is not None:
            tbl_w.set(f"{W}type", "pct")
            tbl_w.set(f"{W}w", "5000")
        # pandoc sizes the grid for US Letter; a fixed-layout table takes these widths as they are.
        grid = tbl.findall(f"{W}tblGrid/{W}gridCol")
        total = sum(int(g.get(f"{W}w") or 0) for g in grid)
        if total:
            for g in grid:
                g.set(f"{W}w", str(round(int(g.get(f"{W}w") or 0) * width / total)))
        look = tbl_pr.find(f"{W}tblLook")
        if look is not None:
            look.set(f"{W}firstRow", "1" if info.head_rows else "0")
            look.set(f"{W}firstColumn", "0")
            look.set(f"{W}val", "0020" if info.head_rows else "0000")
        rows = tbl.findall(f"{W}tr")
        for r_index, tr in enumerate(rows):
            # Schema order in w:trPr: cantSplit, trHeight, tblHeader. Rows never split across pages, as in the PDF.
            tr_pr = tr.find(f"{W}trPr")
            if tr_pr is None:
                tr_pr = etree.Element(f"{W}trPr")
                tr.insert(0, tr_pr)
            header = r_index < info.head_rows or tr_pr.find(f"{W}tblHeader") is not None
            for child in list(tr_pr):
                if etree.QName(child).localname in ("cantSplit", "trHeight", "tblHeader"):
                    tr_pr.remove(child)
            props = [etree.Element(f"{W}cantSplit")]
            height = info.row_heights[r_index] if r_index < len(info.row_heights) else None
            if height:
                props.append(etree.Element(f"{W}trHeight", {f"{W}val": str(round(height * mm)), f"{W}hRule": "atLeast"}))
            if header:
                props.append(etree.Element(f"{W}tblHeader"))
            for i, prop in enumerate(props):
                tr_pr.insert(i, prop)
        after = tbl.getnext()
        if after is not None and after.tag == f"{W}p":  # the PDF's 4 mm below a table
            ppr = after.find(f"{W}pPr")
            if ppr is None:
                ppr = etree.Element(f"{W}pPr")
                after.insert(0, ppr)
            if ppr.find(f"{W}spacing") is None:
                etree.SubElement(ppr, f"{W}spacing", {f"{W}before": "200"})
                sort_ppr(ppr)
        for r_index, c_index in info.rowhead_cells:
            cells = rows[r_index].findall(f"{W}tc")
            if c_index >= len(cells):
                continue
            tc = cells[c_index]
            tc_pr = tc.find(f"{W}tcPr")
            if tc_pr is None:
                tc_pr = etree.Element(f"{W}tcPr")
                tc.insert(0, tc_pr)
            shd = etree.SubElement(tc_pr, f"{W}shd")
            shd.set(f"{W}val", "clear")
            shd.set(f"{W}color", "auto")
            shd.set(f"{W}fill", "F5F7FA")
            for run in tc.iter(f"{W}r"):
                r_pr = run.find(f"{W}rPr")
                if r_pr is None:
                    r_pr = etree.Element(f"{W}rPr")
                    run.insert(0, r_pr)
                if r_pr.find(f"{W}b") is None:
                    before = [c for c in r_pr if etree.QName(c).localname in ("rStyle", "rFonts")]
                    r_pr.insert(len(before), etree.Element(f"{W}b"))


def _apply_page_breaks(body: Any) -> None:
    for p in list(body.iter(f"{W}p")):
        style = p.find(f"{W}pPr/{W}pStyle")
        if style is None or style.get(f"{W}val") != PAGE_BREAK_MARK:
            continue
        nxt = p.getnext()
        while nxt is not None and nxt.tag in (f"{W}bookmarkStart", f"{W}bookmarkEnd"):
            nxt = nxt.getnext()
        if nxt is not None and nxt.tag == f"{W}p":
            from lxml import etree

            ppr = nxt.find(f"{W}pPr")
            if ppr is None:
                ppr = etree.Element(f"{W}pPr")
                nxt.insert(0, ppr)
            ppr.append(etree.Element(f"{W}pageBreakBefore"))
            sort_ppr(ppr)
            p.getparent().remove(p)
        else:  # before a table: the empty paragraph itself starts the page, one point high
            from lxml import etree

            ppr = p.find(f"{W}pPr")
            ppr.remove(style)
            etree.SubElement(ppr, f"{W}spacing", {f"{W}before": "0", f"{W}after": "0", f"{W}line": "20", f"{W}lineRule": "exact"})
            r_pr = etree.SubElement(ppr, f"{W}rPr")
            etree.SubElement(r_pr, f"{W}sz", {f"{W}val": "2"})
            sort_ppr(ppr)


def _tighten_title(body: Any) -> None:
    """A smaller title on wide forms, as print.css has it, so the grid starts on the first page."""
    from lxml import etree

    for p in body.iter(f"{W}p"):
        style = p.find(f"{W}pPr/{W}pStyle")
        if style is not None and style.get(f"{W}val") == "Heading1":
            for run in p.iter(f"{W}r"):
                r_pr = run.find(f"{W}rPr")
                if r_pr is None:
                    r_pr = etree.Element(f"{W}rPr")
                    run.insert(0, r_pr)
                for tag in ("sz", "szCs"):
                    etree.SubElement(r_pr, f"{W}{tag}", {f"{W}val": "30"})
            return


def _declare_w14(document_xml: bytes) -> bytes:
    """Declare Word 2010's namespace once at the top, marked ignorable, as Word writes it."""
    from lxml import etree

    root = etree.fromstring(document_xml)
    nsmap = {**root.nsmap, "w14": W14_NS, "mc": MC_NS}
    new = etree.Element(root.tag, nsmap=nsmap, attrib=dict(root.attrib))
    new.set(f"{{{MC_NS}}}Ignorable", "w14")
    new.extend(list(root))
    etree.cleanup_namespaces(new, top_nsmap=nsmap, keep_ns_prefixes=["w14", "mc"])
    return etree.tostring(new, xml_declaration=True, encoding="UTF-8", standalone=True)


FIXED_TIME = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def _put_logo(paragraph: Any, logo: Logo) -> None:
    """The Trust's logo first in the running header, at the size its reference document gives it, with its alternative text."""
    from docx.shared import Emu
    from lxml import etree

    run = paragraph.add_run()
    run.add_picture(io.BytesIO(logo.data), width=Emu(logo.width), height=Emu(logo.height))
    r = run._r
    r.getparent().remove(r)
    ppr = paragraph._p.find(f"{W}pPr")
    ppr.addnext(r)
    r.addnext(etree.fromstring(f'<w:r xmlns:w="{W_NS}"><w:t xml:space="preserve">  </w:t></w:r>'))
    for doc_pr in r.iter("{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"):
        doc_pr.set("descr", logo.description)


def finish(data: bytes, meta: DocMeta, fields: Fields, page: Page | None = None, logo: Logo | None = None) -> bytes:
    """Header, footer, page setup (the house A4, or a Trust reference document's page), tables and properties on pandoc's DOCX."""
    import docx
    from docx.oxml import parse_xml

    document = docx.Document(io.BytesIO(data))
    body = document.element.body
    _apply_page_breaks(body)
    _apply_tables(body, fields.tables, text_width(meta.landscape, page))
    if meta.landscape:
        _tighten_title(body)
    for old in body.findall(f"{W}sectPr"):
        body.remove(old)
    body.append(parse_xml(page_setup(landscape=meta.landscape, page=page).replace("<w:sectPr>", f'<w:sectPr xmlns:w="{W_NS}">', 1)))
    section = document.sections[0]
    for is_header, part, xml in ((True, section.header, _header_xml(meta, fields, page)), (False, section.footer, _footer_xml(meta, fields, page))):
        part.is_linked_to_previous = False
        element = part._element
        for child in list(element):
            element.remove(child)
        element.append(parse_xml(xml))
        if logo is not None and is_header:
            _put_logo(part.paragraphs[0], logo)
    props = document.core_properties
    props.title = meta.title
    props.language = meta.language
    props.subject = meta.clinic or ""
    props.author = "Peer Support Readiness Toolkit"
    props.last_modified_by = ""
    props.created = props.modified = FIXED_TIME.replace(tzinfo=None)
    props.revision = 1
    out = io.BytesIO()
    document.save(out)
    import zipfile

    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as z:
        doc_xml = z.read("word/document.xml")
    return rezip(out.getvalue(), {"word/document.xml": _declare_w14(doc_xml), "docProps/app.xml": _app_xml(meta)})


def _app_xml(meta: DocMeta) -> bytes:
    """Extended properties: the clinic as Company (what blank clinic-name fields are bound to), and none of
    pandoc's stale statistics from its own template."""
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
            'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
            f"<Application>Peer Support Readiness Toolkit</Application><Company>{escape(meta.clinic or '')}</Company>"
            "</Properties>").encode()


def _pandoc(source: str, fmt_from: str, fmt_to: str, extra: list[str], outputfile: str | None = None) -> str:
    import pypandoc

    env_before = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = REPRODUCIBLE_EPOCH
    try:
        return str(pypandoc.convert_text(source, fmt_to, format=fmt_from, outputfile=outputfile, extra_args=["--sandbox", *extra]))
    finally:
        if env_before is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = env_before


def html_to_docx(html: str, trust: ReferenceDoc | None = None) -> bytes:
    """The Word version of a rendered document: in the house style, or with a Trust's reference document's styles and page."""
    prepared, meta = prepare_html(html)
    fields = Fields()
    ast = add_fields(json.loads(_pandoc(prepared, "html", "json", [])), fields)
    with tempfile.TemporaryDirectory() as tmp:
        reference = Path(tmp) / "reference.docx"
        reference.write_bytes(reference_docx() if trust is None else trust_reference_docx(trust))
        out = Path(tmp) / "doc.docx"
        _pandoc(json.dumps(ast), "json", "docx", [f"--reference-doc={reference}"], outputfile=str(out))
        return finish(out.read_bytes(), meta, fields, trust.page if trust is not None else None, trust.logo if trust is not None else None)
