"""The untrusted-text gate: which characters a name, id, option or note may hold, and how any text reaches a terminal.

Every text from a user's file passes `unsafe_char` when it is parsed (answers.py), so a control
character or a bidirectional override is refused with one located line by every command that
reads the file, and `terminal` escapes anything else on its way to a screen. The character
ranges are data, exported with the questionnaire so the browser applies the same rule.
"""

from __future__ import annotations

import re
import unicodedata

CONTROL = ((0x00, 0x1F), (0x7F, 0x9F))
"""C0 controls, DEL and C1 controls: they move the cursor, clear the screen or set a window title."""
LINE_BREAKS = (0x09, 0x0A, 0x0D)
"""Tab and line ends: allowed in notes and free-text answers (which may run over several lines), never in a name or id."""
HIDDEN = ((0x00AD, 0x00AD), (0x061C, 0x061C), (0x180E, 0x180E), (0x200B, 0x200B), (0x200E, 0x200F), (0x202A, 0x202E),
          (0x2060, 0x2064), (0x2066, 0x2069), (0xFEFF, 0xFEFF))
"""Invisible or direction-changing characters: zero-width space, soft hyphen, word joiner, byte-order mark, and the
bidirectional marks, embeddings, overrides and isolates. They make two names that look alike differ, or reverse a name
on a page. The zero-width joiner and non-joiner (U+200C, U+200D) are allowed: some scripts need them inside words;
names are compared with them removed (review.py)."""


def _within(code: int, ranges: tuple[tuple[int, int], ...]) -> bool:
    return any(lo <= code <= hi for lo, hi in ranges)


def unsafe_char(text: str, *, multiline: bool = False) -> tuple[str, str] | None:
    """The first character `text` may not hold, as ('control' or 'invisible or direction-changing', 'U+XXXX'), or None when it is clean."""
    if text.isprintable() and (text.isascii() or not any(_within(ord(ch), HIDDEN) for ch in text if ord(ch) > 0x7F)):
        return None
    for ch in text:
        code = ord(ch)
        if _within(code, CONTROL) and not (multiline and code in LINE_BREAKS):
            return "control", f"U+{code:04X}"
        if _within(code, HIDDEN):
            return "invisible or direction-changing", f"U+{code:04X}"
    return None


def text_rules() -> dict[str, object]:
    """The rules as data for the browser (builder/output/export.py): the same ranges and table, the same verdicts."""
    return {"control": [list(r) for r in CONTROL], "line_breaks": list(LINE_BREAKS), "hidden": [list(r) for r in HIDDEN],
            "confusables": dict(sorted(CONFUSABLES.items()))}


def terminal(text: str) -> str:
    """`text` safe for a terminal: control and format characters (escape sequences, bidi overrides) escaped as \\xNN or \\uNNNN.

    The one escaping function: every value from a user's file that reaches stdout or stderr goes through it."""
    if text.isprintable():
        return text
    out = []
    for ch in text:
        if ch.isprintable() or unicodedata.category(ch) == "Zs":
            out.append(ch)
        else:
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
    return "".join(out)


# ------------------------------------------------------------------ spreadsheets

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
"""What makes a spreadsheet run a cell as a formula (OWASP's CSV-injection list, with the line ends)."""


LEADING_SPACES = " \u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
"""Spaces a spreadsheet may pass over before it sees a formula's first character (after NFKC most fold to ' ')."""


CELL_SEPARATORS = ",;\t|"
"""Characters a spreadsheet may split cells on (comma; semicolon in European locales; tab; pipe). A spreadsheet that
splits on one the file was not written with can start a new cell inside a quoted one, so a formula start after any
of them is neutralised too."""


def _formula_char(ch: str) -> bool | None:
    """True: `ch` starts a formula (after NFKC: '＝' is '='); None: a space to pass over; False: anything else."""
    folded = unicodedata.normalize("NFKC", ch)
    if not folded or folded in LEADING_SPACES or ch in LEADING_SPACES:
        return None
    return folded[0] in FORMULA_START


