"""The offline toolkit: routing a pen can follow, a scoring sheet that agrees with the engine, the book and its CLI."""

from __future__ import annotations

import html as htmllib
import re
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from builder.checks.project import load_questionnaire
from builder.cli.main import cli
from builder.core.answers import Answer, AnswerFile
from builder.core.conditions import SKIPPED, Value, evaluate, question_refs
from builder.core.engine import RANK, evaluate_plan, walk
from builder.core.schema import Question, Questionnaire
from builder.load.project import ROOT, Project
from builder.output.toolkit import SheetRules, book_html, guidance_pages, paper_context, sheet_rules
from builder.render.paper import PaperQuestion, ScoringSheet, describe, numbers, paper_questions, scoring_sheet

from .conftest import edit

# ------------------------------------------------------------------ answer sets


def _answer(qu: Question) -> st.SearchStrategy[Any]:
    if qu.type == "text":
        return st.text(alphabet="abc <>&\"'", min_size=1, max_size=12)
    ids = [o.id for o in qu.options]
    if qu.type == "single":
        return st.sampled_from(ids)
    free = [o.id for o in qu.options if not o.exclusive]
    exclusive = [o.id for o in qu.options if o.exclusive]
    choices = [st.lists(st.sampled_from(free), min_size=1, unique=True)]
    if exclusive:
        choices.append(st.sampled_from(exclusive).map(lambda x: [x]))
    return st.one_of(choices).map(lambda chosen: [i for i in ids if i in chosen])


def answer_sets(q: Questionnaire, blanks: bool = True) -> st.SearchStrategy[dict[str, Answer]]:
    """Any valid answers; some questions left blank when `blanks` (unknown to the engine, blank on paper)."""
    parts = {qu.id: (st.one_of(st.none(), _answer(qu)) if blanks else _answer(qu)) for qu in q.questions}
    return st.fixed_dictionaries(parts).map(lambda d: {k: Answer(v) for k, v in d.items() if v is not None})


def _best(qu: Question) -> st.SearchStrategy[Any]:
    """The answer with the most points (any answer for an unscored question): ready clinics, where only caps lower the rating."""
    if qu.type == "text" or not qu.scored:
        return _answer(qu)
    if qu.type == "single":
        return st.just(max(qu.options, key=lambda o: o.points or 0).id)
    return st.just([o.id for o in qu.options if not o.exclusive and (o.points or 0) > 0])


def ready_answer_sets(q: Questionnaire) -> st.SearchStrategy[dict[str, Answer]]:
    """Mostly the best answers, a few anything or blank: near-green clinics, so go-live items and 'not known yet' decide the rating."""
    parts = {qu.id: st.integers(0, 15).flatmap(lambda k, qu=qu: _best(qu) if k < 14 else (st.none() if k == 14 else _answer(qu)))
             for qu in q.questions}
    return st.fixed_dictionaries(parts).map(lambda d: {k: Answer(v) for k, v in d.items() if v is not None})


QUESTIONNAIRE = load_questionnaire()
ANSWER_SETS = st.one_of(answer_sets(QUESTIONNAIRE), ready_answer_sets(QUESTIONNAIRE))
"""Built once, from the questionnaire on disk: every example (and every replay while shrinking) draws from the
same strategy, not from one rebuilt inside the test body from a fixture."""

# Hypothesis mixes constants found in the project's own modules into the text and numbers it draws, and
# rescans whenever sys.modules grows. evaluate_plan imports its planning modules on first call, so the
# first example used to change the pool its replays drew from (FlakyStrategyDefinition). Load them now.
evaluate_plan(QUESTIONNAIRE, AnswerFile("Clinic"))
PAPER, SHEET, RULES = paper_questions(QUESTIONNAIRE), scoring_sheet(QUESTIONNAIRE), sheet_rules(QUESTIONNAIRE)
"""The property tests read these rather than fixtures, so a failure reports only the answers drawn."""


# ------------------------------------------------------------------ the pen


