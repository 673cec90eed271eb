"""The review's fast paths give exactly what the plain ones give.

A review of 10,000 files (issue 12) takes shortcuts: conditions compiled to closures, plans made by the one
pipeline at less detail (evaluate_plan(detail="summary" or "scores"): the same steps without the sentences),
each rater's plan made from what the review holds, two worker pools, JSON encoded in pieces, outputs written
by several processes, a quick pre-check before the exact JSON limits scan, a regular expression for ASCII
spreadsheet cells. Each is held equal here to the plain path it replaces.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builder.core.answers import AnswerFile
from builder.core.conditions import SKIPPED, compile_condition, evaluate
from builder.core.engine import evaluate_plan
from builder.core.errors import ReadinessError
from builder.core.review import Rater, rater_scores, rater_view, scores, summarise
from builder.core.schema import All, AnyOf, Condition, Equals, HasRole, In, Includes, IncludesAny, Not, Questionnaire, RouteIs
from builder.load import sources
from builder.load.project import ROOT
from builder.load.raters import read_rater, review_files
from builder.output.reviewio import collect, review_outputs, write_all
from builder.render.review import review_json, review_json_chunks

from .conftest import EXAMPLES
from .test_engine import answer_sets

sys.path.insert(0, str(ROOT / "bench"))


# ---------------------------------------------------------------- conditions: compiled = the truth table


def reference(cond: Condition, values: dict[str, Any], route: str | None, roles: list[str]) -> bool | None:
    """Kleene's three-valued logic, written out plainly from the table in builder/core/conditions.py's docstring."""
    if isinstance(cond, All):
        rs = [reference(c, values, route, roles) for c in cond.all]
        return False if False in rs else (None if None in rs else True)
    if isinstance(cond, AnyOf):
        rs = [reference(c, values, route, roles) for c in cond.any_]
        return True if True in rs else (None if None in rs else False)
    if isinstance(cond, Not):
        r = reference(cond.not_, values, route, roles)
        return None if r is None else not r
    if isinstance(cond, RouteIs):
        return route == cond.route
    if isinstance(cond, HasRole):
        return cond.role in roles
    if isinstance(cond, (Equals, In)):
        qid, wanted = (cond.equals[0], [cond.equals[1]]) if isinstance(cond, Equals) else (cond.in_[0], cond.in_[1])
    else:
        qid, wanted = (cond.includes[0], [cond.includes[1]]) if isinstance(cond, Includes) else (cond.includes_any[0], cond.includes_any[1])
    v = values.get(qid)
    if v is None:
        return None
    if v is SKIPPED:
        return False
    if isinstance(cond, (Equals, In)):
        return isinstance(v, str) and v in wanted
    return isinstance(v, list) and any(w in v for w in wanted)


IDS = ["a", "b", "c"]
OPTS = ["x", "y", "z"]
leaf = st.one_of(
    st.builds(lambda q, o: Equals(equals=(q, o)), st.sampled_from(IDS), st.sampled_from(OPTS)),
    st.builds(lambda q, o: In(**{"in": (q, o)}), st.sampled_from(IDS), st.lists(st.sampled_from(OPTS), min_size=1, max_size=3)),
    st.builds(lambda q, o: Includes(includes=(q, o)), st.sampled_from(IDS), st.sampled_from(OPTS)),
    st.builds(lambda q, o: IncludesAny(includes_any=(q, o)), st.sampled_from(IDS), st.lists(st.sampled_from(OPTS), min_size=1, max_size=3)),
    st.builds(lambda r: RouteIs(route=r), st.sampled_from(["r1", "r2"])),
    st.builds(lambda r: HasRole(role=r), st.sampled_from(["p1", "p2"])),
)
conditions = st.recursive(leaf, lambda inner: st.one_of(
    st.builds(lambda cs: All(all=cs), st.lists(inner, min_size=1, max_size=4)),
    st.builds(lambda cs: AnyOf(**{"any": cs}), st.lists(inner, min_size=1, max_size=4)),
    st.builds(lambda c: Not(**{"not": c}), inner),
), max_leaves=12)
value = st.one_of(st.none(), st.just(SKIPPED), st.sampled_from(OPTS), st.lists(st.sampled_from(OPTS), max_size=3))


@settings(max_examples=500, deadline=None)
@given(cond=conditions, values=st.fixed_dictionaries({i: value for i in IDS}), route=st.sampled_from([None, "r1", "r2"]),
       roles=st.lists(st.sampled_from(["p1", "p2"]), unique=True))
def test_compiled_conditions_follow_the_truth_table(cond: Condition, values: dict[str, Any], route: str | None, roles: list[str]) -> None:
    want = reference(cond, values, route, roles)
    assert compile_condition(cond)(values, route, roles) is want
    assert evaluate(cond, values, route, roles) is want  # through the cache, twice
    assert evaluate(cond, values, route, roles) is want


# ---------------------------------------------------------------- one clinic: the summary = the full plan, summarised


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_the_summary_plan_is_the_full_plan_without_its_words(q: Questionnaire, data: st.DataObject) -> None:
    """One pipeline: evaluate_plan(detail="summary") runs the full plan's steps; every value it carries is the full plan's."""
    answers = data.draw(answer_sets(q))
    ids = [a.id for a in q.planning.costs.assumptions] if q.planning else []
    overrides = data.draw(st.dictionaries(st.sampled_from(ids), st.integers(0, 5_000_000), max_size=3)) if ids else {}
    af = AnswerFile("Clinic", answers=answers, assumptions=overrides)
    full = evaluate_plan(q, af)
    summary = evaluate_plan(q, af, detail="summary")
    assert summary["detail"] == "summary" and "detail" not in full
    for key in ("go_live", "route", "roles", "templates", "answers_by_id", "plan_version"):
        assert summary[key] == full[key], key
    assert [a["id"] for a in summary["actions"]] == [a["id"] for a in full["actions"]]
    assert [(a["domain"], a["phase"]) for a in summary["actions"]] == [(a["domain"], a["phase"]) for a in full["actions"]]
    for part in ("total_year1", "total_3_years"):
        assert summary["budget"][part] == full["budget"][part]
    views = [{"score": v["score"], "rating": v["rating"]} for v in
             [summary["readiness"]["overall"], *summary["readiness"]["domains"].values()]]
    assert views == [{"score": v["score"], "rating": v["rating"]} for v in
                     [full["readiness"]["overall"], *full["readiness"]["domains"].values()]]
    assert summarise(q, summary) == summarise(q, full)
    first_steps = evaluate_plan(q, af, detail="scores")
    assert first_steps["go_live"] == full["go_live"] and scores(q, first_steps) == scores(q, full)
    assert scores(q, full) == {"overall": summarise(q, full)["overall"], "domains": summarise(q, full)["domains"]}


@pytest.mark.parametrize("name", [p.stem for p in EXAMPLES])
def test_a_raters_own_view_is_its_files_plan(q: Questionnaire, name: str) -> None:
    """rater_view rebuilds the plan from what the review keeps of a file; it must be the file's own plan."""
    from builder.core.answers import parse_answers_text

    path = ROOT / "examples" / f"{name}.yaml"
    text = path.read_text(encoding="utf-8")
    rater = read_rater(q, path.name, text.encode("utf-8"))
    assert isinstance(rater, Rater) and rater.view is None  # made only when needed
    plan = evaluate_plan(q, parse_answers_text(text, q, path.name))
    assert rater_scores(q, rater) == scores(q, plan) and rater.view is None  # the scores alone make no summary
    assert rater_view(q, rater) == summarise(q, plan)


