"""The wizard page of the built site, in headless Chromium: keyboard only, resume, save and open,
start again, accessibility (axe-core), no requests to other hosts, and opened straight from disk."""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from builder.checks.project import load_questionnaire
from builder.core.answers import AnswerFile, parse_answers
from builder.core.engine import evaluate_plan
from builder.core.errors import Msg
from builder.core.schema import Questionnaire
from builder.load.answers import load_answers
from builder.load.project import ROOT
from builder.load.sources import parse_json
from builder.output.site_sources import wizard_script

from .conftest import EXAMPLES, StaticServer, run_axe

pytestmark = [pytest.mark.browser, pytest.mark.slow]

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
def page(wizard_page):  # type: ignore[no-untyped-def]
    """The wizard page in a fresh browser context (tests/conftest.py's wizard_page)."""
    return wizard_page


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
    """'start', 'about', 'tasks', 'check', 'plan' or the id of the question on screen."""
    # The plan page waits for plan.js (loaded on demand) while it is aria-busy.
    pg.wait_for_function("() => { const s = document.querySelector('#wizard .rw-screen'); return s && s.dataset.route === (location.hash || '#start') && !s.querySelector('[aria-busy=true]'); }")
    return str(pg.evaluate("""() => {
        const s = document.querySelector('#wizard .rw-screen');
        if (s.querySelector('.rw-question')) return s.querySelector('.rw-question').dataset.question;
        for (const [sel, name] of [['.rw-plan', 'plan'], ['.rw-tasks', 'tasks'], ['.rw-check', 'check'], ['.rw-done', 'done'], ['#rw-name', 'about'], ['.rw-start', 'start']]) {
          if (s.querySelector(sel)) return name;
        }
        return 'other';
    }"""))


def press_link(pg, name: str) -> None:  # type: ignore[no-untyped-def]
    """Tab to the link or button in the wizard with this accessible name, then press Enter."""
    target = pg.locator("#wizard").get_by_role("button", name=name, exact=True).or_(pg.locator("#wizard").get_by_role("link", name=name, exact=True)).first
    target.evaluate("el => el.setAttribute('data-rw-target', '')")
    tab_to(pg, "[data-rw-target]")
    pg.keyboard.press("Enter")


def start_by_keyboard(pg, name: str, organisation: str = "", role: str = "") -> None:  # type: ignore[no-untyped-def]
    """From the start page: Start now, the clinic's details, then the first area from the task list."""
    press_link(pg, "Start now")
    assert screen(pg) == "about"
    for selector, text in (("#rw-name", name), ("#rw-org", organisation), ("#rw-role", role)):
        tab_to(pg, selector)
        pg.keyboard.type(text)
    tab_to(pg, "button[type=submit]")
    pg.keyboard.press("Enter")
    assert screen(pg) == "tasks"
    press_link(pg, "Start the first area")


def answer_setting(pg) -> None:  # type: ignore[no-untyped-def]
    """The three questions on where the service is and whom it serves come first: answer each with its first option."""
    for _ in range(3):
        pg.check("#rw-o0")
        pg.get_by_role("button", name="Next", exact=True).click()


def skip_question(pg, af: AnswerFile, qid: str) -> None:  # type: ignore[no-untyped-def]
    """Leave a required question unanswered, as a person does through the task list: on to the next one on the path."""
    path = [a["question"] for a in evaluate_plan(load_questionnaire(), af)["answers"]]
    after = path[path.index(qid) + 1:]
    pg.goto(pg.url.split("#")[0] + (f"#q/{after[0]}" if after else "#check"))


def answer_by_keyboard(pg, q: Questionnaire, af: AnswerFile) -> str:  # type: ignore[no-untyped-def]
    """Answer the question on screen as `af` does (I don't know yet, or skip it, where `af` has no answer),
    then press Next; returns its id."""
    qid = screen(pg)
    qu = q.question(qid)
    assert qu is not None, qid
    assert focused(pg, ".rw-heading"), f"focus did not move to the heading of {qid}"
    given = af.answers.get(qid)
    value = given.value if given else None
    if value is None and qu.type != "text" and not qu.optional:
        if not pg.locator("#rw-dk").count():
            skip_question(pg, af, qid)
            return qid
        if qu.type == "single":  # one radio group: from its first radio, Up wraps round to I don't know yet, the last
            tab_to(pg, "input[name=rw-answer]")
            pg.keyboard.press("ArrowUp")
            assert pg.is_checked("#rw-dk")
        else:
            tab_to(pg, "#rw-dk")
            pg.keyboard.press("Space")
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
        tab_to(pg, ".rw-note-fold > summary")  # the note box folds behind "Add a note"
        pg.keyboard.press("Enter")
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
    status = meta.messages.go_live_status.model_dump()
    for g in plan["go_live"]:
        assert f"{status[g['status']]}: {g['title']}" in shown["summary"], "the plan opens with the go-live checklist"
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
    """Every question on the path by keyboard, then check your answers, then the plan."""
    start_by_keyboard(pg, af.clinic_name, af.organisation or "", af.respondent_role or "")
    asked: list[str] = []
    for _ in range(len(q.questions) + 1):
        if screen(pg) == "check":
            break
        asked.append(answer_by_keyboard(pg, q, af))
    assert screen(pg) == "check"
    assert focused(pg, ".rw-check .rw-heading")
    press_link(pg, "Finish the assessment")
    assert screen(pg) == "done"
    assert focused(pg, ".rw-done .rw-heading")
    press_link(pg, "See your plan")
    assert screen(pg) == "plan"
    assert focused(pg, ".rw-plan .rw-heading")
    return asked


def assert_gives_the_engines_plan(pg, q: Questionnaire, af: AnswerFile) -> None:  # type: ignore[no-untyped-def]
    """The plan on the page is the engine's for the same answers. The wizard dates its answers today, so its due dates
    count from today: the engine's plan is made with the same start."""
    day = pg.evaluate(f"() => JSON.parse(localStorage.getItem('{KEY}')).assessed_on")
    assert_same_plan(shown_plan(pg), evaluate_plan(q, dataclasses.replace(af, assessed_on=day)), q)


def open_file(pg, path: Path) -> None:  # type: ignore[no-untyped-def]
    pg.set_input_files("#wizard input[type=file]", str(path))


def stored(pg) -> Any:  # type: ignore[no-untyped-def]
    return pg.evaluate(f"localStorage.getItem('{KEY}')")


def summary_tops_the_main_content(pg) -> bool:  # type: ignore[no-untyped-def]
    """GOV.UK's error summary pattern: the summary is the first thing in the main content, above the page's h1."""
    return bool(pg.evaluate("""() => {
        const main = document.querySelector('article.md-content__inner'), s = document.querySelector('.rw-error-summary');
        const first = main.firstElementChild;
        return !!s && document.querySelectorAll('.rw-error-summary').length === 1 && !first.hidden
          && (first === s || first.firstElementChild === s)
          && !!(s.compareDocumentPosition(main.querySelector('h1')) & Node.DOCUMENT_POSITION_FOLLOWING);
    }"""))


# ------------------------------------------------------------------ tests


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_keyboard_only_gives_the_cli_plan(page, q: Questionnaire, example: Path) -> None:  # type: ignore[no-untyped-def]
    af, _ = load_answers(example, q)
    asked = complete_by_keyboard(page, q, af)
    plan = cli_plan(example)
    assert asked == [a["question"] for a in plan["answers"]], "the wizard asks exactly the questions on the clinic's path"
    assert_gives_the_engines_plan(page, q, af)


def areas_completed(pg) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """(areas completed, questions answered) as the task list states them."""
    text = pg.locator(".rw-tasks .rw-count").inner_text()
    m = re.match(r"You have completed (\d+) of (\d+) areas \((\d+) questions? answered\)", text)
    assert m, text
    return int(m.group(1)), int(m.group(3))


def test_progress_never_goes_backwards(page, q: Questionnaire) -> None:  # type: ignore[no-untyped-def]
    """The task list's count only grows as answers bring in follow-up questions; each question page says where it is in its area."""
    af, _ = load_answers(ROOT / "examples" / "riverside.yaml", q)
    start_by_keyboard(page, af.clinic_name)
    seen: list[tuple[int, int]] = []
    while screen(page) != "check":
        area = q.domain_of(screen(page))
        caption = re.fullmatch(rf"{re.escape(area.title)} · Question (\d+) of (\d+)", page.locator(".rw-kicker").text_content() or "")
        assert caption and 1 <= int(caption.group(1)) <= int(caption.group(2)) <= len(area.questions), page.locator(".rw-kicker").text_content()
        answer_by_keyboard(page, q, af)
        here = page.evaluate("() => location.href")  # page.url follows the browser's navigation events and can lag a step
        page.goto(page.url.split("#")[0] + "#tasks")
        seen.append(areas_completed(page))
        page.goto(here)
    assert seen == sorted(seen), f"the progress went backwards: {seen}"
    # Every question on the path ends answered: with the file's answer, or with "I don't know yet" where a required
    # choice question has none (the question pages require one or the other).
    path = [a["question"] for a in evaluate_plan(q, af)["answers"]]
    answered = sum(1 for a in af.answers.values() if a.value is not None)
    unknown = [qid for qid in path if (qid not in af.answers or af.answers[qid].value is None)
               and (qu := q.question(qid)) is not None and qu.type in ("single", "multi") and not qu.optional]
    assert answered <= seen[-1][1] <= answered + len(unknown), (seen[-1], answered, unknown)
    page.goto(page.url.split("#")[0] + "#tasks")
    statuses = [li.get_attribute("data-status") for li in page.locator(".rw-task").all()]
    assert len(statuses) == len(q.domains) and set(statuses) <= {"done", "gaps", "in-progress"}