def formula_like(text: str) -> bool:
    """True when a spreadsheet could run `text` as a formula: it starts with = + - @ (or a tab or line end) once
    full-width and other compatibility forms are folded and leading spaces are passed over."""
    return _neutralised(text).startswith("'") and not text.startswith("'")


_ASCII_FORMULA = re.compile(r"(?:^|[,;\t|]) *[=+\-@\t\r\n]")
"""For ASCII text, exactly where _neutralised would act: a cell start (the text's start or a separator), spaces, then a
formula's first character (in ASCII only ' ' is a leading space, and NFKC changes nothing)."""


def _neutralised(text: str) -> str:
    """`text` with an apostrophe wherever a cell could start with a formula: at its start, and right after each
    separator, when the next character that is not a space starts a formula."""
    if text.isascii() and _ASCII_FORMULA.search(text) is None:  # almost every cell: nothing to do, found at C speed
        return text
    out: list[str] = []
    mark: int | None = 0  # where a cell could begin (in `out`), while only spaces have followed
    for ch in text:
        if mark is not None:
            kind = True if ch in FORMULA_START else _formula_char(ch)
            if kind is True:
                out.insert(mark, "'")
            if kind is not None:
                mark = None
        out.append(ch)
        if ch in CELL_SEPARATORS:
            mark = len(out)
    return "".join(out)


def spreadsheet_safe(value: object) -> object:
    """A cell for a CSV or spreadsheet file: text that could run as a formula gets an apostrophe before the formula's
    first character — at the start (so the cell is text) and after any separator a spreadsheet might split on — so a
    clinic name cannot run code under any separator; numbers stay numbers, None is an empty cell. Every CSV and workbook
    the toolkit writes uses it."""
    if value is None:
        return ""
    if isinstance(value, str):
        return _neutralised(value)
    return value


# ------------------------------------------------------------------ names that look alike

CONFUSABLES = {
    # Cyrillic letters drawn like Latin ones (a subset of Unicode's confusables table, UTS #39, for the scripts a
    # clinic name in this toolkit's countries is written in): lower case, as skeletons are folded first.
    "\u0430": "a", "\u0432": "b", "\u0435": "e", "\u0451": "e", "\u043a": "k", "\u043c": "m", "\u043d": "h", "\u043e": "o",
    "\u0440": "p", "\u0441": "c", "\u0442": "t", "\u0443": "y", "\u0445": "x", "\u0456": "i", "\u0457": "i", "\u0458": "j",
    "\u0455": "s", "\u04bb": "h", "\u0501": "d", "\u051b": "q", "\u051d": "w", "\u0491": "r", "\u04cf": "l",
    # Greek letters drawn like Latin ones.
    "\u03b1": "a", "\u03b2": "b", "\u03b5": "e", "\u03b9": "i", "\u03ba": "k", "\u03bd": "v", "\u03bf": "o", "\u03c1": "p",
    "\u03c4": "t", "\u03c5": "u", "\u03c7": "x", "\u03b7": "n", "\u03bc": "u", "\u03c9": "w",
    # Digits and letters drawn alike, and the dotless i.
    "0": "o", "1": "l", "|": "l", "\u0131": "i",
}
"""Look-alike characters mapped to the Latin letter they pass for; the browser reads the same table (the export)."""

_SKELETON_TABLE = {**{ord(ch): to for ch, to in CONFUSABLES.items()}, 0x200C: None, 0x200D: None}
"""CONFUSABLES as str.translate's table, with the invisible joiners dropped: one pass in C per name (a review skeletons
every clinic's name and organisation while the other cores wait)."""


def skeleton(text: str) -> str:
    """The form two names are compared in for look-alikes: compatibility forms folded (NFKC), lower case, invisible
    joiners dropped, look-alike letters mapped to the Latin ones they pass for, runs of spaces made one."""
    folded = unicodedata.normalize("NFKC", text).lower()
    return " ".join(folded.translate(_SKELETON_TABLE).split())