# ---------------------------------------------------------------- many clinics: pools, pieces, two writers


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from gen_answers import write

    folder = tmp_path_factory.mktemp("synthetic")
    write(folder, 400)
    (folder / "d000" / "zz-broken.json").write_text('{"version": 1, "clinic": ', encoding="utf-8")
    first = sorted((folder / "d000").glob("*.json"))[0]
    (folder / "d000" / "zz-copy.json").write_bytes(first.read_bytes())  # a duplicate
    return folder


def test_two_pools_give_the_one_process_review(q: Questionnaire, synthetic: Path) -> None:
    serial = collect(q, [synthetic], jobs=1)
    parallel = collect(q, [synthetic], jobs=2)
    files = sorted(p for p in synthetic.rglob("*") if p.is_file() and not p.name.startswith("."))
    in_process = review_files(q, [(str(p), p.read_bytes()) for p in files])
    assert review_json(serial) == review_json(parallel) == review_json(in_process)
    assert serial["files"]["excluded"] == 2 and len(serial["clinics"]) > 100
    assert any(len(c["raters"]) > 1 for c in serial["clinics"]) and any(c["earlier"] for c in serial["clinics"])


@pytest.mark.parametrize("per_chunk", [1, 7, 500])
def test_json_in_pieces_is_the_same_json(q: Questionnaire, synthetic: Path, per_chunk: int) -> None:
    review = collect(q, [synthetic], jobs=1)
    assert b"".join(review_json_chunks(review, per_chunk=per_chunk)).decode("utf-8") == review_json(review)


