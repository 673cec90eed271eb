"""Costs follow the answers: each employment model costed as what it is, check fees by level and employment,
on-costs from their dated parts, figures by nation, and the checks that keep figures.yaml and costs.yaml honest."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from builder.checks import planning
from builder.cli.main import cli
from builder.core.engine import evaluate_plan
from builder.core.schema import Questionnaire
from builder.dev.fixtures import answer_doc
from builder.load.project import ROOT, Project
from builder.output.export import questionnaire_json

from .conftest import answers, edit, line_of

ENGINE = ROOT / "builder" / "wizard" / "engine.js"
BASE = "version: 1\nclinic: {name: X}\nanswers:\n  budget: extend_role\n  space: shared_room\n"


def budget_for(q: Questionnaire, extra: str, assumptions: str = "") -> dict[str, Any]:
    text = BASE + extra + (f"assumptions:\n{assumptions}" if assumptions else "")
    return evaluate_plan(q, answers(q, text))["budget"]


def lines_of(b: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {x["id"]: x for x in b["lines"]}


def shown(b: dict[str, Any], ident: str) -> str:
    return next(a["shown"] for a in b["assumptions"] if a["id"] == ident)


# ------------------------------------------------------------------ each model costed as what it is

# (answer, model, the peer line it must have, the peer lines it must not have)
PEER_LINES = {"peer_pay", "sessional_pay", "partner_charge", "volunteer_travel", "volunteer_refreshments"}
MODELS = [
    ("  employment_model: paid_band\n  pay_band: band_3\n", "paid", {"peer_pay"}),
    ("  employment_model: sessional\n", "sessional", {"sessional_pay"}),
    ("  employment_model: partner_employed\n", "partner", {"partner_charge"}),
    ("  employment_model: volunteer\n", "volunteer", {"volunteer_travel", "volunteer_refreshments"}),
    ("  employment_model: not_decided\n", "paid", {"peer_pay"}),
    ("", "paid", {"peer_pay"}),
]


@pytest.mark.parametrize(("extra", "model", "peer_lines"), MODELS, ids=["paid", "sessional", "partner", "volunteer", "not-decided", "unanswered"])
def test_each_employment_model_is_costed_as_what_it_is(q: Questionnaire, extra: str, model: str, peer_lines: set[str]) -> None:
    b = budget_for(q, extra)
    assert b["employment"] == model
    assert set(lines_of(b)) & PEER_LINES == peer_lines


def test_paid_peers_are_paid_for_52_weeks_at_their_band_with_on_costs(q: Questionnaire) -> None:
    band3 = lines_of(budget_for(q, "  employment_model: paid_band\n  pay_band: band_3\n"))["peer_pay"]
    band4 = lines_of(budget_for(q, "  employment_model: paid_band\n  pay_band: band_4\n"))["peer_pay"]
    # 4 peers x 3 hours x 52 weeks at band 3 (£24,937 over 1,950 hours) x 1.30 on-costs = 10,373.8
    assert band3["year1"] == 10374 and "52 weeks" in band3["basis"] and "£24,937" in band3["basis"]
    assert band4["year1"] == round(4 * 3 * 52 * 27485 / 1950 * 1.30) and "£27,485" in band4["basis"]


def test_sessional_peers_are_paid_by_the_session_with_holiday_pay(q: Questionnaire) -> None:
    b = budget_for(q, "  employment_model: sessional\n")
    line = lines_of(b)["sessional_pay"]
    # 4 peers x 3 hours x 46 sessions at band 3's hourly rate x 1.12 holiday pay x 1.30 on-costs
    assert line["year1"] == round(4 * 3 * 46 * 24937 / 1950 * 1.12 * 1.30)
    assert shown(b, "sessional_uplift") == "1.12" and "holiday" in line["basis"]


def test_partner_employed_peers_are_a_partner_charge_the_clinic_confirms(q: Questionnaire) -> None:
    b = budget_for(q, "  employment_model: partner_employed\n")
    assert "confirm" in lines_of(b)["partner_charge"]["label"]
    assert any("confirm it with the partner" in n for n in b["notes"])


@pytest.mark.parametrize("extra", ["  employment_model: not_decided\n", ""], ids=["not-decided", "unanswered"])
def test_an_undecided_model_is_costed_as_paid_and_the_plan_says_so(q: Questionnaire, extra: str) -> None:
    b = budget_for(q, extra)
    assert any("costed as paid staff on Band 3, the dearer case" in n for n in b["notes"])


# ------------------------------------------------------------------ check fees by level and employment

@pytest.mark.parametrize(("model", "level", "fee"), [
    ("volunteer", "enhanced_barred", "£0"),
    ("volunteer", "enhanced", "£0"),
    ("volunteer", "basic", "£21.50"),   # basic checks are not free for volunteers
    ("volunteer", "not_decided", "£0"),
    ("paid_band", "enhanced_barred", "£49.50"),
    ("paid_band", "basic", "£21.50"),
    ("sessional", "enhanced", "£49.50"),
    ("partner_employed", "enhanced", "£49.50"),
    ("paid_band", "not_decided", "£49.50"),
])
def test_check_fees_follow_the_level_and_the_employment(q: Questionnaire, model: str, level: str, fee: str) -> None:
    b = budget_for(q, f"  employment_model: {model}\n  dbs_check: {level}\n")
    assert shown(b, "dbs_fee") == fee
    # No nation answered: England's fees, and no one nation's scheme named in the label.
    assert lines_of(b)["checks"]["label"] == "Recruitment checks (scheme not known yet)"


# ------------------------------------------------------------------ on-costs from their parts, dated


def test_on_costs_are_the_sum_of_their_dated_parts(q: Questionnaire) -> None:
    b = budget_for(q, "  employment_model: paid_band\n")
    parts = {a["id"]: a for a in b["assumptions"]}
    assert [parts[p]["shown"] for p in ("employer_ni_rate", "pension_employer_rate", "apprenticeship_levy_rate")] == ["15", "14.38", "0.5"]
    assert all(parts[p]["date"] for p in ("employer_ni_rate", "pension_employer_rate", "apprenticeship_levy_rate"))
    assert parts["on_costs"]["shown"] == "1.3"
    source = lines_of(b)["peer_pay"]["source"]
    assert "HM Revenue & Customs, rates and thresholds for employers, 2025-04-06" in source
    assert "NHS Pension Scheme employer contributions, 2024-04-01" in source and "Apprenticeship Levy, 2017-04-06" in source
    # A clinic outside the NHS pays the full pension rate: overriding one part changes the multiplier.
    full = budget_for(q, "  employment_model: paid_band\n", "  pension_employer_rate: 23.78\n")
    assert shown(full, "on_costs") == "1.39" and lines_of(full)["peer_pay"]["year1"] > lines_of(b)["peer_pay"]["year1"]
    # Overriding the multiplier itself still wins, as answer files from 2.0.0 do.
    assert shown(budget_for(q, "", "  on_costs: 1.25\n"), "on_costs") == "1.25"


def test_the_budget_says_its_nation_was_assumed_and_its_pay_year(q: Questionnaire) -> None:
    b = budget_for(q, "  employment_model: volunteer\n")
    assert b["nation"] == "england" and b["nation_assumed"] and b["pay_year"] == "2025/26"
    assert b["notes"][0].startswith("The nation the service is in is not known, so the budget uses England's")
    assert "Pay is costed on the 2025/26 Agenda for Change scale for England." in b["notes"]
    dated = {a["id"]: (a["date"], a["checked"]) for a in b["assumptions"]}
    assert dated["coordinator_salary"] == ("2025-04-01", "2026-12-06")


# ------------------------------------------------------------------ the nation binding (the question comes from another branch)

NATION_QUESTION = """  - id: nation
    type: single
    title: "Nation"
    text: "Which nation is the service in?"
    help: "Pay, checks and fees differ."
    guidance: "domains/resource.md#budget"
    options:
      - {id: england, label: "England"}
      - {id: wales, label: "Wales"}
      - {id: scotland, label: "Scotland"}
      - {id: northern_ireland, label: "Northern Ireland"}