def test_task_list_shows_each_areas_status(page, q: Questionnaire) -> None:  # type: ignore[no-untyped-def]
    start_by_keyboard(page, "Task List Clinic")
    page.goto(page.url.split("#")[0] + "#tasks")
    rows = page.locator(".rw-task")
    assert rows.count() == len(q.domains)
    assert [r.get_attribute("data-status") for r in rows.all()] == ["not-started"] * len(q.domains)
    assert rows.first.get_by_role("link").get_attribute("aria-describedby") == "rw-status-resource"
    # Start the third area directly.
    rows.nth(2).get_by_role("link").click()
    assert screen(page) == q.domains[2].questions[0].id
    page.check("#rw-o0")
    page.go_back()
    assert rows.nth(2).get_attribute("data-status") == "in-progress"
    assert rows.nth(2).locator(".rw-tag").inner_text() == "In progress"
    # Champions: nobody yet is a must-have gap once the area is complete.
    page.goto(page.url.split("#")[0] + "#q/champions")
    page.check("input[value=none]")
    page.get_by_role("button", name="Next", exact=True).click()
    assert screen(page) == "wider_team"  # no champions: the champions' group question is not asked
    for _ in range(2):
        page.check("#rw-o0")
        page.get_by_role("button", name="Next", exact=True).click()
    page.goto(page.url.split("#")[0] + "#tasks")
    assert rows.nth(1).get_attribute("data-status") == "gaps"
    assert rows.nth(1).locator(".rw-tag").inner_text() == "Done, with must-have gaps"
    assert areas_completed(page) == (1, 4)


def test_reload_resumes_on_the_same_screen(page, q: Questionnaire) -> None:  # type: ignore[no-untyped-def]
    af, _ = load_answers(ROOT / "examples" / "riverside.yaml", q)
    start_by_keyboard(page, af.clinic_name, af.organisation or "")
    for _ in range(7):  # nation, kind of service, under-18s, budget, partner, its name, talks with it
        answer_by_keyboard(page, q, af)
    at = screen(page)
    assert at == "regional_network"
    page.reload()
    page.wait_for_selector(".rw-question")
    assert screen(page) == at
    back = page.locator("#wizard").get_by_role("link", name="Back", exact=True)
    back.click()
    assert screen(page) == "partner_agreement"
    assert page.is_checked("input[value=discussed]")
    back.click()
    assert page.input_value("#rw-text") == "Positive Voices Riverside"
    back.click()
    back.click()
    assert screen(page) == "budget"
    assert page.is_checked("input[value=extend_role]")
    assert page.input_value("#rw-note") == af.answers["budget"].note
    for qid in ("under_18s", "service_kind", "nation"):
        back.click()
        assert screen(page) == qid
    back.click()
    assert screen(page) == "tasks"


def test_browser_back_and_forward_move_between_screens(page, q: Questionnaire) -> None:  # type: ignore[no-untyped-def]
    start_by_keyboard(page, "History Clinic")
    answer_setting(page)
    page.check("input[value=none]")
    page.get_by_role("button", name="Next", exact=True).click()
    assert screen(page) == "partner_org"
    page.check("input[value=hiv_peer_org]")
    page.get_by_role("button", name="Next", exact=True).click()
    assert screen(page) == "partner_name"
    page.go_back()
    assert screen(page) == "partner_org" and page.is_checked("input[value=hiv_peer_org]")
    assert focused(page, ".rw-heading"), "focus moves to the question after Back"
    page.go_back()
    assert screen(page) == "budget" and page.is_checked("input[value=none]")
    for qid in ("under_18s", "service_kind", "nation"):
        page.go_back()
        assert screen(page) == qid
    page.go_back()
    assert screen(page) == "tasks"
    page.go_back()
    assert screen(page) == "about" and page.input_value("#rw-name") == "History Clinic"
    page.go_back()
    assert screen(page) == "start"
    for expected in ("about", "tasks", "nation", "service_kind", "under_18s", "budget", "partner_org", "partner_name"):
        page.go_forward()
        assert screen(page) == expected
    assert page.title() == "Partner's name – Resource – Readiness assessment"


@pytest.mark.parametrize("where", ["check", "plan"])
def test_change_an_answer_and_return(page, q: Questionnaire, tmp_path: Path, where: str) -> None:  # type: ignore[no-untyped-def]
    """From the plan (or check answers), any answer is three actions away: Change, the new answer, Save and return."""
    af, _ = load_answers(ROOT / "examples" / "northgate.yaml", q)
    complete_by_keyboard(page, q, af)
    if where == "check":
        page.get_by_role("button", name="Check and change answers").click()
    assert screen(page) == where
    title = q.question("budget").title  # type: ignore[union-attr]
    page.locator(f"#wizard a.rw-change[href='#q/budget/{where}']").click()  # 1
    assert screen(page) == "budget"
    assert page.locator("#wizard").get_by_role("link", name=f"Change {title}").count() == 0
    page.check("input[value=none]")  # 2
    page.get_by_role("button", name="Save and return").click()  # 3
    assert screen(page) == where
    # Back at the changed row, not the top of the page.
    assert focused(page, f"[data-question=budget] a.rw-change[href='#q/budget/{where}']")
    assert page.locator(f"[data-question=budget] a.rw-change[href='#q/budget/{where}']").is_visible()
    assert page.evaluate("() => { const r = document.activeElement.getBoundingClientRect(); return r.top > 0 && r.bottom < innerHeight; }")
    if where == "plan":
        row = page.locator(".rw-answers tr[data-question=budget]")
        assert "No" in row.inner_text() or "none" in row.inner_text().lower()
        assert page.locator(".rw-answers").get_by_role("link", name=f"Change {title}").is_visible()
    # A change that brings in follow-up questions asks them, then returns.
    page.locator(f"#wizard a.rw-change[href='#q/partner_org/{where}']").click()
    page.check("input[value=hiv_peer_org]")
    page.get_by_role("button", name="Save and return").click()
    if screen(page) == "partner_name":
        page.get_by_role("button", name="Save and return").click()
    assert screen(page) == "partner_agreement"
    page.check("input[value=agreed]")
    page.get_by_role("button", name="Save and return").click()
    assert screen(page) == where
    assert focused(page, "[data-question=partner_org] a.rw-change"), "after follow-ups, back to the row first changed"


