"""Word files made in the browser (builder/wizard/word.js) against the command line's (builder/render/docx.py).

A manager on the filled-in documents page downloads every filled-in template as a Word file, in one zip, with
nothing uploaded and no command line. Each file must carry what the command line's Word file of the same
template carries for the same answers: headings, paragraphs, lists, tables with their header rows, every fill-in
field and tick box, header, footer, page and properties (tests/word_structure.py); and it must open in a word
processor other than the one that wrote it (LibreOffice converts it to PDF).
"""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from builder.core.engine import evaluate_plan
from builder.core.schema import Questionnaire
from builder.load.answers import load_answers
from builder.load.project import ROOT
from builder.render.documents import render_template
from builder.render.docx import html_to_docx

from .conftest import EXAMPLES, describe_violations, run_axe
from .word_structure import structure

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WORD_ASSETS = ("/assets/wizard/vendor/fflate.min.js", "/assets/wizard/word-kit.js", "/assets/wizard/word.js")


@pytest.fixture
def page(wizard_page):  # type: ignore[no-untyped-def]
    """The wizard page in a fresh browser context (tests/conftest.py's wizard_page)."""
    return wizard_page


def open_documents(pg, example: Path, view: str = "#all") -> None:  # type: ignore[no-untyped-def]
    pg.set_input_files("#wizard input[type=file]", str(example))
    pg.wait_for_selector(".rw-plan")
    pg.goto(pg.url.split("wizard.html")[0] + "documents.html" + view)
    pg.wait_for_selector("#rw-docs .doc-body")


def download(pg, button: str) -> bytes:  # type: ignore[no-untyped-def]
    with pg.expect_download() as info:
        pg.get_by_role("button", name=button).click()
    return Path(info.value.path()).read_bytes()


def cli_docx(q: Questionnaire, template_id: str, plan: dict[str, Any]) -> bytes:
    """The command line's Word file of a template (readiness pack's, without its cache)."""
    return html_to_docx(render_template(q, ROOT / "templates", template_id, plan))


@pytest.mark.parametrize("name", ["riverside", "harbour-in-progress"])
def test_every_word_file_in_the_zip_matches_the_command_lines(page, q: Questionnaire, name: str) -> None:  # type: ignore[no-untyped-def]
    example = ROOT / "examples" / f"{name}.yaml"
    af, _ = load_answers(example, q)
    plan = evaluate_plan(q, af)
    requests: list[str] = []
    page.context.on("request", lambda r: requests.append(r.method + " " + r.url))
    open_documents(page, example)
    assert not [r for r in requests if r.endswith(WORD_ASSETS)], "the Word writer loads only when asked for"
    data = download(page, "Download all as Word files (zip)")
    assert [r.split(" ", 1)[1][len(page.url.split("documents.html")[0]) - 1:] for r in requests if r.endswith(WORD_ASSETS)] == list(WORD_ASSETS)
    assert "Saved filled-in-documents-word.zip" in page.get_by_role("status").inner_text()
    assert not [r for r in requests if not r.startswith("GET ")], "nothing is uploaded"
    ours = urlsplit(page.url).netloc
    assert not [r for r in requests if urlsplit(r.split(" ", 1)[1]).scheme not in ("data", "blob") and urlsplit(r.split(" ", 1)[1]).netloc != ours]
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert z.namelist() == sorted(f"{tid}.docx" for tid in plan["templates"])
        files = {n: z.read(n) for n in z.namelist()}
    for tid in plan["templates"]:
        mine, theirs = structure(files[f"{tid}.docx"]), structure(cli_docx(q, tid, plan))
        assert mine["blocks"], tid
        for key in theirs:  # key by key, so a failure names what differs
            assert mine[key] == theirs[key], f"{tid}: {key}"
    assert download(page, "Download all as Word files (zip)") == data, "the same answers give the same bytes"