"""
NATION_BINDING = "\nnation:\n  question: nation\n  nations: {england: england, wales: wales, scotland: scotland, northern_ireland: northern_ireland}\n"


@pytest.fixture(scope="module")
def nations_q(q: Questionnaire) -> Questionnaire:
    """The questionnaire as shipped: it asks the nation, and templates/bindings.yaml binds it for the budget."""
    assert q.bindings.nation is not None and q.bindings.nation.question in {qu.id for qu in q.questions}
    return q


@pytest.mark.parametrize(("nation", "checks", "hours", "basic_paid", "unverified"), [
    ("england", "DBS", "1,950", "£21.50", False),
    ("wales", "DBS", "1,950", "£21.50", True),
    ("scotland", "PVG (Disclosure Scotland)", "1,924", "£25", True),
    ("northern_ireland", "AccessNI", "1,950", "£16", True),
])
def test_the_nation_binding_chooses_that_nations_figures(nations_q: Questionnaire, nation: str, checks: str, hours: str,
                                                        basic_paid: str, unverified: bool) -> None:
    b = budget_for(nations_q, f"  nation: {nation}\n  employment_model: paid_band\n  dbs_check: basic\n")
    assert b["nation"] == nation and not b["nation_assumed"]
    assert not any("is not known" in n for n in b["notes"])
    assert lines_of(b)["checks"]["label"] == f"Recruitment checks ({checks})"
    assert shown(b, "full_time_hours_year") == hours and shown(b, "dbs_fee") == basic_paid
    assert any(n.startswith("Not yet verified for") for n in b["notes"]) == unverified
    if unverified:
        assert any(a["source"].startswith("Not yet verified: ") for a in b["assumptions"])


def test_scotland_uses_its_own_pay_year(nations_q: Questionnaire) -> None:
    b = budget_for(nations_q, "  nation: scotland\n  employment_model: volunteer\n")
    assert b["pay_year"] == "2026/27" and "Pay is costed on the 2026/27 Agenda for Change scale for Scotland." in b["notes"]


def test_nation_budgets_are_the_same_in_node(nations_q: Questionnaire, tmp_path: Path) -> None:
    """planning.js reads the binding and the figures exactly as budget.py does (Node, no browser)."""
    qfile = tmp_path / "q.json"
    qfile.write_text(questionnaire_json(nations_q), encoding="utf-8")
    docs = []
    for nation in ("england", "wales", "scotland", "northern_ireland", None):
        for model in ("paid_band", "sessional", "partner_employed", "volunteer", None):
            extra = (f"  nation: {nation}\n" if nation else "") + (f"  employment_model: {model}\n" if model else "") + "  dbs_check: basic\n"
            af = answers(nations_q, BASE + extra + "assumptions:\n  peers: 5\n")
            docs.append((answer_doc(af), evaluate_plan(nations_q, af)["budget"]))
    script = (
        "const E = require(process.argv[1]); const fs = require('fs');"
        "const q = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));"
        "const docs = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));"
        "process.stdout.write(JSON.stringify(docs.map(function (d) { var r = E.plan(q, d);"
        " if (r.errors.length) throw new Error(r.errors.join('; ')); return r.plan.budget; })));"
    )
    dfile = tmp_path / "docs.json"
    dfile.write_text(json.dumps([d for d, _ in docs]), encoding="utf-8")
    out = subprocess.run(["node", "-e", script, str(ENGINE), str(qfile), str(dfile)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout)
    assert len(got) == len(docs)
    for (_, expected), js in zip(docs, got):
        assert js == json.loads(json.dumps(expected))


# ------------------------------------------------------------------ readiness check on costs.yaml and figures.yaml

COSTS_BROKEN = [
    pytest.param("costs.yaml", "  question: employment_model\n", "  question: employment\n", "  question: employment",
                 "employment: unknown question 'employment' (did you mean 'employment_model'?)", id="unknown-employment-question"),
    pytest.param("costs.yaml", "    paid_band: paid\n", "    paid_bnd: paid\n", "    paid_bnd: paid",
                 "employment: 'paid_bnd' is not an option of 'employment_model'", id="unknown-employment-option"),
    pytest.param("costs.yaml", "    sessional: sessional\n", "", "  options:",
                 "say how peers are costed (paid, sessional, partner or volunteer) for these options of 'employment_model': sessional", id="option-not-costed"),
    pytest.param("costs.yaml", "{when: {equals: [dbs_check, basic]}, figure: check_basic_fee}", "{when: {equals: [dbs_check, basics]}, figure: check_basic_fee}",
                 "dbs_check, basics", "'basics' is not an option of 'dbs_check'", id="unknown-case-option"),
    pytest.param("costs.yaml", "    figure: band_6_salary\n", "    figure: band_6_salry\n", "band_6_salry",
                 "assumption 'coordinator_salary': unknown figure 'band_6_salry' (did you mean 'band_6_salary'?)", id="unknown-figure"),
    pytest.param("costs.yaml", "    figure: band_6_salary\n", "    figure: employer_ni_rate\n", "    figure: employer_ni_rate",
                 "assumption 'coordinator_salary': figure 'employer_ni_rate' is in number, but the assumption is in money", id="figure-unit"),
    pytest.param("figures.yaml", "      check_basic_volunteer_fee: {value: 16,", "      check_basic_volunteer_fe: {value: 16,", "nations:",
                 "has no figure for", id="nation-missing-figure"),
    pytest.param("figures.yaml", "default_nation: england", "default_nation: englnd", "default_nation: englnd",
                 "default_nation: unknown nation 'englnd' (did you mean 'england'?)", id="unknown-default-nation"),
    pytest.param("figures.yaml", "    source: employer_ni\n", "    source: employer_nic\n", "    source: employer_nic",
                 "figure 'employer_ni_rate': unknown source 'employer_nic'", id="unknown-figure-source"),
]


@pytest.mark.parametrize(("file", "old", "new", "needle", "expected"), COSTS_BROKEN)
def test_broken_costs_and_figures_fail_with_file_and_line(project: Project, runner: CliRunner, file: str, old: str, new: str,
                                                         needle: str, expected: str) -> None:
    path = project.questionnaire_dir / file
    edit(path, old, new)
    result = runner.invoke(cli, ["check", "--root", str(project.root)])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    problem_lines = [ln for ln in result.output.splitlines() if expected in ln]
    assert problem_lines, result.output
    if file == "figures.yaml" and needle == "nations:":
        assert problem_lines[0].startswith(f"questionnaire/{file}:")
    else:
        assert problem_lines[0].startswith(f"questionnaire/{file}:{line_of(path, needle)}:"), (problem_lines, line_of(path, needle))


def test_a_binding_to_a_missing_nation_question_fails(project: Project, runner: CliRunner) -> None:
    edit(project.templates_dir / "bindings.yaml", "nation:\n  question: nation\n", "nation:\n  question: natoin\n")
    result = runner.invoke(cli, ["check", "--root", str(project.root)])
    assert result.exit_code == 1 and "unknown question 'natoin'" in result.output


def _date_every_figure(project: Project) -> None:
    """Give every figure whose took_effect is not confirmed a date, as a maintainer would once its source says."""
    path = project.questionnaire_dir / "figures.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace('took_effect: "not confirmed"', 'took_effect: "2025-04-01"'), encoding="utf-8")


def test_strict_check_warns_about_a_figure_unchecked_for_too_long(project: Project, runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    _date_every_figure(project)
    monkeypatch.setattr(planning, "today", lambda: dt.date(2027, 12, 7))  # a year and a day after the figures were checked
    result = runner.invoke(cli, ["check", "--root", str(project.root)])
    assert result.exit_code == 0, result.output
    stale = [ln for ln in result.output.splitlines() if "warning: figure 'england band_3_salary' was last checked on 2026-12-06" in ln]
    assert stale and stale[0].startswith("questionnaire/figures.yaml:")
    assert not any("full_time_hours_year" in ln for ln in result.output.splitlines()), "hours may go three years unchecked"
    strict = runner.invoke(cli, ["check", "--strict", "--root", str(project.root)])
    assert strict.exit_code == 1
    monkeypatch.setattr(planning, "today", lambda: dt.date(2027, 12, 6))
    assert runner.invoke(cli, ["check", "--strict", "--root", str(project.root)]).exit_code == 0


def test_the_staleness_limit_is_data(project: Project, runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    """Shorten 'stale_after_days' for pay in figures.yaml and the same day's check flags pay, and only pay."""
    _date_every_figure(project)
    monkeypatch.setattr(planning, "today", lambda: dt.date(2027, 1, 6))  # 31 days after the figures were checked
    assert runner.invoke(cli, ["check", "--strict", "--root", str(project.root)]).exit_code == 0
    edit(project.questionnaire_dir / "figures.yaml", "  pay: 365", "  pay: 30")
    result = runner.invoke(cli, ["check", "--strict", "--root", str(project.root)])
    assert result.exit_code == 1
    flagged = [ln for ln in result.output.splitlines() if "was last checked on" in ln]
    assert flagged and all("_salary'" in ln and "more than 30" in ln for ln in flagged), flagged


