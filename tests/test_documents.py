"""Templates and the plan as documents: tailored and blank text, PDF tags, DOCX, safety, atomic output."""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from builder.cli.main import cli
from builder.core.answers import AnswerFile
from builder.core.engine import evaluate_plan
from builder.core.schema import Questionnaire
from builder.load.answers import load_answers
from builder.load.project import ROOT, Project
from builder.output.gate import MARKER
from builder.render.documents import render_template
from builder.render.pdf import Renderer

from .conftest import TEMPLATE_IDS, edit

pytestmark = pytest.mark.slow

EVIL = "<b>x</b> {{ 7*7 }}"


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def docx_text(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    import re

    return re.sub(r"<[^>]+>", "", xml).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def plan_for(q: Questionnaire, name: str) -> dict:
    af, _ = load_answers(ROOT / "examples" / f"{name}.yaml", q)
    return evaluate_plan(q, af)


@pytest.fixture(scope="module")
def riverside_pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pack")
    result = CliRunner().invoke(cli, ["pack", str(ROOT / "examples" / "riverside.yaml"), "-o", str(out), "--no-cache"])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def blank_pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("blank")
    result = CliRunner().invoke(cli, ["templates", "--blank", "-o", str(out), "--no-cache"])
    assert result.exit_code == 0, result.output
    return out


# ------------------------------------------------------------------ HTML level (fast)


@pytest.mark.parametrize("template_id", TEMPLATE_IDS)
def test_every_template_renders_tailored_and_blank(q: Questionnaire, template_id: str) -> None:
    plan = plan_for(q, "riverside")
    tailored = render_template(q, ROOT / "templates", template_id, plan)
    blank = render_template(q, ROOT / "templates", template_id, None)
    assert "Riverside Sexual Health Clinic" in tailored
    assert "[Clinic name]" in blank and "Riverside" not in blank
    assert len(tailored) > 3000, "a usable document, not a page of headings"
    assert '<html lang="en-GB">' in tailored and "<title>" in tailored


@pytest.mark.parametrize(("example", "role"), [("riverside", "Peer Navigator"), ("northgate", "Peer Mentor"), ("hillside", "Peer Educator")])
def test_role_description_follows_the_recommended_role(q: Questionnaire, example: str, role: str) -> None:
    html = render_template(q, ROOT / "templates", "role_description", plan_for(q, example))
    assert role in html
    others = {"Peer Navigator", "Peer Mentor", "Peer Support Volunteer", "Peer Educator"} - {role}
    # The body is about this role: its title dominates the others'.
    assert html.count(role) > max(html.count(o) for o in others)


def test_partnership_agreement_names_the_partner_and_the_split(q: Questionnaire) -> None:
    html = render_template(q, ROOT / "templates", "partnership_agreement", plan_for(q, "riverside"))
    assert "Positive Voices Riverside" in html
    for duty in ("Honorary contract", "Training", "supervision"):
        assert duty.lower() in html.lower()


def test_untrusted_text_is_escaped_in_html(q: Questionnaire) -> None:
    plan = evaluate_plan(q, AnswerFile(EVIL, organisation=EVIL))
    for template_id in TEMPLATE_IDS:
        html = render_template(q, ROOT / "templates", template_id, plan)
        assert "<b>x</b>" not in html and "&lt;b&gt;x&lt;/b&gt; {{ 7*7 }}" in html


# ------------------------------------------------------------------ PDFs


def test_pack_writes_plan_and_every_listed_template(q: Questionnaire, riverside_pack: Path) -> None:
    plan = json.loads((ROOT / "tests" / "golden" / "riverside.json").read_text())
    expected = {"plan.pdf", "plan.md", "actions.csv"} | {f"{t}.pdf" for t in plan["templates"]} | {f"{t}.docx" for t in plan["templates"]}
    assert {p.name for p in riverside_pack.iterdir()} - {MARKER} == expected


def test_plan_pdf_text_is_tailored(riverside_pack: Path) -> None:
    text = pdf_text(riverside_pack / "plan.pdf")
    for needle in ("Riverside Sexual Health Clinic", "Summary for the board", "In partnership", "Peer Navigator",
                   "Readiness in detail", "Timeline and actions", "Policy checklist", "Referral pathway", "Budget", "Go-live checklist",
                   "Risk register", "Indicators", "Positive Voices Riverside", "Health adviser post can take"):
        assert needle in text, needle


@pytest.mark.parametrize("template_id", ["role_description", "confidentiality", "partnership_agreement", "referral_form", "work_log"])
def test_template_pdfs_are_tailored(riverside_pack: Path, template_id: str) -> None:
    text = pdf_text(riverside_pack / f"{template_id}.pdf")
    assert "Riverside Sexual Health Clinic" in text
    assert "Riverside NHS Trust" in text


def test_blank_templates_have_fill_in_fields(blank_pack: Path) -> None:
    """Every blank prints as a blank, never as plausible text: its [label] in square brackets, in the PDF and in Word."""
    import html as html_lib
    import re

    for template_id in TEMPLATE_IDS:
        text = pdf_text(blank_pack / f"{template_id}.pdf")
        assert "[Clinic name]" in text, template_id
        assert "Blank template" in text, template_id
        flat = "".join(text.split())  # a label may break across lines, at a space or after a hyphen
        labels = {html_lib.unescape(label) for label in re.findall(r'<span class="fill">\[([^\]]+)\]</span>', render_template_blank(template_id))}
        assert labels, template_id
        missing = sorted(label for label in labels if "[" + "".join(label.split()) + "]" not in flat)
        assert not missing, f"{template_id}: blanks that do not print as [label] in the PDF: {missing}"
        assert "[Clinic name]" in docx_text(blank_pack / f"{template_id}.docx"), template_id  # a Word field's placeholder


def test_paper_questionnaire_has_every_question_and_the_routing(blank_pack: Path, q: Questionnaire) -> None:
    text = " ".join(pdf_text(blank_pack / "questionnaire.pdf").split())
    for qu in q.questions:
        assert " ".join(qu.text.split())[:40] in text, qu.id
    from builder.render.paper import describe

    follow_up = q.question("space_times")
    assert follow_up is not None and follow_up.ask_if is not None
    assert "Answer only if " + describe(follow_up.ask_if, q) in text
    assert text.count("☐") >= sum(len(qu.options) for qu in q.questions)
    assert "Clinic name" in docx_text(blank_pack / "questionnaire.docx")


def test_forms_are_real_forms(blank_pack: Path) -> None:
    """Forms have tables with header rows and room to write."""
    for template_id in ("referral_form", "work_log", "availability_chart"):
        html = render_template_blank(template_id)
        assert html.count("<table") >= 1 and "<th" in html and "<thead" in html, template_id
        assert html.count("<tr") >= 8, template_id


def render_template_blank(template_id: str) -> str:
    from builder.checks.project import load_questionnaire

    return render_template(load_questionnaire(), ROOT / "templates", template_id, None)


def test_pdfs_are_tagged_with_title_and_language(riverside_pack: Path, blank_pack: Path) -> None:
    for path in [riverside_pack / "plan.pdf", *sorted(blank_pack.glob("*.pdf"))]:
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
        assert "Tagged:          yes" in info, path.name
        reader = PdfReader(path)
        root = reader.trailer["/Root"]
        assert root.get("/Lang") == "en-GB", path.name
        assert "/StructTreeRoot" in root, path.name
        assert reader.metadata and reader.metadata.title, path.name


def test_plan_chart_is_a_figure_with_text_alternative(q: Questionnaire) -> None:
    from builder.output.pack import plan_html

    html = plan_html(q, plan_for(q, "riverside"), ROOT / "templates")
    assert 'alt="Bar chart of readiness scores out of 100. Overall 51 (red). Resource 63 (amber);' in html
    assert "data:image/svg+xml;base64," in html
    assert "<th scope=\"col\">Domain</th>" in html, "the chart's numbers are also a table"


def test_docx_is_editable_and_tailored(riverside_pack: Path) -> None:
    text = docx_text(riverside_pack / "confidentiality.docx")
    assert "Riverside Sexual Health Clinic" in text


def test_page_one_of_the_plan_renders_to_png(riverside_pack: Path, tmp_path: Path) -> None:
    """Look at tmp_path/page-1.png (or rerun with -s) to see the cover as a manager will."""
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(riverside_pack / "plan.pdf"), str(tmp_path / "page")], check=True)
    png = next(tmp_path.glob("page-*.png"))
    from PIL import Image

    image = Image.open(png).convert("L")
    assert image.size[0] > 400
    assert image.getextrema()[0] < 100, "the page has dark text on it"


