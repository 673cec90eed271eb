"""The Word house style: pandoc's own reference.docx with the PDFs' look written into its styles.

Made by code, never by hand, so a change to the house style is a reviewable diff of this file.
`python -m builder.render.reference_docx OUT.docx` writes it out to open in Word or LibreOffice.

The font is Arial (Liberation Sans, its metric twin, where Arial is missing), 12 pt body text:
the size NHS and RNIB clear-print guidance gives as the minimum for documents people read.
Colours match templates/assets/print.css; every text colour passes WCAG AA contrast on its fill.
"""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from functools import lru_cache
from pathlib import Path

from lxml import etree

from builder.load.reference_doc import Page, ReferenceDoc

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"

FONT = "Arial"
INK = "1A1A1A"
NAVY = "1F3B63"
RULE = "9FB1C9"
GREY = "444444"
FIXED_ZIP_TIME = (2026, 1, 1, 0, 0, 0)
"""Every part of a generated .docx carries this time, so the same input gives the same bytes."""

# Sizes are in half-points (w:sz), spacing in twentieths of a point, borders in eighths of a point.
BODY_SIZE = 24
TABLE_SIZE = 22
GRID_SIZE = 18
SMALL_SIZE = 20
HEADER_SIZE = 18


def _border(side: str, colour: str, size: int, space: int = 4) -> str:
    return f'<w:{side} w:val="single" w:sz="{size}" w:space="{space}" w:color="{colour}"/>'


def _para_style(style_id: str, name: str, *, based_on: str = "BodyText", ppr: str = "", rpr: str = "",
                next_style: str | None = None, kind: str = "paragraph") -> str:
    nxt = f'<w:next w:val="{next_style}"/>' if next_style else ""
    based = f'<w:basedOn w:val="{based_on}"/>' if based_on else ""
    return (f'<w:style w:type="{kind}" w:customStyle="1" w:styleId="{style_id}"><w:name w:val="{name}"/>{based}{nxt}'
            f'<w:qFormat/>{f"<w:pPr>{ppr}</w:pPr>" if ppr else ""}{f"<w:rPr>{rpr}</w:rPr>" if rpr else ""}</w:style>')


def _heading(level: int, size: int, before: int, after: int, rule: bool = False) -> str:
    border = f"<w:pBdr>{_border('bottom', RULE, 6, 1)}</w:pBdr>" if rule else ""
    return (f'<w:style w:type="paragraph" w:styleId="Heading{level}"><w:name w:val="heading {level}"/>'
            f'<w:basedOn w:val="Normal"/><w:next w:val="BodyText"/><w:uiPriority w:val="9"/><w:qFormat/>'
            f'<w:pPr><w:keepNext/><w:keepLines/>{border}<w:spacing w:before="{before}" w:after="{after}" w:line="240" w:lineRule="auto"/>'
            f'<w:outlineLvl w:val="{level - 1}"/></w:pPr>'
            f'<w:rPr><w:b/><w:bCs/><w:color w:val="{NAVY}"/><w:sz w:val="{size}"/><w:szCs w:val="{size}"/></w:rPr></w:style>')