def _undated(q: Questionnaire) -> list[str]:
    p = q.planning
    assert p is not None
    out = [fid for fid, f in p.figures.shared.items() if not f.dated]
    return out + [f"{nid} {fid}" for nid, n in p.figures.nations.items() for fid, f in n.figures.items() if not f.dated]


def test_strict_check_flags_every_figure_whose_date_is_not_confirmed(q: Questionnaire, project: Project, runner: CliRunner) -> None:
    """Each figure with took_effect "not confirmed" is one warning at its own line; --strict fails on them, and only them."""
    undated = _undated(q)
    assert "wales band_3_salary" in undated and "northern_ireland check_enhanced_fee" in undated
    path = project.questionnaire_dir / "figures.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    result = runner.invoke(cli, ["check", "--root", str(project.root)])
    assert result.exit_code == 0, result.output
    flagged = [ln for ln in result.output.splitlines() if "the date it took effect is not confirmed" in ln]
    assert [re.search(r"figure '([^']+)'", ln).group(1) for ln in flagged] == undated  # type: ignore[union-attr]
    for ln in flagged:
        where, number = re.match(r"(questionnaire/figures\.yaml):(\d+): warning: ", ln).groups()  # type: ignore[union-attr]
        assert 'took_effect: "not confirmed"' in lines[int(number) - 1], ln
    strict = runner.invoke(cli, ["check", "--strict", "--root", str(project.root)])
    assert strict.exit_code == 1 and "Traceback" not in strict.output
    _date_every_figure(project)
    assert runner.invoke(cli, ["check", "--strict", "--root", str(project.root)]).exit_code == 0