# ------------------------------------------------------------------ safety


def test_injected_clinic_name_stays_literal_everywhere(tmp_path: Path, runner: CliRunner) -> None:
    answers = tmp_path / "evil.yaml"
    answers.write_text(
        "version: 1\n"
        f"clinic: {{name: '{EVIL}', organisation: '<script>alert(1)</script>'}}\n"
        "answers:\n  budget: none\n  partner_org: hiv_peer_org\n"
        f"  partner_name: '{EVIL}'\n  info_access: full_notes\n"
        f"  space: {{answer: none, note: '{EVIL} <img src=x>'}}\n"
    )
    out = tmp_path / "out"
    result = runner.invoke(cli, ["pack", str(answers), "-o", str(out), "--no-cache", "--no-docx"])
    assert result.exit_code == 0, result.output
    for pdf in out.glob("*.pdf"):
        text = pdf_text(pdf).replace("\n", " ")
        assert EVIL in text, pdf.name
        assert "x 49" not in text, pdf.name
    md = (out / "plan.md").read_text()
    assert "<b>" not in md and "&lt;b&gt;x&lt;/b&gt;" in md


def test_renderer_fetches_nothing_from_the_network(serve, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "x.png").write_bytes(b"not really a png")
    server = serve(tmp_path)
    secret = tmp_path / "secret.css"
    secret.write_text("body { color: red }")
    url = server.url
    html = f"""<!DOCTYPE html><html lang="en-GB"><head><title>t</title>
    <link rel="stylesheet" href="{url}style.css"><style>@import url("{url}import.css");
    body {{ background: url("{url}bg.png") }} @font-face {{ font-family: X; src: url("{url}font.woff") }}</style>
    <link rel="stylesheet" href="file://{secret}"></head>
    <body><img src="{url}x.png" alt="x"><img src="https://example.org/y.png" alt="y"><img src="file:///etc/hostname" alt="z"></body></html>"""
    renderer = Renderer(ROOT / "templates")
    pdf = renderer.pdf(html)
    assert pdf.startswith(b"%PDF")
    assert server.requests == [], "no request may leave the renderer"
    refused = renderer.fetcher.refused
    assert f"{url}x.png" in refused and "file:///etc/hostname" in refused and f"file://{secret}" in refused


