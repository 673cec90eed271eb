"""When two texts name the same thing (a clinic, its organisation): one rule, written here once as data.

The rule, in order: Unicode NFKC normalisation (so "é" typed as e + combining accent, a full-width "Ａ" or the
"ﬁ" ligature match their plain forms); full case folding (Unicode's CaseFolding.txt, as Python's str.casefold
does: "ß" and "ẞ" fold to "ss", final "ς" to "σ"); NFKC again (folding can leave a text that is not normalised);
then every run of SPACES becomes one space and spaces at either end go.

builder/wizard/review.js implements the same steps from the same data: `text_key_data()` is exported with the
questionnaire (builder/output/export.py), the folding as ranges of code points (FOLD_VERSION says which Unicode
version Python derived it from), the spaces as code points. tests/test_text_key.py runs both on generated names.
"""

from __future__ import annotations

import functools
import sys
import unicodedata
from typing import Any

SPACES = ("\u0009\u000a\u000b\u000c\u000d\u0020\u0085\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
          "\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
"""The characters that separate words in a name: Unicode's White_Space property (tab, line feed, vertical tab, form
feed, carriage return, space, next line U+0085, no-break space U+00A0, Ogham space mark, the en quad to hair space
U+2000-U+200A, line and paragraph separators, narrow no-break space U+202F, medium mathematical space, ideographic
space U+3000). Not Python's str.split() (which also splits on the information separators U+001C-U+001F) nor
JavaScript's \\s (which also matches U+FEFF): the same list for both engines."""
FOLD_VERSION = unicodedata.unidata_version
_SPACE_SET = frozenset(SPACES)


def fold(text: str) -> str:
    """Full case folding alone (for ordering names as both engines do)."""
    return text.casefold()


def text_key(text: str) -> str:
    """The key two texts share when they name the same thing (the rule above)."""
    t = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    words: list[str] = []
    word: list[str] = []
    for ch in t:
        if ch in _SPACE_SET:
            if word:
                words.append("".join(word))
                word = []
        else:
            word.append(ch)
    if word:
        words.append("".join(word))
    return " ".join(words)


@functools.lru_cache(maxsize=1)
def text_key_data() -> dict[str, Any]:
    """The rule as data for review.js: spaces as code points; folding as runs [first, last, step, delta] (each code
    point c from first to last by step folds to the single code point c + delta) and, where a character folds to
    several, [code point, text]."""
    runs: list[list[int]] = []
    multi: list[list[Any]] = []
    for cp in range(sys.maxunicode + 1):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        ch = chr(cp)
        folded = ch.casefold()
        if folded == ch:
            continue
        if len(folded) > 1:
            multi.append([cp, folded])
            continue
        delta = ord(folded) - cp
        last = runs[-1] if runs else None
        if last and last[3] == delta and (cp - last[1] == last[2] or (last[0] == last[1] and cp - last[1] in (1, 2))):
            if last[0] == last[1]:
                last[2] = cp - last[1]
            last[1] = cp
        else:
            runs.append([cp, cp, 1, delta])
    return {"normalisation": "NFKC", "unicode": FOLD_VERSION, "spaces": [ord(c) for c in SPACES], "fold_runs": runs,
            "fold_multi": multi}
