"""The browser review reports a broken file's line as the command line does (issue 23), run in Node."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from builder.core.errors import ReadinessError
from builder.core.schema import Questionnaire
from builder.load.project import ROOT
from builder.output.export import questionnaire_data

BROKEN = [
    ("a.yaml", "version: 1\nclinic:\n  name: X\n  organisation: [unclosed\nanswers: {}\n"),
    ("b.yaml", "version: 1\nclinic: {name: X}\nanswers:\n  space: shared_room\n   bad_indent: 1\n"),
    ("e.yaml", "version: 1\nclinic: [\n"),
    ("c.json", '{\n  "version": 1,\n  "clinic": {"name": "X"},\n  "answers": {,}\n}\n'),
    ("d.json", '{\n  "version": 1\n  "clinic": {}\n}\n'),
]


def _browser_reasons(q: Questionnaire, files: list[tuple[str, str]]) -> list[tuple[int | None, str]]:
    """[line, reason] for each (name, text), as the browser review's readRater (builder/wizard/review.js) leaves it out, in Node."""
    wizard = ROOT / "builder" / "wizard"
    script = ("const fs = require('fs'); const input = JSON.parse(fs.readFileSync(0, 'utf8'));"
              "globalThis.jsyaml = require(process.argv[1]); require(process.argv[2]); require(process.argv[3]);"
              "const R = require(process.argv[4]);"
              "process.stdout.write(JSON.stringify(input.files.map(f => { const r = R.readRater(input.q, f[0], f[1]); return [r.line, r.reason]; })));")
    payload = json.dumps({"q": questionnaire_data(q), "files": files})
    out = subprocess.run(["node", "-e", script, str(ROOT / "node_modules" / "js-yaml" / "dist" / "js-yaml.js"), str(wizard / "engine.js"),
                          str(wizard / "planning.js"), str(wizard / "review.js")],
                         input=payload, capture_output=True, text=True, check=True, encoding="utf-8").stdout
    return [tuple(pair) for pair in json.loads(out)]


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")
def test_browser_review_gives_a_broken_files_line_as_the_cli_does(q: Questionnaire) -> None:
    from builder.core.review import Excluded
    from builder.load.raters import read_rater

    for (name, text), (line, reason) in zip(BROKEN, _browser_reasons(q, BROKEN)):
        python = read_rater(q, name, text.encode("utf-8"))
        assert isinstance(python, Excluded) and python.line is not None
        assert line == python.line, (name, line, python.line, reason, python.reason)
        assert reason.startswith("malformed"), reason


TWICE = [
    ("f.json", '{\n  "clinic": "X",\n  "version": 1,\n  "clinic": {"name": "X"},\n  "answers": {}\n}\n'),        # at the top
    ("g.json", '{\n  "version": 1,\n  "clinic": {"name": "X", "name": "Y"},\n  "answers": {}\n}\n'),           # inside an object
    ("h.json", '{"version": 1, "clinic": {"name": "X"}, "version": 1,\n "answers": {"a": 1, "a": 2}}\n'),      # the inner one first
    ("i.json", '{"version": 1, "clinic": {"name": "X"},\n "answers": {"caf\\u00e9": 1, "café": 2}}\n'),        # one key, two spellings
]


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")
def test_a_json_key_given_twice_is_left_out_by_both_reviews_as_plan_refuses_it(q: Questionnaire) -> None:
    """JSON.parse and Python's json keep a repeated key's last value without a word; `readiness plan` refuses the file
    (builder/core/parse.py). Both reviews leave it out the same way: the same reason, naming the key, at the same line."""
    from builder.core.parse import parse_json
    from builder.core.review import Excluded
    from builder.load.raters import read_rater

    for (name, text), (line, reason) in zip(TWICE, _browser_reasons(q, TWICE)):
        with pytest.raises(ReadinessError) as refused:
            parse_json(text, name)
        python = read_rater(q, name, text.encode("utf-8"))
        assert isinstance(python, Excluded), name
        assert (python.line, python.reason) == (refused.value.problems[0].line, refused.value.problems[0].message), name
        assert "appears twice" in python.reason, python.reason
        assert (line, reason) == (python.line, python.reason), name