# ------------------------------------------------------------------ output is atomic, failures are isolated


def test_a_broken_template_is_reported_by_name_and_nothing_is_written(project: Project, tmp_path: Path, runner: CliRunner) -> None:
    edit(project.templates_dir / "policies" / "work_log.html.j2", "{% block content %}", "{% block content %}{{ no_such_variable.oops }}")
    out = tmp_path / "out"
    out.mkdir()
    (out / "plan.pdf").write_bytes(b"the previous pack")
    (out / MARKER).write_text("plan.pdf\n", encoding="utf-8")  # an earlier pack's folder, as the output gate marks it
    result = runner.invoke(cli, ["pack", str(ROOT / "examples" / "riverside.yaml"), "-o", str(out), "--root", str(project.root), "--no-cache", "--no-docx", "-j", "1"])
    assert result.exit_code == 1
    assert "templates/policies/work_log.html.j2: error: work_log was not rendered" in result.output
    assert "Traceback" not in result.output
    assert sorted(p.name for p in out.iterdir()) == [MARKER, "plan.pdf"] and (out / "plan.pdf").read_bytes() == b"the previous pack"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")], "no temporary folders left behind"


def test_same_answers_same_pdf_bytes_and_cache_reuse(tmp_path: Path, runner: CliRunner) -> None:
    env = {"READINESS_CACHE": str(tmp_path / "cache")}
    args = ["templates", "--answers", str(ROOT / "examples" / "northgate.yaml"), "--no-docx"]
    first = runner.invoke(cli, [*args, "-o", str(tmp_path / "a")], env=env)
    assert first.exit_code == 0, first.output
    assert f"{len(TEMPLATE_IDS)} rendered, 0 from cache" in first.output
    second = runner.invoke(cli, [*args, "-o", str(tmp_path / "b")], env=env)
    assert f"0 rendered, {len(TEMPLATE_IDS)} from cache" in second.output
    third = runner.invoke(cli, [*args, "-o", str(tmp_path / "c"), "--no-cache"])
    for pdf in (tmp_path / "a").glob("*.pdf"):
        assert pdf.read_bytes() == (tmp_path / "b" / pdf.name).read_bytes() == (tmp_path / "c" / pdf.name).read_bytes(), pdf.name
    assert third.exit_code == 0