def test_i_dont_know_yet_is_an_answer(page, q: Questionnaire, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    start_by_keyboard(page, "Unsure Clinic")
    page.goto(page.url.split("#")[0] + "#q/budget")
    assert page.locator(".rw-or").count() >= 1, "an 'or' divides the options from I don't know yet"
    page.get_by_label("I don't know yet").check()
    page.get_by_role("button", name="Next", exact=True).click()
    page.goto(page.url.split("#")[0] + "#check")
    assert page.locator(".rw-summary-row[data-question=budget] dd").first.inner_text() == "I don't know yet"
    assert page.locator(".rw-summary-row[data-question=partner_org] dd").first.inner_text() == "Not answered yet"
    page.goto(page.url.split("#")[0] + "#tasks")
    assert areas_completed(page) == (0, 1)
    # Multiple choice: I don't know yet and the options exclude each other.
    page.goto(page.url.split("#")[0] + "#q/champions")
    assert page.locator(".rw-or").count() == 2  # before "None of these", and before I don't know yet
    page.check("#rw-o0")
    page.get_by_label("I don't know yet").check()
    assert not page.is_checked("#rw-o0")
    with page.expect_download() as info:
        page.get_by_role("button", name="Save answers").click()
    saved = tmp_path / "unsure.json"
    info.value.save_as(saved)
    doc = json.loads(saved.read_text(encoding="utf-8"))
    assert doc["answers"] == {"budget": None, "champions": None}
    plan = cli_plan(saved)
    assert "budget" in plan["unknown"] and "champions" in plan["unknown"]


def test_page_title_per_screen(page, q: Questionnaire) -> None:  # type: ignore[no-untyped-def]
    assert page.title().startswith("Readiness assessment")
    start_by_keyboard(page, "Title Clinic")
    base = page.url.split("#")[0]
    for qu in q.questions[:6]:
        page.goto(f"{base}#q/{qu.id}")
        if screen(page) != qu.id:
            continue  # not on this clinic's path
        assert page.title() == f"{qu.title} – {q.domain_of(qu.id).title} – Readiness assessment"
    for hash_, title in (("#tasks", "Your assessment"), ("#check", "Check your answers"), ("#plan", "Setup plan: Title Clinic"), ("#about", "About your clinic")):
        page.goto(base + hash_)
        screen(page)
        assert page.title() == f"{title} – Readiness assessment"
    assert page.title() != page.evaluate("document.querySelector('h1').textContent")


def test_clinic_name_is_required(page) -> None:  # type: ignore[no-untyped-def]
    press_link(page, "Start now")
    tab_to(page, "button[type=submit]")
    page.keyboard.press("Enter")
    name = page.locator("#rw-name")
    error = page.locator("#rw-name-error")
    summary = page.locator(".rw-error-summary")
    assert screen(page) == "about"
    assert page.title() == "Error: About your clinic – Readiness assessment"
    assert summary.is_visible() and summary.get_attribute("role") == "alert"
    assert "There is a problem" in summary.inner_text() and "clinic name" in summary.inner_text()
    assert focused(page, ".rw-error-summary"), "focus moves to the error summary"
    assert summary_tops_the_main_content(page)
    assert error.is_visible() and "clinic name" in error.inner_text()
    assert name.get_attribute("aria-invalid") == "true"
    assert name.get_attribute("aria-describedby") == "rw-name-error"
    tab_to(page, ".rw-error-summary a")
    page.keyboard.press("Enter")
    assert focused(page, "#rw-name") and screen(page) == "about"
    page.keyboard.type("Riverside")
    assert name.get_attribute("aria-invalid") is None and not error.is_visible() and summary.count() == 0
    assert not page.title().startswith("Error")


def test_a_question_page_is_headed_by_its_question(page, q: Questionnaire) -> None:  # type: ignore[no-untyped-def]
    """GOV.UK's question pages: the question is the h1, with the area and the question's place in it as a caption."""
    start_by_keyboard(page, "Heading Clinic")
    budget = q.questions[0]
    assert budget is not None
    visible_h1 = page.locator("h1:visible")
    assert visible_h1.count() == 1 and visible_h1.inner_text() == budget.text
    assert focused(page, "h1.rw-heading")
    area = q.domain_of(q.questions[0].id)
    caption = page.locator(".rw-question legend .rw-kicker").text_content() or ""
    assert re.fullmatch(rf"{re.escape(area.title)} · Question 1 of \d+", caption), caption
    assert page.locator(".rw-question legend > *").evaluate_all("els => els.map((e) => e.tagName)") == ["SPAN", "H1"]
    for where in ("#tasks", "#check", "#about"):
        page.goto(page.url.split("#")[0] + where)
        screen(page)
        assert page.locator("h1:visible").count() == 1 and focused(page, "h1.rw-heading"), where


def test_a_question_needs_an_answer_or_i_dont_know_yet(page, q: Questionnaire) -> None:  # type: ignore[no-untyped-def]
    """Next with nothing chosen: an error summary at the top and an error by the options, as GOV.UK's pages do."""
    start_by_keyboard(page, "Required Clinic")
    budget = q.questions[0]
    assert budget is not None
    page.get_by_role("button", name="Next", exact=True).click()
    assert screen(page) == q.questions[0].id, "Next with nothing chosen stays on the question"
    summary, inline = page.locator(".rw-error-summary"), page.locator("#rw-answer-error")
    message = f'Select an answer to "{budget.title}", or select I don\'t know yet'
    assert summary.is_visible() and "There is a problem" in summary.inner_text() and message in summary.inner_text()
    assert focused(page, ".rw-error-summary") and summary_tops_the_main_content(page)
    assert inline.is_visible() and inline.text_content() == f"Error: {message}"
    assert "rw-answer-error" in (page.locator(".rw-question fieldset").get_attribute("aria-describedby") or "")
    assert page.title() == f"Error: {budget.title} – {q.domain_of(q.questions[0].id).title} – Readiness assessment"
    assert stored(page) is None or q.questions[0].id not in json.loads(stored(page))["answers"]
    summary.get_by_role("link").click()
    assert focused(page, "#rw-o0"), "the summary's link goes to the first option"
    page.get_by_label("I don't know yet").check()
    assert summary.count() == 0 and not inline.is_visible() and not page.title().startswith("Error")
    page.get_by_role("button", name="Next", exact=True).click()
    assert screen(page) == q.questions[1].id  # on to the next question on the path
    # A question with its own "not sure" option has no separate I don't know yet, but still needs an answer.
    page.goto(page.url.split("#")[0] + "#q/regional_network")
    if screen(page) == "regional_network":
        page.get_by_role("button", name="Next", exact=True).click()
        assert screen(page) == "regional_network" and page.locator(".rw-error-summary").is_visible()
        assert "I don't know yet" not in page.locator(".rw-error-summary").inner_text()


def test_the_note_folds_behind_add_a_note(page, q: Questionnaire) -> None:  # type: ignore[no-untyped-def]
    start_by_keyboard(page, "Note Clinic")
    fold = page.locator(".rw-note-fold")
    assert fold.get_attribute("open") is None and not page.locator("#rw-note").is_visible()
    tab_to(page, ".rw-note-fold > summary")
    page.keyboard.press("Enter")
    assert page.locator("#rw-note").is_visible()
    tab_to(page, "#rw-note")
    page.keyboard.type("Ask the finance lead")
    page.check("#rw-o0")
    page.get_by_role("button", name="Next", exact=True).click()
    page.go_back()
    assert screen(page) == q.questions[0].id
    assert fold.get_attribute("open") is not None, "a question with a note opens with its note showing"
    assert page.input_value("#rw-note") == "Ask the finance lead"


def test_the_sites_menus_are_hidden_while_answering(page, q: Questionnaire) -> None:  # type: ignore[no-untyped-def]
    """Only the question while answering: no site navigation; the skip link and the task list are the way around."""
    nav = page.locator(".md-sidebar--primary")
    assert nav.is_visible(), "the start page keeps the site's menu"
    start_by_keyboard(page, "Focus Clinic")
    assert not nav.is_visible() and not page.locator(".md-sidebar--secondary").is_visible()
    assert page.locator("#wizard .rw-links").get_by_role("link", name="All areas").is_visible()
    page.reload()  # focus starts at the top of the page
    screen(page)
    page.keyboard.press("Tab")
    assert focused(page, "a.md-skip"), "the skip link is the first thing Tab reaches"
    page.keyboard.press("Enter")
    assert focused(page, ".rw-question .rw-heading"), "Skip to content goes to the question"
    assert screen(page) == q.questions[0].id
    for where, shown in (("#tasks", False), ("#check", False), ("#plan", True)):
        page.goto(page.url.split("#")[0] + where)
        screen(page)
        assert nav.is_visible() is shown, where


def test_a_confirmation_page_comes_before_the_plan(page, q: Questionnaire) -> None:  # type: ignore[no-untyped-def]
    start_by_keyboard(page, "Confirmed Clinic")
    page.goto(page.url.split("#")[0] + "#check")
    press_link(page, "Finish the assessment")
    assert screen(page) == "done"
    done = page.locator(".rw-done")
    assert done.locator("h1").inner_text() == "You have finished the assessment"
    assert "What happens next" in done.inner_text() and "Confirmed Clinic" in done.inner_text()
    open_count = re.search(r"(\d+) questions are not answered yet", done.inner_text())
    assert open_count and int(open_count.group(1)) > 10
    assert page.title() == "Assessment finished – Readiness assessment"
    press_link(page, "See your plan")
    assert screen(page) == "plan"


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_task_list_top_steps_and_rating_agree_with_the_go_live_checklist(page, q: Questionnaire, example: Path) -> None:  # type: ignore[no-untyped-def]
    """One answer to "what first?": every area with a go-live item not met or not known is marked on the task list,
    the top steps begin with those items' actions by due date, and the rating sentence counts them."""
    import datetime

    plan = cli_plan(example)
    actions = {a["id"]: a for a in plan["actions"]}
    open_gaps = [g for g in plan["go_live"] if g["status"] != "met"]
    # An item's area: its action's, as the plan lists it or, where the plan has a find-out step instead, as the questionnaire does.
    area_of = {a.id: d.id for d in q.domains for a in d.actions}
    marked = {actions[g["action"]]["domain"] if g["action"] in actions else area_of[g["action"]] for g in open_gaps}
    open_file(page, example)
    page.wait_for_selector(".rw-plan")
    # The rating: one sentence, with the score and caps folded away.
    sentence = page.locator(".rw-rating-reason").inner_text()
    label = plan["readiness"]["overall"]["label"]
    missing = sum(1 for g in open_gaps if g["status"] in ("not_met", "planned"))  # planned is not in place either
    assert sentence == plan["readiness"]["overall"]["sentence"], "the engine's sentence, the same as the command line's"
    assert sentence.startswith(f"{label}: ") and sentence.count(".") <= 2, sentence
    if missing:
        assert f"{missing} go-live safeguard{'s' if missing > 1 else ''} {'are' if missing > 1 else 'is'} not in place yet" in sentence
    assert not re.search(r"\bScore\b|Capped", sentence)
    details = page.locator(".rw-rating-details")
    assert details.get_attribute("open") is None
    assert all(reason in (details.text_content() or "") for reason in plan["readiness"]["overall"]["reasons"])
    # The top steps: the command line's, in its order (schedule.yaml's first_steps rule: go-live actions first,
    # soonest first); overdue ones flagged.
    steps = page.locator(".rw-steps li")
    shown = [(li.get_attribute("data-action"), li.get_attribute("data-blocks"), li.get_attribute("data-overdue")) for li in steps.all()]
    assert [s[0] for s in shown] == plan["first_steps"]
    assert [s[0] for s in shown if s[1] == "true"] == plan["first_steps_blocking"]
    gaps = {g["action"] for g in open_gaps if g["action"] in actions}
    assert plan["first_steps_blocking"] == [s[0] for s in shown[:min(5, len(gaps))]] and set(plan["first_steps_blocking"]) <= gaps
    today = datetime.date.today().isoformat()
    for aid, _, overdue in shown:
        assert overdue == ("true" if actions[aid]["due"] < today else "false"), aid
        if overdue == "true":
            assert "Overdue" in page.locator(f".rw-steps li[data-action={aid}]").inner_text()
    # The task list: the same areas, and none of them plain Done.
    page.goto(page.url.split("#")[0] + "#tasks")
    screen(page)  # planning.js came with the plan, so the task list marks its areas as it is drawn
    rows = {li.get_attribute("data-domain"): li for li in page.locator(".rw-task").all()}
    flagged = {d for d, li in rows.items() if li.get_attribute("data-golive")}
    assert flagged == marked
    for d in marked:
        assert rows[d].get_attribute("data-status") != "done" and "Blocks going live" in rows[d].inner_text()


def test_screen_is_never_under_the_header_or_floating_button(browser, server: StaticServer) -> None:  # type: ignore[no-untyped-def]
    """On a phone, after each Next the question's heading sits below the sticky header, clear of the theme's Back to top."""
    context = browser.new_context(viewport={"width": 390, "height": 700}, is_mobile=True, has_touch=True)
    pg = context.new_page()
    pg.goto(server.url + "wizard.html#about")
    pg.fill("#rw-name", "Phone Clinic")
    pg.get_by_role("button", name="Continue").click()
    pg.goto(server.url + "wizard.html#q/budget")
    for _ in range(5):
        pg.mouse.wheel(0, 2000)
        pg.wait_for_timeout(150)
        if pg.locator("#wizard input[name=rw-answer]").count():  # a free-text question needs no answer
            pg.locator("#wizard input[name=rw-answer]").first.check()
        pg.locator("#wizard").get_by_role("button", name="Next", exact=True).click()
        pg.wait_for_timeout(300)
        box = pg.evaluate("""() => {
            const hd = document.querySelector('.md-header').getBoundingClientRect();
            const q = document.querySelector('#wizard .rw-screen').getBoundingClientRect();
            const h = document.querySelector('#wizard .rw-heading').getBoundingClientRect();
            const top = document.querySelector('.md-top');
            const t = top && getComputedStyle(top).display !== 'none' && !top.hidden ? top.getBoundingClientRect() : null;
            return {header: hd.bottom, screen: q.top, heading: h.top, headingBottom: h.bottom, top: t && [t.top, t.bottom]};
        }""")
        assert box["screen"] >= box["header"] - 1, box
        assert box["headingBottom"] <= 700, box
        if box["top"]:
            assert box["top"][1] <= box["heading"] or box["top"][0] >= box["headingBottom"], box
    context.close()


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


def open_example_as_json(pg, q: Questionnaire, tmp_path: Path, name: str) -> AnswerFile:  # type: ignore[no-untyped-def]
    """Open examples/NAME.yaml in the wizard as the JSON file the wizard itself saves, wait for its plan; its answers."""
    from builder.dev.fixtures import answer_doc

    af, _ = load_answers(ROOT / "examples" / f"{name}.yaml", q)
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(answer_doc(af)), encoding="utf-8")
    open_file(pg, path)
    pg.wait_for_selector(".rw-plan")
    return af