def _plain_json(value: Any) -> bytes:
    """The canonical form review.json promises, as the standard library writes it."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)  # any Unicode but lone surrogates (never in UTF-8)
_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | _text
    | st.integers(-10_000, 10_000).map(lambda n: n / 100)  # hundredths, as every figure in a review is
    | st.floats(allow_nan=False, allow_infinity=False, min_value=-1e15, max_value=1e15).filter(lambda x: abs(x) >= 1e-4 or x == 0),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_text, inner, max_size=4), max_leaves=25)


@settings(max_examples=400, deadline=None)
@given(_values)
def test_review_json_is_the_standard_librarys_canonical_json(value: Any) -> None:
    """review.json is made by orjson for speed; its bytes are json.dumps' canonical form for any plain value a review
    holds: keys sorted by code point, every character but the JSON specials as itself, floats as Python writes them."""
    from builder.render.review import _json

    assert _json(value) == _plain_json(value)


def _reordered(value: Any) -> Any:
    """The same value with every mapping's keys in reverse order (equal data, written in another order)."""
    if isinstance(value, dict):
        return {k: _reordered(value[k]) for k in reversed(list(value))}
    if isinstance(value, list):
        return [_reordered(v) for v in value]
    return value


@settings(max_examples=300, deadline=None)
@given(_values, _values, st.integers(2**63, 2**99))
def test_files_are_duplicates_exactly_when_their_data_are_equal(a: Any, b: Any, big: int) -> None:
    """A review keeps one of several files with the same data (core/review.py's digest_of, hashed from orjson's
    canonical JSON): the same digest for equal data however its keys are ordered, a different one for different data
    (json's canonical text is the judge), an integer past 64 bits included (written by json instead)."""
    from builder.core.review import digest_of

    assert digest_of(a) == digest_of(_reordered(a))
    assert (digest_of(a) == digest_of(b)) == (_plain_json(a) == _plain_json(b))
    with_big = {"answers": {"x": big}, "data": a}
    assert digest_of(with_big) == digest_of(_reordered(with_big))
    assert digest_of(with_big) != digest_of({"answers": {"x": big + 1}, "data": a})


def test_a_whole_review_is_the_standard_librarys_canonical_json(q: Questionnaire, synthetic: Path) -> None:
    review = collect(q, [synthetic], jobs=1)
    assert review_json(review).encode("utf-8") == _plain_json(review) + b"\n"