def test_unchanged_pack_is_copied_from_cache_and_any_change_rebuilds(tmp_path: Path, runner: CliRunner) -> None:
    env = {"READINESS_CACHE": str(tmp_path / "cache")}
    answers = tmp_path / "answers.yaml"
    answers.write_text((ROOT / "examples" / "northgate.yaml").read_text())
    first = runner.invoke(cli, ["pack", str(answers), "-o", str(tmp_path / "a"), "--no-docx"], env=env)
    assert first.exit_code == 0 and "rendered" in first.output, first.output
    second = runner.invoke(cli, ["pack", str(answers), "-o", str(tmp_path / "b"), "--no-docx"], env=env)
    assert "all from cache" in second.output
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == sorted(p.name for p in (tmp_path / "b").iterdir())
    for p in (tmp_path / "a").iterdir():
        assert p.read_bytes() == (tmp_path / "b" / p.name).read_bytes(), p.name
    answers.write_text(answers.read_text().replace("name: \"Northgate", "name: \"Northgate East"))
    third = runner.invoke(cli, ["pack", str(answers), "-o", str(tmp_path / "c"), "--no-docx"], env=env)
    assert "all from cache" not in third.output
    assert "Northgate East" in pdf_text(tmp_path / "c" / "plan.pdf")


def test_interrupted_write_leaves_no_half_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from builder.output import fileio

    target = tmp_path / "plan.pdf"
    target.write_bytes(b"old complete file")

    def boom(*_: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(fileio.os, "fsync", boom)
    with pytest.raises(KeyboardInterrupt):
        fileio.atomic_write(target, b"new")
    assert target.read_bytes() == b"old complete file"
    assert [p.name for p in tmp_path.iterdir()] == ["plan.pdf"]


def test_pack_rejects_bad_answers_and_writes_nothing(tmp_path: Path, runner: CliRunner) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nclinic: {name: X}\nanswers:\n  space: big\n")
    out = tmp_path / "out"
    result = runner.invoke(cli, ["pack", str(bad), "-o", str(out)])
    assert result.exit_code == 2
    assert not out.exists()


def test_poppler_is_installed() -> None:
    assert shutil.which("pdfinfo") and shutil.which("pdftoppm"), "poppler-utils is installed by scripts/setup.sh"


def test_plan_opens_with_the_go_live_checklist(q: Questionnaire) -> None:
    from markupsafe import escape

    from builder.output.pack import plan_html

    plan = plan_for(q, "riverside")
    html = plan_html(q, plan, ROOT / "templates")
    assert html.index('id="go-live"') < html.index('id="summary"')
    words = q.meta.messages.go_live_status.model_dump()
    for g in plan["go_live"]:
        row = html[html.index(f"<th scope=\"row\">{escape(g['title'])}</th>"):]
        assert row.split("</tr>")[0].endswith(f"go-live-{g['status']}\">{words[g['status']]}</span></td>"), g


def test_role_description_follows_the_employment_model(q: Questionnaire) -> None:
    paid = render_template(q, ROOT / "templates", "role_description", plan_for(q, "northgate"))
    volunteer = render_template(q, ROOT / "templates", "role_description", plan_for(q, "riverside"))
    assert "Agenda for Change Band 3" in paid and "Voluntary. There is no pay" not in paid
    assert "Voluntary. There is no pay" in volunteer and "Agenda for Change" not in volunteer.split("<h2>About peer support")[0]