def test_open_answers_shows_the_files_plan(page, q: Questionnaire, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    open_example_as_json(page, q, tmp_path, "northgate")
    assert_same_plan(shown_plan(page), cli_plan(ROOT / "examples" / "northgate.yaml"), q)
    page.locator(".rw-notice").filter(has_text='Opened "northgate.json": ').wait_for()
    assert page.locator(".rw-notice").is_visible()


@pytest.mark.parametrize("name", ["glenmuir", "harbour-in-progress"])
def test_plan_says_what_applies_where_the_service_is(page, q: Questionnaire, tmp_path: Path, name: str) -> None:  # type: ignore[no-untyped-def]
    """The wizard's plan lists the nation's checks, contacts and speaking-up route (or what waits on an answer), as the CLI's plan does."""
    open_example_as_json(page, q, tmp_path, name)
    page.wait_for_selector(".rw-plan")
    local = cli_plan(ROOT / "examples" / f"{name}.yaml")["local"]
    shown = {t["id"]: t["text"] for t in local["shown"]}
    assert {dd.get_attribute("data-term"): dd.inner_text() for dd in page.locator(".rw-local dd").all()} == shown
    section = page.locator(".rw-section").filter(has=page.get_by_role("heading", name="Where the service is and whom it serves"))
    for p in local["pending"]:
        assert f"{p['title']} is not answered yet" in section.inner_text()


def cli_error(path: Path) -> list[str]:
    """The command line's error lines for a bad answer file, each without its `file:line: error: ` prefix."""
    done = subprocess.run([sys.executable, "-m", "builder", "plan", str(path)], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 2, done.stdout + done.stderr
    return [re.sub(r"^.*?:(\d+:)? ?error: ", "", line) for line in done.stderr.strip().splitlines()]


BAD_FILES = [
    pytest.param("broken.json", '{"version": 1, "clinic": {"name": "X"},', "broken.json:1: error: malformed JSON", id="malformed-json"),
    pytest.param("broken.yaml", "version: 1\nclinic:\n  name: [X\nanswers: {}\n", "broken.yaml:", id="malformed-yaml"),
    pytest.param("future.json", '{"version": 2, "clinic": {"name": "X"}, "answers": {}}', "answer-file version 2 is not supported", id="version-2"),
    pytest.param("package.json", '{"name": "something-else", "private": true}', "not a readiness answer file", id="foreign-json"),
    pytest.param("typo.json", '{"version": 1, "clinic": {"name": "X"}, "answers": {"budjet": "none"}}', "did you mean 'Budget for a role'", id="unknown-question"),
    pytest.param("typo.yaml", "version: 1\nclinic: {name: X}\nanswers:\n  budjet: none\n  budget: yes\n", "did you mean 'Budget for a role'", id="yaml-unknown-question"),
    pytest.param("twice.yaml", "version: 1\nclinic: {name: X}\nclinic: {name: Y}\n", "twice.yaml:3: error: malformed YAML", id="yaml-duplicate-key"),
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
    assert page.get_by_role("alertdialog").is_hidden(), "nothing to confirm for a file that is refused"


@pytest.mark.parametrize("name, content", [
    pytest.param("typo.yaml", "version: 1\nclinic: {name: X}\nanswers:\n  budjet: none\n  budget: yes\n", id="unknown-question-and-bad-option"),
    pytest.param("types.json", '{"version": 1, "clinic": {"name": "X"}, "answers": {"champions": "none", "budget": ["none"]}}', id="wrong-shapes"),
    pytest.param("room.json", '{"version": 1, "clinic": {"name": "X"}, "answers": {"space": "big_room", "champions": ["none", "none"]}}', id="unknown-option"),
])
def test_file_errors_name_questions_and_options_as_the_pages_do(page, q: Questionnaire, tmp_path: Path, name: str, content: str) -> None:  # type: ignore[no-untyped-def]
    """The command line's problems, one for one, but naming each question by its title and each option by its label."""
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    expected = cli_error(path)
    open_file(page, path)
    page.get_by_role("alert").filter(has_text="not opened").wait_for()
    shown = [re.sub(r"^.*?: error: ", "", li) for li in page.locator(".rw-alert li").all_inner_texts()]
    assert len(shown) == len(expected), (shown, expected)
    answered = [qu for qu in q.questions if f"{qu.id}\"" in content or f"  {qu.id}:" in content]
    assert answered
    for qu in answered:
        assert any(f"'{qu.title}'" in line for line in shown), (qu.title, shown)
        for line in shown:
            for internal in (qu.id, *(o.id for o in qu.options if o.id != "none")):
                assert f"'{internal}'" not in line and f" {internal}," not in line, (internal, line)
    if name == "room.json":
        space, champions = q.question("space"), q.question("champions")
        assert space is not None and champions is not None
        assert Msg.UNKNOWN_OPTION.format(value="big_room", question=space.title, options="; ".join(o.label for o in space.options)) in shown
        listed = next(o.label for o in champions.options if o.id == "none")
        assert Msg.MULTI_DUPLICATE.format(question=champions.title, option=listed) in shown


def test_at_most_twenty_problems_are_listed(page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "many.yaml"
    path.write_text("version: 1\nclinic: {name: X}\nanswers:\n" + "".join(f"  unknown_{i}: x\n" for i in range(25)), encoding="utf-8")
    open_file(page, path)
    page.get_by_role("alert").filter(has_text="not opened").wait_for()
    items = page.locator(".rw-alert li").all_inner_texts()
    assert len(items) == 21 and items[-1] == "and 5 more"
    assert all(i.startswith("many.yaml: error: the file answers a question this questionnaire does not ask ('unknown_") for i in items[:20])


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_opens_the_yaml_examples(page, q: Questionnaire, example: Path) -> None:  # type: ignore[no-untyped-def]
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    open_file(page, example)
    page.wait_for_selector(".rw-plan")
    assert_same_plan(shown_plan(page), cli_plan(example), q)
    notice = page.locator(".rw-notice")
    assert notice.is_visible() and f'Opened "{example.name}"' in notice.inner_text()
    assert any(u.endswith("assets/wizard/vendor/js-yaml.min.js") for u in requests), "js-yaml is served by the site, on demand"


def test_opening_a_file_asks_before_replacing_answers(page, q: Questionnaire) -> None:  # type: ignore[no-untyped-def]
    start_by_keyboard(page, "Careful Clinic")
    page.check("input[value=wales]")
    kept = stored(page)
    example = ROOT / "examples" / "riverside.yaml"
    open_file(page, example)
    dialog = page.get_by_role("alertdialog")
    dialog.wait_for()
    assert "Careful Clinic" in dialog.inner_text() and "riverside.yaml" in dialog.inner_text()
    assert focused(page, ".rw-confirm button"), "focus on the safe choice"
    page.get_by_role("button", name="No, keep my answers").click()
    assert dialog.is_hidden() and stored(page) == kept and screen(page) == "nation"
    assert focused(page, ".rw-tools button:nth-child(2)"), "focus back on Open answers"
    open_file(page, example)
    dialog.wait_for()
    page.get_by_role("button", name="Yes, open the file").click()
    page.wait_for_selector(".rw-plan")
    assert_same_plan(shown_plan(page), cli_plan(example), q)
    assert json.loads(stored(page))["clinic"]["name"] == "Riverside Sexual Health Clinic"


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_save_keeps_who_answered_and_the_clinics_id_and_area(page, q: Questionnaire, tmp_path: Path, suffix: str) -> None:  # type: ignore[no-untyped-def]
    """An opened file's respondent, clinic id and area survive Save, as they survive `readiness assess`, and a
    reload (they are kept with the answers in the browser)."""
    import yaml

    source = yaml.safe_load((ROOT / "examples" / "riverside.yaml").read_text(encoding="utf-8"))
    source["respondent"] = {"name": "Sam Patel <b>"}
    source["clinic"].update({"id": "RSH-01", "area": "North & East"})
    opened = tmp_path / f"with-ids{suffix}"
    opened.write_text(json.dumps(source, default=str) if suffix == ".json" else yaml.safe_dump(source), encoding="utf-8")
    open_file(page, opened)
    page.wait_for_selector(".rw-plan")
    page.reload()
    page.wait_for_selector(".rw-plan")
    with page.expect_download() as info:
        page.get_by_role("button", name="Save answers").click()
    saved = tmp_path / "saved.json"
    info.value.save_as(saved)
    doc = json.loads(saved.read_text(encoding="utf-8"))
    assert doc["respondent"] == {"name": "Sam Patel <b>"}
    assert doc["clinic"]["id"] == "RSH-01" and doc["clinic"]["area"] == "North & East"
    again = parse_answers(parse_json(saved.read_text(encoding="utf-8"), str(saved)), q)
    assert (again.respondent_name, again.clinic_id, again.area) == ("Sam Patel <b>", "RSH-01", "North & East")


def test_who_and_where_are_shown_and_changed_on_check_answers(page, q: Questionnaire, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Name, clinic reference and area from an opened file are on check answers, each with a Change link that
    returns there; a changed area is what Save writes, key for key as `readiness assess` would."""
    import yaml

    from builder.core.answers import dump_answers

    source = yaml.safe_load((ROOT / "examples" / "riverside.yaml").read_text(encoding="utf-8"))
    source["respondent"] = {"name": "Sam Patel <b>"}
    source["clinic"].update({"id": "RSH-01", "area": "North & East"})
    opened = tmp_path / "with-ids.yaml"
    opened.write_text(yaml.safe_dump(source), encoding="utf-8")
    open_file(page, opened)
    page.wait_for_selector(".rw-plan")
    page.goto(page.url.split("#")[0] + "#check")
    assert screen(page) == "check"
    rows = page.locator(".rw-check > .rw-summary .rw-summary-row")
    shown = {r.locator("dt").inner_text(): r.locator("dd").first.inner_text() for r in rows.all()}
    assert shown == {"Clinic name": "Riverside Sexual Health Clinic", "Clinic reference": "RSH-01", "Organisation": "Riverside NHS Trust",
                     "Area": "North & East", "Your name": "Sam Patel <b>", "Your role": source.get("respondent_role") or "Not given"}
    assert not axe_violations(page)
    press_link(page, "Change area")
    assert screen(page) == "about"
    assert page.input_value("#rw-area") == "North & East" and page.input_value("#rw-ref") == "RSH-01"
    assert page.input_value("#rw-person") == "Sam Patel <b>"
    assert page.get_by_label("Area (optional), for example the commissioning area or region").get_attribute("aria-describedby") == "rw-area-hint"
    assert "groups them by area" in page.locator("#rw-area-hint").inner_text()
    assert "review" in page.locator("#rw-ref-hint").inner_text()
    assert not axe_violations(page)
    tab_to(page, "#rw-area")
    page.keyboard.press("Control+A")
    page.keyboard.type("South West")
    tab_to(page, "button[type=submit]")
    assert page.locator("button[type=submit]").inner_text() == "Save and return"
    page.keyboard.press("Enter")
    assert screen(page) == "check"
    assert page.locator(".rw-summary-row", has_text="Area").first.locator("dd").first.inner_text() == "South West"
    with page.expect_download() as info:
        page.get_by_role("button", name="Save answers").click()
    saved = tmp_path / "saved.json"
    info.value.save_as(saved)
    doc = json.loads(saved.read_text(encoding="utf-8"))
    af, _ = load_answers(saved, q)  # as the command line reads it
    assert (af.area, af.clinic_id, af.respondent_name) == ("South West", "RSH-01", "Sam Patel <b>")
    cli = yaml.safe_load(dump_answers(af, q))
    assert doc == cli and list(doc) == list(cli) and list(doc["clinic"]) == list(cli["clinic"])


def test_about_fields_are_held_to_the_clis_limits(page, q: Questionnaire, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Name and area are asked for; a clinic reference only when an opened file had one. Texts too long for the
    command line are refused with its message, in the error summary at the top, linked to the field."""
    from builder.core.errors import Msg
    from builder.core.limits import MAX_NAME

    press_link(page, "Start now")
    assert screen(page) == "about"
    assert page.locator("#rw-ref").count() == 0, "no clinic reference unless a file had one"
    assert page.get_by_label("Your name (optional)").is_visible()
    page.fill("#rw-name", "Long Clinic")
    # What counts is the trimmed length in characters, as Python counts them (an emoji is two UTF-16 units).
    page.fill("#rw-area", "  " + "A" * (MAX_NAME - 1) + "\N{GRINNING FACE}  ")
    page.get_by_role("button", name="Continue", exact=True).click()
    assert screen(page) == "tasks", f"{MAX_NAME} characters after trimming are accepted"
    page.goto(page.url.split("#")[0] + "#about")
    page.fill("#rw-area", "A" * (MAX_NAME + 1))
    page.fill("#rw-person", "P" * (MAX_NAME + 5))
    page.get_by_role("button", name="Continue", exact=True).click()
    summary = page.locator(".rw-error-summary")
    summary.wait_for()
    assert screen(page) == "about" and page.title().startswith("Error: ")
    assert focused(page, ".rw-error-summary") and summary_tops_the_main_content(page)
    area_msg = Msg.FIELD_TOO_LONG.format(key="Area", length=MAX_NAME + 1, limit=MAX_NAME)
    name_msg = Msg.FIELD_TOO_LONG.format(key="Your name", length=MAX_NAME + 5, limit=MAX_NAME)
    assert [a.inner_text() for a in summary.locator("a").all()] == [area_msg, name_msg], "in the order of the fields"
    assert page.locator("#rw-area-error").inner_text() == area_msg
    assert page.get_attribute("#rw-area", "aria-invalid") == "true"
    assert page.get_attribute("#rw-area", "aria-describedby") == "rw-area-hint rw-area-error"
    assert not axe_violations(page)
    with page.expect_download() as never:
        page.get_by_role("button", name="Save answers").click()
        page.get_by_role("alert").filter(has_text="Not saved").wait_for()
        assert area_msg in page.locator(".rw-alert").inner_text()
        page.evaluate("() => { const a = document.createElement('a'); a.href = 'data:,x'; a.download = 'probe.txt'; document.body.append(a); a.click(); }")
    assert never.value.suggested_filename == "probe.txt", "Save wrote no answer file"
    summary.locator("a").first.click()
    assert focused(page, "#rw-area")
    page.fill("#rw-area", "South West")
    assert [a.inner_text() for a in summary.locator("a").all()] == [name_msg], "a corrected field leaves the summary"
    assert page.get_attribute("#rw-area", "aria-invalid") is None and page.get_attribute("#rw-area", "aria-describedby") == "rw-area-hint"
    page.fill("#rw-person", "Sam Patel")
    assert page.locator(".rw-error-summary").count() == 0 and not page.title().startswith("Error")
    page.get_by_role("button", name="Continue", exact=True).click()
    assert screen(page) == "tasks"


def test_plan_without_a_clinic_name_puts_its_error_summary_at_the_top(page) -> None:  # type: ignore[no-untyped-def]
    """plan.js draws its own error summary (no clinic name yet): the page moves it above the h1 like the others."""
    page.goto(page.url.split("#")[0] + "#plan")
    summary = page.locator(".rw-error-summary")
    summary.wait_for()
    assert "clinic name" in summary.inner_text() and summary.get_attribute("role") == "alert"
    assert summary_tops_the_main_content(page) and page.title().startswith("Error: ")
    assert page.locator("#wizard .rw-error-summary").count() == 0
    assert not axe_violations(page)
    summary.locator("a").click()
    assert focused(page, "#rw-to-about")
    page.keyboard.press("Enter")
    assert screen(page) == "about" and summary.count() == 0


def test_the_plan_loads_its_code_only_when_shown_and_says_when_it_cannot(browser, server: StaticServer) -> None:  # type: ignore[no-untyped-def]
    """plan.js is not part of every visit; when it cannot load, the plan page shows an error summary (not a blank
    page), and Try again shows the plan once it can."""
    context = browser.new_context()
    pg = context.new_page()
    asked: list[str] = []
    pg.on("request", lambda r: asked.append(urlsplit(r.url).path))
    blocked = [True]
    pg.route("**/assets/wizard/plan.js", lambda route: route.abort() if blocked[0] else route.continue_())
    pg.goto(server.url + "wizard.html")
    pg.wait_for_selector("#wizard .rw-start")
    assert not [p for p in asked if p.endswith("/plan.js")], "the start page loads only engine.js and ui.js"
    open_file(pg, ROOT / "examples" / "riverside.yaml")
    summary = pg.locator(".rw-error-summary")
    summary.wait_for()
    assert "could not be shown" in summary.inner_text() and summary.get_attribute("role") == "alert"
    assert focused(pg, ".rw-error-summary") and pg.title().startswith("Error: ")
    assert summary_tops_the_main_content(pg)
    pg.wait_for_timeout(300)  # longer than the confirmation's delay: it must not appear after the error either
    assert pg.locator(".rw-notice").inner_text() == "" and not pg.locator(".rw-notice").is_visible(), \
        "no 'Opened …' confirmation above an error"
    assert pg.locator(".rw-plan").count() == 0
    assert not axe_violations(pg)
    blocked[0] = False
    pg.get_by_role("button", name="Try again").click()
    assert screen(pg) == "plan"
    assert pg.locator(".rw-error-summary").count() == 0, "the summary goes with the error"
    assert "Riverside" in pg.locator(".rw-plan .rw-heading").inner_text() and focused(pg, ".rw-plan .rw-heading")
    context.close()


def test_save_shows_a_visible_confirmation(page) -> None:  # type: ignore[no-untyped-def]
    start_by_keyboard(page, "Visible Clinic")
    with page.expect_download():
        page.get_by_role("button", name="Save answers").click()
    notice = page.locator(".rw-notice")
    notice.filter(has_text="visible-clinic-answers.json").wait_for()
    assert notice.is_visible() and notice.get_attribute("role") == "status"


def _deep_json(n: int) -> str:
    return '{"version": 1, "clinic": {"name": "X"}, "answers": {"budget": ' + "[" * n + "]" * n + "}}"


HOSTILE = [
    pytest.param("huge.json", lambda: '{"version": 1, "clinic": {"name": "' + "x" * 1_100_000 + '"}}', "at most 1,024 KB", id="over-1-MB"),
    pytest.param("deep.json", lambda: _deep_json(100_000), "nested more than 20 levels", id="json-100000-deep"),
    pytest.param("keys.json", lambda: "{" + ",".join(f'"k{i}":0' for i in range(60_000)) + "}", "more than 10,000 keys", id="json-60000-keys"),
    pytest.param("long.json", lambda: '{"version": 1, "clinic": {"name": "' + "x" * 200_000 + '"}}', "longer than 100,000 characters", id="json-long-string"),
    pytest.param("bomb.yaml", lambda: "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [{', '.join(['*' + p] * 10)}]\n" for p, c in zip("abcdefgh", "bcdefghi")), "more than 10,000 keys", id="yaml-alias-bomb"),
    pytest.param("deep.yaml", lambda: "version: 1\nanswers: " + "[" * 5000 + "]" * 5000 + "\n", "nested more than 20 levels", id="yaml-5000-deep"),
    pytest.param("self.yaml", lambda: "version: 1\nclinic: &c {name: X, again: *c}\n", "self.yaml", id="yaml-self-alias"),
]


@pytest.mark.parametrize("name, make, message", HOSTILE)
def test_hostile_files_get_a_message_and_change_nothing(page, tmp_path: Path, name: str, make, message: str) -> None:  # type: ignore[no-untyped-def]
    """The same limits as the command line: size before parsing, depth and keys while parsing; fast, no freeze."""
    start_by_keyboard(page, "Steady Clinic")
    page.check("#rw-o1")
    before = (screen(page), stored(page))
    path = tmp_path / name
    path.write_text(make(), encoding="utf-8")
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    open_file(page, path)
    page.get_by_role("alert").filter(has_text=message).wait_for(timeout=5000)
    assert "unchanged" in page.get_by_role("alert").inner_text()
    assert (screen(page), stored(page)) == before and page.is_checked("#rw-o1")
    assert page.evaluate("1 + 1") == 2, "the page still responds"
    assert not errors


def test_full_storage_keeps_the_newer_answers_and_says_so(browser, server: StaticServer, q: Questionnaire) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context()
    pg = context.new_page()
    pg.goto(server.url + "wizard.html#about")
    pg.fill("#rw-name", "Older Clinic")
    assert json.loads(stored(pg))["clinic"]["name"] == "Older Clinic"
    # From now on the browser's storage refuses everything, as a full quota does.
    pg.evaluate("""() => { Storage.prototype.setItem = function () {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError'); }; }""")
    pg.goto(server.url + "wizard.html#start")
    pg.evaluate("localStorage.removeItem('x')")
    open_file(pg, ROOT / "examples" / "riverside.yaml")
    pg.get_by_role("button", name="Yes, open the file").click()
    pg.wait_for_selector(".rw-plan")
    warning = pg.locator("#wizard .rw-warn")
    assert warning.is_visible() and "storage is full" in warning.inner_text() and "Save answers" in warning.inner_text()
    assert "Riverside Sexual Health Clinic" in pg.locator(".rw-plan .rw-heading").inner_text(), "the opened answers stay in the page"
    assert stored(pg) is None, "the older clinic cannot come back in their place on reload"
    context.close()


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
    assert screen(page) == "start" and page.locator("#wizard").get_by_role("button", name="Start now").is_visible()
    assert json.loads(stored(page) or "{}").get("answers", {}) == {}
    page.reload()
    assert screen(page) == "start"
    page.goto(page.url.split("#")[0] + "#about")
    assert page.input_value("#rw-name") == ""


def test_untrusted_text_stays_text(page) -> None:  # type: ignore[no-untyped-def]
    name = "Riverside <img src=x onerror=window.pwned=1> & Co"
    partner = "<script>window.pwned=2</script>Positive Voices"
    note = "<b>not bold</b> {{ 7*7 }}"
    base = page.url.split("#")[0]
    page.goto(base + "#about")
    page.fill("#rw-name", name)
    page.get_by_role("button", name="Continue", exact=True).click()
    page.goto(base + "#q/budget")
    page.check("#rw-o1")
    page.locator(".rw-note-fold > summary").click()
    page.fill("#rw-note", note)
    page.get_by_role("button", name="Next", exact=True).click()
    page.check("#rw-o0")
    page.get_by_role("button", name="Next", exact=True).click()
    page.fill("#rw-text", partner)
    page.goto(base + "#tasks")
    assert name in page.locator(".rw-tasks .rw-heading").inner_text()
    page.goto(base + "#check")
    assert partner in page.locator(".rw-check").inner_text()
    page.goto(base + "#plan")
    page.reload()
    plan = page.locator(".rw-plan")
    assert plan.locator(".rw-heading").inner_text() == f"Peer support setup plan: {name}"
    page.evaluate("document.querySelectorAll('.rw-plan details').forEach((d) => { d.open = true; })")  # details start folded
    assert page.title() == f"Setup plan: {name} – Readiness assessment"
    assert note in plan.inner_text() and partner in plan.inner_text()
    assert page.locator("#wizard").locator("img, script, b").count() == 0
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
    """axe-core's WCAG 2.2 AA violations on the settled page (tests/conftest.py's run_axe)."""
    return run_axe(pg)


def describe(violations: list[dict[str, Any]]) -> str:
    return "\n".join(f"{v['id']} ({v['impact']}): {v['help']}\n" + "\n".join(f"    {n['target']}: {n['failureSummary']}" for n in v["nodes"])
                     for v in violations)


def test_axe_finds_no_violations(page, q: Questionnaire) -> None:  # type: ignore[no-untyped-def]
    """Every state of the wizard: start, about (with its error summary), task list, questions, check answers, plan, dialogs."""
    found = {}
    found["start page"] = axe_violations(page)
    press_link(page, "Start now")
    tab_to(page, "button[type=submit]")
    page.keyboard.press("Enter")
    found["about, with an error summary"] = axe_violations(page)
    page.fill("#rw-name", "Accessible Clinic")
    page.get_by_role("button", name="Continue", exact=True).click()
    found["task list"] = axe_violations(page)
    press_link(page, "Start the first area")
    answer_setting(page)
    page.get_by_label("I don't know yet").check()
    found["question, I don't know yet"] = axe_violations(page)
    page.get_by_role("button", name="Next", exact=True).click()
    page.check("#rw-o0")
    page.get_by_role("button", name="Next", exact=True).click()
    assert screen(page) == "partner_name"
    found["branch screen"] = axe_violations(page)
    page.get_by_role("button", name="Next", exact=True).click()  # the partner's name: free text, not required
    page.get_by_role("button", name="Next", exact=True).click()
    page.locator(".rw-error-summary").wait_for()
    found["question with an error"] = axe_violations(page)
    page.locator(".rw-note-fold > summary").click()
    found["question with its note open"] = axe_violations(page)
    while screen(page) != "champions":
        page.check("#rw-o0")
        page.get_by_role("button", name="Next", exact=True).click()
    page.check("#rw-o0")  # champions, a multiple-choice question
    found["multiple choice"] = axe_violations(page)
    open_file(page, ROOT / "tests" / "golden" / "harbour-in-progress.json")  # a plan, not an answer file: refused
    page.get_by_role("alert").filter(has_text="not opened").wait_for()
    found["refused file"] = axe_violations(page)
    open_file(page, ROOT / "examples" / "riverside.yaml")
    page.get_by_role("alertdialog").wait_for()
    found["confirm before replacing"] = axe_violations(page)
    page.get_by_role("button", name="No, keep my answers").click()
    page.goto(page.url.split("#")[0] + "#tasks")
    found["task list, in progress"] = axe_violations(page)
    af, _ = load_answers(ROOT / "examples" / "harbour-in-progress.yaml", q)
    page.goto(page.url.split("#")[0] + "#start")
    page.evaluate("localStorage.clear()")
    page.reload()
    start_by_keyboard(page, af.clinic_name)
    while screen(page) != "check":
        answer_by_keyboard(page, q, af)
    found["check your answers"] = axe_violations(page)
    press_link(page, "Finish the assessment")
    assert screen(page) == "done"
    found["confirmation"] = axe_violations(page)
    press_link(page, "See your plan")
    assert screen(page) == "plan"
    found["plan"] = axe_violations(page)
    page.evaluate("document.querySelectorAll('.rw-plan details').forEach((d) => { d.open = true; })")
    found["plan, fully expanded"] = axe_violations(page)
    for view in ("#all", "#t/" + str(page.locator("[data-template]").first.get_attribute("data-template"))):
        docs = page.context.new_page()
        docs.goto(page.url.split("wizard.html")[0] + "documents.html" + view)
        docs.wait_for_selector(".doc-title")
        found[f"filled-in documents {view}"] = axe_violations(docs)
        docs.close()
    page.goto(page.url.split("#")[0] + "#tasks")
    screen(page)
    page.locator(".rw-task a").nth(1).hover()
    found["task list, a link hovered"] = axe_violations(page)
    page.goto(page.url.split("#")[0] + "#plan")
    screen(page)
    with page.expect_download():
        page.get_by_role("button", name="Save answers").click()
    page.locator(".rw-notice").filter(has_text="Saved").wait_for()
    found["saved notice"] = axe_violations(page)
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
    loaded = {urlsplit(u).path.rsplit("/", 1)[-1] for u in requests}
    assert {"engine.js", "ui.js", "planning.js", "plan.js"} <= loaded, "the plan's on-demand scripts come from the site too"


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
    answer_setting(pg)
    assert screen(pg) == "budget"
    tab_to(pg, "input[name=rw-answer]")
    pg.keyboard.press("Space")
    tab_to(pg, "button[type=submit]")
    pg.keyboard.press("Enter")
    assert screen(pg) == "partner_org"
    pg.reload()
    assert screen(pg) == "partner_org", "resumes from localStorage on file:// too"
    pg.evaluate("location.hash = '#plan'")
    assert screen(pg) == "plan", "plan.js and planning.js load from disk too"
    assert "USB Stick Clinic" in pg.locator(".rw-plan .rw-heading").inner_text()
    pg.wait_for_timeout(300)
    context.close()
    assert not problems, "\n".join(problems)


def test_a_figure_whose_date_is_not_confirmed_says_so_in_the_wizard(page, q: Questionnaire, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Northern Ireland's pension rate has no confirmed date: the budget's row says so instead of a date, and the notes
    list it among the figures to confirm, in the words of figures.yaml (as the CLI's plan does)."""
    assert q.planning is not None
    words = q.planning.figures.notes
    af = open_example_as_json(page, q, tmp_path, "loughside")
    budget = evaluate_plan(q, af)["budget"]
    page.locator("summary", has_text="Budget").click()
    row = page.locator('tr[data-assumption="pension_employer_rate"]')
    assert f"({words.undated_shown}; checked 6 December 2026)" in row.inner_text()
    dated = page.locator('tr[data-assumption="employer_ni_rate"]').inner_text()
    assert "(took effect 6 April 2025; checked 6 December 2026)" in dated
    undated = next(n for n in budget["notes"] if n.startswith(words.undated.split("{")[0]))
    assert undated in page.locator(".rw-budget-notes").inner_text()


def test_changing_an_assumption_recosts_the_plan_like_the_cli(page, q: Questionnaire, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    af = open_example_as_json(page, q, tmp_path, "riverside")
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


# ------------------------------------------------------------------ the start page and the site's assets


def test_home_page_starts_the_assessment(browser, server: StaticServer) -> None:  # type: ignore[no-untyped-def]
    """On a phone, the home page's Start now is on the first screen and leads straight into the assessment."""
    context = browser.new_context(viewport={"width": 390, "height": 800}, is_mobile=True)
    pg = context.new_page()
    pg.goto(server.url + "index.html")
    start = pg.get_by_role("button", name="Start now")
    box = start.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 800, f"Start now is below the first screen: {box}"
    text = pg.locator(".md-content").inner_text()
    assert "20 minutes" in text and "nothing is sent anywhere" in text
    start.click()
    # One start page: the home page's Start now goes straight to the first question page, not to a second start page.
    pg.wait_for_selector("#rw-name")
    assert pg.locator(".rw-start").count() == 0
    context.close()


def test_the_site_serves_minified_assets(site: Path) -> None:
    for name in ("engine.js", "ui.js", "plan.js", "planning.js", "wizard.css"):
        source = wizard_script(name)  # engine.js starts with pycompat.js
        served = (site / "assets" / "wizard" / name).read_text(encoding="utf-8")
        assert len(served) < 0.85 * len(source) and served.count("\n") < source.count("\n") / 5, name
    css = (site / "assets" / "stylesheets" / "readiness.css").read_text(encoding="utf-8")
    assert css.count("\n") < 5 and "/*" not in css
    assert (site / "assets" / "wizard" / "vendor" / "js-yaml.min.js").read_text(encoding="utf-8").startswith("/*! js-yaml")
    assert 'defer' in (site / "wizard.html").read_text(encoding="utf-8").split('src="assets/wizard/ui.js"')[1][:20]


def test_the_search_dialog_has_a_name(site: Path) -> None:
    for page in ("index.html", "wizard.html", "domains/resource.html"):
        assert 'role="dialog" aria-label="Search"' in (site / page).read_text(encoding="utf-8"), page


# ------------------------------------------------------------------ tailored templates in the browser


def test_tailored_templates_equal_the_clis(page, q: Questionnaire) -> None:  # type: ignore[no-untyped-def]
    """For every conformance case, each template its plan lists, filled in by the browser from the same Jinja2
    sources, is byte for byte the command line's HTML."""
    import hashlib

    from builder.core.errors import ReadinessError
    from builder.load.sources import LoadedFile
    from builder.render.documents import render_template

    cases = json.loads((ROOT / "tests" / "fixtures" / "conformance.json").read_text(encoding="utf-8"))["cases"]
    for script in ("assets/wizard/planning.js", "assets/wizard/vendor/nunjucks.min.js", "assets/templates.js", "assets/wizard/tailor.js"):
        page.add_script_tag(url=page.url.split("wizard.html")[0] + script)
    shown = page.evaluate("""async (cases) => {
        const digest = async (s) => [...new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(s)))]
            .map((b) => b.toString(16).padStart(2, '0')).join('');
        const out = {};
        for (const c of cases) {
            const r = ReadinessEngine.plan(READINESS_QUESTIONNAIRE, c.answers);
            if (r.errors.length) continue;
            for (const id of r.plan.templates) out[c.name + '/' + id] = await digest(ReadinessTailor.render(READINESS_QUESTIONNAIRE, id, r.plan));
        }
        return out;
    }""", cases)
    expected: dict[str, str] = {}
    for case in cases:
        try:
            af = parse_answers(LoadedFile(case["name"], case["answers"], {}), q)
        except ReadinessError:
            continue
        plan = evaluate_plan(q, af)
        for tid in plan["templates"]:
            html = render_template(q, ROOT / "templates", tid, plan)
            expected[f"{case['name']}/{tid}"] = hashlib.sha256(html.encode("utf-8")).hexdigest()
    assert len(expected) > 1000 and len({k.rsplit("/", 1)[1] for k in expected}) == len(q.templates), "every template is covered"
    different = sorted(k for k in expected if shown.get(k) != expected[k])
    assert set(shown) == set(expected) and not different, f"{len(different)} differ, first: {different[:5]}"


def test_plan_offers_each_template_filled_in(page, q: Questionnaire) -> None:  # type: ignore[no-untyped-def]
    """Each tailored template opens in a page of its own, with a print button, and stays there on reload."""
    example = ROOT / "examples" / "riverside.yaml"
    open_file(page, example)
    page.wait_for_selector(".rw-plan")
    item = page.locator("[data-template=partnership_agreement]")
    with page.context.expect_page() as info:
        item.get_by_role("link", name="Partnership agreement, filled in for your clinic (opens in a new tab)").click()
    doc = info.value
    errors: list[str] = []
    doc.on("pageerror", lambda e: errors.append(str(e)))
    for _ in range(2):  # as opened, then reloaded
        doc.wait_for_selector("h1.doc-title")
        assert doc.url.endswith("documents.html#t/partnership_agreement")
        assert doc.locator(".doc-clinic").inner_text() == "Riverside Sexual Health Clinic"
        assert "Positive Voices Riverside" in doc.locator("#rw-docs").inner_text()
        assert doc.title() == "Partnership agreement – Riverside Sexual Health Clinic"
        assert doc.get_by_role("button", name="Print or save as PDF").is_visible()
        doc.wait_for_function("[...document.styleSheets].some((s) => s.href && s.href.endsWith('assets/print.css') && s.cssRules.length > 0)")
        doc.reload()
    doc.emulate_media(media="print")
    assert not doc.get_by_role("button", name="Print or save as PDF").is_visible(), "the print button is not printed"
    assert not errors, errors
    doc.close()
    assert "editable Word files" in page.locator(".rw-tailored").inner_text(), "the page says where the Word versions are"


def test_all_filled_in_documents_print_as_one(page, q: Questionnaire) -> None:  # type: ignore[no-untyped-def]
    """One document of every template the plan lists, each the command line's text, with contents, a page break
    before each, the clinic's name on every page and page numbers; filled in by the browser, nothing uploaded."""
    from builder.render.documents import render_template

    example = ROOT / "examples" / "riverside.yaml"
    af, _ = load_answers(example, q)
    plan = evaluate_plan(q, af)
    requests: list[str] = []
    page.context.on("request", lambda r: requests.append(r.method + " " + r.url))
    open_file(page, example)
    page.wait_for_selector(".rw-plan")
    with page.context.expect_page() as info:
        page.get_by_role("button", name="All filled-in documents, to print or download as Word (opens in a new tab)").click()
    doc = info.value
    doc.wait_for_selector(".rw-docs-part")
    assert doc.title() == f"Filled-in documents – {af.clinic_name}"
    parts = doc.locator(".rw-docs-part")
    assert [p.get_attribute("data-template") or p.get_attribute("data-part") for p in parts.all()] == ["plan", *plan["templates"]], "the plan first"
    contents = doc.locator(".rw-docs-contents a")
    assert contents.all_inner_texts() == ["Peer support setup plan", *(next(t.title for t in q.templates if t.id == tid) for tid in plan["templates"])]
    assert doc.locator("main").count() == 1, "one main landmark: each document's own main is a plain block here"
    shown = doc.evaluate("() => [...document.querySelectorAll('.rw-docs-part[data-template]')].map((p) => p.querySelector('.doc-body').textContent)")
    expected = doc.evaluate("""htmls => htmls.map((html) => new DOMParser().parseFromString(html, 'text/html').querySelector('main').textContent)""",
                            [render_template(q, ROOT / "templates", tid, plan) for tid in plan["templates"]])
    assert shown == expected, "each document is the command line's, word for word"
    doc.emulate_media(media="print")
    assert not doc.locator(".rw-docs-bar").is_visible()
    assert doc.evaluate("getComputedStyle(document.querySelectorAll('.rw-docs-part')[1]).breakBefore") == "page"
    header = doc.evaluate("[...document.styleSheets].flatMap((s) => { try { return [...s.cssRules]; } catch (e) { return []; } }).map((r) => r.cssText).join(' ')")
    assert "@top-left" in header and '"Riverside Sexual Health Clinic"' in header
    pdf = doc.pdf()
    import io

    from pypdf import PdfReader  # noqa: PLC0415

    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) > len(plan["templates"])
    second = reader.pages[1].extract_text()
    assert "Riverside Sexual Health Clinic" in second and f"Page 2 of {len(reader.pages)}" in second
    assert not [r for r in requests if not r.startswith("GET ")], "nothing is uploaded"
    ours = urlsplit(page.url).netloc
    assert not [r for r in requests if urlsplit(r.split(" ", 1)[1]).scheme not in ("data", "blob") and urlsplit(r.split(" ", 1)[1]).netloc != ours]
    assert any(r.endswith("/assets/templates.js") for r in requests), "the templates load, on demand, from the site"
    doc.close()


def test_a_clinic_name_cannot_escape_the_running_header(page, q: Questionnaire) -> None:  # type: ignore[no-untyped-def]
    """The clinic's name reaches the print stylesheet only hex-escaped, so no name can end the CSS string."""
    name = 'Evil"; } body { display: none } @page { x: "\\'
    page.goto(page.url.split("#")[0] + "#about")
    page.fill("#rw-name", name)
    page.get_by_role("button", name="Continue", exact=True).click()
    page.goto(page.url.split("wizard.html")[0] + "documents.html#all")
    page.wait_for_selector(".rw-docs-cover")
    assert page.locator(".rw-docs-cover .doc-clinic").inner_text() == name
    page.emulate_media(media="print")
    assert page.evaluate("getComputedStyle(document.body).display") != "none"
    top = page.evaluate("[...document.querySelectorAll('style')].map((s) => s.sheet.cssRules[0].cssRules[0].style.content).join('')")
    assert top == '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"', top


def test_link_buttons_answer_space_as_buttons_do(page) -> None:  # type: ignore[no-untyped-def]
    tab_to(page, "#wizard a.rw-btn-start")
    page.keyboard.press("Space")
    assert screen(page) == "about"