def test_outputs_written_by_two_processes_are_complete(q: Questionnaire, synthetic: Path, tmp_path: Path) -> None:
    review = collect(q, [synthetic], jobs=1)
    review_outputs(review, ROOT / "templates", tmp_path, pdf=False)
    assert (tmp_path / "review.json").read_text(encoding="utf-8") == review_json(review)
    assert (tmp_path / "review.html").read_text(encoding="utf-8").rstrip().endswith("</html>")
    assert sorted(os.listdir(tmp_path)) == ["review-columns.csv", "review-disagreements.csv", "review-rows.js", "review-table.js", "review.csv",
                                           "review.html", "review.json", "review.xlsx"]  # no temporary file left


def test_a_writer_that_fails_in_its_process_leaves_the_old_files(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("old a", encoding="utf-8")
    (tmp_path / "b.txt").write_text("old b", encoding="utf-8")

    def broken() -> Any:
        yield "half of a"
        raise RuntimeError("disk on fire")

    with pytest.raises(OSError, match="could not write a.txt"):
        write_all(tmp_path, {"a.txt": broken(), "b.txt": ["new b"]}, forked=[["a.txt"]])
    assert (tmp_path / "a.txt").read_text(encoding="utf-8") == "old a"
    assert (tmp_path / "b.txt").read_text(encoding="utf-8") == "old b"
    assert sorted(os.listdir(tmp_path)) == ["a.txt", "b.txt"]


def test_ctrl_c_while_waiting_for_a_writer_kills_it_and_leaves_no_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C that lands while this process waits for a forked writer: the writer (still running, its own folder of
    rows made) is killed and swept, and the output folder the run made is gone (CI's timing found a folder left)."""
    import builder.output.reviewio as rio
    from builder.output.gate import temp_prefix

    out = tmp_path / "rev"

    def slow_writer() -> Any:  # like the workbook: a folder of its own beside the output, then a long write
        tempfile.mkdtemp(prefix=temp_prefix("a.txt"), suffix=".tmp", dir=out)
        time.sleep(60)
        yield "never"

    real_waitpid, calls = os.waitpid, []

    def interrupted(pid: int, flags: int) -> tuple[int, int]:
        calls.append(pid)
        if len(calls) == 1:  # the first wait, for the writer: Ctrl-C once its folder is there
            deadline = time.monotonic() + 30
            while not any(p.is_dir() for p in out.iterdir()) and time.monotonic() < deadline:
                time.sleep(0.01)
            raise KeyboardInterrupt
        return real_waitpid(pid, flags)

    monkeypatch.setattr(rio.os, "waitpid", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_all(out, {"a.txt": slow_writer(), "b.txt": ["b"]}, forked=[["a.txt"]])
    monkeypatch.undo()
    assert len(calls) == 2, "the writer was not reaped after Ctrl-C"
    assert not out.exists(), sorted(p.name for p in out.iterdir())


PAGE = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>A panel</title></head><body><h1>Caf\u00e9 ready</h1></body></html>"


def _gone(pid: int) -> bool:
    """True once process `pid` has been reaped (or never was this process's child)."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the helper is forked")
def test_the_pdf_helper_makes_the_pdf_this_process_would(tmp_path: Path) -> None:
    """`readiness review` has review.pdf laid out by a helper forked at its start (builder/output/pdfhelper.py): the
    same bytes as this process makes from the same page, through write_all beside an output of this process's own."""
    from builder.output.pdfhelper import HelpedOutput, PdfHelper
    from builder.render.review import html_to_pdf

    with PdfHelper(ROOT / "templates") as helper:
        write_all(tmp_path, {"review.pdf": HelpedOutput(helper, lambda: PAGE), "review.json": [b"{}"]})
        pid = helper.pid
    assert _gone(pid), "the helper outlived its use"
    assert (tmp_path / "review.pdf").read_bytes() == html_to_pdf(PAGE, ROOT / "templates")
    assert sorted(os.listdir(tmp_path)) == ["review.json", "review.pdf"]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the helper is forked")
@pytest.mark.parametrize("how", ["killed before the page", "killed after the page", "failed"])
def test_a_pdf_helper_that_fails_leaves_the_old_files_and_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str) -> None:
    """However the helper fails (killed, or WeasyPrint raising), the write fails with one line (an OSError, never the
    broken pipe the command would take for its own output closed early), and the folder keeps its old files."""
    import signal

    import builder.render.review as render_review
    from builder.output.pdfhelper import HelpedOutput, PdfHelper

    for name in ("review.pdf", "review.json"):
        (tmp_path / name).write_bytes(b"old")

    def boom(html: str, templates: Path) -> bytes:
        raise ValueError("no fonts on this machine\nsecond line")

    if how == "failed":
        monkeypatch.setattr(render_review, "html_to_pdf", boom)  # the helper is forked from here: it has this one
    with PdfHelper(ROOT / "templates") as helper:
        monkeypatch.undo()
        page = HelpedOutput(helper, lambda: PAGE)
        if how == "killed before the page":
            os.kill(helper.pid, signal.SIGKILL)
            os.waitpid(helper.pid, 0)
        elif how == "killed after the page":
            page.begin()
            os.kill(helper.pid, signal.SIGKILL)
        with pytest.raises(OSError) as failed:
            write_all(tmp_path, {"review.pdf": page, "review.json": [b"{}"]})
        assert not isinstance(failed.value, BrokenPipeError)
        expected = "could not make review.pdf: no fonts on this machine" if how == "failed" else "the PDF renderer stopped"
        assert str(failed.value).startswith(expected), failed.value
    for name in ("review.pdf", "review.json"):
        assert (tmp_path / name).read_bytes() == b"old"
    assert sorted(os.listdir(tmp_path)) == ["review.json", "review.pdf"]


def test_rater_and_disagreement_rows_escape_untrusted_text(q: Questionnaire, tmp_path: Path) -> None:
    evil = "<img src=x onerror=alert(1)>"
    base = yaml_doc()
    one = {**base, "respondent": {"name": evil, "role": "Clinic manager"}}
    two = {**base, "respondent": {"name": "B", "role": evil}, "answers": {**base["answers"], "space": "none"}}
    review = review_files(q, [("one.json", json.dumps(one).encode()), ("two.json", json.dumps(two).encode())])
    assert review["clinics"][0]["disagreements"]
    review_outputs(review, ROOT / "templates", tmp_path, pdf=False)
    page = (tmp_path / "review.html").read_text(encoding="utf-8")
    assert "<img" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page


def yaml_doc() -> dict[str, Any]:
    import yaml

    data = yaml.load((ROOT / "examples" / "riverside.yaml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    data["version"] = 1
    return data  # type: ignore[no-any-return]


# ---------------------------------------------------------------- the JSON limits: quick pass and exact pass agree


json_texts = st.one_of(
    st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=30)),
                 lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=5), inner, max_size=4)),
                 max_leaves=30).map(json.dumps),
    st.integers(1, 60).map(lambda n: "[" * n + "]" * n),                      # depth around the limit
    st.integers(1, 60).map(lambda n: '{"a":' * n + "1" + "}" * n),
    st.integers(20, 40).map(lambda n: "[" + "9" * n + "]"),                  # digits around the limit
    st.sampled_from(['[NaN]', '{"a": -Infinity}', '["\\ud800"]', '["\\udc00x"]', '["\\\\ud800"]', '["ok"] NaN']),
    st.integers(9_990, 10_010).map(lambda n: json.dumps(["x" * n])),         # string length around the limit
)