def _boxed(fill: str, left: str, around: str | None = None) -> str:
    def side(name: str) -> str:
        return _border(name, left, 18, 6) if name == "left" else _border(name, around, 6) if around else ""

    return (f"<w:pBdr>{''.join(side(n) for n in ('top', 'left', 'bottom', 'right'))}</w:pBdr>"
            f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/><w:ind w:left="170" w:right="170"/>')


def _table_style(style_id: str, name: str, size: int, side: int = 108) -> str:
    borders = "".join(_border(side, "555555", 5, 0) for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
    return (f'<w:style w:type="table" w:customStyle="1" w:styleId="{style_id}"><w:name w:val="{name}"/><w:basedOn w:val="TableNormal"/>'
            f'<w:uiPriority w:val="59"/><w:qFormat/>'
            f'<w:pPr><w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
            f'<w:rPr><w:sz w:val="{size}"/><w:szCs w:val="{size}"/></w:rPr>'
            f'<w:tblPr><w:tblBorders>{borders}</w:tblBorders>'
            f'<w:tblCellMar><w:top w:w="57" w:type="dxa"/><w:left w:w="{side}" w:type="dxa"/>'
            f'<w:bottom w:w="57" w:type="dxa"/><w:right w:w="{side}" w:type="dxa"/></w:tblCellMar></w:tblPr>'
            f'<w:trPr><w:cantSplit/></w:trPr>'
            f'<w:tblStylePr w:type="firstRow"><w:rPr><w:b/><w:bCs/><w:color w:val="111111"/></w:rPr>'
            f'<w:trPr><w:tblHeader/></w:trPr><w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="DDE5F0"/></w:tcPr></w:tblStylePr>'
            f'<w:tblStylePr w:type="firstCol"><w:rPr><w:b/><w:bCs/></w:rPr>'
            f'<w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="F5F7FA"/></w:tcPr></w:tblStylePr>'
            f"</w:style>")


def house_styles() -> list[str]:
    """Every style the house style defines or replaces, as WordprocessingML."""
    small = f'<w:sz w:val="{SMALL_SIZE}"/><w:szCs w:val="{SMALL_SIZE}"/>'
    return [
        '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/>'
        '<w:pPr><w:spacing w:before="0" w:after="120" w:line="276" w:lineRule="auto"/></w:pPr></w:style>',
        _para_style("BodyText", "Body Text", based_on="Normal", ppr='<w:spacing w:before="0" w:after="120"/>'),
        _para_style("FirstParagraph", "First Paragraph", next_style="BodyText"),
        _para_style("Compact", "Compact", ppr='<w:spacing w:before="0" w:after="60"/>'),
        _heading(1, 40, 0, 120),
        _heading(2, 30, 320, 120, rule=True),
        _heading(3, 26, 240, 80),
        _heading(4, 24, 200, 60),
        _para_style("Title", "Title", based_on="Heading1", next_style="BodyText"),
        _para_style("DefinitionTerm", "Definition Term", ppr='<w:keepNext/><w:spacing w:before="80" w:after="0"/>', rpr="<w:b/><w:bCs/>",
                    next_style="Definition"),
        _para_style("Definition", "Definition", ppr='<w:spacing w:before="0" w:after="80"/><w:ind w:left="340"/>'),
        _para_style("Caption", "caption", based_on="Normal", ppr='<w:spacing w:before="60" w:after="200"/>', rpr=f'<w:color w:val="333333"/>{small}'),
        _para_style("TableCaption", "Table Caption", based_on="Caption", ppr="<w:keepNext/>", rpr="<w:b/>"),
        _para_style("ImageCaption", "Image Caption", based_on="Caption"),
        _para_style("Header", "header", based_on="Normal", ppr='<w:spacing w:before="0" w:after="0"/>',
                    rpr=f'<w:color w:val="{GREY}"/><w:sz w:val="{HEADER_SIZE}"/><w:szCs w:val="{HEADER_SIZE}"/>'),
        _para_style("Footer", "footer", based_on="Header"),
        _para_style("ClinicName", "Clinic Name", ppr='<w:spacing w:before="0" w:after="60"/>',
                    rpr='<w:b/><w:bCs/><w:color w:val="333333"/><w:sz w:val="26"/><w:szCs w:val="26"/>'),
        _para_style("DocumentStatus", "Document Status", ppr=_boxed("F2F2F2", "666666") + '<w:spacing w:before="120" w:after="240"/>', rpr=small),
        _para_style("BlankNote", "Blank Note", based_on="DocumentStatus", ppr=_boxed("FFF4D6", "A06A00")),
        _para_style("Note", "Note", ppr=_boxed("F3F6FA", NAVY, RULE) + "<w:spacing w:after=\"80\"/>"),
        _para_style("ActionNote", "Action Note", based_on="Note", ppr=_boxed("FFF8E6", "A06A00", RULE)),
        _para_style("Condition", "Condition", ppr=_boxed("FFF8E1", "A85B00") + "<w:keepNext/>", rpr=small),
        _para_style("Small", "Small", rpr=small),
        _para_style("Checklist", "Checklist", based_on="Compact", ppr='<w:ind w:left="0"/>'),
        _para_style("DocumentNote", "Document Note", ppr=f"<w:pBdr>{_border('top', RULE, 6, 4)}</w:pBdr><w:spacing w:before=\"240\"/>",
                    rpr=f'<w:color w:val="{GREY}"/>{small}'),
        _para_style("WritingSpace", "Writing Space", ppr=f"<w:pBdr>{_border('bottom', '777777', 5, 1)}</w:pBdr>"
                    '<w:spacing w:before="120" w:after="160"/>'),
        _table_style("Table", "Table", TABLE_SIZE),
        # 1 mm inside a grid's cells, not 2: the availability chart's 21 day columns then hold "Wed" on one line.
        _table_style("GridTable", "Grid Table", GRID_SIZE, side=57),
        f'<w:style w:type="character" w:styleId="Hyperlink"><w:name w:val="Hyperlink"/><w:basedOn w:val="BodyTextChar"/>'
        f'<w:rPr><w:color w:val="{NAVY}"/><w:u w:val="single"/></w:rPr></w:style>',
        # Word's own name for the text a content control shows until someone fills it in: like the PDFs' fill-in
        # fields, a light tint and a dotted underline under the [bracketed prompt], dark enough grey to pass contrast.
        '<w:style w:type="character" w:styleId="PlaceholderText"><w:name w:val="Placeholder Text"/><w:uiPriority w:val="99"/>'
        '<w:rPr><w:color w:val="4A4A4A"/><w:u w:val="dotted" w:color="1F3B63"/><w:shd w:val="clear" w:color="auto" w:fill="E6EDF6"/></w:rPr></w:style>',
    ]


PPR_ORDER = ["pStyle", "keepNext", "keepLines", "pageBreakBefore", "widowControl", "numPr", "pBdr", "shd", "tabs",
             "spacing", "ind", "jc", "outlineLvl", "rPr"]
"""WordprocessingML's order for paragraph properties: Word refuses a file whose order is wrong."""


def sort_ppr(ppr: etree._Element) -> None:
    """Put a w:pPr's children in schema order (later settings of the same kind win)."""
    seen: dict[str, etree._Element] = {}
    for child in list(ppr):
        seen[etree.QName(child).localname] = child
        ppr.remove(child)
    for name in sorted(seen, key=lambda n: PPR_ORDER.index(n) if n in PPR_ORDER else len(PPR_ORDER)):
        ppr.append(seen[name])


def _w(xml: str) -> etree._Element:
    return etree.fromstring(f'<root xmlns:w="{W_NS}">{xml}</root>')[0]


def _restyle(styles_xml: bytes) -> bytes:
    root = etree.fromstring(styles_xml)
    # Explicit fonts everywhere: theme fonts would bring back pandoc's Cambria and Calibri.
    for fonts in root.iter(f"{W}rFonts"):
        for attr in list(fonts.attrib):
            if attr.endswith("Theme") or attr.endswith("theme"):
                del fonts.attrib[attr]
    defaults = root.find(f"{W}docDefaults")
    assert defaults is not None, "pandoc's reference.docx has docDefaults"
    for child in list(defaults):
        defaults.remove(child)
    defaults.append(_w(f'<w:rPrDefault><w:rPr><w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:eastAsia="{FONT}" w:cs="{FONT}"/>'
                       f'<w:color w:val="{INK}"/><w:sz w:val="{BODY_SIZE}"/><w:szCs w:val="{BODY_SIZE}"/>'
                       f'<w:lang w:val="en-GB" w:eastAsia="en-GB" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>'))
    defaults.append(_w('<w:pPrDefault><w:pPr><w:spacing w:after="120" w:line="276" w:lineRule="auto"/></w:pPr></w:pPrDefault>'))
    new = [_w(xml) for xml in house_styles()]
    for style in new:
        for ppr in style.iter(f"{W}pPr"):
            sort_ppr(ppr)
    ids = {s.get(f"{W}styleId") for s in new}
    for old in root.findall(f"{W}style"):
        if old.get(f"{W}styleId") in ids:
            root.remove(old)
    root.extend(new)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _a4(document_xml: bytes) -> bytes:
    root = etree.fromstring(document_xml)
    body = root.find(f"{W}body")
    assert body is not None
    for old in body.findall(f"{W}sectPr"):
        body.remove(old)
    body.append(_w(page_setup(landscape=False)))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


MM = 56.6929  # twentieths of a point per millimetre


def page_setup(*, landscape: bool, header_ref: str = "", footer_ref: str = "", page: Page | None = None) -> str:
    """Section properties: the house A4 with the PDFs' margins (22/18 mm portrait, 15 mm landscape), or a Trust's page turned as needed."""
    refs = (f'<w:headerReference w:type="default" r:id="{header_ref}"/>' if header_ref else "") + \
           (f'<w:footerReference w:type="default" r:id="{footer_ref}"/>' if footer_ref else "")
    ns = ' xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"' if refs else ""
    if page is not None:
        p = page.landscape() if landscape else page
        orient = ' w:orient="landscape"' if landscape else ""
        return (f"<w:sectPr{ns}>{refs}"
                f'<w:pgSz w:w="{p.width}" w:h="{p.height}"{orient}/>'
                f'<w:pgMar w:top="{p.top}" w:right="{p.right}" w:bottom="{p.bottom}" w:left="{p.left}" '
                f'w:header="{p.header}" w:footer="{p.footer}" w:gutter="0"/>'
                f"</w:sectPr>")
    if landscape:
        width, height, top, side, bottom, orient = 297, 210, 15, 15, 14, ' w:orient="landscape"'
    else:
        width, height, top, side, bottom, orient = 210, 297, 22, 18, 22, ""
    return (f"<w:sectPr{ns}>{refs}"
            f'<w:pgSz w:w="{round(width * MM)}" w:h="{round(height * MM)}"{orient}/>'
            f'<w:pgMar w:top="{round((top + 8) * MM)}" w:right="{round(side * MM)}" w:bottom="{round((bottom + 8) * MM)}" '
            f'w:left="{round(side * MM)}" w:header="{round(top * MM / 2)}" w:footer="{round(bottom * MM / 2)}" w:gutter="0"/>'
            f"</w:sectPr>")


def text_width(landscape: bool, page: Page | None = None) -> int:
    """The width between the margins, in twentieths of a point."""
    if page is not None:
        p = page.landscape() if landscape else page
        return p.width - p.left - p.right
    return round((297 - 30) * MM) if landscape else round((210 - 36) * MM)


def pandoc_default_reference() -> bytes:
    import pypandoc

    result = subprocess.run([pypandoc.get_pandoc_path(), "--print-default-data-file", "reference.docx"],
                            capture_output=True, check=True)
    return result.stdout


def rezip(data: bytes, replace: dict[str, bytes] | None = None) -> bytes:
    """The same parts in the same order, each stamped FIXED_ZIP_TIME: reproducible bytes."""
    replace = replace or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        names = src.namelist()
        # [Content_Types].xml first, as Office writes it.
        for name in sorted(names, key=lambda n: (n != "[Content_Types].xml", names.index(n))):
            info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            dst.writestr(info, replace.get(name, src.read(name)))
    return out.getvalue()


COMPATIBILITY_MODE = 15
"""Word 2013 and later. Without it Word opens a file in Compatibility Mode (pandoc's reference document names none)."""


def _compatibility(settings_xml: bytes) -> bytes:
    """word/settings.xml with w:compat/compatibilityMode, placed where the schema orders it (before w:rsids)."""
    root = etree.fromstring(settings_xml)
    for old in root.findall(f"{W}compat"):
        root.remove(old)
    compat = _w(f'<w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" '
                f'w:val="{COMPATIBILITY_MODE}"/></w:compat>')
    after = [f"{W}{n}" for n in ("rsids", "docVars")]
    anchor = next((child for child in root if child.tag in after or child.tag.startswith("{http://schemas.openxmlformats.org/officeDocument/2006/math}")), None)
    if anchor is not None:
        anchor.addprevious(compat)
    else:
        root.append(compat)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


@lru_cache(maxsize=1)
def reference_docx() -> bytes:
    """The house-style reference document pandoc reads with --reference-doc."""
    base = pandoc_default_reference()
    with zipfile.ZipFile(io.BytesIO(base)) as z:
        styles = z.read("word/styles.xml")
        document = z.read("word/document.xml")
        settings = z.read("word/settings.xml")
    return rezip(base, {"word/styles.xml": _restyle(styles), "word/document.xml": _a4(document), "word/settings.xml": _compatibility(settings)})


HEADINGS_KEPT_WITH_NEXT = ("Heading1", "Heading2", "Heading3", "Heading4")
"""Headings that stay with what follows them, whatever a Trust's styles say: a heading alone at a page's foot helps nobody."""


def _style_name(style: etree._Element) -> str:
    name = style.find(f"{W}name")
    return (name.get(f"{W}val") or "").lower() if name is not None else ""


def _merge_styles(house_xml: bytes, trust_xml: bytes) -> bytes:
    """The house styles with a Trust's over them.

    A Trust style replaces the house style of the same name (Word's names, case aside, such as 'heading 1'), taking
    the house's style id so the documents' paragraphs find it; styles only the Trust has are added; the Trust's
    document defaults (font, size, colour) replace the house's. Styles only the house has (the forms' own, such as
    'Clinic Name' or 'Writing Space') stay, and now inherit the Trust's defaults.
    """
    import copy

    house = etree.fromstring(house_xml)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, remove_comments=True)
    trust = etree.fromstring(trust_xml, parser)
    by_name = {(s.get(f"{W}type"), _style_name(s)): s.get(f"{W}styleId") for s in house.findall(f"{W}style")}
    renamed: dict[str, str] = {}
    styles = [copy.deepcopy(s) for s in trust.findall(f"{W}style")]
    for style in styles:
        house_id = by_name.get((style.get(f"{W}type"), _style_name(style)))
        if house_id and style.get(f"{W}styleId") != house_id:
            renamed[style.get(f"{W}styleId") or ""] = house_id
            style.set(f"{W}styleId", house_id)
    for style in styles:
        for ref in ("basedOn", "next", "link"):
            el = style.find(f"{W}{ref}")
            if el is not None and el.get(f"{W}val") in renamed:
                el.set(f"{W}val", renamed[el.get(f"{W}val") or ""])
        if style.get(f"{W}styleId") in ("Header", "Footer"):
            for tabs in style.findall(f"{W}pPr/{W}tabs"):  # Word's centre and right stops; the running lines set their own
                tabs.getparent().remove(tabs)
        if style.get(f"{W}styleId") in HEADINGS_KEPT_WITH_NEXT:
            ppr = style.find(f"{W}pPr")
            if ppr is None:
                ppr = etree.SubElement(style, f"{W}pPr")
                rpr = style.find(f"{W}rPr")
                if rpr is not None:
                    rpr.addprevious(ppr)
            if ppr.find(f"{W}keepNext") is None:
                ppr.append(etree.Element(f"{W}keepNext"))
                sort_ppr(ppr)
    ids = {(s.get(f"{W}type"), s.get(f"{W}styleId")) for s in styles}
    for old in house.findall(f"{W}style"):
        if (old.get(f"{W}type"), old.get(f"{W}styleId")) in ids:
            house.remove(old)
    house.extend(styles)
    defaults = trust.find(f"{W}docDefaults")
    if defaults is not None:
        defaults = copy.deepcopy(defaults)
        r_pr = defaults.find(f"{W}rPrDefault/{W}rPr")
        if r_pr is not None and r_pr.find(f"{W}lang") is None:
            r_pr.append(_w('<w:lang w:val="en-GB" w:eastAsia="en-GB" w:bidi="ar-SA"/>'))
        old_defaults = house.find(f"{W}docDefaults")
        if old_defaults is not None:
            old_defaults.addprevious(defaults)
            house.remove(old_defaults)
        else:
            house.insert(0, defaults)
    return bytes(etree.tostring(house, xml_declaration=True, encoding="UTF-8", standalone=True))


@lru_cache(maxsize=4)
def trust_reference_docx(trust: ReferenceDoc) -> bytes:
    """The reference document pandoc reads when a Trust gives its own: the house one with the Trust's styles and theme."""
    house = reference_docx()
    with zipfile.ZipFile(io.BytesIO(house)) as z:
        styles = z.read("word/styles.xml")
        names = z.namelist()
    replace = {"word/styles.xml": _merge_styles(styles, trust.styles)}
    if trust.theme is not None and "word/theme/theme1.xml" in names:
        replace["word/theme/theme1.xml"] = trust.theme
    return rezip(house, replace)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m builder.render.reference_docx OUT.docx", file=sys.stderr)
        return 2
    Path(argv[0]).write_bytes(reference_docx())
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
