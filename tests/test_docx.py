"""Word documents: house style, fields for every blank, header and footer, page setup, properties, and LibreOffice's view."""

from __future__ import annotations

import html as html_lib
import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from builder.checks.project import load_questionnaire
from builder.core.engine import evaluate_plan
from builder.load.project import ROOT
from builder.output.pack import QUESTIONNAIRE, questionnaire_html
from builder.render.documents import render_template
from builder.render.docx import BOX, html_to_docx
from builder.render.reference_docx import main as reference_main
from builder.render.reference_docx import reference_docx, text_width

from .conftest import TEMPLATE_IDS

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
W14 = "{http://schemas.microsoft.com/office/word/2010/wordml}"
TEMPLATES = ROOT / "templates"
LANDSCAPE = {"availability_chart", "work_log"}
"""The wide forms: landscape in print.css, so landscape in Word too."""
CLINIC = "Riverside Sexual Health Clinic"


def part(data: bytes, name: str) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return etree.fromstring(z.read(name))


def text_of(el: etree._Element) -> str:
    return "".join(t.text or "" for t in el.iter(f"{W}t"))


def sdts(root: etree._Element) -> list[etree._Element]:
    return list(root.iter(f"{W}sdt"))


def kind(sdt: etree._Element) -> str:
    pr = sdt.find(f"{W}sdtPr")
    assert pr is not None
    if pr.find(f"{W14}checkbox") is not None:
        return "checkbox"
    return "date" if pr.find(f"{W}date") is not None else "text"


SAMPLE = """<!DOCTYPE html><html lang="en-GB"><head><title>T</title><link rel="stylesheet" href="x.css"></head>
<body class="{body}"><header class="doc-header"><p class="doc-clinic">{clinic}</p><h1 class="doc-title">Sample policy</h1>
<dl class="doc-meta"><dt>Version</dt><dd class="doc-version">1.0</dd><dt>Review date</dt><dd class="doc-review"><span class="fill">[Review date]</span></dd></dl>
<p class="doc-status blank-note">Blank: <span class="pdf-only">replace every [bracketed field]</span><span class="word-only">fill in every [bracketed field]</span>.</p></header>
<main><h2>Who</h2><p>Ask <span class="fill">[Co-ordinator's name]</span> by <span class="fill">[Start date]</span>.</p>
<p><span class="check"><span class="box">☐</span>&#160;Yes</span> <span class="check"><span class="box">☐</span>&#160;No</span> and a bare ☐.</p>
<table class="signatures"><thead><tr><th scope="col">Signed for</th><th scope="col">Name</th><th scope="col">Role</th><th scope="col">Signature</th><th scope="col">Date</th></tr></thead>
<tbody><tr><th scope="row">Peer</th><td><span class="field" data-prompt="Name" data-kind="text">&#160;</span></td><td>&#160;</td><td>&#160;</td>
<td><span class="field" data-prompt="Date" data-kind="date">&#160;</span></td></tr></tbody></table>
<section class="appendix"><h2>Form</h2><div class="lines" data-prompt="Notes"><p class="line">&#160;</p></div>
<p><img src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==" alt="A dot"></p></section>
</main><footer class="doc-footer"><p>Adapted from the toolkit.</p></footer></body></html>"""


def sample(body: str = "portrait", clinic: str = '<span class="fill">[Clinic name]</span>') -> bytes:
    return html_to_docx(SAMPLE.format(body=body, clinic=clinic))


# ------------------------------------------------------------------ one document, in detail