def _verdict(scan: Any, text: str) -> str | None:
    try:
        scan(text, "f.json")
    except ReadinessError as exc:
        return exc.problems[0].message
    return None


@settings(max_examples=400, deadline=None)
@given(text=json_texts)
def test_the_quick_json_scan_never_passes_what_the_exact_scan_refuses(text: str) -> None:
    assert _verdict(sources.scan_json, text) == _verdict(sources._scan_json_exactly, text)


# ---------------------------------------------------------------- spreadsheet cells: the ASCII fast path = the full rule


@settings(max_examples=600, deadline=None)
@given(text=st.text(alphabet=" =+-@\t\r\n,;|'ab1", max_size=12))
def test_the_ascii_fast_path_of_the_formula_rule_is_the_full_rule(text: str) -> None:
    """An ASCII cell takes a regular-expression shortcut; a trailing 'é' (no formula, space or separator) forces the
    character-by-character rule, which must neutralise the same places."""
    from builder.core.text import spreadsheet_safe

    assert f"{spreadsheet_safe(text)}é" == spreadsheet_safe(text + "é")


# ---------------------------------------------------------------- YAML: the plain builder = PyYAML's constructor


yaml_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=False, allow_infinity=False),
              st.text(max_size=12), st.sampled_from(["yes", "no", "on", "1_000", "0x1f", "1:30", "2026-01-02", "~", "null"])),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=6), inner, max_size=4)),
    max_leaves=25)


