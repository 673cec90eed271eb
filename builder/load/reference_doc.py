"""A Trust's Word reference document (--reference-doc): read through the input gate, checked, reduced to what is used.

What is taken from it: its styles (word/styles.xml: fonts, sizes, colours, spacing of every style it defines,
and its document defaults), its theme (the fonts and colours styles may name by theme), its page size and
margins (the last section of word/document.xml), and the first picture in that section's header (a logo, PNG or
JPEG, with its size and description). Everything else in it (text, other images, macros) is never read.
A file that is not a Word document, or whose parts are not XML Word could have written, is one located error.
"""

from __future__ import annotations

import hashlib
import io
import posixpath
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from builder.core import limits
from builder.core.errors import Msg, Problem, ReadinessError
from builder.core.text import terminal
from builder.load.gate import ZIP_ERRORS, is_stdin, read_bytes, shown

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"

STYLES = "word/styles.xml"
THEME = "word/theme/theme1.xml"
DOCUMENT = "word/document.xml"

TWIPS_PER_INCH = 1440
SMALLEST_PAGE = 3 * TWIPS_PER_INCH
"""A page side shorter than 3 inches (A6 is 4.1) cannot hold a form: refused."""
LARGEST_PAGE = 22 * TWIPS_PER_INCH
"""Word's own largest page side."""


@dataclass(frozen=True)
class Page:
    """The reference document's page, turned portrait, in twentieths of a point (twips)."""

    width: int
    height: int
    top: int
    right: int
    bottom: int
    left: int
    header: int
    footer: int

    def landscape(self) -> Page:
        """The same page turned a quarter clockwise, margins turning with it, as Word turns a section."""
        return Page(self.height, self.width, self.left, self.top, self.right, self.bottom, self.header, self.footer)


@dataclass(frozen=True)
class Logo:
    """The picture in the reference document's header, to head every Word file's header in its place."""

    data: bytes
    extension: str
    """'png' or 'jpeg'."""
    width: int
    height: int
    """Its size in the reference document's header, in EMU (914,400 an inch)."""
    description: str
    """Its alternative text (the reference document's, else 'Logo')."""


@dataclass(frozen=True)
class ReferenceDoc:
    """What the Word files take from a Trust's reference document."""

    display: str
    styles: bytes
    theme: bytes | None
    page: Page | None
    digest: str
    """SHA-256 of the file's bytes: part of every cache key of a Word file made with it."""
    logo: Logo | None = None


def _refused(display: str, message: str) -> ReadinessError:
    return ReadinessError([Problem(display, None, message)])


def _parse(data: bytes, part: str, display: str) -> object:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise _refused(display, Msg.REFERENCE_BAD_XML.format(part=part, problem=terminal(str(exc.msg or exc)))) from None
    if root.getroottree().docinfo.doctype:
        raise _refused(display, Msg.REFERENCE_BAD_XML.format(part=part, problem="it declares a DOCTYPE, which Word never writes"))
    return root


def _int(el: object, name: str) -> int | None:
    value = el.get(f"{W}{name}") if el is not None else None  # type: ignore[attr-defined]
    try:
        return abs(int(str(value))) if value is not None else None
    except ValueError:
        return None


def _page(document: bytes, display: str) -> Page | None:
    root = _parse(document, DOCUMENT, display)
    sections = list(root.iter(f"{W}sectPr"))  # type: ignore[attr-defined]
    if not sections:
        return None
    last = sections[-1]
    size, margins = last.find(f"{W}pgSz"), last.find(f"{W}pgMar")
    if size is None:
        return None
    width, height = _int(size, "w"), _int(size, "h")
    if width is None or height is None:
        raise _refused(display, Msg.REFERENCE_BAD_PAGE.format(problem="its page size has no width or height"))
    names = ("top", "right", "bottom", "left", "header", "footer")
    default = round(TWIPS_PER_INCH * 0.8)
    top, right, bottom, left, header, footer = (_int(margins, n) if margins is not None else None for n in names)
    page = Page(width, height, *(v if v is not None else default for v in (top, right, bottom, left, header, footer)))
    if page.width > page.height:
        page = Page(page.height, page.width, page.right, page.bottom, page.left, page.top, page.header, page.footer)
    for side in (page.width, page.height):
        if not SMALLEST_PAGE <= side <= LARGEST_PAGE:
            raise _refused(display, Msg.REFERENCE_BAD_PAGE.format(
                problem=f"a page side of {side / TWIPS_PER_INCH * 25.4:.0f} mm (from {SMALLEST_PAGE // TWIPS_PER_INCH * 25.4:.0f} "
                        f"to {LARGEST_PAGE // TWIPS_PER_INCH * 25.4:.0f} mm are read)"))
    if page.left + page.right > page.width // 2 or page.top + page.bottom > page.height // 2:
        raise _refused(display, Msg.REFERENCE_BAD_PAGE.format(problem="its margins take more than half the page"))
    return page


R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
WP_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
LARGEST_LOGO = 2 * 914_400
"""A logo's side is held to 2 inches (EMU); a larger one is scaled down, keeping its shape."""


def _target(rels: bytes | None, rel_id: str, base: str, display: str, part: str) -> str | None:
    """The part a relationship points at, as a zip member name (relative to `base`, the folder of the part that owns it)."""
    if rels is None:
        return None
    for rel in _parse(rels, part, display).iter(f"{{{REL_NS}}}Relationship"):  # type: ignore[attr-defined]
        if rel.get("Id") == rel_id and rel.get("TargetMode") != "External":
            target = str(rel.get("Target") or "")
            return target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"{base}/{target}")
    return None