def test_blanks_become_content_controls_with_their_prompt_as_placeholder() -> None:
    doc = part(sample(), "word/document.xml")
    found = {(kind(s), text_of(s).strip("[]")) for s in sdts(doc)}
    assert all(re.fullmatch(r"\[[^\[\]]+\]", text_of(s)) for s in sdts(doc) if kind(s) != "checkbox"), "every blank shows its [prompt]"
    for s in sdts(doc):
        if kind(s) != "checkbox":
            run = s.find(f"{W}sdtContent/{W}r/{W}rPr")
            assert run is not None and run.find(f"{W}u").get(f"{W}val") == "dotted", "underlined, not shaded alone"  # type: ignore[union-attr]
    assert ("text", "Clinic name") in found
    assert ("text", "Co-ordinator's name") in found
    assert ("date", "Start date") in found, "a blank whose prompt ends in 'date' gets a date picker"
    assert ("date", "Date") in found and ("text", "Name") in found, "signature-table cells are fields"
    assert ("text", "Notes") in found, "lines to write on become one multi-line field"
    for s in sdts(doc):
        pr = s.find(f"{W}sdtPr")
        assert pr is not None and pr.find(f"{W}id") is not None and pr.find(f"{W}alias") is not None
        if kind(s) != "checkbox":
            assert pr.find(f"{W}showingPlcHdr") is not None, "the prompt shows as placeholder text"
    ids = [s.find(f"{W}sdtPr/{W}id").get(f"{W}val") for s in sdts(doc)]  # type: ignore[union-attr]
    assert len(ids) == len(set(ids)), "content-control ids are unique"
    outside = etree.fromstring(etree.tostring(doc))
    for s in list(outside.iter(f"{W}sdt")):
        s.getparent().remove(s)  # type: ignore[union-attr]
    assert not re.search(r"\[(?!bracketed field\])[^\]]+\]", text_of(outside)), "every [bracketed] blank is a field"
    assert "fill in every [bracketed field]" in text_of(doc) and "replace every" not in text_of(doc)


def test_tick_boxes_are_check_box_content_controls() -> None:
    doc = part(sample(), "word/document.xml")
    boxes = [s for s in sdts(doc) if kind(s) == "checkbox"]
    assert len(boxes) == 3, "two labelled boxes and a bare one"
    labels = [b.find(f"{W}sdtPr/{W}alias").get(f"{W}val") for b in boxes]  # type: ignore[union-attr]
    assert labels == ["Yes", "No", "Tick box"], "a screen reader announces each box by its label"
    for box in boxes:
        state = box.find(f"{W}sdtPr/{W14}checkbox/{W14}checked")
        assert state is not None and state.get(f"{W14}val") == "0"
        assert text_of(box) == BOX
    assert doc.nsmap.get("w14") == W14[1:-1], "Word 2010's namespace is declared on the document"


def test_header_and_footer_on_every_page() -> None:
    data = sample(clinic='A &lt;b&gt; &amp; "clinic"')
    doc = part(data, "word/document.xml")
    sect = doc.find(f"{W}body/{W}sectPr")
    assert sect is not None
    assert sect.find(f"{W}headerReference") is not None and sect.find(f"{W}footerReference") is not None
    assert sect.find(f"{W}titlePg") is None, "the first page has the same header as the others"
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        header = etree.fromstring(z.read(next(n for n in z.namelist() if n.startswith("word/header"))))
        footer = etree.fromstring(z.read(next(n for n in z.namelist() if n.startswith("word/footer"))))
    assert text_of(header) == 'A <b> & "clinic"Sample policy', "clinic names stay literal text"
    assert "Version 1.0" in text_of(footer) and "Review date" in text_of(footer)
    instructions = [i.text.strip() for i in footer.iter(f"{W}instrText") if i.text]
    assert instructions == ["PAGE", "NUMPAGES"], "Page X of Y are fields"
    assert [kind(s) for s in sdts(footer)] == ["date"], "a blank review date is a field in the footer too"


def test_blank_clinic_in_the_header_is_a_field_bound_to_the_others() -> None:
    data = sample()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        header = etree.fromstring(z.read(next(n for n in z.namelist() if n.startswith("word/header"))))
    assert [text_of(s) for s in sdts(header)] == ["[Clinic name]"]
    clinic_fields = [s for s in [*sdts(header), *sdts(part(data, "word/document.xml"))] if text_of(s) == "[Clinic name]"]
    assert len(clinic_fields) == 2
    for s in clinic_fields:
        binding = s.find(f"{W}sdtPr/{W}dataBinding")
        assert binding is not None and binding.get(f"{W}xpath") == "/ns0:Properties[1]/ns0:Company[1]", "typed once, shown everywhere"
    app = "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}"
    assert part(data, "docProps/app.xml").findtext(f"{app}Company") == ""
    assert part(sample(clinic="Riverside &amp; Co"), "docProps/app.xml").findtext(f"{app}Company") == "Riverside & Co"


@pytest.mark.parametrize(("body", "landscape"), [("portrait", False), ("landscape", True)])
def test_orientation_and_a4(body: str, landscape: bool) -> None:
    size = part(sample(body), "word/document.xml").find(f"{W}body/{W}sectPr/{W}pgSz")
    assert size is not None
    width, height = int(size.get(f"{W}w") or 0), int(size.get(f"{W}h") or 0)
    assert sorted((width, height)) == [11906, 16838], "A4"
    assert (width > height) is landscape
    assert (size.get(f"{W}orient") == "landscape") is landscape
    doc = part(sample(body), "word/document.xml")
    for grid in doc.iter(f"{W}tblGrid"):
        total = sum(int(g.get(f"{W}w") or 0) for g in grid)
        assert abs(total - text_width(landscape)) <= len(grid), "tables span the page between the margins"