def _both(text: str) -> tuple[Any, Any]:
    """(what the one-pass builder gives, what PyYAML's constructor gives) with the same loader otherwise: a value, or the
    error's class and message."""
    import yaml

    from builder.load.raters import _FastLoader

    class Constructor(_FastLoader):
        def construct_document(self, node: Any) -> Any:
            return yaml.constructor.BaseConstructor.construct_document(self, node)

    def outcome(loader: Any) -> Any:
        try:
            return yaml.load(text, Loader=loader)  # noqa: S506 - safe loaders
        except yaml.YAMLError as exc:
            return type(exc).__name__, str(exc)

    return outcome(_FastLoader), outcome(Constructor)


@settings(max_examples=300, deadline=None)
@given(data=yaml_values)
def test_the_plain_yaml_builder_gives_what_pyyaml_gives(data: Any) -> None:
    """Answer files are read by a one-pass builder (builder/load/raters.py); it must give exactly what PyYAML's
    constructor gives under the toolkit's rules, YAML 1.1 look-alikes such as `yes` and `1:30` included."""
    import yaml

    fast, plain = _both(yaml.dump(data, Dumper=yaml.SafeDumper))
    assert fast == plain


@pytest.mark.parametrize("text", [
    "base: &b {a: 1, b: [x, y]}\nother: *b\n",                        # an alias: built once, as PyYAML does
    "base: &b {a: 1}\nmerged:\n  <<: *b\n  c: 2\n",                  # a merge key: left to PyYAML's constructor
    "? [1, 2]\n: x\n",                                                 # a key that is a list: left to PyYAML too
    "a: 1\na: 2\n",                                                    # a key given twice
    "",                                                                 # an empty document
])
def test_the_plain_yaml_builder_leaves_the_rest_to_pyyaml(text: str) -> None:
    fast, plain = _both(text)
    assert fast == plain
    if isinstance(fast, dict) and "other" in fast:
        assert fast["other"] is fast["base"]


def _two_pass(text: str, file: str) -> Any:
    """How a review read a YAML answer file before the one pass: every limit from the event stream, then the data
    from a second parse (builder/load/raters.py's _load_fast, as it was)."""
    import yaml

    from builder.core.parse import parse_yaml, scan_yaml
    from builder.load.raters import _FastLoader

    try:
        scan_yaml(text, file)
        return yaml.load(text, Loader=_FastLoader)  # noqa: S506 - a safe loader
    except (ValueError, yaml.YAMLError):
        parse_yaml(text, file)
        raise


def _one_pass(text: str, file: str) -> Any:
    from builder.load.raters import _load_fast

    return _load_fast(text, file, False)


def _reading(load: Any, text: str) -> Any:
    """A YAML reading's outcome, comparable: the data (its repr: True is not 1, and NaN equals itself), the toolkit's
    located refusal, or the class of the parser's error."""
    try:
        return "data", repr(load(text, "a.yaml"))
    except ReadinessError as exc:
        return "refused", [(p.file, p.line, p.message) for p in exc.problems]
    except Exception as exc:  # noqa: BLE001 - the class is the outcome compared
        return "error", type(exc).__name__


