"""The wizard page of the built site, in headless Chromium: keyboard only, resume, save and open,
start again, accessibility (axe-core), no requests to other hosts, and opened straight from disk."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from builder.answers import AnswerFile, load_answers, parse_answers
from builder.engine import evaluate_plan
from builder.load import ROOT
from builder.schema import Questionnaire
from builder.sources import parse_json

from .conftest import EXAMPLES, StaticServer

pytestmark = [pytest.mark.browser, pytest.mark.slow]

AXE = ROOT / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
KEY = "readiness-wizard"


# ------------------------------------------------------------------ the built site, served once


@pytest.fixture(scope="session")
def site(built_site: Path) -> Path:
    """The site built once for the whole session (tests/conftest.py), with the wizard page in it."""
    assert (built_site / "wizard.html").is_file(), "guidance/wizard.md was not built"
    return built_site


@pytest.fixture(scope="session")
def server(site_server: StaticServer) -> StaticServer:
    return site_server


@pytest.fixture
def page(browser, server: StaticServer):  # type: ignore[no-untyped-def]
    """A fresh browser context (empty localStorage) on the wizard page; fails on any script error."""
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.goto(server.url + "wizard.html")
    pg.wait_for_selector("#wizard .rw-screen .rw-heading")
    yield pg
    context.close()
    assert not errors, errors


def cli_plan(path: Path) -> dict[str, Any]:
    """The plan as the command line gives it."""
    done = subprocess.run([sys.executable, "-m", "builder", "plan", str(path), "--format", "json"],
                          capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


# ------------------------------------------------------------------ driving the page by keyboard


def focused(pg, selector: str) -> bool:  # type: ignore[no-untyped-def]
    return bool(pg.evaluate("s => !!document.activeElement && document.activeElement.matches(s)", selector))


def tab_to(pg, selector: str, limit: int = 120) -> None:  # type: ignore[no-untyped-def]
    """Press Tab until the element matching `selector` has focus (reading focus only, never clicking)."""
    for _ in range(limit):
        if focused(pg, selector):
            return
        pg.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}; focus is on {pg.evaluate('document.activeElement.outerHTML')[:200]}")


def screen(pg) -> str:  # type: ignore[no-untyped-def]
    """'start', 'plan' or the id of the question on screen."""
    return str(pg.evaluate("""() => document.querySelector('.rw-plan') ? 'plan'
        : (document.querySelector('.rw-question') || {dataset: {question: 'start'}}).dataset.question"""))


def start_by_keyboard(pg, name: str, organisation: str = "", role: str = "") -> None:  # type: ignore[no-untyped-def]
    for selector, text in (("#rw-name", name), ("#rw-org", organisation), ("#rw-role", role)):
        tab_to(pg, selector)
        pg.keyboard.type(text)
    tab_to(pg, "button[type=submit]")
    pg.keyboard.press("Enter")


def answer_by_keyboard(pg, q: Questionnaire, af: AnswerFile) -> str:  # type: ignore[no-untyped-def]
    """Answer the question on screen as `af` does (or skip it), then press Next; returns its id."""
    qid = screen(pg)
    qu = q.question(qid)
    assert qu is not None, qid
    assert focused(pg, ".rw-heading"), f"focus did not move to the heading of {qid}"
    given = af.answers.get(qid)
    value = given.value if given else None
    if value is not None:
        if qu.type == "text":
            tab_to(pg, "#rw-text")
            pg.keyboard.type(str(value))
        elif qu.type == "single":
            at = [o.id for o in qu.options].index(value)
            tab_to(pg, "input[name=rw-answer]")  # the first radio: none is checked yet
            if at == 0:
                pg.keyboard.press("Space")
            for _ in range(at):
                pg.keyboard.press("ArrowDown")  # moves and selects
        else:
            for i, o in enumerate(qu.options):
                tab_to(pg, f"#rw-o{i}")
                if o.id in value:
                    pg.keyboard.press("Space")
    if given is not None and given.note:
        tab_to(pg, "#rw-note")
        pg.keyboard.type(given.note)
    tab_to(pg, "button[type=submit]")
    pg.keyboard.press("Enter")
    return qid


def shown_plan(pg) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """What the plan on screen says, read from its text (data attributes only to find things)."""
    return dict(pg.evaluate("""() => {
        const p = document.querySelector('.rw-plan');
        const text = (el) => el.textContent.replace(/\\s+/g, ' ').trim();
        return {
          route: p.dataset.route,
          roles: p.dataset.roles.split(' '),
          summary: text(p.querySelector('.rw-section')),
          chart: Object.fromEntries([...p.querySelectorAll('.rw-chart-row')].map((li) => [li.dataset.domain, text(li)])),
          actions: [...p.querySelectorAll('tr[data-action] .rw-action-title')].map(text),
          templates: [...p.querySelectorAll('[data-template]')].map((li) => li.dataset.template),
          board: text(p.querySelector('.rw-board')),
          budget: [...p.querySelectorAll('tr[data-line]')].map((tr) => [tr.dataset.line, text(tr.cells[1]), text(tr.cells[0])]),
          due: [...p.querySelectorAll('tr[data-action]')].map((tr) => tr.dataset.due),
          risks: [...p.querySelectorAll('tr[data-risk]')].map((tr) => tr.dataset.risk + ' ' + tr.dataset.score),
        };
    }"""))


def assert_same_plan(shown: dict[str, Any], plan: dict[str, Any], q: Questionnaire) -> None:
    meta = q.meta
    assert shown["route"] == plan["route"]
    assert next(o.title for o in meta.routes.options if o.id == plan["route"]) in shown["summary"]
    assert shown["roles"] == plan["roles"]
    titles = ", ".join(next(o.title for o in meta.roles.options if o.id == r) for r in plan["roles"])
    assert titles in shown["summary"]
    overall = plan["readiness"]["overall"]
    assert shown["chart"]["overall"] == f"Overall: {overall['score']} of 100, {overall['label']} ({overall['rating']})"
    for did in meta.domains:
        d = plan["readiness"]["domains"][did]
        assert shown["chart"][did] == f"{d['title']}: {d['score']} of 100, {d['label']} ({d['rating']})", did
    assert shown["actions"] == [a["title"] for a in plan["actions"]]
    assert shown["templates"] == plan["templates"]
    # The same numbers as the CLI: budget total, first-patient date, every due date and risk score.
    b = plan["budget"]
    assert f"Cost in year one£{b['total_year1']:,}" in shown["board"] and f"£{b['total_3_years']:,}" in shown["board"]
    assert [x[0] for x in shown["budget"]] == [x["id"] for x in b["lines"]]
    assert shown["due"] == [a["due"] for a in plan["actions"]]
    assert shown["risks"] == [f"{k['id']} {k['score']}" for k in plan["risks"]]


def complete_by_keyboard(pg, q: Questionnaire, af: AnswerFile) -> list[str]:  # type: ignore[no-untyped-def]
    start_by_keyboard(pg, af.clinic_name, af.organisation or "", af.respondent_role or "")
    asked: list[str] = []
    for _ in range(len(q.questions) + 1):
        if screen(pg) == "plan":
            break
        asked.append(answer_by_keyboard(pg, q, af))
    assert screen(pg) == "plan"
    assert focused(pg, ".rw-plan .rw-heading")
    return asked


def open_file(pg, path: Path) -> None:  # type: ignore[no-untyped-def]
    pg.set_input_files("#wizard input[type=file]", str(path))


def stored(pg) -> Any:  # type: ignore[no-untyped-def]
    return pg.evaluate(f"localStorage.getItem('{KEY}')")


# ------------------------------------------------------------------ tests


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_keyboard_only_gives_the_cli_plan(page, q: Questionnaire, example: Path) -> None:  # type: ignore[no-untyped-def]
    af, _ = load_answers(example, q)
    asked = complete_by_keyboard(page, q, af)
    plan = cli_plan(example)
    assert asked == [a["question"] for a in plan["answers"]], "the wizard asks exactly the questions on the clinic's path"
    # The wizard dates its answers today, so its due dates count from today: compare with the same start.
    day = page.evaluate("() => JSON.parse(localStorage.getItem('readiness-wizard')).assessed_on")
    assert_same_plan(shown_plan(page), evaluate_plan(q, dataclasses.replace(af, assessed_on=day)), q)


def test_progress_and_routing_follow_the_answers(page, q: Questionnaire) -> None:  # type: ignore[no-untyped-def]
    start_by_keyboard(page, "Routing Clinic")
    label = page.locator("label[for=rw-progress]")
    assert label.inner_text() == "Question 1 of 24"
    assert page.get_by_role("progressbar", name="Question 1 of 24").is_visible()
    assert page.locator(".rw-kicker").inner_text().lower().startswith("resource")
    tab_to(page, "button[type=submit]")
    page.keyboard.press("Enter")  # skip budget for now
    assert screen(page) == "partner_org"
    page.check("#rw-o0")  # a partner organisation: its two follow-ups join the path
    assert label.inner_text() == "Question 2 of 26"
    page.check("#rw-o2")  # no partner: they leave it again
    assert label.inner_text() == "Question 2 of 24"
    page.check("#rw-o0")
    page.get_by_role("button", name="Next", exact=True).click()
    assert screen(page) == "partner_name"
    assert page.get_by_role("textbox", name=q.question("partner_name").text).is_visible()  # type: ignore[union-attr]


def test_reload_resumes_on_the_same_screen(page, q: Questionnaire) -> None:  # type: ignore[no-untyped-def]
    af, _ = load_answers(ROOT / "examples" / "riverside.yaml", q)
    start_by_keyboard(page, af.clinic_name, af.organisation or "")
    for _ in range(4):
        answer_by_keyboard(page, q, af)
    at = screen(page)
    assert at == "regional_network"
    page.reload()
    page.wait_for_selector(".rw-question")
    assert screen(page) == at
    assert page.locator("label[for=rw-progress]").inner_text().startswith("Question 5 of ")
    page.get_by_role("button", name="Back", exact=True).click()
    assert screen(page) == "partner_agreement"
    assert page.is_checked("input[value=discussed]")
    page.get_by_role("button", name="Back", exact=True).click()
    assert page.input_value("#rw-text") == "Positive Voices Riverside"
    page.get_by_role("button", name="Back", exact=True).click()
    page.get_by_role("button", name="Back", exact=True).click()
    assert screen(page) == "budget"
    assert page.is_checked("input[value=extend_role]")
    assert page.input_value("#rw-note") == af.answers["budget"].note
    page.get_by_role("button", name="Back", exact=True).click()
    assert page.input_value("#rw-name") == af.clinic_name


def test_clinic_name_is_required(page) -> None:  # type: ignore[no-untyped-def]
    tab_to(page, "button[type=submit]")
    page.keyboard.press("Enter")
    name = page.locator("#rw-name")
    error = page.locator("#rw-name-error")
    assert screen(page) == "start"
    assert error.is_visible() and "clinic name" in error.inner_text()
    assert name.get_attribute("aria-invalid") == "true"
    assert name.get_attribute("aria-describedby") == "rw-name-error"
    assert focused(page, "#rw-name")
    page.wait_for_function("document.querySelector('#wizard [aria-live]').textContent.includes('clinic name')")
    page.keyboard.type("Riverside")
    assert name.get_attribute("aria-invalid") is None and not error.is_visible()


def test_save_answers_gives_a_file_the_cli_reads(page, q: Questionnaire, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    af, _ = load_answers(ROOT / "examples" / "harbour-in-progress.yaml", q)
    complete_by_keyboard(page, q, af)
    with page.expect_download() as info:
        page.get_by_role("button", name="Save answers").click()
    download = info.value
    assert download.suggested_filename == "harbour-street-clinic-answers.json"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    doc = json.loads(saved.read_text(encoding="utf-8"))
    assert doc["version"] == 1 and doc["clinic"]["name"] == "Harbour Street Clinic"
    assert list(doc["answers"]) == [qu.id for qu in q.questions if qu.id in doc["answers"]], "questionnaire order"
    assert doc["answers"]["space"] == {"answer": None, "note": af.answers["space"].note}
    parsed = parse_answers(parse_json(saved.read_text(encoding="utf-8"), str(saved)), q)
    plan = cli_plan(saved)
    assert evaluate_plan(q, parsed) == plan
    assert_same_plan(shown_plan(page), plan, q)
    assert plan["answers"] == cli_plan(ROOT / "examples" / "harbour-in-progress.yaml")["answers"]

    # The same file opened in a fresh browser gives the same plan.
    fresh = page.context.browser.new_context()
    other = fresh.new_page()
    other.goto(page.url)
    open_file(other, saved)
    other.wait_for_selector(".rw-plan")
    assert_same_plan(shown_plan(other), plan, q)
    fresh.close()


def test_open_answers_shows_the_files_plan(page, q: Questionnaire, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    af, _ = load_answers(ROOT / "examples" / "northgate.yaml", q)
    from builder.fixtures import answer_doc

    path = tmp_path / "northgate.json"
    path.write_text(json.dumps(answer_doc(af)), encoding="utf-8")
    open_file(page, path)
    page.wait_for_selector(".rw-plan")
    assert_same_plan(shown_plan(page), cli_plan(ROOT / "examples" / "northgate.yaml"), q)
    page.wait_for_function("document.querySelector('#wizard [aria-live]').textContent.includes('Opened')")


BAD_FILES = [
    pytest.param("broken.json", '{"version": 1, "clinic": {"name": "X"},', "not valid JSON", id="malformed-json"),
    pytest.param("riverside.yaml", (ROOT / "examples" / "riverside.yaml").read_text(encoding="utf-8"), "YAML answer file", id="yaml"),
    pytest.param("future.json", '{"version": 2, "clinic": {"name": "X"}, "answers": {}}', "answer-file version 2 is not supported", id="version-2"),
    pytest.param("package.json", '{"name": "something-else", "private": true}', "not a readiness answer file", id="foreign-json"),
    pytest.param("typo.json", '{"version": 1, "clinic": {"name": "X"}, "answers": {"budjet": "none"}}', "did you mean 'budget'", id="unknown-question"),
]


@pytest.mark.parametrize("name, content, message", BAD_FILES)
def test_bad_files_are_refused_and_change_nothing(page, tmp_path: Path, name: str, content: str, message: str) -> None:  # type: ignore[no-untyped-def]
    start_by_keyboard(page, "Unchanged Clinic")
    page.check("#rw-o1")
    before = (screen(page), stored(page))
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    open_file(page, path)
    alert = page.get_by_role("alert")
    alert.filter(has_text=message).wait_for()
    assert name in alert.inner_text() and "unchanged" in alert.inner_text()
    assert (screen(page), stored(page)) == before
    assert page.is_checked("#rw-o1")


def test_start_again_asks_first(page) -> None:  # type: ignore[no-untyped-def]
    start_by_keyboard(page, "Forgetful Clinic")
    page.check("#rw-o0")
    kept = stored(page)
    page.get_by_role("button", name="Start again").click()
    dialog = page.get_by_role("alertdialog")
    assert dialog.is_visible() and "clears every answer" in dialog.inner_text()
    assert focused(page, ".rw-confirm button")
    page.get_by_role("button", name="No, keep my answers").click()
    assert not dialog.is_visible() and stored(page) == kept and page.is_checked("#rw-o0")
    assert focused(page, ".rw-tools button")

    page.get_by_role("button", name="Start again").click()
    page.keyboard.press("Escape")
    assert not dialog.is_visible() and stored(page) == kept

    page.get_by_role("button", name="Start again").click()
    page.get_by_role("button", name="Yes, clear all answers").click()
    assert screen(page) == "start" and page.input_value("#rw-name") == ""
    assert json.loads(stored(page) or "{}").get("answers", {}) == {}
    page.reload()
    assert screen(page) == "start" and page.input_value("#rw-name") == ""


def test_untrusted_text_stays_text(page) -> None:  # type: ignore[no-untyped-def]
    name = "Riverside <img src=x onerror=window.pwned=1> & Co"
    partner = "<script>window.pwned=2</script>Positive Voices"
    note = "<b>not bold</b> {{ 7*7 }}"
    page.fill("#rw-name", name)
    page.get_by_role("button", name="Start", exact=True).click()
    page.check("#rw-o1")
    page.fill("#rw-note", note)
    page.get_by_role("button", name="Next", exact=True).click()
    page.check("#rw-o0")
    page.get_by_role("button", name="Next", exact=True).click()
    page.fill("#rw-text", partner)
    page.evaluate(f"localStorage.setItem('{KEY}', JSON.stringify({{...JSON.parse(localStorage.getItem('{KEY}')), screen: 'plan'}}))")
    page.reload()
    plan = page.locator(".rw-plan")
    assert plan.locator(".rw-heading").inner_text() == f"Peer support setup plan: {name}"
    page.evaluate("document.querySelectorAll('.rw-plan details').forEach((d) => { d.open = true; })")  # details start folded
    assert note in plan.inner_text() and partner in plan.inner_text()
    assert plan.locator("img, script, b").count() == 0
    assert page.evaluate("window.pwned") is None


def test_print_shows_only_the_plan(page, q: Questionnaire) -> None:  # type: ignore[no-untyped-def]
    af, _ = load_answers(ROOT / "examples" / "northgate.yaml", q)
    complete_by_keyboard(page, q, af)
    assert page.get_by_role("button", name="Print / save as PDF").is_visible()
    page.emulate_media(media="print")
    for chrome in (".md-header", ".md-sidebar--primary", ".md-footer", ".rw-tools", ".rw-nav", ".rw-intro", ".md-content__inner > h1"):
        assert not page.locator(chrome).first.is_visible(), f"{chrome} shows in print"
    assert page.locator(".rw-plan .rw-heading").is_visible()
    assert page.locator(".rw-chart").is_visible() and page.locator("table.rw-actions").first.is_visible()
    colours = page.evaluate("getComputedStyle(document.querySelector('.rw-chart-bar')).printColorAdjust")
    assert colours == "exact", "bars keep their colour on paper"


def axe_violations(pg) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    pg.add_script_tag(path=str(AXE))
    result = pg.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
    return list(result["violations"])


def describe(violations: list[dict[str, Any]]) -> str:
    return "\n".join(f"{v['id']} ({v['impact']}): {v['help']}\n" + "\n".join(f"    {n['target']}: {n['failureSummary']}" for n in v["nodes"])
                     for v in violations)


def test_axe_finds_no_violations(page, q: Questionnaire) -> None:  # type: ignore[no-untyped-def]
    found = {}
    found["first screen"] = axe_violations(page)
    tab_to(page, "button[type=submit]")
    page.keyboard.press("Enter")
    found["first screen with an error"] = axe_violations(page)
    page.fill("#rw-name", "Accessible Clinic")
    page.get_by_role("button", name="Start", exact=True).click()
    page.check("#rw-o0")
    page.get_by_role("button", name="Next", exact=True).click()
    page.check("#rw-o0")
    page.get_by_role("button", name="Next", exact=True).click()
    assert screen(page) == "partner_name"
    found["branch screen"] = axe_violations(page)
    for _ in range(3):
        page.get_by_role("button", name="Next", exact=True).click()
    page.check("#rw-o0")  # champions, a multiple-choice question
    found["multiple choice"] = axe_violations(page)
    open_file(page, ROOT / "tests" / "golden" / "harbour-in-progress.json")  # a plan, not an answer file: refused
    page.get_by_role("alert").filter(has_text="not opened").wait_for()
    found["refused file"] = axe_violations(page)
    af, _ = load_answers(ROOT / "examples" / "harbour-in-progress.yaml", q)
    page.goto(page.url)
    page.evaluate("localStorage.clear()")
    page.reload()
    complete_by_keyboard(page, q, af)
    found["plan"] = axe_violations(page)
    page.get_by_role("button", name="Start again").click()
    found["start again"] = axe_violations(page)
    problems = {where: v for where, v in found.items() if v}
    assert not problems, "\n".join(f"{where}:\n{describe(v)}" for where, v in problems.items())


def test_nothing_loads_from_another_host(browser, server: StaticServer, q: Questionnaire) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context()
    pg = context.new_page()
    requests: list[str] = []
    pg.on("request", lambda r: requests.append(r.url))
    pg.goto(server.url + "wizard.html")
    af, _ = load_answers(ROOT / "examples" / "riverside.yaml", q)
    complete_by_keyboard(pg, q, af)
    pg.wait_for_timeout(500)
    context.close()
    ours = urlsplit(server.url).netloc
    elsewhere = [u for u in requests if urlsplit(u).scheme not in ("data", "blob") and urlsplit(u).netloc != ours]
    assert requests and not elsewhere, f"requests to other hosts: {elsewhere}"


def test_works_opened_from_disk(browser, site: Path) -> None:  # type: ignore[no-untyped-def]
    """Chromium refuses module scripts and fetch() on file://; the wizard uses neither."""
    context = browser.new_context()
    pg = context.new_page()
    problems: list[str] = []
    pg.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    pg.on("console", lambda m: m.type == "error" and problems.append(f"console error: {m.text} {m.location.get('url', '')}"))
    pg.goto((site / "wizard.html").as_uri())
    pg.wait_for_selector(".rw-heading")
    start_by_keyboard(pg, "USB Stick Clinic")
    assert screen(pg) == "budget"
    tab_to(pg, "input[name=rw-answer]")
    pg.keyboard.press("Space")
    tab_to(pg, "button[type=submit]")
    pg.keyboard.press("Enter")
    assert screen(pg) == "partner_org"
    pg.reload()
    assert screen(pg) == "partner_org", "resumes from localStorage on file:// too"
    pg.wait_for_timeout(300)
    context.close()
    assert not problems, "\n".join(problems)