def test_page_break_before_a_section_that_starts_a_page_in_the_pdf() -> None:
    doc = part(sample(), "word/document.xml")
    breaks = [p for p in doc.iter(f"{W}p") if p.find(f"{W}pPr/{W}pageBreakBefore") is not None]
    assert [text_of(p) for p in breaks] == ["Form"]
    assert breaks[0].find(f"{W}pPr/{W}pStyle").get(f"{W}val") == "Heading2"  # type: ignore[union-attr]


def test_accessible_structure_and_properties() -> None:
    data = sample()
    doc = part(data, "word/document.xml")
    styles = [p.get(f"{W}val") for p in doc.iter(f"{W}pStyle")]
    assert styles.count("Heading1") == 1 and styles.count("Heading2") == 2, "real heading styles"
    header_rows = [t for t in doc.iter(f"{W}tbl") if t.find(f"{W}tr/{W}trPr/{W}tblHeader") is not None]
    assert len(header_rows) == 1, "the signature table's header row repeats and is marked as a header"
    assert all(p.get("descr") for p in doc.iter("{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"))
    core = part(data, "docProps/core.xml")
    dc = "{http://purl.org/dc/elements/1.1/}"
    assert core.findtext(f"{dc}title") == "Sample policy"
    assert core.findtext(f"{dc}language") == "en-GB"
    assert "Sample policy" not in text_of(doc).replace("Sample policy", "", 1), "the title is not repeated as a Title paragraph"


def test_same_html_gives_the_same_bytes() -> None:
    assert sample() == sample()
    with zipfile.ZipFile(io.BytesIO(sample())) as z:
        assert {info.date_time for info in z.infolist()} == {(2026, 1, 1, 0, 0, 0)}


def test_reference_doc_is_the_house_style(tmp_path: Path) -> None:
    ref = reference_docx()
    styles = part(ref, "word/styles.xml")
    by_id = {s.get(f"{W}styleId"): s for s in styles.iter(f"{W}style")}
    defaults = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")
    assert defaults is not None
    assert defaults.find(f"{W}rFonts").get(f"{W}ascii") == "Arial"  # type: ignore[union-attr]
    assert defaults.find(f"{W}sz").get(f"{W}val") == "24", "12 pt body text"  # type: ignore[union-attr]
    assert defaults.find(f"{W}lang").get(f"{W}val") == "en-GB"  # type: ignore[union-attr]
    assert not [f for f in styles.iter(f"{W}rFonts") if any(a.endswith("Theme") for a in f.attrib)], "no theme fonts"
    table = by_id["Table"]
    assert table.find(f"{W}tblPr/{W}tblBorders/{W}insideH") is not None, "tables have borders"
    first_row = next(p for p in table.iter(f"{W}tblStylePr") if p.get(f"{W}type") == "firstRow")
    assert first_row.find(f"{W}tcPr/{W}shd").get(f"{W}fill") == "DDE5F0", "shaded header row"  # type: ignore[union-attr]
    for style_id in ("Heading1", "Heading2", "Heading3", "Caption", "TableCaption", "ImageCaption", "Compact",
                     "Header", "Footer", "Note", "DocumentStatus", "PlaceholderText", "Hyperlink"):
        assert style_id in by_id, style_id
    assert reference_docx.__wrapped__() == ref, "generated, reproducibly, by code"
    out = tmp_path / "reference.docx"
    assert reference_main([str(out)]) == 0 and out.read_bytes() == ref


# ------------------------------------------------------------------ every document the toolkit makes


def every_html() -> dict[str, str]:
    """name -> HTML for each blank template, the paper questionnaire and each tailored template of an example."""
    q = load_questionnaire()
    from builder.load.answers import load_answers

    af, _ = load_answers(ROOT / "examples" / "riverside.yaml", q)
    plan = evaluate_plan(q, af)
    docs = {f"blank-{t}": render_template(q, TEMPLATES, t, None, link_stylesheet=False) for t in TEMPLATE_IDS}
    docs[f"blank-{QUESTIONNAIRE}"] = questionnaire_html(q, TEMPLATES, link_stylesheet=False)
    docs.update({f"tailored-{t}": render_template(q, TEMPLATES, t, plan, link_stylesheet=False) for t in plan["templates"]})
    return docs