yaml_styles = st.fixed_dictionaries({"default_flow_style": st.sampled_from([False, True, None]), "explicit_start": st.booleans(),
                                     "allow_unicode": st.booleans(), "width": st.sampled_from([20, 80, 1000])})
yaml_bits = st.lists(st.sampled_from([*"ab1._~-:?,[]{}&*!|>'\"#< \n\t", "yes", "null", "0x1f", "1:30", "- ", ": ", "&a ", "*a",
                                      "<<: ", "---\n", "\n  "]), max_size=30).map("".join)


@settings(max_examples=400, deadline=None)
@given(data=yaml_values, style=yaml_styles)
def test_the_one_pass_yaml_reading_gives_what_two_passes_gave(data: Any, style: dict[str, Any]) -> None:
    """A review reads each YAML answer file once (builder/core/parse.py's load_yaml_checked: the limits and the data
    from the same events). For any document, in any style YAML writes, the outcome is the two passes' exactly."""
    import yaml

    text = yaml.dump(data, Dumper=yaml.SafeDumper, **style)
    assert _reading(_one_pass, text) == _reading(_two_pass, text)


@settings(max_examples=600, deadline=None)
@given(text=yaml_bits)
def test_the_one_pass_yaml_reading_agrees_on_any_text(text: str) -> None:
    """The same on arbitrary text made of YAML's marks (anchors, aliases, merge keys, tags, flow and block
    collections, several documents, broken syntax): the same data, the same located refusal, or the same error."""
    assert _reading(_one_pass, text) == _reading(_two_pass, text)


@pytest.mark.parametrize("text", [
    "base: &b {a: 1, b: [x, y]}\nother: *b\n",                        # an alias: left to the second parse
    "base: &b {a: 1}\nmerged:\n  <<: *b\n  c: 2\n",                  # a merge key
    "? [1, 2]\n: x\n",                                                 # a key that is a list
    "1: x\nnull: y\ntrue: z\n",                                        # keys that are not text
    "a: 1\na: 2\n",                                                    # a key given twice
    "a: 1\n---\nb: 2\n",                                               # two documents
    "", "# only a comment\n", "---\n", "x\n", "[1, 2.5, .inf, -.inf, .nan, ~, true, 'true', yes]\n",
    "a: !!int 3\n",                                                    # a tag: refused before anything is built
    "a: " + "b" * 10_001 + "\n",                                       # a text over the limit
    "a: " + "9" * 31 + "\n",                                           # a number over the limit
    "".join(f"k{i}: v\n" for i in range(5_001)),                       # too many keys
    "a: " + "[" * 41 + "]" * 41 + "\n",                                # too deep
    "a: &x [1]\n" + "".join(f"b{i}: *x\n" for i in range(51)),         # too many aliases
    "a: 1\na: 2\nb: " + "c" * 10_001 + "\n",                           # a key given twice, then a limit: the limit is reported
])
def test_the_one_pass_yaml_reading_on_what_answer_files_rarely_hold(text: str) -> None:
    assert _reading(_one_pass, text) == _reading(_two_pass, text)


def test_the_one_pass_yaml_reading_builds_every_answer_file_itself(synthetic: Path) -> None:
    """Every YAML answer file of the examples and of the synthetic review is built in the one pass (none is left to
    PyYAML's constructor), and gives what PyYAML's safe loader gives under the toolkit's rules."""
    import yaml

    from builder.core.parse import UNBUILT, YamlLoader, load_yaml_checked

    files = [*EXAMPLES, *sorted(synthetic.rglob("*.yaml"))]
    assert len(files) > 20
    for path in files:
        text = path.read_text(encoding="utf-8")
        data = load_yaml_checked(text, path.name)
        assert data is not UNBUILT, path
        assert repr(data) == repr(yaml.load(text, Loader=YamlLoader)), path  # noqa: S506 - a safe loader