@pytest.mark.parametrize(("old", "new", "expected"), [
    pytest.param('band_3_salary: {value: 24937, unit: money, kind: pay, year: "2025/26", source: afc_pay_england, took_effect: "2025-04-01", ',
                 'band_3_salary: {value: 24937, unit: money, kind: pay, year: "2025/26", source: afc_pay_england, ', "took_effect", id="missing"),
    pytest.param('source: afc_pay_england, took_effect: "2025-04-01", ', 'source: afc_pay_england, took_effect: "April 2025", ', "took_effect",
                 id="not-a-date-or-not-confirmed"),
    pytest.param('unverified: "Not yet verified for {nation}, ', 'unverified: "Not yet verified for {country}, ', "{country}", id="unknown-note-field"),
])
def test_a_figure_must_say_its_date_or_that_it_is_not_confirmed(project: Project, runner: CliRunner, old: str, new: str, expected: str) -> None:
    path = project.questionnaire_dir / "figures.yaml"
    needle = new.split(",")[0] if "note" not in expected and "{" not in expected else "  unverified:"
    edit(path, old, new)
    result = runner.invoke(cli, ["check", "--root", str(project.root)])
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    problem = [ln for ln in result.output.splitlines() if ln.startswith("questionnaire/figures.yaml:") and expected in ln]
    assert problem, result.output
    assert problem[0].startswith(f"questionnaire/figures.yaml:{line_of(path, needle)}:"), (problem, line_of(path, needle))


