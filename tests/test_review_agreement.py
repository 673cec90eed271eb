"""Rater agreement (issue 23): r_wg(J) within a clinic and ICC(1) across clinics, against cases worked by hand,
and the same numbers from review.js in Node."""

from __future__ import annotations

import json
import shutil
import subprocess
from typing import Any

import pytest

from builder.core.review import AGREEMENT_THRESHOLD, icc1, rwg_j
from builder.core.schema import Questionnaire
from builder.load.project import ROOT
from builder.load.raters import review_files

from .test_review import as_bytes, doc

FIVE = [1.0, 2.0, 3.0, 4.0, 5.0]
THREE = [1.0, 2.0, 3.0]

# (items, r_wg(J)) worked by hand; an item is (the raters' answers as points, every option's points).
RWG_CASES: list[tuple[list[tuple[list[float], list[float]]], float | None]] = [
    # s² = 1/3 (n - 1), σ²_EU = (5² - 1)/12 = 2, r = 1/6: J = 1 gives 1 - 1/6 = 0.833
    ([([1, 1, 2], FIVE)], 0.83),
    # ratios 1/6 and 0.5/(2/3) = 3/4, r = 11/24: 2(13/24) / (2(13/24) + 11/24) = 26/37 = 0.703
    ([([1, 1, 2], FIVE), ([2, 3], THREE)], 0.7),
    ([([2, 2, 2], FIVE), ([3, 3], THREE)], 1.0),                # every rater gives the same answer
    # unequal points 0, 3, 6: σ²_EU = 6, s² = 18, r = 3 >= 1: no agreement at all
    ([([0, 6], [0.0, 3.0, 6.0])], 0.0),
    ([([4], FIVE), ([1, 2], [2.0, 2.0])], None),                 # one rater; options all worth the same: nothing to measure
    ([], None),
]

# (groups of raters' scores, ICC(1)) worked by hand.
ICC_CASES: list[tuple[list[list[float]], float | None]] = [
    # means 1.5, 3.5, 5.5; MSB = 16/2 = 8, MSW = 1.5/3 = 0.5, k = 2: 7.5/8.5 = 0.882
    ([[1, 2], [3, 4], [5, 6]], 0.88),
    # N = 5, grand 3.2; SSB = 10.8, MSW = 4/3, k = (5 - 13/5)/1 = 2.4: 9.467/12.667 = 0.747
    ([[1, 2, 3], [4, 6]], 0.75),
    # the same mean everywhere: MSB = 0, MSW = 1, k = 2: -1/1 = -1
    ([[1, 3], [1, 3], [1, 3]], -1.0),
    ([[1, 2]], None),                                           # one clinic: nothing between clinics
    ([[1], [2], [3]], None),                                    # one rater each
]


@pytest.mark.parametrize(("items", "expected"), RWG_CASES)
def test_rwg_j_by_hand(items: list[tuple[list[float], list[float]]], expected: float | None) -> None:
    assert rwg_j(items) == expected


@pytest.mark.parametrize(("groups", "expected"), ICC_CASES)
def test_icc1_by_hand(groups: list[list[float]], expected: float | None) -> None:
    assert icc1(groups) == expected


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")
def test_review_js_gives_the_same_agreement() -> None:
    script = ("const R = require(process.argv[1]); const cases = JSON.parse(process.argv[2]);"
              "console.log(JSON.stringify([cases.rwg.map(c => R.rwgJ(c)), cases.icc.map(c => R.icc1(c))]));")
    cases = {"rwg": [items for items, _ in RWG_CASES], "icc": [groups for groups, _ in ICC_CASES]}
    out = subprocess.run(["node", "-e", script, str(ROOT / "builder" / "wizard" / "review.js"), json.dumps(cases)],
                         capture_output=True, text=True, check=True).stdout
    rwg, icc = json.loads(out)
    assert rwg == [e for _, e in RWG_CASES] and icc == [e for _, e in ICC_CASES]


def test_a_clinics_agreement_per_domain_and_icc_across_clinics(q: Questionnaire) -> None:
    files: dict[str, Any] = {}
    single = next(qu for d in q.domains for qu in d.questions if qu.type == "single" and qu.scored)
    options = [o.id for o in sorted(single.options, key=lambda o: o.points or 0)]
    for i in range(6):  # six clinics with two raters each: the first agrees on everything, the others not on one question
        name = {"name": f"Clinic {i}", "organisation": "Trust"}
        files[f"{i}a.json"] = doc(clinic=name, respondent={"name": "A", "role": "Manager"})
        files[f"{i}b.json"] = doc(clinic=name, respondent={"name": "B", "role": "Consultant"},
                                  **({} if i == 0 else {f"answers__{single.id}": options[0] if i % 2 else options[-1]}))
    review = review_files(q, [(n, as_bytes(d)) for n, d in files.items()])
    by_name = {c["name"]: c for c in review["clinics"]}
    domain = q.domain_of(single.id).id
    assert set(by_name["Clinic 0"]["agreement"]) == {d.id for d in q.domains}
    assert by_name["Clinic 0"]["agreement"][domain] == 1.0
    assert all(by_name[f"Clinic {i}"]["agreement"][domain] < 1.0 for i in range(1, 6))
    a = review["agreement"]
    assert a["threshold"] == AGREEMENT_THRESHOLD and a["clinics_with_several_raters"] == 6
    assert set(a["icc1"]) == {"overall"} | {d.id for d in q.domains}
    low = sum(1 for c in review["clinics"] if any(v is not None and v < AGREEMENT_THRESHOLD for v in c["agreement"].values()))
    assert a["clinics_below_threshold"] == low
    lone = review_files(q, [("x.json", as_bytes(doc()))])
    assert lone["clinics"][0]["agreement"] is None and lone["agreement"]["icc1"]["overall"] is None
