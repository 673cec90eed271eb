"""A Trust's Word reference document (--reference-doc): read through the input gate, refused in one line when it
cannot be used, and its styles, fonts, colours and page arrive in the Word files, as LibreOffice shows them."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from builder.cli.main import cli
from builder.core import limits
from builder.core.errors import Msg, ReadinessError
from builder.load.reference_doc import load_reference_doc
from builder.render.docx import html_to_docx

from .test_docx import SAMPLE, W, part

LETTER = (12240, 15840)
"""US Letter in twentieths of a point: not the house A4, so a page that arrives is the Trust's."""
RED = "C00000"
SERIF = "DejaVu Serif"


def logo_png() -> bytes:
    """A small logo: a solid navy block (PNG)."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (120, 40), (31, 59, 99)).save(out, "PNG")
    return out.getvalue()


def trust_docx(path: Path, *, heading_font: str = SERIF, colour: str = RED, logo: bytes | None = None) -> Path:
    """A reference document as a Trust's communications team would save it from Word: its own Heading 1 (font,
    colour, size), its own body font, US Letter pages with one-inch margins, and, given one, a logo in its header."""
    import docx
    from docx.shared import Inches, Pt, RGBColor

    d = docx.Document()
    h1 = d.styles["Heading 1"]
    h1.font.name = heading_font
    h1.font.color.rgb = RGBColor.from_string(colour)
    h1.font.size = Pt(20)
    fonts = h1.element.rPr.rFonts
    for attr in list(fonts.attrib):  # Word drops the theme font when a font is chosen by name
        if "Theme" in attr:
            del fonts.attrib[attr]
    d.styles["Normal"].font.name = "Liberation Serif"
    section = d.sections[0]
    section.page_width, section.page_height = Inches(8.5), Inches(11)
    section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = Inches(1)
    if logo is not None:
        section.header.paragraphs[0].add_run().add_picture(io.BytesIO(logo), width=Inches(1.5), height=Inches(0.5))
        for doc_pr in section.header._element.iter("{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"):
            doc_pr.set("descr", "Riverside NHS Trust logo")
    d.add_heading("Trust template", 1)
    d.save(str(path))
    return path


def sample_html() -> str:
    return SAMPLE.format(body="portrait", clinic='<span class="fill">[Clinic name]</span>')


def styles_by_id(data: bytes) -> dict[str, etree._Element]:
    return {s.get(f"{W}styleId"): s for s in part(data, "word/styles.xml").iter(f"{W}style")}  # type: ignore[misc]


def test_the_trust_styles_and_page_arrive_in_the_word_file(tmp_path: Path) -> None:
    trust = load_reference_doc(trust_docx(tmp_path / "trust.docx"))
    data = html_to_docx(sample_html(), trust)
    styles = styles_by_id(data)
    heading = styles["Heading1"]
    assert heading.find(f"{W}rPr/{W}rFonts").get(f"{W}ascii") == SERIF  # type: ignore[union-attr]
    assert heading.find(f"{W}rPr/{W}color").get(f"{W}val") == RED  # type: ignore[union-attr]
    assert heading.find(f"{W}pPr/{W}keepNext") is not None, "headings stay with what follows, whatever the Trust's style"
    for house_only in ("ClinicName", "WritingSpace", "DocumentStatus", "PlaceholderText"):
        assert house_only in styles, f"{house_only}: the forms' own styles stay"
    size = part(data, "word/document.xml").find(f"{W}body/{W}sectPr/{W}pgSz")
    assert size is not None and (int(size.get(f"{W}w") or 0), int(size.get(f"{W}h") or 0)) == LETTER
    landscape = html_to_docx(SAMPLE.format(body="landscape", clinic="C"), trust)
    size = part(landscape, "word/document.xml").find(f"{W}body/{W}sectPr/{W}pgSz")
    assert size is not None and (int(size.get(f"{W}w") or 0), int(size.get(f"{W}h") or 0)) == LETTER[::-1]
    assert size.get(f"{W}orient") == "landscape"
    house = styles_by_id(html_to_docx(sample_html()))["Heading1"]
    assert house.find(f"{W}rPr/{W}color").get(f"{W}val") != RED, "without --reference-doc, the house style"  # type: ignore[union-attr]
    assert html_to_docx(sample_html(), trust) == data, "the same Trust document gives the same bytes"


def _fonts(pdf: Path) -> set[str]:
    listing = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    return {line.split()[0].split("+", 1)[-1] for line in listing if line.strip()}


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdffonts") is None,
                    reason="LibreOffice (libreoffice-writer-nogui) and poppler-utils are needed")
def test_libreoffice_shows_the_trust_style(tmp_path: Path) -> None:
    """Through LibreOffice, as the Trust's staff will open it: the heading font and the body font are the Trust's, and so is the page."""
    from pypdf import PdfReader

    trust = load_reference_doc(trust_docx(tmp_path / "trust.docx"))
    (tmp_path / "trust-style.docx").write_bytes(html_to_docx(sample_html(), trust))
    (tmp_path / "house-style.docx").write_bytes(html_to_docx(sample_html()))
    profile = tmp_path / "profile"
    subprocess.run(["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path / "pdf"),
                    str(tmp_path / "trust-style.docx"), str(tmp_path / "house-style.docx")], capture_output=True, check=True, timeout=300)
    trust_fonts, house_fonts = _fonts(tmp_path / "pdf" / "trust-style.pdf"), _fonts(tmp_path / "pdf" / "house-style.pdf")
    assert "DejaVuSerif-Bold" in trust_fonts, trust_fonts
    assert "LiberationSerif" in trust_fonts, trust_fonts
    assert not {"DejaVuSerif-Bold", "LiberationSerif"} & house_fonts, house_fonts
    assert "LiberationSans-Bold" in house_fonts, house_fonts
    for page in PdfReader(tmp_path / "pdf" / "trust-style.pdf").pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (612, 792), "US Letter, as the Trust's"
    for page in PdfReader(tmp_path / "pdf" / "house-style.pdf").pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842), "A4, the house page"
    from PIL import Image

    def red_pixels(name: str) -> int:
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(tmp_path / "pdf" / f"{name}.pdf"), str(tmp_path / name)], check=True)
        image = Image.open(next(tmp_path.glob(f"{name}-*.png"))).convert("RGB")
        red, green, blue = (band.point(lambda v, t=test: 255 if t(v) else 0) for band, test in
                            zip(image.split(), (lambda v: v > 150, lambda v: v < 60, lambda v: v < 60)))
        from PIL import ImageChops

        return ImageChops.multiply(ImageChops.multiply(red, green), blue).histogram()[255]

    assert red_pixels("trust-style") > 100, "the Trust's red heading, as LibreOffice draws it"
    assert red_pixels("house-style") == 0, "no red in the house style"


# ------------------------------------------------------------------ refused in one line


def _zip(path: Path, members: dict[str, bytes | str]) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return path


def _bytes(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _with(trust: Path, out: Path, name: str, data: bytes | str | None) -> Path:
    with zipfile.ZipFile(trust) as src:
        members: dict[str, bytes | str] = {n: src.read(n) for n in src.namelist() if n != name}
    if data is not None:
        members[name] = data
    return _zip(out, members)


STYLES_HEAD = '<?xml version="1.0"?>'
W_DECL = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'

BAD = [
    ("not-a-zip", lambda t, o: _bytes(o, b"PK but not really a zip"),
     Msg.REFERENCE_NOT_DOCX.format(problem="it is not a zip file")),
    ("plain-zip", lambda t, o: _zip(o, {"a.txt": "x"}),
     Msg.REFERENCE_NOT_DOCX.format(problem="a zip file, but not an Office one ([Content_Types].xml is missing)")),
    ("no-styles", lambda t, o: _with(t, o, "word/styles.xml", None), Msg.REFERENCE_NO_PART.format(part="styles (word/styles.xml)")),
    ("broken-styles", lambda t, o: _with(t, o, "word/styles.xml", "<w:styles"), None),
    ("doctype", lambda t, o: _with(t, o, "word/styles.xml", f'{STYLES_HEAD}<!DOCTYPE x [<!ENTITY e "e">]><w:styles {W_DECL}/>'),
     Msg.REFERENCE_BAD_XML.format(part="word/styles.xml", problem="it declares a DOCTYPE, which Word never writes")),
    ("not-styles", lambda t, o: _with(t, o, "word/styles.xml", f"<w:document {W_DECL}/>"),
     Msg.REFERENCE_BAD_XML.format(part="word/styles.xml", problem="it is not a list of Word styles")),
    ("tiny-page", lambda t, o: _with(t, o, "word/document.xml",
                                     f'<w:document {W_DECL}><w:body><w:sectPr><w:pgSz w:w="1000" w:h="15840"/></w:sectPr></w:body></w:document>'),
     Msg.REFERENCE_BAD_PAGE.format(problem="a page side of 18 mm (from 76 to 559 mm are read)")),
    ("wide-margins", lambda t, o: _with(t, o, "word/document.xml",
                                        f'<w:document {W_DECL}><w:body><w:sectPr><w:pgSz w:w="12240" w:h="15840"/>'
                                        '<w:pgMar w:top="1440" w:right="4000" w:bottom="1440" w:left="4000"/></w:sectPr></w:body></w:document>'),
     Msg.REFERENCE_BAD_PAGE.format(problem="its margins take more than half the page")),
]


@pytest.mark.parametrize(("name", "make", "message"), BAD, ids=[b[0] for b in BAD])
def test_a_file_that_cannot_be_used_is_one_located_line(runner: CliRunner, tmp_path: Path, name: str, make, message: str | None) -> None:  # type: ignore[no-untyped-def]
    bad = make(trust_docx(tmp_path / "trust.docx"), tmp_path / f"{name}.docx")
    with pytest.raises(ReadinessError) as caught:
        load_reference_doc(bad)
    assert len(caught.value.problems) == 1
    line = caught.value.problems[0].line_text()
    assert line.startswith(f"{bad}: error: "), line
    if message is not None:
        assert line == f"{bad}: error: {message}"
    else:
        assert "is not readable XML" in line and "word/styles.xml" in line, line
    out = tmp_path / "out"
    done = runner.invoke(cli, ["templates", "-o", str(out), "--reference-doc", str(bad)])
    assert done.exit_code == 2, done.output
    assert done.output == f"{line}\n", "one line, before any document is rendered"
    assert not out.exists(), "nothing written"


def test_too_large_and_not_a_regular_file_are_refused_by_the_gate(tmp_path: Path) -> None:
    big = tmp_path / "big.docx"
    with open(big, "wb") as fh:
        fh.truncate(limits.MAX_REFERENCE_DOC_BYTES + 1)
    with pytest.raises(ReadinessError) as caught:
        load_reference_doc(big)
    assert caught.value.problems[0].message == Msg.REFERENCE_TOO_LARGE.format(size=limits.MAX_REFERENCE_DOC_BYTES + 1,
                                                                              limit=limits.MAX_REFERENCE_DOC_BYTES)
    with pytest.raises(ReadinessError) as caught:
        load_reference_doc(tmp_path)
    assert caught.value.problems[0].message == Msg.IS_FOLDER
    with pytest.raises(ReadinessError) as caught:
        load_reference_doc(tmp_path / "missing.docx")
    assert caught.value.problems[0].message == Msg.NOT_FOUND


def test_a_part_that_inflates_past_its_limit_is_refused(tmp_path: Path) -> None:
    bomb = _with(trust_docx(tmp_path / "trust.docx"), tmp_path / "bomb.docx", "word/theme/theme1.xml",
                 b" " * (limits.MAX_REFERENCE_PART_BYTES + 1))
    with pytest.raises(ReadinessError) as caught:
        load_reference_doc(bomb)
    assert caught.value.problems[0].message == Msg.REFERENCE_PART_TOO_LARGE.format(part="word/theme/theme1.xml",
                                                                                   limit=limits.MAX_REFERENCE_PART_BYTES)


@pytest.mark.parametrize(("args", "what", "fix"), [
    (["templates", "--no-docx"], "templates --no-docx", "leave out --no-docx or --reference-doc"),
    (["toolkit"], "toolkit without --zip (the book is a PDF)", "add --zip for the Word files, or leave out --reference-doc"),
])
def test_reference_doc_where_no_word_file_is_written_is_refused(runner: CliRunner, tmp_path: Path, args: list[str], what: str, fix: str) -> None:
    trust = trust_docx(tmp_path / "trust.docx")
    out = tmp_path / ("toolkit.pdf" if args[0] == "toolkit" else "out")
    done = runner.invoke(cli, [*args, "-o", str(out), "--reference-doc", str(trust)])
    assert done.exit_code == 2, done.output
    assert done.output == f"{trust}: error: {Msg.REFERENCE_UNUSED.format(what=what, fix=fix)}\n"
    assert not out.exists()


def test_the_word_files_are_cached_per_reference_document(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A Word file made with one reference document is never served for another, nor for the house style; the PDF is shared."""
    from builder.checks.project import load_questionnaire
    from builder.load.project import ROOT
    from builder.output.pack import Cache, build_pack

    monkeypatch.setenv("READINESS_CACHE", str(tmp_path / "cache"))
    from builder.render import pdf as pdf_module

    q = load_questionnaire()
    pdfs_made: list[str] = []
    real_pdf = pdf_module.Renderer.pdf
    monkeypatch.setattr(pdf_module.Renderer, "pdf", lambda self, html: pdfs_made.append("pdf") or real_pdf(self, html))
    red = load_reference_doc(trust_docx(tmp_path / "red.docx"))
    blue = load_reference_doc(trust_docx(tmp_path / "blue.docx", colour="0000C0"))
    made: dict[str, bytes] = {}
    for label, trust in (("house", None), ("red", red), ("blue", blue), ("red-again", red)):
        cache = Cache.for_project(ROOT, ROOT / "templates", enabled=True, questionnaire_dir=ROOT / "questionnaire")
        out = tmp_path / label
        result = build_pack(q, None, ["expenses"], out, ROOT / "templates", cache, include_plan=False, trust=trust, workers=1)
        assert not result.failed, result.failed
        made[label] = (out / "expenses.docx").read_bytes()
        heading = styles_by_id(made[label])["Heading1"].find(f"{W}rPr/{W}color")
        colour = heading.get(f"{W}val") if heading is not None else None
        assert colour == {"house": colour, "red": RED, "blue": "0000C0", "red-again": RED}[label], label
        if label != "house":
            assert pdfs_made == ["pdf"], f"{label}: the PDF comes from the cache (made once, for the house style)"
        assert (result.rendered, result.cached) == ((0, 1) if label == "red-again" else (1, 0)), \
            f"{label}: a document whose Word file is made for a new reference document counts as rendered"
    assert made["red"] == made["red-again"]
    assert len({made["house"], made["red"], made["blue"]}) == 3
    assert io.BytesIO(made["red"]).getvalue()[:2] == b"PK"


