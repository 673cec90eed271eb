"""One notion of "the same clinic" (issue 23): builder/core/textkey.py and review.js give the same keys to
generated names with non-ASCII letters, ß, combining marks, NEL, no-break and other spaces."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
import unicodedata

import pytest

from builder.core.schema import Questionnaire
from builder.core.textkey import SPACES, text_key, text_key_data
from builder.load.project import ROOT
from builder.load.raters import review_files
from builder.output.export import questionnaire_data

from .test_review import as_bytes, doc

# Letters and marks from Unicode versions long settled, so Node's ICU and Python normalise them alike.
PIECES = ["a", "B", "z", "Q", "é", "e\u0301", "E\u0301", "ß", "ẞ", "SS", "İ", "ı", "i\u0307", "Σ", "σ", "ς", "ﬁ", "ﬀ", "Å",
          "\u212b", "A\u030a", "Ａ", "ｂ", "ǅ", "ǆ", "Ǆ", "ᾳ", "ᾼ", "Ꭰ", "ꭰ", "Ω", "\u2126", "ŉ", "ǰ", "ﬆ", "½", "²", "Ⅻ", "ⓐ",
          "Ł", "ø", "Æ", "æ", "Œ", "ñ", "n\u0303", "ü", "u\u0308", "Ç", "ç", "Ä", "Ö", "Ő", "Ж", "ж", "Ё", "ё", "ά", "Ά",
          "中", "診", "ｶ", "ｯ", "ﾞ", "-", "'", "’", "&", ".", "0", "7", "\u0085", "\u00a0", "\u2007", "\u202f", "\u3000", "\t",
          "\u2028", "\u1680", " ", "  ", "\u000b", "\u001f", "\ufeff", "\u200b"]


def names(seed: int, n: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(PIECES) for _ in range(rng.randint(0, 12))) for _ in range(n)]


KNOWN = [
    ("Straße Clinic", "STRASSE CLINIC"), ("Straße\u0085Clinic", "strasse clinic"), ("  Café\u00a0One ", "CAFE\u0301 one"),
    ("ＡＢＣ\u3000Trust", "abc trust"), ("ﬁeld", "FIELD"), ("Ωmega", "\u2126MEGA"), ("ΟΔΟΣ", "οδος"),
]


@pytest.mark.parametrize(("a", "b"), KNOWN)
def test_the_same_clinic(a: str, b: str) -> None:
    assert text_key(a) == text_key(b)


def test_separators_outside_the_list_are_not_spaces() -> None:
    assert text_key("a\u001fb") != text_key("a b") and text_key("a\ufeffb") != text_key("a b")
    assert all(unicodedata.category(c) in ("Zs", "Zl", "Zp", "Cc") for c in SPACES)


def test_the_rule_is_exported_with_the_questionnaire(q: Questionnaire) -> None:
    assert questionnaire_data(q)["text_key"] == text_key_data()
    assert text_key_data()["unicode"] == unicodedata.unidata_version


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")
def test_review_js_gives_every_generated_name_the_same_key() -> None:
    given = names(23, 3_000) + [x for pair in KNOWN for x in pair]
    script = ("const R = require(process.argv[1]); const fs = require('fs'); const input = JSON.parse(fs.readFileSync(0, 'utf8'));"
              "const q = {text_key: input.rule};"
              "process.stdout.write(JSON.stringify(input.names.map(n => [R.textKey(q, n), R.fold(q, n)])));")
    payload = json.dumps({"rule": text_key_data(), "names": given})
    out = subprocess.run(["node", "-e", script, str(ROOT / "builder" / "wizard" / "review.js")], input=payload,
                         capture_output=True, text=True, check=True, encoding="utf-8").stdout
    js = json.loads(out)
    wrong = [(n, k, (text_key(n), n.casefold())) for n, k in zip(given, js) if k != [text_key(n), n.casefold()]]
    assert not wrong, wrong[:5]
    assert len({text_key(n) for n in given}) < len(set(given))  # the generator does make names that meet


def test_the_review_counts_unicode_names_as_one_clinic(q: Questionnaire) -> None:
    """(A name cannot hold NEL or another control character: the untrusted-text gate refuses it, so an em space stands in.)"""
    files = [(f"{i}.json", as_bytes(doc(clinic={"name": name, "organisation": org}, respondent={"name": f"R{i}", "role": "Nurse"})))
             for i, (name, org) in enumerate([("Straße Clinic", "Nord Trust"), ("STRASSE\u2003CLINIC", "nord\u00a0trust"),
                                               ("Cafe\u0301 Clinic", "X"), ("CAFÉ  clinic", "x")])]
    review = review_files(q, files)
    assert sorted(len(c["raters"]) for c in review["clinics"]) == [2, 2], [c["name"] for c in review["clinics"]]


if __name__ == "__main__":  # print a few generated names and their keys
    for n in names(int(sys.argv[1]) if len(sys.argv) > 1 else 23, 10):
        print(repr(n), "->", repr(text_key(n)))