def test_a_word_file_from_the_browser_opens_in_libreoffice(page, q: Questionnaire, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """One template on its own page downloads as Word; LibreOffice reads it and prints every page of it."""
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.fail("LibreOffice is not installed; run bash scripts/setup.sh")
    example = ROOT / "examples" / "riverside.yaml"
    af, _ = load_answers(example, q)
    plan = evaluate_plan(q, af)
    tid = "safeguarding" if "safeguarding" in plan["templates"] else plan["templates"][0]
    open_documents(page, example, f"#t/{tid}")
    page.reload()  # the page and its Word button survive a reload
    page.wait_for_selector("#rw-docs .doc-body")
    data = download(page, "Download as Word")
    assert structure(data) == structure(cli_docx(q, tid, plan))
    source = tmp_path / f"{tid}.docx"
    source.write_bytes(data)
    done = subprocess.run([soffice, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless", "--convert-to", "pdf",
                           "--outdir", str(tmp_path), str(source)], capture_output=True, text=True, timeout=180, check=False)
    pdf = tmp_path / f"{tid}.pdf"
    assert done.returncode == 0 and pdf.is_file(), done.stdout + done.stderr
    from pypdf import PdfReader  # noqa: PLC0415

    reader = PdfReader(io.BytesIO(pdf.read_bytes()))
    text = " ".join(p.extract_text() for p in reader.pages)
    title = next(t.title for t in q.templates if t.id == tid)
    assert len(reader.pages) >= 2 and af.clinic_name in text and " ".join(title.split()) in " ".join(text.split())
    assert f"Page {len(reader.pages)} of {len(reader.pages)}" in text, "the footer's page fields work"


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_the_document_of_everything_opens_with_the_clis_plan(page, q: Questionnaire, example: Path) -> None:  # type: ignore[no-untyped-def]
    """The one printable document starts with the plan, then each template; its go-live checklist, rating and top
    steps are the command line's plan.json for the same answers, on every example."""
    af, _ = load_answers(example, q)
    plan = evaluate_plan(q, af)
    open_documents(page, example)
    parts = page.locator(".rw-docs-part")
    assert [p.get_attribute("data-template") or p.get_attribute("data-part") for p in parts.all()] == ["plan", *plan["templates"]]
    shown = page.locator("[data-part=plan]")
    words = q.meta.messages.go_live_status
    assert [(li.get_attribute("data-status"), li.inner_text()) for li in shown.locator(".rw-docs-golive li").all()] == \
        [(g["status"], f"{getattr(words, g['status'])}: {g['title']}") for g in plan["go_live"]]
    overall = plan["readiness"]["overall"]
    assert shown.locator(".rw-docs-overall").inner_text().startswith(f"Overall readiness: {overall['score']} of 100, {overall['label']}.")
    assert shown.locator(".rw-docs-sentence").inner_text() == overall["sentence"]
    steps = shown.locator(".rw-docs-steps li")
    assert [li.get_attribute("data-action") for li in steps.all()] == plan["first_steps"]
    titles = {a["id"]: a["title"] for a in plan["actions"]}
    for li, aid in zip(steps.all(), plan["first_steps"]):
        assert titles[aid] in li.inner_text() and li.inner_text().startswith("Before go-live: ") == (aid in plan["first_steps_blocking"])
    areas = [r.locator("th, td").all_inner_texts() for r in shown.locator(".rw-docs-areas tbody tr").all()]
    assert [(a[0], a[1]) for a in areas] == [(plan["readiness"]["domains"][d]["title"], f"{plan['readiness']['domains'][d]['score']} of 100")
                                             for d in q.meta.domains]
    assert shown.locator(".rw-docs-actions tbody tr").count() == len(plan["actions"])


def test_the_documents_page_passes_axe_after_a_download(page) -> None:  # type: ignore[no-untyped-def]
    """The all-documents view with the plan first, its Word button and the status it leaves, at WCAG 2.2 AA."""
    open_documents(page, ROOT / "examples" / "riverside.yaml")
    download(page, "Download all as Word files (zip)")
    assert page.get_by_role("status").is_visible()
    violations = run_axe(page)
    assert not violations, describe_violations(violations)
