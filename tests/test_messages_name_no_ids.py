"""No message about an opened answer file shows an internal id: engine.js, as the wizard calls it, names every
question by its title and every option by its label, for every question and every kind of mistake (in Node)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from typing import Any

import pytest

from builder.core.schema import Questionnaire
from builder.load.project import ROOT
from builder.output.export import questionnaire_json

SCRIPT = """
const E = require(process.argv[1]);
let input = "";
process.stdin.on("data", (c) => { input += c; });
process.stdin.on("end", () => {
  const { q, docs } = JSON.parse(input);
  process.stdout.write(JSON.stringify(docs.map((d) => E.parseAnswers(d, q, true).errors)));
});
"""


def mistakes(q: Questionnaire) -> list[tuple[str, dict[str, Any]]]:
    """(question id, answer document) for each mistake a person can make about each question."""
    out = []
    for qu in q.questions:
        if qu.type == "text":
            out.append((qu.id, {qu.id: ["a", "list"]}))
            continue
        first = qu.options[0].id
        out.append((qu.id, {qu.id: "zz not an option"}))
        out.append((qu.id, {qu.id: [first] if qu.type == "single" else first}))
        if qu.type == "multi":
            out.append((qu.id, {qu.id: [first, first]}))
            out.append((qu.id, {qu.id: [first, "zz not an option"]}))
    return out


def test_no_message_about_a_file_names_an_internal_id(q: Questionnaire) -> None:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not installed; run bash scripts/setup.sh")
    cases = mistakes(q)
    docs = [{"version": 1, "clinic": {"name": "X"}, "answers": answers} for _, answers in cases]
    done = subprocess.run([node, "-e", SCRIPT, str(ROOT / "builder" / "wizard" / "engine.js")], capture_output=True, text=True, timeout=120,
                          input=json.dumps({"q": json.loads(questionnaire_json(q)), "docs": docs}), check=False)
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)
    by_id = {x.id: x for x in q.questions}
    assert len(results) == len(cases) > 2 * len(q.questions)
    for (qid, answers), errors in zip(cases, results):
        assert errors, f"{answers} was accepted"
        qu = by_id[qid]
        internal = [qid] if qid != qu.title else []
        internal += [o.id for o in qu.options if o.id.casefold() != o.label.casefold()]
        written = answers[qid] if isinstance(answers[qid], list) else [answers[qid]]
        # What the person sees (titles, labels) and what they wrote themselves may be echoed; no other id may.
        words = sorted([qu.title, *(o.label for o in qu.options), *written], key=len, reverse=True)
        for message in errors:
            assert qu.title in message, (qu.title, message)
            rest = message
            for w in words:
                rest = rest.replace(w, " ")
            for i in internal:
                assert not re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", rest), (i, message)