# ------------------------------------------------------------------ the site's Word downloads


@pytest.mark.slow
def test_readiness_site_styles_its_word_downloads(runner: CliRunner, tmp_path: Path) -> None:
    trust = trust_docx(tmp_path / "trust.docx")
    out = tmp_path / "docs"
    done = runner.invoke(cli, ["site", "-o", str(out), "--no-guidance", "--reference-doc", str(trust)])
    assert done.exit_code == 0, done.output
    words = sorted((out / "downloads" / "blank").glob("*.docx"))
    assert len(words) > 10
    for word in words:
        colour = styles_by_id(word.read_bytes())["Heading1"].find(f"{W}rPr/{W}color")
        assert colour is not None and colour.get(f"{W}val") == RED, word.name


def test_site_and_plugin_refuse_a_bad_reference_doc_in_one_line(runner: CliRunner, tmp_path: Path) -> None:
    import os
    import sys

    bad = _bytes(tmp_path / "bad.docx", b"not a zip")
    line = f"{bad}: error: {Msg.REFERENCE_NOT_DOCX.format(problem='it is not a zip file')}"
    done = runner.invoke(cli, ["site", "-o", str(tmp_path / "out"), "--reference-doc", str(bad)])
    assert done.exit_code == 2 and done.output == f"{line}\n", done.output
    assert not (tmp_path / "out").exists()
    site = tmp_path / "site"
    (site / "docs").mkdir(parents=True)
    (site / "docs" / "index.md").write_text("# Ours\n", encoding="utf-8")
    (site / "mkdocs.yml").write_text(f"site_name: Ours\ntheme:\n  name: material\nplugins:\n  - readiness:\n      reference_doc: {bad}\n",
                                     encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "READINESS_ROOT"}
    built = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=site, env=env, capture_output=True, text=True, timeout=300)
    assert built.returncode != 0
    assert line in built.stderr and "reference_doc" in built.stderr, built.stderr
    assert "Traceback" not in built.stderr


