"""The commissioners' review: combining raters, disagreements, progress, bad files, CSV safety, and the CLI."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml

from builder.cli.main import EXIT_BAD_INPUT, EXIT_LEFT_OUT, cli
from builder.core.answers import dump_answers, parse_answers_text
from builder.core.errors import Msg, quote
from builder.core.review import MAX_BYTES, RULE, combine_answer, must_have_gaps, summarise
from builder.core.schema import Questionnaire
from builder.load.project import ROOT
from builder.load.raters import review_files
from builder.render.review import FORMULA_START, disagreements_csv, review_columns_csv, review_csv, review_rows_js, safe_cell

from .conftest import EXAMPLES

RIVERSIDE = ROOT / "examples" / "riverside.yaml"
HILLSIDE = ROOT / "examples" / "hillside.yaml"


def doc(path: Path = RIVERSIDE, **changes: Any) -> dict[str, Any]:
    """An example answer file as data, with top-level keys or answers (`answers__id=value`) changed."""
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)  # strings only, as YAML 1.2 would keep them
    data["version"] = 1
    for key, value in changes.items():
        if key.startswith("answers__"):
            qid = key.removeprefix("answers__")
            if value is None:
                data["answers"].pop(qid, None)
            else:
                data["answers"][qid] = value
        else:
            data[key] = value
    return data


def as_bytes(data: dict[str, Any]) -> bytes:
    return json.dumps(data).encode("utf-8")


def review_of(q: Questionnaire, files: dict[str, dict[str, Any] | bytes]) -> dict[str, Any]:
    return review_files(q, [(name, d if isinstance(d, bytes) else as_bytes(d)) for name, d in files.items()])


# ---------------------------------------------------------------- combining raters


@pytest.mark.parametrize(("qid", "given", "expected"), [
    ("budget", ["extend_role", "extend_role"], "extend_role"),                 # agreement
    ("budget", ["dedicated_role", "none", "extend_role"], "none"),              # scored: fewest points
    ("space", ["dedicated_room", "shared_room"], "shared_room"),
    ("volunteer_service_contact", ["agreed", "not_yet"], None),                 # unscored follow-up: not known
    ("policies_in_place", [["confidentiality", "safeguarding"], ["confidentiality"]], ["confidentiality"]),  # only what all ticked
    ("policies_in_place", [["none"], ["safeguarding"]], ["none"]),              # nothing in common: the exclusive 'none'
    ("aims", [["adherence"], ["health_promotion"]], None),                       # nothing in common, no 'none' option
    ("partner_name", ["Positive Voices", "Positive Voices Riverside"], "Positive Voices"),  # text: first rater
    ("budget", [], None),
], ids=["agree", "single-min", "single-min-2", "unscored", "multi-intersection", "multi-exclusive", "multi-empty", "text", "nobody"])
def test_combine_answer(q: Questionnaire, qid: str, given: list[Any], expected: Any) -> None:
    qu = q.question(qid)
    assert qu is not None
    assert combine_answer(qu, given) == expected


def test_raters_combined_with_disagreements_and_each_rating(q: Questionnaire) -> None:
    manager = doc(respondent={"name": "Sam Okafor", "role": "Clinic manager"})
    del manager["respondent_role"]
    consultant = doc(respondent={"name": "Dr Ada Lee", "role": "Consultant"}, answers__space="none",
                     answers__policies_in_place=["confidentiality"])
    del consultant["respondent_role"]
    patient = doc(respondent_role="Patient representative", answers__space="dedicated_room")
    review = review_of(q, {"a-manager.json": manager, "b-consultant.json": consultant, "c-patient.json": patient})
    assert review["files"] == {"read": 3, "included": 3, "excluded": 0}
    [clinic] = review["clinics"]
    assert [r["respondent"] for r in clinic["raters"]] == ["Sam Okafor (Clinic manager)", "Dr Ada Lee (Consultant)", "Patient representative"]
    by_q = {d["question"]: d for d in clinic["disagreements"]}
    assert set(by_q) == {"space", "policies_in_place"}
    space = by_q["space"]
    assert [(a["role"], a["answer"]) for a in space["answers"]] == [
        ("Clinic manager", "Yes, a room shared with other staff"), ("Consultant", "No space at the moment"),
        ("Patient representative", "Yes, a room we can set aside")]
    assert space["combined"] == "No space at the moment"
    # Conservative: every combined domain score is at most every rater's (they all answered everything).
    for d in review["domains"]:
        assert clinic["domains"][d["id"]]["score"] <= min(r["domains"][d["id"]]["score"] for r in clinic["raters"])
    assert clinic["domains"]["space"]["rating"] == "red"
    assert "safeguarding_cover" in {g["id"] for g in clinic["must_haves"]}, "one rater did not tick safeguarding: the combined view has the gap"
    assert review["rule"] == RULE


def test_clinic_id_groups_files_whose_names_differ(q: Questionnaire) -> None:
    one = doc(clinic={"name": "Riverside Clinic", "organisation": "Riverside NHS Trust", "id": "RVS-01"})
    two = doc(clinic={"name": "Riverside Sexual Health", "id": "rvs-01"}, respondent_role="Consultant")
    other = doc(clinic={"name": "riverside sexual health clinic", "organisation": "RIVERSIDE NHS TRUST"}, respondent_role="Nurse")
    review = review_of(q, {"1.json": one, "2.json": two, "3.json": other, "4.json": doc()})
    assert sorted(len(c["raters"]) for c in review["clinics"]) == [2, 2]  # by id; by name and organisation in any case


# ---------------------------------------------------------------- progress over time


def test_progress_between_rounds(q: Questionnaire) -> None:
    before = doc(HILLSIDE, assessed_on="2025-11-20")
    after = doc(HILLSIDE, assessed_on="2026-11-20", answers__champions=["clinical_staff"], answers__champion_group="once",
                answers__space="shared_room", answers__space_times="fixed_slots", answers__space_private="yes",
                answers__supervision="in_clinic", answers__supervisor_time="ring_fenced")
    review = review_of(q, {"2025.json": before, "2026.json": after})
    [clinic] = review["clinics"]
    assert clinic["assessed_on"] == "2026-11-20" and clinic["files"] == ["2026.json"]
    earlier = clinic["earlier"]
    assert earlier["assessed_on"] == "2025-11-20"
    cmp = earlier["comparison"]
    met = {g["id"] for g in cmp["must_haves_met"]}
    assert "supervision_named" in met, "a supervisor named since the last round is a must-have met"
    assert not cmp["new_gaps"]
    assert {a["id"] for a in cmp["actions_done"]} >= {"find_champions"}
    space = next(d for d in cmp["domains"] if d["domain"] == "space")
    assert space["after"] > space["before"] and space["change"] == space["after"] - space["before"]


def test_compare_command(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    after = tmp_path / "after.yaml"
    after.write_text(HILLSIDE.read_text(encoding="utf-8").replace("supervision: none", "supervision: in_clinic\n  supervisor_time: ring_fenced")
                     .replace("2026-11-20", "2026-12-01"), encoding="utf-8")
    out = tmp_path / "cmp"
    result = runner.invoke(cli, ["compare", str(HILLSIDE), str(after), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "Training, support and supervision" in result.stdout
    assert "Must-haves met since: " in result.stdout and "A named supervisor has protected time to supervise peers" in result.stdout
    data = json.loads((out / "compare.json").read_text(encoding="utf-8"))
    sup = next(d for d in data["comparison"]["domains"] if d["domain"] == "supervision")
    assert sup["change"] > 0
    assert (out / "compare.pdf").read_bytes().startswith(b"%PDF")
    assert "<svg" in (out / "compare.html").read_text(encoding="utf-8")


def test_compare_bad_file(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nclinic: {name: X}\nanswers:\n  space: attic\n", encoding="utf-8")
    result = runner.invoke(cli, ["compare", str(HILLSIDE), str(bad)])
    assert result.exit_code == EXIT_BAD_INPUT
    assert f"{bad}:4: error: " in result.stderr and "Traceback" not in result.output


# ---------------------------------------------------------------- bad input never loses the rest


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


BAD_FILES: list[tuple[str, bytes, str, int | None]] = [
    ("syntax.yaml", b"version: 1\nclinic: {name: [\n", Msg.YAML_SYNTAX.split(":")[0], 2),
    ("syntax.json", b'{"version": 1,\n "clinic": }', Msg.JSON_SYNTAX.split(":")[0], 2),
    ("latin1.yaml", "version: 1\nclinic: {name: Caf\u00e9}\n".encode("latin-1"), Msg.NOT_UTF8, None),
    ("empty.yaml", b"", Msg.EMPTY_ANSWERS, None),
    ("config.yaml", b"site_name: Something else\n", Msg.NOT_ANSWER_FILE, None),
    ("notes.txt", b"minutes of the meeting", Msg.NOT_ANSWER_SUFFIX, None),
    ("new.json", as_bytes(doc(questionnaire_version="3.0.0")), "answered against questionnaire version 3.0.0", None),
    ("v2.json", as_bytes(doc(version=2)), Msg.BAD_VERSION.format(version=quote(2)), 1),
    ("option.yaml", b"version: 1\nclinic: {name: X}\nanswers:\n  space: attic\n", "'attic' is not an option of 'space'", 4),
    ("long-name.json", as_bytes(doc(clinic={"name": "N" * 301})), "'name' is 301 characters long", 1),
    ("copy.json", as_bytes(doc()), "a-good.json: the same answers are counted once", None),
]


def test_every_not_included_reason(runner, tmp_path: Path, q: Questionnaire) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a-good.json").write_bytes(as_bytes(doc()))
    for name, data, _, _ in BAD_FILES:
        (folder / name).write_bytes(data)
    (folder / "gone.yaml").symlink_to(tmp_path / "nowhere.yaml")  # listed, but cannot be read
    (tmp_path / "broken.zip").write_bytes(b"PK\x03\x04 not really a zip")
    _zip(tmp_path / "bomb.zip", {"huge.yaml": b"#" * (MAX_BYTES + 1)})
    out = tmp_path / "out"
    result = runner.invoke(cli, ["review", str(folder), str(HILLSIDE), str(tmp_path / "broken.zip"), str(tmp_path / "bomb.zip"),
                                 str(tmp_path / "missing"), "-o", str(out), "--no-pdf"])
    assert result.exit_code == EXIT_LEFT_OUT, result.output
    assert "Traceback" not in result.output
    review = json.loads((out / "review.json").read_text(encoding="utf-8"))
    assert sorted(c["name"] for c in review["clinics"]) == ["Hillside HIV Clinic", "Riverside Sexual Health Clinic"]
    left = {Path(e["file"]).name: e for e in review["not_included"]}
    for name, _, reason, line in BAD_FILES:
        assert reason in left[name]["reason"], (name, left[name])
        assert left[name]["line"] == line, name
        where = f"{folder / name}:{line}" if line else str(folder / name)
        assert f"{where}: error: not included: " in result.stderr, name
    assert "could not be read" in left["gone.yaml"]["reason"]
    assert "not a readable zip file" in left["broken.zip"]["reason"]
    assert "file not found" in left["missing"]["reason"]
    assert "far too large for an answer file" in left["bomb.zip!huge.yaml"]["reason"]
    assert review["files"]["excluded"] == len(BAD_FILES) + 4
    page = (out / "review.html").read_text(encoding="utf-8")
    for name in left:
        assert name in page


def test_nothing_included_writes_nothing(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.yaml"
    bad.write_text("nope: [", encoding="utf-8")
    result = runner.invoke(cli, ["review", str(bad), "-o", str(tmp_path / "out")])
    assert result.exit_code == EXIT_BAD_INPUT
    assert not (tmp_path / "out").exists()


def test_folder_and_zip_give_the_same_review(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    archive = _zip(tmp_path / "area.zip", {f"sub/{p.name}": p.read_bytes() for p in EXAMPLES} | {"__MACOSX/": b""})
    a, b = tmp_path / "a", tmp_path / "b"
    r1 = runner.invoke(cli, ["review", str(ROOT / "examples"), "-o", str(a), "--no-pdf", "-j", "1"])
    r2 = runner.invoke(cli, ["review", str(archive), "-o", str(b), "--no-pdf", "-j", "2"])
    assert r1.exit_code == 0 and r2.exit_code == 0, r1.output + r2.output
    ja, jb = (json.loads((d / "review.json").read_text(encoding="utf-8")) for d in (a, b))
    for c in ja["clinics"] + jb["clinics"]:
        c["files"] = [Path(f).name for f in c["files"]]
        for r in c["raters"]:
            r["file"] = Path(r["file"]).name
            if r["respondent"].endswith(".yaml"):
                r["respondent"] = Path(r["respondent"]).name
    assert ja == jb
    assert len(ja["clinics"]) == len(EXAMPLES)


# ---------------------------------------------------------------- outputs


NASTY = ["=HYPERLINK(\"http://x\",\"y\")", "+44 clinic", "-minus", "@SUM(A1)", "Comma, \"quoted\"; and a semicolon", "<script>alert(1)</script>"]


def test_csv_is_excel_safe(q: Questionnaire) -> None:
    files = {f"{i}.json": doc(clinic={"name": name, "organisation": "Trust"}) for i, name in enumerate(NASTY)}
    review = review_of(q, files)
    raw = review_csv(review)
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert text.count("\r\n") == len(NASTY) + 1  # header and rows (a line break in a name is refused at parse time)
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    names = sorted(r["Clinic"] for r in rows)
    assert names == sorted(safe_cell(n) for n in NASTY)
    for r in rows:
        assert not r["Clinic"].startswith(FORMULA_START)
        assert r["Overall score"].isdigit()  # numbers stay numbers
    assert "'=HYPERLINK(\"http://x\",\"y\")" in names and "Comma, \"quoted\"; and a semicolon" in names


def test_html_escapes_untrusted_text(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    f = tmp_path / "x.json"
    f.write_bytes(as_bytes(doc(clinic={"name": "<script>alert(1)</script>", "area": "<b>North</b>"},
                               respondent={"name": "<img src=x onerror=alert(1)>"})))
    out = tmp_path / "out"
    result = runner.invoke(cli, ["review", str(f), "-o", str(out)])
    assert result.exit_code == 0, result.output
    page = (out / "review.html").read_text(encoding="utf-8")
    assert "<script>" not in page and "<img" not in page and "&lt;script&gt;" in page
    assert (out / "review.pdf").read_bytes().startswith(b"%PDF")


def test_review_json_is_deterministic(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    outs = []
    for j in ("1", "2"):
        out = tmp_path / j
        assert runner.invoke(cli, ["review", str(ROOT / "examples"), "-o", str(out), "--no-pdf", "-j", j]).exit_code == 0
        outs.append((out / "review.json").read_bytes())
    assert outs[0] == outs[1]


def test_opportunities_by_area_and_cost(q: Questionnaire) -> None:
    north = {"area": "North"}
    files = {
        "riverside.json": doc(clinic={"name": "Riverside", **north}),  # has a partner (Positive Voices Riverside)
        "hillside.json": doc(HILLSIDE, clinic={"name": "Hillside", **north}),  # no partner, interested in a network
        "hill2.json": doc(HILLSIDE, clinic={"name": "Hill Two", **north}, answers__budget="extend_role"),
        "south.json": doc(HILLSIDE, clinic={"name": "Southside", "area": "South"}),
    }
    review = review_of(q, files)
    [opp] = review["opportunities"]
    assert opp["area"] == "North"
    assert opp["without_partner"] == ["Hill Two", "Hillside"]
    assert opp["with_partner"] == [{"clinic": "Riverside", "partner": "Positive Voices Riverside"}]
    assert opp["hub_and_spoke"] == ["Hill Two", "Hillside"]
    clinics = review["clinics"]
    assert all(isinstance(c["budget"], int) for c in clinics), "every plan carries a costed budget"
    assert review["cost"] == {"total": sum(c["budget"] for c in clinics), "clinics_with_budget": len(clinics), "clinics": len(clinics)}


def test_go_live_and_budget_are_read_when_plans_carry_them(q: Questionnaire) -> None:
    from builder.core.engine import evaluate_plan

    plan = evaluate_plan(q, parse_answers_text(HILLSIDE.read_text(encoding="utf-8"), q))
    gaps = must_have_gaps(plan)
    assert [g["id"] for g in gaps] == [g["id"] for g in plan["go_live"] if g["status"] != "met"] and gaps
    plan["go_live"] = [{"id": "supervisor", "title": "A named supervisor", "status": "missing"},
                       {"id": "dbs", "title": "Checks done", "status": "met"}]
    plan["budget"] = {"total_year1": 12500, "total_3_years": 30000, "lines": []}
    view = summarise(q, plan)
    assert view["must_haves"] == [{"id": "supervisor", "title": "A named supervisor", "domain": ""}]
    assert view["budget"] == 12500


# ---------------------------------------------------------------- the answer-file fields the review reads


def test_respondent_clinic_id_and_area_round_trip(q: Questionnaire) -> None:
    text = ("version: 1\nquestionnaire_version: '1.0.0'\nrespondent: {name: \"Dr Ada Lee\", role: Consultant}\n"
            "clinic: {name: Riverside, id: RVS-01, area: North}\nanswers: {budget: none}\n")
    af = parse_answers_text(text, q)
    assert (af.respondent_name, af.respondent_role, af.clinic_id, af.area) == ("Dr Ada Lee", "Consultant", "RVS-01", "North")
    again = parse_answers_text(dump_answers(af, q), q)
    assert again == af


def test_respondent_must_be_a_mapping(q: Questionnaire) -> None:
    from builder.core.errors import ReadinessError

    with pytest.raises(ReadinessError) as info:
        parse_answers_text("version: 1\nrespondent: Dr Lee\nclinic: {name: X}\n", q, file="a.yaml")
    assert [str(p) for p in info.value.problems] == [
        "a.yaml:2: " + Msg.WRONG_TYPE.format(key="respondent", expected="a mapping with 'name' and 'role'", got="text")]


def test_progress_bar_only_on_a_terminal(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(cli, ["review", str(ROOT / "examples"), "-o", str(tmp_path), "--no-pdf"])
    assert result.exit_code == 0
    assert "Reading answer files" not in result.stderr and "\r" not in result.stderr
    assert os.path.exists(tmp_path / "review.csv")


# ---------------------------------------------------------------- the browser review gives the CLI's numbers


JS_FILES = [ROOT / "node_modules" / "js-yaml" / "dist" / "js-yaml.min.js", ROOT / "builder" / "wizard" / "pycompat.js",
            ROOT / "builder" / "wizard" / "engine.js",
            ROOT / "builder" / "wizard" / "planning.js", ROOT / "builder" / "wizard" / "review.js", ROOT / "builder" / "wizard" / "review-table.js"]
HARNESS = ("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>review.js harness</title></head><body>"
           + "".join(f'<script src="{p.name}"></script>' for p in JS_FILES) + "</body></html>")


def parity_files(q: Questionnaire) -> list[tuple[str, bytes]]:
    """Realistic raters, rounds and areas from the generator, the examples, and one of every bad file the browser can meet."""
    import sys

    sys.path.insert(0, str(ROOT / "bench"))
    from gen_answers import files as generated

    out = [(Path(rel).name, text.encode("utf-8")) for rel, text in generated(q, 240, seed=7)]
    out += [(p.name, p.read_bytes()) for p in EXAMPLES]
    out += [(name, data) for name, data, _, _ in BAD_FILES if name != "copy.json"]
    out += [("copy-of-hillside.yaml", HILLSIDE.read_bytes()), ("dup-key.yaml", b"version: 1\nclinic: {name: X}\nclinic: {name: Y}\n")]
    # One clinic under names that only Unicode folding, normalisation and spaces make the same (issue 23).
    for i, (name, org) in enumerate([("Straße Clinic", "Nord Trust"), ("STRASSE\u2003CLINIC", "nord\u00a0trust"), ("Strasse Clinic", "NORD TRUST")]):
        out.append((f"unicode-{i}.json", as_bytes(doc(clinic={"name": name, "organisation": org}, respondent={"name": f"U{i}", "role": "Nurse"},
                                                         answers__space="none" if i else "dedicated_room"))))
    return sorted(out)


def comparable(review: dict[str, Any]) -> dict[str, Any]:
    """Lines and parser wording are the only differences allowed: the browser's YAML parser words syntax errors its own way."""
    for e in review["not_included"]:
        e.pop("line")
        if e["reason"].startswith(("malformed YAML", "malformed JSON")):
            e["reason"] = e["reason"].split(":")[0]
        if e["file"] == "dup-key.yaml":
            e["reason"] = "duplicate key"
    return review