def follow_the_paper(q: Questionnaire, paper: list[PaperQuestion], answers: dict[str, Answer]) -> tuple[list[tuple[str, str]], list[tuple[str, str | None]]]:
    """A reader with a pen: answer, follow the printed 'go to' at the ticked answer, check each 'Answer only if'.

    Returns the questions the reader stops at, as (question, 'answered' | 'unknown' | 'pending'),
    and every time a question's own guard had to send the reader on: (question, the question answered just before).
    """
    values: dict[str, Value] = {}
    visited: list[tuple[str, str]] = []
    guards: list[tuple[str, str | None]] = []
    last: str | None = None
    i = 0
    n = len(paper)

    def jump_to(target: int | None, origin: int) -> int:
        end = (target or n + 1) - 1
        assert end > origin, "a jump must go forward"
        for k in range(origin + 1, end):
            values[paper[k].question.id] = SKIPPED
        return end

    while i < n:
        pq = paper[i]
        qid = pq.question.id
        assert pq.number == i + 1
        if pq.guard is not None:
            assert pq.question.ask_if is not None
            holds = evaluate(pq.question.ask_if, values)  # the reader checks the printed condition against their ticks
            if holds is False:
                guards.append((qid, last))
                values[qid] = SKIPPED
                i = jump_to(pq.guard.target, i)
                continue
            if holds is None:  # depends on a question left blank: leave this one blank too
                visited.append((qid, "pending"))
                values[qid] = None
                i += 1
                continue
        given_answer = answers.get(qid)
        value = given_answer.value if given_answer else None
        last = qid
        if value is None:
            visited.append((qid, "unknown"))
            values[qid] = None
            i += 1
            continue
        visited.append((qid, "answered"))
        values[qid] = value
        ticked = value if isinstance(value, list) else [value]
        applicable = [j for j in pq.jumps if (j.option in ticked) == j.ticked] if pq.question.type != "text" else []
        targets = {j.target for j in applicable}
        assert len(targets) <= 1, f"question {pq.number}: the printed jumps disagree for {ticked}"
        if applicable:
            i = jump_to(applicable[0].target, i)
            for j in applicable:
                assert all(values.get(s) is SKIPPED for s in j.skips)
        else:
            i += 1
    return visited, guards


@pytest.fixture(scope="module")
def paper(q: Questionnaire) -> list[PaperQuestion]:
    return paper_questions(q)


@pytest.fixture(scope="module")
def sheet(q: Questionnaire) -> ScoringSheet:
    return scoring_sheet(q)


@pytest.fixture(scope="module")
def rules(q: Questionnaire) -> SheetRules:
    return sheet_rules(q)


def test_the_strategy_draws_from_the_questionnaire_the_tests_use(q: Questionnaire) -> None:
    assert QUESTIONNAIRE.model_dump() == q.model_dump()


def test_an_example_imports_no_module_so_generation_stays_deterministic(q: Questionnaire, paper: list[PaperQuestion], sheet: ScoringSheet,
                                                                         rules: SheetRules) -> None:
    import sys

    before = set(sys.modules)
    answers = {"budget": Answer("none"), "policies_in_place": Answer(["safeguarding"]), "training": Answer("none")}
    evaluate_plan(q, AnswerFile("Clinic", answers=answers))
    score_by_hand(q, sheet, rules, paper, answers)
    assert sorted(set(sys.modules) - before) == []


@settings(max_examples=200, deadline=None)
@given(answers=ANSWER_SETS)
def test_following_the_printed_routing_visits_the_questions_the_engine_asks(answers: dict[str, Answer]) -> None:
    q, paper = QUESTIONNAIRE, PAPER
    steps, _ = walk(q, AnswerFile("Clinic", answers=answers))
    engine = [(s.question.id, s.state) for s in steps if s.state != "skipped"]
    pen, guards = follow_the_paper(q, paper, answers)
    assert pen == engine
    # A skip caused by the answer just given is printed at that answer, not left to the next question's guard.
    for qid, previous in guards:
        qu = q.question(qid)
        assert qu is not None
        refs = {r[0] for r in question_refs(qu.ask_if)}
        assert refs != {previous}, f"question {qid}: skipping it depends only on {previous}, so the jump belongs at that answer"


def test_every_skip_in_this_questionnaire_is_printed_at_an_answer(q: Questionnaire, paper: list[PaperQuestion]) -> None:
    """Each question asked only of some clinics can be jumped over from the answer that rules it out."""
    jumped = {s for pq in paper for j in pq.jumps for s in j.skips}
    for pq in paper:
        if pq.question.ask_if is not None and len({r[0] for r in question_refs(pq.question.ask_if)}) == 1:
            assert pq.question.id in jumped, pq.question.id