@pytest.fixture(scope="module")
def word_pack(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    from builder.output.rendering import render_many

    out = tmp_path_factory.mktemp("word")
    docs = every_html()
    # The pack's own path: DOCX jobs rendered across cores.
    for (_, name), (data, err) in render_many([("docx", name, html) for name, html in docs.items()], TEMPLATES).items():
        assert data is not None, f"{name}: {err}"
        (out / f"{name}.docx").write_bytes(data)
    return out, docs


@pytest.mark.slow
def test_every_blank_and_tick_box_is_a_field(word_pack: tuple[Path, dict[str, str]]) -> None:
    out, docs = word_pack
    for name, html in docs.items():
        data = (out / f"{name}.docx").read_bytes()
        doc = part(data, "word/document.xml")
        kinds = [kind(s) for s in sdts(doc)]
        blanks = html.count('class="fill"') + html.count('class="field"') + html.count('class="lines"')
        # The running header repeats the clinic; the doc-meta block holds the review date the footer shows.
        assert len(kinds) - kinds.count("checkbox") == blanks, name
        assert kinds.count("checkbox") == html.count(BOX), name
        outside = etree.fromstring(etree.tostring(doc))
        for s in list(outside.iter(f"{W}sdt")):
            s.getparent().remove(s)  # type: ignore[union-attr]
        assert not re.search(r"\[(?!bracketed field\])[^\]]+\]", text_of(outside)), f"{name}: a [bracketed] blank that is not a field"
        thead = html.count("<thead")
        headed = [t for t in doc.iter(f"{W}tbl") if t.find(f"{W}tr/{W}trPr/{W}tblHeader") is not None]
        assert len(headed) == thead, f"{name}: every table header row is marked as one"
        core = part(data, "docProps/core.xml")
        assert core.findtext("{http://purl.org/dc/elements/1.1/}language") == "en-GB", name
        assert core.findtext("{http://purl.org/dc/elements/1.1/}title"), name


def _page_texts(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = text.split("\f")
    return [" ".join(p.split()) for p in (pages[:-1] if pages and not pages[-1].strip() else pages)]


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (libreoffice-writer-nogui) is not installed")
def test_libreoffice_opens_every_word_document(word_pack: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    """Convert every .docx in one soffice run; look at tmp_path/png/*.png to see the pages as a manager will."""
    from PIL import Image
    from pypdf import PdfReader

    out, docs = word_pack
    profile = tmp_path / "profile"  # a private LibreOffice profile: no clash with one already running
    pdfs = tmp_path / "pdf"
    subprocess.run(["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(pdfs), *sorted(str(p) for p in out.glob("*.docx"))],
                   capture_output=True, check=True, timeout=600)
    (tmp_path / "png").mkdir()
    for name, html in docs.items():
        pdf = pdfs / f"{name}.pdf"
        assert pdf.is_file(), f"LibreOffice could not open {name}.docx"
        template = name.split("-", 1)[1]
        for page in PdfReader(pdf).pages:
            width, height = float(page.mediabox.width), float(page.mediabox.height)
            assert sorted((round(width), round(height))) == [595, 842], f"{name}: A4"
            assert (width > height) is (template in LANDSCAPE), f"{name}: orientation as in the PDF"
            assert ('<body class="landscape">' in html) is (template in LANDSCAPE)
        title = re.search(r'<h1 class="doc-title">(.*?)</h1>', html)
        assert title is not None
        clinic = CLINIC if name.startswith("tailored-") else "Clinic name"
        found = re.search(r'<dd class="doc-version">(?:<span[^>]*>)?([^<]*)<', html)
        assert found is not None, name
        version = found.group(1)
        pages = _page_texts(pdf)
        for number, text in enumerate(pages, 1):
            where = f"{name} page {number}"
            assert clinic in text and html_lib.unescape(title.group(1)) in text, f"{where}: header"
            assert f"Version {version}" in text and "Review date" in text, f"{where}: footer"
            assert f"Page {number} of {len(pages)}" in text, f"{where}: page numbers"
            if name.startswith("blank-"):
                assert "[Clinic name]" in text, f"{where}: the running header's blank prints as one"
        subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "png" / name)], check=True)
        image = Image.open(next((tmp_path / "png").glob(f"{name}-*.png"))).convert("L")
        assert image.getextrema()[0] < 100, f"{name}: page 1 has text on it"


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (libreoffice-writer-nogui) is not installed")
def test_printed_through_libreoffice_blanks_look_blank_and_the_availability_chart_takes_two_pages(tmp_path: Path) -> None:
    """LibreOffice drops the shading of Word's placeholder text when it prints: each blank must still show as one, its
    [prompt] in square brackets as the PDF prints it. The availability chart keeps all eight peers' rows on its first page, the matching
    notes on the second, and no third page (it spilled one row onto a page of its own)."""
    from PIL import Image

    q = load_questionnaire()
    from builder.load.answers import load_answers

    af, _ = load_answers(ROOT / "examples" / "riverside.yaml", q)
    docs = {"sample": SAMPLE.format(body="portrait", clinic='<span class="fill">[Clinic name]</span>'),
            "blank-availability": render_template(q, TEMPLATES, "availability_chart", None, link_stylesheet=False),
            "tailored-availability": render_template(q, TEMPLATES, "availability_chart", evaluate_plan(q, af), link_stylesheet=False)}
    for name, html in docs.items():
        (tmp_path / f"{name}.docx").write_bytes(html_to_docx(html))
    profile = tmp_path / "profile"
    subprocess.run(["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path / "pdf"),
                    *(str(tmp_path / f"{name}.docx") for name in docs)], capture_output=True, check=True, timeout=300)
    text = " ".join(_page_texts(tmp_path / "pdf" / "sample.pdf"))
    for prompt in ("Clinic name", "Co-ordinator's name", "Start date", "Name", "Date", "Notes"):
        assert f"[{prompt}]" in text, f"{prompt}: printed as if filled in"
    for name in ("blank-availability", "tailored-availability"):
        pages = _page_texts(tmp_path / "pdf" / f"{name}.pdf")
        assert len(pages) == 2, f"{name}: {len(pages)} pages"
        assert "8." in pages[0] and "Peer Mon" in " ".join(pages[0].split()), f"{name}: every peer's row on page one"
        assert "Matching notes" in pages[1] and "8." in pages[1].split("Matching notes", 1)[1], f"{name}: the matching notes on page two"
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(tmp_path / "pdf" / "sample.pdf"), str(tmp_path / "sample")], check=True)
    page = Image.open(next(tmp_path.glob("sample-*.png"))).convert("L")
    assert page.getextrema()[0] < 100, "the page has text on it"