def _logo(document: bytes, read: Callable[[str], bytes | None], display: str) -> Logo | None:
    """The first picture in the header of the document's last section, or None when it has none (`read` gives a
    part's bytes, capped like every part, or None)."""
    root = _parse(document, DOCUMENT, display)
    sections = list(root.iter(f"{W}sectPr"))  # type: ignore[attr-defined]
    ref = next((h for h in (sections[-1].findall(f"{W}headerReference") if sections else []) if h.get(f"{W}type") in (None, "default")), None)
    if ref is None:
        return None
    header_name = _target(read("word/_rels/document.xml.rels"), str(ref.get(f"{{{R_NS}}}id")), "word", display, "word/_rels/document.xml.rels")
    header = read(header_name) if header_name else None
    if header_name is None or header is None:
        return None
    header_root = _parse(header, header_name, display)
    blip = next(header_root.iter(f"{{{A_NS}}}blip"), None)  # type: ignore[attr-defined]
    if blip is None:
        return None
    folder, _, leaf = header_name.rpartition("/")
    rels_name = f"{folder}/_rels/{leaf}.rels"
    image_name = _target(read(rels_name), str(blip.get(f"{{{R_NS}}}embed")), folder, display, rels_name)
    image = read(image_name) if image_name else None
    if image is None:
        return None
    kind = "png" if image.startswith(b"\x89PNG\r\n\x1a\n") else "jpeg" if image.startswith(b"\xff\xd8\xff") else None
    if kind is None:
        raise _refused(display, Msg.REFERENCE_LOGO.format(part=image_name))
    extent = next(header_root.iter(f"{{{WP_NS}}}extent"), None)  # type: ignore[attr-defined]
    width, height = (_int_attr(extent, "cx"), _int_attr(extent, "cy")) if extent is not None else (None, None)
    if not width or not height:
        width, height = LARGEST_LOGO // 2, LARGEST_LOGO // 4
    scale = min(1.0, LARGEST_LOGO / max(width, height))
    doc_pr = next(header_root.iter(f"{{{WP_NS}}}docPr"), None)  # type: ignore[attr-defined]
    description = " ".join(str(doc_pr.get("descr") or "").split())[:200] if doc_pr is not None else ""
    return Logo(image, kind, round(width * scale), round(height * scale), description or "Logo")


def _int_attr(el: object, name: str) -> int | None:
    try:
        return abs(int(str(el.get(name))))  # type: ignore[attr-defined]
    except ValueError:
        return None


def load_reference_doc(path: Path | str) -> ReferenceDoc:
    """The styles, theme and page of a .docx or .dotx; ReadinessError with one located line when it cannot be used."""
    display = "<stdin>" if is_stdin(path) else shown(str(path))
    data = read_bytes(path, display, limits.MAX_REFERENCE_DOC_BYTES,
                      too_large=lambda size: Msg.REFERENCE_TOO_LARGE.format(size=size, limit=limits.MAX_REFERENCE_DOC_BYTES))
    parts: dict[str, bytes] = {}
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            if len(infos) > limits.MAX_ARCHIVE_ENTRIES:
                raise _refused(display, Msg.ARCHIVE_ENTRIES.format(count=len(infos), limit=limits.MAX_ARCHIVE_ENTRIES))
            by_name = {i.filename: i for i in infos}
            if "[Content_Types].xml" not in by_name:
                raise _refused(display, Msg.REFERENCE_NOT_DOCX.format(problem="a zip file, but not an Office one ([Content_Types].xml is missing)"))

            def member(name: str) -> bytes | None:
                if name not in by_name:
                    return None
                with zf.open(by_name[name]) as stream:
                    raw = stream.read(limits.MAX_REFERENCE_PART_BYTES + 1)  # never trust the size a member claims
                if len(raw) > limits.MAX_REFERENCE_PART_BYTES:
                    raise _refused(display, Msg.REFERENCE_PART_TOO_LARGE.format(part=name, limit=limits.MAX_REFERENCE_PART_BYTES))
                return raw

            for name in (STYLES, THEME, DOCUMENT):
                raw = member(name)
                if raw is not None:
                    parts[name] = raw
            logo = _logo(parts[DOCUMENT], member, display) if DOCUMENT in parts else None
    except ReadinessError:
        raise
    except ZIP_ERRORS as exc:
        problem = "it is not a zip file" if isinstance(exc, zipfile.BadZipFile) else terminal(str(exc) or type(exc).__name__)
        raise _refused(display, Msg.REFERENCE_NOT_DOCX.format(problem=problem)) from None
    if STYLES not in parts:
        raise _refused(display, Msg.REFERENCE_NO_PART.format(part=f"styles ({STYLES})"))
    styles = _parse(parts[STYLES], STYLES, display)
    if styles.tag != f"{W}styles":  # type: ignore[attr-defined]
        raise _refused(display, Msg.REFERENCE_BAD_XML.format(part=STYLES, problem="it is not a list of Word styles"))
    if THEME in parts:
        _parse(parts[THEME], THEME, display)
    page = _page(parts[DOCUMENT], display) if DOCUMENT in parts else None
    return ReferenceDoc(display, parts[STYLES], parts.get(THEME), page, hashlib.sha256(data).hexdigest(), logo)


__all__ = ["Logo", "Page", "ReferenceDoc", "load_reference_doc"]