def test_changing_an_assumption_recosts_the_plan_like_the_cli(page, q: Questionnaire, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from builder.fixtures import answer_doc

    af, _ = load_answers(ROOT / "examples" / "riverside.yaml", q)
    path = tmp_path / "riverside.json"
    path.write_text(json.dumps(answer_doc(af)), encoding="utf-8")
    open_file(page, path)
    page.wait_for_selector(".rw-plan")
    page.locator("summary", has_text="Budget").click()
    box = page.get_by_label("Co-ordination hours a week")
    assert box.input_value() == "7.5"
    box.fill("15")
    box.press("Enter")
    before = evaluate_plan(q, af)["budget"]["total_year1"]
    page.wait_for_function(f"document.querySelector('.rw-board').dataset.totalYear1 !== '{before}'")
    expected = evaluate_plan(q, dataclasses.replace(af, assessed_on=page.evaluate(
        "() => JSON.parse(localStorage.getItem('readiness-wizard')).assessed_on"), assumptions={"coordinator_hours": 1500}))
    assert page.locator(".rw-board").get_attribute("data-total-year1") == str(expected["budget"]["total_year1"])
    assert f"£{expected['budget']['total_year1']:,}" in page.locator(".rw-board").inner_text()
    with page.expect_download() as info:
        page.get_by_role("button", name="Save answers").click()
    saved = tmp_path / "saved.json"
    info.value.save_as(saved)
    assert json.loads(saved.read_text(encoding="utf-8"))["assumptions"] == {"coordinator_hours": 15}
    box = page.get_by_label("Co-ordination hours a week")
    box.fill("1.255")
    box.press("Enter")
    assert "at most two decimal places" in page.locator(".rw-budget ~ .rw-error, .rw-error[role=alert]").first.inner_text()