def _question_blocks(html: str) -> dict[int, str]:
    blocks = re.findall(r'<div class="q-question" id="q-(\d+)">(.*?)</div>\s*(?=<div class="q-question"|</section>)', html, re.S)
    return {int(n): htmllib.unescape(body) for n, body in blocks}


def test_the_printed_questionnaire_shows_exactly_the_derived_routing(q: Questionnaire, paper: list[PaperQuestion]) -> None:
    from builder.output.pack import questionnaire_html

    blocks = _question_blocks(questionnaire_html(q, ROOT / "templates"))
    assert sorted(blocks) == [pq.number for pq in paper]
    for pq in paper:
        block = blocks[pq.number]
        assert f"{pq.number}. {pq.question.text}" in block
        for o in pq.question.options:
            item = re.search(r"<li>.*?" + re.escape(o.label) + r"(.*?)</li>", block, re.S)
            assert item is not None, (pq.number, o.id)
            jump = pq.jump_for(o.id)
            printed = re.search(r"→ go to <a href=\"#q-(\d+|end)\">", item.group(1))
            if jump is None:
                assert printed is None, (pq.number, o.id)
            else:
                assert printed is not None and printed.group(1) == str(jump.target or "end"), (pq.number, o.id)
        for jump in pq.unticked_jumps:
            assert f"If you did not tick “{jump.label}”, go to" in block
        if pq.guard:
            assert f"<strong>Answer only if</strong> {pq.guard.text}. Otherwise go to" in block
        else:
            assert "Answer only if" not in block


@pytest.mark.parametrize(("cond", "words"), [
    ({"equals": ["space", "none"]}, "at question {space} you ticked “No space at the moment”"),
    ({"not": {"equals": ["space", "none"]}}, "at question {space} you did not tick “No space at the moment”"),
    ({"in": ["space", ["dedicated_room", "shared_room"]]}, "at question {space} you ticked “Yes, a room we can set aside” or “Yes, a room shared with other staff”"),
    ({"not": {"in": ["space", ["dedicated_room", "shared_room"]]}}, "at question {space} you ticked none of “Yes, a room we can set aside”, “Yes, a room shared with other staff”"),
    ({"includes": ["champions", "none"]}, "at question {champions} you ticked “Nobody yet”"),
    ({"not": {"includes": ["champions", "none"]}}, "at question {champions} you did not tick “Nobody yet”"),
    ({"all": [{"equals": ["space", "none"]}, {"any": [{"includes": ["champions", "none"]}, {"route": "in_house"}]}]},
     "at question {space} you ticked “No space at the moment” and (at question {champions} you ticked “Nobody yet” or your plan's route is “In house”)"),
])
def test_conditions_read_as_instructions_about_the_readers_own_ticks(q: Questionnaire, cond: dict[str, Any], words: str) -> None:
    from pydantic import TypeAdapter

    from builder.core.schema import Condition

    num = numbers(q)
    assert describe(TypeAdapter(Condition).validate_python(cond), q) == words.format(**num)


# ------------------------------------------------------------------ the scoring sheet by hand