@pytest.mark.parametrize("nation", ["wales", "scotland", "northern_ireland"])
def test_a_figure_whose_date_is_not_confirmed_says_so_everywhere_it_is_shown(q: Questionnaire, nation: str) -> None:
    """Beside the assumption (JSON, Markdown, the HTML the PDF prints), in each cost line's citation and in the budget's
    list of figures to confirm; a dated figure shows its date instead."""
    from builder.output.pack import plan_html
    from builder.render.markdown import plan_markdown

    p = q.planning
    assert p is not None
    words = p.figures.notes
    plan = evaluate_plan(q, answers(q, BASE + f"  nation: {nation}\n  employment_model: paid_band\n  pay_band: band_3\n"))
    b = plan["budget"]
    table = {**p.figures.shared, **p.figures.nations[nation].figures}
    undated_labels = []
    for a in b["assumptions"]:
        fid = next((x.figure for x in p.costs.assumptions if x.id == a["id"]), None)
        f = table.get(fid) if fid else None
        if f is None:
            assert a["date"] is None and a["undated"] is None
        elif f.dated:
            assert a["date"] == f.took_effect and a["undated"] is None
        else:
            assert a["date"] is None and a["undated"] == words.undated_shown
            undated_labels.append(a["label"])
    assert undated_labels, f"{nation} has undated figures in figures.yaml"
    note = next(n for n in b["notes"] if n.startswith(words.undated.split("{")[0]))
    assert p.figures.nations[nation].name in note and [lbl for lbl in undated_labels if lbl in note]
    assert any(words.cite_undated.replace("{source}", "") in line["source"] for line in b["lines"])
    markdown = plan_markdown(plan, q)
    html_text = plan_html(q, plan, ROOT / "templates")
    for shown_in in (markdown, html_text):
        assert words.undated_shown in shown_in and note.split(":")[0] in shown_in.replace("&#39;", "'")


