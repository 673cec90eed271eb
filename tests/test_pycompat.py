"""pycompat.js, the JavaScript engine's copy of the Python behaviour both engines must share (str.strip's whitespace,
len() in code points, errors.quote, errors.hint's "did you mean", answers.DATE), gives Python's answers in Node on
generated Unicode inputs; and the site serves it as the start of engine.js, so no page needs a tag or request for it."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builder.core.answers import DATE
from builder.core.errors import hint, quote
from builder.core.schema import Questionnaire
from builder.output.export import questionnaire_data
from builder.output.site_sources import BUNDLED, BUNDLES, WIZARD_DIR, wizard_script

RUNNER = Path(__file__).parent / "node" / "pycompat_run.js"
MARK = "__float__"
"""inf, -inf and nan travel to Node as {MARK: "inf"}: JSON has no such numbers (a YAML file has: .inf, .nan)."""
SPACES = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2005\u200a\u200b\u2028\u2029\u202f\u205f\u3000\ufeff"
"""Every character str.strip removes, and two it keeps (zero-width space, byte-order mark) that other rules remove."""

texts = st.text(alphabet=st.one_of(st.characters(), st.sampled_from(SPACES), st.sampled_from("'\"\\")), max_size=12)
"""Any Unicode text (astral characters included), heavy in whitespace and quote marks."""
# A larger int is a float to JavaScript (pycompat.js, number).
numbers = st.one_of(st.integers(-(2**53) + 1, 2**53 - 1), st.floats(allow_nan=True, allow_infinity=True),
                    st.sampled_from([1e-7, 1e16, 2.0**53, 123456789012345680.0, 0.0001, 1e-5, 1.5e300, -0.0, 0.1]))
keys = texts.filter(lambda k: k != MARK and not (re.fullmatch("0|[1-9][0-9]*", k) and int(k) < 2**32 - 1))
"""Mapping keys, but not JavaScript's array indexes ('0', '7'): an object lists those first whatever the file's order, so
a mapping holding one is quoted in another order by the browser (a known limit: such a mapping is never a valid answer)."""
values = st.recursive(st.one_of(st.none(), st.booleans(), numbers, texts),
                      lambda inner: st.lists(inner, max_size=3) | st.dictionaries(keys, inner, max_size=2), max_leaves=6)
ids = st.text(alphabet="abcdefghij_", min_size=1, max_size=10)
dates = st.one_of(st.dates().map(dt.date.isoformat), st.from_regex(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", fullmatch=True),
                  st.sampled_from(["2026-02-29", "2024-02-29", "0000-01-01", "2026-13-01", "20261102", "2026-W01-1",
                                   "２０２６-01-01", "2026-1-01", " 2026-01-01"]), texts)


def _special(v: Any) -> Any:
    """inf, -inf and nan as tests/node/pycompat_run.js reads them."""
    if isinstance(v, float) and (v != v or v in (float("inf"), float("-inf"))):
        return {MARK: "nan" if v != v else ("inf" if v > 0 else "-inf")}
    if isinstance(v, list):
        return [_special(x) for x in v]
    if isinstance(v, dict):
        return {k: _special(x) for k, x in v.items()}
    return v


def python_date(s: str) -> str | None:
    """answers.py's rule: DATE in full, and a real day."""
    if not DATE.fullmatch(s):
        return None
    try:
        dt.date.fromisoformat(s)
    except ValueError:
        return None
    return s


def run_node(payload: dict[str, Any]) -> dict[str, Any]:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not installed; run bash scripts/setup.sh")
    out = subprocess.run([node, str(RUNNER)], input=json.dumps(payload), capture_output=True, text=True, encoding="utf-8", timeout=60)
    assert out.returncode == 0, out.stderr
    result: dict[str, Any] = json.loads(out.stdout)
    return result


@pytest.fixture(scope="module")
def text_rules(q: Questionnaire) -> dict[str, Any]:
    """The invisible characters errors.quote escapes, as exported to the browser."""
    rules: dict[str, Any] = questionnaire_data(q)["text_rules"]
    return rules


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                                                  HealthCheck.data_too_large])
@given(strips=st.lists(texts, min_size=50, max_size=50), quotes=st.lists(values, min_size=50, max_size=50),
       hints=st.lists(st.tuples(ids, st.lists(ids, max_size=6)), min_size=50, max_size=50),
       days=st.lists(dates, min_size=50, max_size=50))
def test_pycompat_gives_pythons_answers(text_rules: dict[str, Any], strips: list[str], quotes: list[Any],
                                        hints: list[tuple[str, list[str]]], days: list[str]) -> None:
    payload = {"text_rules": text_rules, "strip": strips, "length": strips, "quote": _special(quotes),
               "hint": hints, "date": days}
    js = run_node(payload)
    for s, got in zip(strips, js["strip"]):
        assert got == s.strip(), repr(s)
    for s, got in zip(strips, js["length"]):
        assert got == len(s), repr(s)
    for v, got in zip(quotes, js["quote"]):
        assert got == quote(v), repr(v)
    for (word, choices), got in zip(hints, js["hint"]):
        assert got == hint(word, choices), (word, choices)
    for s, got in zip(days, js["date"]):
        assert got == python_date(s), repr(s)


def test_the_site_serves_pycompat_as_the_start_of_engine_js() -> None:
    """One file, so the toolkit's wizard page and a user's own wizard.md need no script tag or request for it."""
    assert BUNDLES["engine.js"] == ("pycompat.js", "engine.js") and "pycompat.js" in BUNDLED
    served = wizard_script("engine.js")
    pycompat = (WIZARD_DIR / "pycompat.js").read_text(encoding="utf-8")
    assert served.startswith(pycompat) and served.endswith((WIZARD_DIR / "engine.js").read_text(encoding="utf-8"))


def test_engine_js_as_served_runs_where_nothing_can_be_required(tmp_path: Path) -> None:
    """In a page there is no require: the served engine.js works on its own, and engine.js without pycompat.js says why."""
    node = shutil.which("node")
    assert node is not None
    script = ("const vm = require('vm'); const fs = require('fs');"
              "const run = (file) => { const g = {}; vm.runInNewContext(fs.readFileSync(file, 'utf8'), {globalThis: g});"
              "  return g.ReadinessEngine.strip(' x\\u3000') + '|' + g.ReadinessEngine.hint('nmae', ['name']); };"
              "let alone; try { run(process.argv[2]); alone = 'ran'; } catch (e) { alone = e.message; }"
              "process.stdout.write(JSON.stringify([run(process.argv[1]), alone]));")
    (tmp_path / "served.js").write_text(wizard_script("engine.js"), encoding="utf-8")
    out = subprocess.run([node, "-e", script, str(tmp_path / "served.js"), str(WIZARD_DIR / "engine.js")],
                         capture_output=True, text=True, encoding="utf-8", timeout=60)
    assert out.returncode == 0, out.stderr
    served, alone = json.loads(out.stdout)
    assert served == "x| (did you mean 'name'?)"
    assert alone == "pycompat.js is not loaded: engine.js needs it first"