# ------------------------------------------------------------------ the Trust's logo


def _header(data: bytes) -> tuple[etree._Element, dict[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        name = next(n for n in z.namelist() if n.startswith("word/header") and n.endswith(".xml"))
        media = {n: z.read(n) for n in z.namelist() if n.startswith("word/media/")}
        return etree.fromstring(z.read(name)), media


def test_the_trusts_header_logo_heads_every_word_files_header(tmp_path: Path) -> None:
    png = logo_png()
    trust = load_reference_doc(trust_docx(tmp_path / "trust.docx", logo=png))
    assert trust.logo is not None and trust.logo.data == png and trust.logo.extension == "png"
    assert (trust.logo.width, trust.logo.height) == (1_371_600, 457_200), "its size in the Trust's header (1.5 by 0.5 inches)"
    data = html_to_docx(sample_html(), trust)
    header, media = _header(data)
    assert png in media.values(), "the logo's own bytes"
    first = header.find(f"{W}p/{W}r")
    assert first is not None and first.find(f"{W}drawing") is not None, "first in the running header"
    described = [d.get("descr") for d in header.iter("{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr")]
    assert described == ["Riverside NHS Trust logo"], "with the Trust's alternative text"
    assert "[Clinic name]" in "".join(t.text or "" for t in header.iter(f"{W}t")), "the clinic and title still follow it"
    assert html_to_docx(sample_html(), trust) == data, "reproducible"
    assert load_reference_doc(trust_docx(tmp_path / "plain.docx")).logo is None, "no header picture, no logo"
    house_header, _ = _header(html_to_docx(sample_html()))
    assert house_header.find(f".//{W}drawing") is None, "the house style's header has no logo"


def test_a_header_picture_that_is_not_png_or_jpeg_is_refused(tmp_path: Path) -> None:
    trust = trust_docx(tmp_path / "trust.docx", logo=logo_png())
    with zipfile.ZipFile(trust) as z:
        image = next(n for n in z.namelist() if n.startswith("word/media/"))
    bad = _with(trust, tmp_path / "emf.docx", image, b"\x01\x00\x00\x00 an EMF picture")
    with pytest.raises(ReadinessError) as caught:
        load_reference_doc(bad)
    assert caught.value.problems[0].line_text() == f"{bad}: error: {Msg.REFERENCE_LOGO.format(part=image)}"


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdfimages") is None,
                    reason="LibreOffice (libreoffice-writer-nogui) and poppler-utils are needed")
def test_libreoffice_shows_the_logo_on_every_page(tmp_path: Path) -> None:
    trust = load_reference_doc(trust_docx(tmp_path / "trust.docx", logo=logo_png()))
    (tmp_path / "with-logo.docx").write_bytes(html_to_docx(sample_html(), trust))
    subprocess.run(["soffice", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(tmp_path / "with-logo.docx")], capture_output=True, check=True, timeout=300)
    listing = subprocess.run(["pdfimages", "-list", str(tmp_path / "with-logo.pdf")], capture_output=True, text=True, check=True).stdout
    pages = {int(line.split()[0]) for line in listing.splitlines()[2:] if line.split() and line.split()[3] == "120" and line.split()[4] == "40"}
    from pypdf import PdfReader

    assert pages == set(range(1, len(PdfReader(tmp_path / "with-logo.pdf").pages) + 1)), listing