def test_england_figures_are_all_dated(q: Questionnaire) -> None:
    b = evaluate_plan(q, answers(q, BASE + "  nation: england\n"))["budget"]
    p = q.planning
    assert p is not None
    assert not any(a["undated"] for a in b["assumptions"])
    assert not any(n.startswith(p.figures.notes.undated.split("{")[0]) for n in b["notes"])


# ------------------------------------------------------------------ the README's assumptions table is the data


def test_the_readme_assumption_table_matches_costs_yaml(q: Questionnaire) -> None:
    text = (ROOT / "questionnaire" / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `(\w+)` \| (.*?) \| (.*?) \|$", text.split("### Budget assumptions", 1)[1].split("\n## ", 1)[0], re.M)
    b = evaluate_plan(q, answers(q, "version: 1\nclinic: {name: X}\nanswers: {}\n"))["budget"]
    expected = [(a["id"], a["label"], a["shown"]) for a in b["assumptions"]]
    assert [tuple(r) for r in rows] == expected


def test_no_label_keeps_a_checks_placeholder(q: Questionnaire) -> None:
    from builder.render.documents import planning_context

    blank = [line["label"] for line in planning_context(q, None)["budget_lines"]]
    assert "Recruitment checks (DBS, PVG (Disclosure Scotland) or AccessNI)" in blank
    tailored = budget_for(q, "")
    assert not any("{" in x for x in blank + [a["label"] for a in tailored["assumptions"]] + [line["label"] + line["basis"] for line in tailored["lines"]])


# ------------------------------------------------------------------ the figures page and the book's chapter


def test_the_figures_page_shows_every_figure_with_its_dates(q: Questionnaire) -> None:
    """One row per figure, shared and per nation: a dated one shows its date, an undated one "not confirmed", never a blank."""
    from builder.render.documents import en_gb_date
    from builder.render.figures_page import figures_markdown

    p = q.planning
    assert p is not None
    page = figures_markdown(q)
    sections = re.split(r"^## ", page, flags=re.M)
    by_title = {s.split("\n", 1)[0]: s for s in sections[1:]}
    tables = {"Across the UK": p.figures.shared, **{n.name: n.figures for n in p.figures.nations.values()}}
    for title, figures in tables.items():
        rows = {m.group(1): m.group(2) for m in re.finditer(r"^\| `(\w+)` \| [^|]+ \| ([^|]+) \|", by_title[title], re.M)}
        assert list(rows) == list(figures), title
        for fid, f in figures.items():
            assert rows[fid].strip() == (en_gb_date(f.took_effect) if f.dated else f"**{f.took_effect}**"), (title, fid)
    assert f"{len(_undated(q))} figures have a date that is not confirmed." in page


def test_the_site_and_the_book_carry_the_figures_page(q: Questionnaire) -> None:
    import yaml

    from builder.output.toolkit import book_html
    from builder.render.figures_page import FIGURES_PAGE

    nav = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))["nav"]
    assert any({"Figures by nation": FIGURES_PAGE} in item.get("Setting it up", []) for item in nav if isinstance(item, dict))
    assert not (ROOT / "guidance" / FIGURES_PAGE).exists(), "generated from figures.yaml, never written by hand"
    book = book_html(q, Project(ROOT))
    chapter = book.split('id="part-figures"')[1].split('<section class="book-part')[0]
    assert "band_3_salary" in chapter and "<strong>not confirmed</strong>" in chapter
    assert 'href="#g-references--pay-scales"' in chapter, "a source links to the book's references"