def test_a_page_that_starts_with_a_table_breaks_before_it() -> None:
    html = SAMPLE.format(body="portrait", clinic="C").replace(
        '<section class="appendix"><h2>Form</h2>',
        '<section class="appendix"><table><thead><tr><th scope="col">Step</th></tr></thead><tbody><tr><td>x</td></tr></tbody></table><h2>Form</h2>')
    body = part(html_to_docx(html), "word/document.xml").find(f"{W}body")
    assert body is not None
    marks = [p for p in body.iter(f"{W}p") if p.find(f"{W}pPr/{W}pageBreakBefore") is not None]
    assert len(marks) == 1 and text_of(marks[0]) == "", "an empty paragraph starts the page"
    after = marks[0].getnext()
    while after is not None and after.tag != f"{W}tbl":
        assert after.tag in (f"{W}bookmarkStart", f"{W}bookmarkEnd"), after.tag
        after = after.getnext()
    assert after is not None, "the table follows it"
    assert marks[0].find(f"{W}pPr/{W}rPr/{W}sz").get(f"{W}val") == "2", "one point high"  # type: ignore[union-attr]


def test_word_opens_it_in_its_own_mode_not_compatibility_mode() -> None:
    """compatibilityMode 15 (Word 2013 and later) in every generated file; headings stay with what follows them."""
    from builder.render.reference_docx import COMPATIBILITY_MODE

    for doc in (reference_docx(), sample()):
        settings = part(doc, "word/settings.xml")
        modes = [c.get(f"{W}val") for c in settings.iter(f"{W}compatSetting") if c.get(f"{W}name") == "compatibilityMode"]
        assert modes == [str(COMPATIBILITY_MODE)], modes
        order = [child.tag.split("}")[1] for child in settings]
        assert order.index("compat") < order.index("rsids"), "w:compat where the schema orders it"
    styles = part(reference_docx(), "word/styles.xml")
    for level in (1, 2, 3):
        heading = next(s for s in styles.iter(f"{W}style") if s.get(f"{W}styleId") == f"Heading{level}")
        assert heading.find(f"{W}pPr/{W}keepNext") is not None, f"Heading{level} keeps with the next paragraph"