def score_by_hand(q: Questionnaire, sheet: ScoringSheet, rules: SheetRules, paper: list[PaperQuestion], answers: dict[str, Answer]) -> dict[str, Any]:
    """Everything a reader works out on the scoring sheet, using only what it prints and their own ticks."""
    pen, _ = follow_the_paper(q, paper, answers)
    answered = {qid for qid, state in pen if state == "answered"}
    values: dict[str, Value] = {pq.question.id: SKIPPED for pq in paper}
    for qid, state in pen:
        values[qid] = answers[qid].value if state == "answered" else None

    def lower(rating: str, cap: str) -> str:
        return cap if RANK[cap] < RANK[rating] else rating

    domains = {}
    overall_caps: list[str] = []
    for d in sheet.domains:
        dr = rules.domains[d.id]
        assert [r.number for r in dr.rows] == [row.number for row in d.rows]
        total = 0
        out_of = d.max
        for row, rr in zip(d.rows, dr.rows):
            if rr.leave_out is not None and evaluate(rr.leave_out, values) is True:
                out_of -= rr.max  # 'leave out': neither points nor 'out of'
                continue
            if row.question.id not in answered:
                if values[row.question.id] is SKIPPED and rr.when_skipped is not None:
                    total += rr.when_skipped  # 'if skipped'
                continue  # a blank, or a skip with no points printed, scores 0
            value = values[row.question.id]
            ticked = value if isinstance(value, list) else [value]
            points = sum(pts for o, (label, pts) in zip(row.question.options, row.points) if o.id in ticked and label == o.label)
            total += min(points, row.max)
        scale = next(sc for sc in dr.scales if sc.out_of == out_of)
        rating = "green" if total >= scale.green_from else ("amber" if total >= scale.amber_from else "red")
        for g in d.gates:
            if evaluate(g.gate.when, values) is True:
                if g.cap:
                    rating = lower(rating, g.cap)
                if g.overall:
                    overall_caps.append(g.overall)
        domains[d.id] = {"score": scale.scores[total], "rating": rating}
    weighted = sum(domains[d.id]["score"] * d.weight for d in sheet.domains)
    w = sheet.total_weight
    rating = "green" if weighted >= sheet.overall_green_from else ("amber" if weighted >= sheet.overall_amber_from else "red")
    if any(v["rating"] == "red" for v in domains.values()):
        rating = lower(rating, sheet.any_red_caps_at)
    for g in sheet.overall_gates:
        if evaluate(g.gate.when, values) is True:
            rating = lower(rating, g.cap or g.overall or rating)
    for cap in overall_caps:
        rating = lower(rating, cap)
    for item in rules.go_live:  # met / planned or not met / not known yet: only met leaves the rating alone
        met = evaluate(item.met, values)
        if met is False:
            rating = lower(rating, item.cap)
        elif met is None:
            rating = lower(rating, rules.unknown_cap)
    route = next((r.route for r, rule in zip(sheet.routes, q.meta.routes.rules) if evaluate(rule.when, values) is True), sheet.route_default.route)
    role_points = {rid: 0 for rid in sheet.role_titles}
    for line, rule in zip(sheet.roles, q.meta.roles.rules):
        assert line.role == rule.role and line.points == rule.points
        if evaluate(rule.when, values) is True:
            role_points[line.role] += line.points
    roles = [rid for rid in sorted(role_points, key=lambda r: -role_points[r]) if role_points[rid] >= sheet.role_min_points]
    return {"domains": domains, "overall": {"score": (2 * weighted + w) // (2 * w), "rating": rating}, "route": route,
            "roles": roles, "values": values, "answered": answered}


@settings(max_examples=200, deadline=None)
@given(answers=ANSWER_SETS)
def test_scoring_by_hand_gives_the_engines_ratings(answers: dict[str, Answer]) -> None:
    q, paper, sheet, rules = QUESTIONNAIRE, PAPER, SHEET, RULES
    plan = evaluate_plan(q, AnswerFile("Clinic", answers=answers))
    hand = score_by_hand(q, sheet, rules, paper, answers)
    readiness = plan["readiness"]
    for did, mine in hand["domains"].items():
        assert (mine["score"], mine["rating"]) == (readiness["domains"][did]["score"], readiness["domains"][did]["rating"]), did
    assert (hand["overall"]["score"], hand["overall"]["rating"]) == (readiness["overall"]["score"], readiness["overall"]["rating"])
    assert hand["route"] == plan["route"]
    if hand["roles"]:
        assert hand["roles"] == plan["roles"]
    else:
        assert plan["roles"] == [q.meta.roles.fallback.role]


@settings(max_examples=200, deadline=None)
@given(answers=ANSWER_SETS)
def test_the_sheet_points_to_every_action_and_template_the_answers_bring_in(answers: dict[str, Answer]) -> None:
    q, paper, sheet, rules = QUESTIONNAIRE, PAPER, SHEET, RULES
    plan = evaluate_plan(q, AnswerFile("Clinic", answers=answers))
    hand = score_by_hand(q, sheet, rules, paper, answers)
    actions = {a["title"] for a in plan["actions"] if not a["id"].startswith("find_out_")}
    templates = set(plan["templates"])
    pointed_actions, pointed_templates = set(sheet.always_actions), {t for t, _ in sheet.always_templates}
    for f in sheet.feeds:
        if f.question.id not in hand["answered"]:
            continue
        value = hand["values"][f.question.id]
        ticked = value if isinstance(value, list) else [value]
        if (f.option in ticked) != f.ticked:
            continue
        if not f.maybe:  # 'brings in' is a promise
            assert set(f.actions) <= actions, (f.number, f.label)
            assert {t for t, _ in f.templates} <= templates, (f.number, f.label)
        pointed_actions |= set(f.actions)
        pointed_templates |= {t for t, _ in f.templates}
    for pf in sheet.plan_feeds:
        pointed_actions |= set(pf.actions)
        pointed_templates |= {t for t, _ in pf.templates}
    assert actions <= pointed_actions
    assert templates <= pointed_templates


def test_the_scoring_sheet_prints_every_number_the_reader_needs(q: Questionnaire, sheet: ScoringSheet, rules: SheetRules) -> None:
    from builder.output.pack import questionnaire_html

    page = htmllib.unescape(questionnaire_html(q, ROOT / "templates"))
    for d in sheet.domains:
        dr = rules.domains[d.id]
        assert f"Total (out of {d.max}" in page
        assert dr.scales[0].out_of == d.max and dr.scales[0].scores == d.scores
        for sc in dr.scales:
            assert (f"<strong>green</strong> from {sheet.green}% ({sc.green_from} points or more), "
                    f"<strong>amber</strong> from {sheet.amber}% ({sc.amber_from} or more)") in page
            assert "<td>" + "</td><td>".join(str(s) for s in sc.scores) + "</td>" in page
            if len(dr.scales) > 1:
                assert f"Score for each total, out of {sc.out_of}" in page
        for row, rr in zip(d.rows, dr.rows):
            for label, pts in row.points:
                assert f"{label}: <strong>{pts}</strong>" in page
            if rr.when_skipped is not None:
                assert f"If skipped: <strong>{rr.when_skipped}</strong>" in page
            if rr.leave_out_text is not None:
                assert f"<strong>Leave out</strong> (take {rr.max} off the <em>out of</em>) if {rr.leave_out_text}." in page
        for g in d.gates:
            assert g.text in page
        assert f"× {d.weight}" in page
    for item in rules.go_live:
        assert f"<th scope=\"row\">{item.title}</th><td>{item.text}." in page and f"<strong>{item.cap}</strong>" in page
    # Thresholds as a person compares them (out of 100), with the totals they come to.
    assert f"<strong>green</strong> from {sheet.green}, <strong>amber</strong> from {sheet.amber}, <strong>red</strong> below {sheet.amber}." in page
    assert f"a total of {sheet.overall_green_from} or more is green, {sheet.overall_amber_from} or more amber" in page
    assert f"<strong>green</strong> from {sheet.green}% (" in page and f"<strong>amber</strong> from {sheet.amber}% (" in page
    for r in sheet.routes:
        assert f"If {r.text}: <strong>{r.title}</strong>" in page
    # The route as a decision table too, row for row (tests/test_decision_table.py checks the rows against the engine).
    assert sheet.route_rows and "<th scope=\"col\">Row</th>" + "".join(f"<th scope=\"col\">{c}</th>" for c in sheet.route_columns) in page
    for n, (cells, title) in enumerate(sheet.route_rows, 1):
        assert f"<tr><th scope=\"row\">{n}</th>" + "".join(f"<td>{c}</td>" for c in cells) + f"<td><strong>{title}</strong></td></tr>" in page


# ------------------------------------------------------------------ the book


@pytest.fixture(scope="module")
def book(q: Questionnaire) -> str:
    return book_html(q, Project(ROOT))


def test_the_book_prints_no_web_only_text(book: str, built_site: Path) -> None:
    """The home page's Start now and "your answers stay in your browser" are on the site, not in the book."""
    for web in ("Start now", "stay in your browser", "web-only"):
        assert web not in book, web
    home = (built_site / "index.html").read_text(encoding="utf-8")
    assert "Start now" in home and "stay in your browser" in home


def test_dont_know_is_on_paper_wherever_the_wizard_offers_it(q: Questionnaire) -> None:
    """A "Don't know" box on every question where the wizard has "I don't know yet", and on no other; it scores 0."""
    from builder.output.pack import questionnaire_html

    html = questionnaire_html(q, ROOT / "templates")
    page = htmllib.unescape(html)
    blocks = _question_blocks(html)
    numbered = [qu for d in q.domains for qu in d.questions]
    assert len(blocks) == len(numbered)
    assert 10 < sum(qu.offers_dont_know for qu in numbered) < len(numbered)
    for n, qu in enumerate(numbered, 1):
        assert ('class="q-dont-know"' in blocks[n]) == qu.offers_dont_know, qu.id
    assert "ticked <em>Don't know</em> scores 0 points" in page
    assert "leave it blank and write who can find out" not in page


def test_the_book_holds_every_guidance_page_template_and_the_paper_parts(q: Questionnaire, book: str) -> None:
    pages = guidance_pages(Project(ROOT))
    text = htmllib.unescape(book)
    assert "index.md" in pages and "domains/space.md" in pages and "wizard.md" not in pages
    for page in pages:
        heading = next(line for line in (ROOT / "guidance" / page).read_text(encoding="utf-8").splitlines() if line.startswith("# "))
        assert heading[2:].strip() in text, page
    for t in q.templates:
        assert f'id="t-{t.id}"' in book, t.id
    for part in ("part-guidance", "questionnaire", "scoring-sheet", "part-templates"):
        assert f'id="{part}"' in book
    for qu in q.questions:
        assert qu.text in text, qu.id


def test_every_internal_link_in_the_book_has_a_target(book: str) -> None:
    ids = set(re.findall(r'\bid="([^"]+)"', book))
    links = re.findall(r'href="#([^"]*)"', book)
    assert len(links) > 200
    assert sorted({target for target in links if target not in ids}) == []
    assert len(ids) == len(re.findall(r'\bid="([^"]+)"', book)), "ids must be unique across chapters"
    # No link is left pointing at a site page the book does not have.
    assert not re.findall(r'<a\b[^>]*href="(?![#]|https?:|mailto:)[^"]*"', book)


def test_the_record_shows_only_the_clinics_path_with_answers_and_notes_escaped(q: Questionnaire) -> None:
    answers = {"budget": Answer("none", note="<b>ask the board</b>"), "partner_org": Answer("none"), "space": Answer("none")}
    af = AnswerFile("<script>alert(1)</script> Clinic", answers=answers)
    plan = evaluate_plan(q, af)
    html = book_html(q, Project(ROOT), plan)
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; Clinic" in html
    assert "<b>ask the board</b>" not in html and "&lt;b&gt;ask the board&lt;/b&gt;" in html
    num = numbers(q)
    shown = {int(n) for n in re.findall(r'<div class="q-question" id="q-(\d+)">', html)}
    on_path = {num[a["question"]] for a in plan["answers"]}
    assert shown == on_path
    assert num["space_times"] not in shown and num["partner_name"] not in shown  # ruled out by these answers
    assert "Not answered yet." in html
    assert 'id="plan--summary"' in html


# ------------------------------------------------------------------ PDF, CLI, zip, cache


def _outline(reader: Any) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []

    def walk_outline(items: Any, depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk_outline(item, depth + 1)
            else:
                out.append((depth, item.title))

    walk_outline(reader.outline, 0)
    return out


@pytest.fixture(scope="module")
def toolkit_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("toolkit") / "toolkit.pdf"
    result = CliRunner().invoke(cli, ["toolkit", "-o", str(out), "--no-cache"])
    assert result.exit_code == 0, result.output
    return out


@pytest.mark.slow
def test_the_book_pdf_is_tagged_with_a_full_outline_and_working_links(q: Questionnaire, toolkit_pdf: Path) -> None:
    from pypdf import PdfReader

    info = subprocess.run(["pdfinfo", str(toolkit_pdf)], capture_output=True, text=True, check=True).stdout
    assert "Tagged:          yes" in info
    reader = PdfReader(toolkit_pdf)
    root = reader.trailer["/Root"]
    assert root.get("/Lang") == "en-GB" and "/StructTreeRoot" in root
    assert reader.metadata and reader.metadata.title == "Peer Support Readiness Toolkit"
    outline = _outline(reader)
    titles = {t for _, t in outline}
    assert [t for d, t in outline if d == 0] == ["Contents", "Guidance", "Safety case", "Figures by nation", "The paper questionnaire", "Scoring sheet", "Templates", "References"]
    for t in q.templates:
        assert (1, t.title) in outline, t.id
    for d in q.domains:
        assert any(t.endswith(d.title) for t in titles), d.id
    assert sum(1 for depth, _ in outline if depth == 2) > 100  # sections inside the chapters
    internal = 0
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            a = annot.get_object()
            if a.get("/Subtype") == "/Link" and "/Dest" in a or ("/A" in a and a["/A"].get("/S") == "/GoTo"):
                internal += 1
    assert internal > 200
    assert len(reader.pages) > 100


@pytest.mark.slow
def test_the_book_looks_right_page_one_and_a_questionnaire_page(toolkit_pdf: Path, tmp_path: Path) -> None:
    text = subprocess.run(["pdftotext", "-layout", str(toolkit_pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Contents" in text and "→ go to question" in text and "Scoring sheet" in text
    # The contents give page numbers (target-counter), not blanks.
    contents = text.split("\f")[1]
    assert re.search(r"Guidance\s*\.+\s*\d+", contents)
    subprocess.run(["pdftoppm", "-png", "-r", "30", "-f", "1", "-l", "1", str(toolkit_pdf), str(tmp_path / "p")], check=True)
    assert list(tmp_path.glob("p*.png"))


def test_toolkit_rejects_bad_answers_and_writes_nothing(tmp_path: Path, runner: CliRunner) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nclinic: {name: X}\nanswers:\n  space: nowhere\n", encoding="utf-8")
    out = tmp_path / "record.pdf"
    result = runner.invoke(cli, ["toolkit", "--answers", str(bad), "-o", str(out), "--no-cache"])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert lines and all(re.match(rf"{re.escape(str(bad))}:\d+: error: ", line) for line in lines), result.output
    assert "Traceback" not in result.output
    assert not out.exists()


@pytest.mark.slow
def test_unchanged_toolkit_comes_from_the_cache(tmp_path: Path, runner: CliRunner) -> None:
    env = {"READINESS_CACHE": str(tmp_path / "cache")}
    out = tmp_path / "record.pdf"
    args = ["toolkit", "--answers", str(ROOT / "examples" / "riverside.yaml"), "-o", str(out)]
    first = runner.invoke(cli, args, env=env)
    assert first.exit_code == 0, first.output
    data = out.read_bytes()
    out.unlink()
    second = runner.invoke(cli, args, env=env)
    assert second.exit_code == 0 and "from cache" in second.output
    assert out.read_bytes() == data


@pytest.mark.slow
def test_zip_holds_book_templates_questionnaire_and_example(q: Questionnaire, tmp_path: Path, runner: CliRunner) -> None:
    out = tmp_path / "toolkit.zip"
    result = runner.invoke(cli, ["toolkit", "--zip", "-o", str(out)], env={"READINESS_CACHE": str(tmp_path / "cache")})
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out) as zf:
        names = set(zf.namelist())
        assert {"toolkit.pdf", "questionnaire.pdf", "questionnaire.docx", "example-answers.yaml", "README.txt"} <= names
        for t in q.templates:
            assert {f"templates/{t.id}.pdf", f"templates/{t.id}.docx"} <= names, t.id
        assert zf.read("toolkit.pdf").startswith(b"%PDF")
        example = zf.read("example-answers.yaml").decode()
    from builder.core.answers import parse_answers_text

    assert parse_answers_text(example, q).clinic_name


def test_paper_context_numbers_every_question_once(q: Questionnaire) -> None:
    ctx = paper_context(q)
    flat = [pq.number for d in ctx["paper_domains"] for pq in d["questions"]]
    assert flat == list(range(1, len(q.questions) + 1))


@pytest.mark.slow
def test_the_site_offers_the_book_built_at_build_time(built_site: Path) -> None:
    html = (built_site / "templates.html").read_text(encoding="utf-8")
    assert 'href="downloads/toolkit.pdf"' in html
    pdf = (built_site / "downloads" / "toolkit.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and len(pdf) > 200_000


def test_a_broken_book_template_is_one_line_and_writes_nothing(project: Project, tmp_path: Path, runner: CliRunner) -> None:
    edit(project.templates_dir / "toolkit" / "book.html.j2", "{{ meta.title }}", "{{ meta.no_such_field }}")
    out = tmp_path / "toolkit.pdf"
    result = runner.invoke(cli, ["toolkit", "--root", str(project.root), "-o", str(out), "--no-cache"])
    assert result.exit_code == 1
    assert result.output.startswith("templates/toolkit/book.html.j2: error: the toolkit book was not rendered: ")
    assert "Traceback" not in result.output and not out.exists()