@pytest.mark.browser
def test_browser_review_equals_cli(browser, q: Questionnaire, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import shutil

    from builder.output.export import questionnaire_json

    from .conftest import StaticServer

    for p in JS_FILES:
        shutil.copy(p, tmp_path / p.name)
    (tmp_path / "questionnaire.json").write_text(questionnaire_json(q), encoding="utf-8")
    (tmp_path / "index.html").write_text(HARNESS, encoding="utf-8")
    files = parity_files(q)
    folder = tmp_path / "files"
    folder.mkdir()
    for name, data in files:
        (folder / name).write_bytes(data)
    python = comparable(review_files(q, files))
    assert python["files"]["excluded"] >= 10 and any(c["disagreements"] for c in python["clinics"])
    assert any(c["earlier"] for c in python["clinics"]) and python["opportunities"]
    assert [len(c["raters"]) for c in python["clinics"] if c["name"] == "Straße Clinic"] == [3]
    server = StaticServer(tmp_path)
    page = browser.new_page()
    try:
        page.goto(server.url + "index.html")
        js = page.evaluate("""async (names) => {
            const Q = await (await fetch('questionnaire.json')).json();
            const files = [];
            for (const name of names) {
                const buf = await (await fetch('files/' + encodeURIComponent(name))).arrayBuffer();
                let text = null;
                try { text = new TextDecoder('utf-8', {fatal: true}).decode(buf); } catch (e) { text = null; }
                files.push({name, text});
            }
            const review = ReadinessReview.review(Q, files);
            return {review, csv: ReadinessReview.reviewCsv(review), rows: ReadinessReviewTable.rowsOf(review)};
        }""", [name for name, _ in files])
    finally:
        page.close()
        server.close()
    browser_review = comparable(js["review"])
    for key in python:
        assert browser_review[key] == python[key], key
    assert js["csv"].encode("utf-8") == review_csv(review_files(q, files))
    rows_js = review_rows_js(review_files(q, files))  # the page's rows file: the browser's ranking draws the same rows
    assert js["rows"] == json.loads(rows_js[len("window.READINESS_REVIEW_ROWS = "):-2])


def test_review_js_wording_matches_python() -> None:
    """The page words every not-included reason as the CLI does: it reads them from the exported questionnaire."""
    from builder.output.export import answer_messages

    text = (ROOT / "builder" / "wizard" / "review.js").read_text(encoding="utf-8")
    exported = answer_messages()
    for msg in (Msg.NOT_ANSWER_SUFFIX, Msg.NOT_ANSWER_FILE, Msg.DUPLICATE_FILE, Msg.UNKNOWN_QVERSION, Msg.NOT_UTF8, Msg.YAML_SYNTAX, Msg.JSON_SYNTAX):
        assert exported[msg.name] == str(msg), msg.name
        assert f"answer_messages.{msg.name}" in text, msg.name
        assert json.dumps(str(msg)) not in text, f"review.js holds its own copy of {msg.name}"
    for part in RULE.split(". "):
        assert part.split(" ")[0] in text


@pytest.mark.browser
def test_review_page_picks_files_and_downloads_the_clis_csv(browser, site_server, q: Questionnaire, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from urllib.parse import urlsplit

    from .conftest import describe_violations, run_axe

    chosen = []
    for name, data in [(p.name, p.read_bytes()) for p in EXAMPLES] + [
            ("riverside-consultant.json", as_bytes(doc(respondent={"name": "<b>Dr Lee</b>", "role": "Consultant"}, answers__space="none"))),
            ("broken.yaml", b"version: 1\nclinic: [\n"), ("=cmd.json", as_bytes(doc(clinic={"name": "=HYPERLINK(1)"})))]:
        (tmp_path / name).write_bytes(data)
        chosen.append(tmp_path / name)
    page = browser.new_page(accept_downloads=True)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    try:
        page.goto(site_server.url + "review.html")
        page.set_input_files("#rv-files", [str(p) for p in chosen])
        page.wait_for_function("window.READINESS_LAST_REVIEW !== undefined")
        status = page.inner_text(".rv-status")
        assert "Nothing left this browser" in status and "1 file not included" in status and not re.search(r"\b1 files\b", status)
        assert page.locator("table.heat tbody tr").count() == len(EXAMPLES) + 1
        assert page.inner_text("[data-rt-status]") == f"Showing 1–{len(EXAMPLES) + 1} of {len(EXAMPLES) + 1} clinics."
        page.select_option("[data-rt-rating]", "red")
        reds = sum(1 for c in review_files(q, sorted((p.name, p.read_bytes()) for p in chosen))["clinics"] if c["overall"]["rating"] == "red")
        assert page.locator("table.heat tbody tr").count() == reds
        page.select_option("[data-rt-rating]", "")
        page.locator("thead button.sort", has_text="Assessed").click()  # a column that sorts by text
        dates = page.locator("table.heat tbody td[data-label=Assessed]").all_inner_texts()
        dated = [d for d in dates if d != "not dated"]
        assert dated == sorted(dated) and dates[:len(dated)] == dated, dates
        assert page.locator("text=Dr Lee").count() >= 1 and page.locator(".readiness-review b").count() == 0
        left_out = page.inner_text("#rv-not-included + .rv-table-wrap")
        line = review_files(q, [("broken.yaml", b"version: 1\nclinic: [\n")])["not_included"][0]["line"]
        assert f"broken.yaml:{line}\t" in left_out, left_out  # the line, as the command line gives it
        with page.expect_download() as info:
            page.get_by_role("button", name="Download the CSV").click()
        got = Path(info.value.path()).read_bytes()
        expected = review_csv(review_files(q, sorted((p.name, p.read_bytes()) for p in chosen)))
        assert got == expected
        violations = run_axe(page)
        assert not violations, describe_violations(violations)
    finally:
        page.close()
    ours = urlsplit(site_server.url).netloc
    assert not [u for u in requests if urlsplit(u).scheme not in ("data", "blob") and urlsplit(u).netloc != ours]


def test_review_pickers_stack_on_a_phone(browser, site_server) -> None:  # type: ignore[no-untyped-def]
    """Each file picker is a field of its own, its label above it, on a phone as on a desktop: no label wraps in
    beside the other picker (seen at 390 px before the fix)."""
    for width in (390, 1280):
        page = browser.new_page(viewport={"width": width, "height": 844})
        try:
            page.goto(site_server.url + "review.html")
            box = {sel: page.locator(sel).bounding_box() for sel in ("label[for=rv-files]", "#rv-files", "label[for=rv-folder]", "#rv-folder")}
            assert all(box.values()), box
            order = [box["label[for=rv-files]"], box["#rv-files"], box["label[for=rv-folder]"], box["#rv-folder"]]
            for above, below in zip(order, order[1:]):
                assert above["y"] + above["height"] <= below["y"] + 0.5, (width, box)  # stacked, each below the last
            assert all(b["x"] + b["width"] <= width for b in order), (width, box)
        finally:
            page.close()


def test_csv_headings_are_human_and_their_ids_are_beside_them(q: Questionnaire) -> None:
    one, two = doc(respondent={"name": "A", "role": "Clinic manager"}), doc(respondent={"name": "=B", "role": "Nurse"}, answers__space="none")
    review = review_of(q, {"a.json": one, "b.json": two, "h.json": doc(HILLSIDE)})
    head = next(csv.reader(io.StringIO(review_csv(review).decode("utf-8-sig"))))
    columns = list(csv.reader(io.StringIO(review_columns_csv(review).decode("utf-8-sig"))))
    assert columns[0] == ["Heading", "Id"] and [h for h, _ in columns[1:]] == head
    ids = dict(columns[1:])
    assert ids["Clinic"] == "clinic" and ids["Overall score"] == "overall_score"
    first = q.domains[0]
    assert ids[f"{first.title}: score"] == f"{first.id}_score" and ids[f"{first.title}: rating"] == f"{first.id}_rating"
    assert not any(h.endswith(("_score", "_rating")) for h in head)
    template_titles = {t.title for t in q.templates}
    rows = list(csv.DictReader(io.StringIO(review_csv(review).decode("utf-8-sig"), newline="")))
    assert all(t in template_titles for r in rows for t in r["Templates needed"].split("; ") if t)

    dis = list(csv.DictReader(io.StringIO(disagreements_csv(review).decode("utf-8-sig"), newline="")))
    clinic = next(c for c in review["clinics"] if c["disagreements"])
    assert len(dis) == sum(len(d["answers"]) for d in clinic["disagreements"])
    space = [r for r in dis if r["Question id"] == "space"]
    assert [r["Rater"][:3] for r in space] == ["A (", "'=B"]  # a formula-like name is text
    assert {r["Clinic"] for r in dis} == {clinic["name"]} and space[0]["Combined answer"] == space[1]["Answer"]
