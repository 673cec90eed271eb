"""The untrusted-text gate: which characters a name, id, option or note may hold, and how any text reaches a terminal.

Every text from a user's file passes `unsafe_char` when it is parsed (answers.py), so a control
character or a bidirectional override is refused with one located line by every command that
reads the file, and `terminal` escapes anything else on its way to a screen. The character
ranges are data, exported with the questionnaire so the browser applies the same rule.
"""

from __future__ import annotations

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
    if text.isprintable() and not any(_within(ord(ch), HIDDEN) for ch in text if ord(ch) > 0x7F):
        return None
    for ch in text:
        code = ord(ch)
        if _within(code, CONTROL) and not (multiline and code in LINE_BREAKS):
            return "control", f"U+{code:04X}"
        if _within(code, HIDDEN):
            return "invisible or direction-changing", f"U+{code:04X}"
    return None


def text_rules() -> dict[str, object]:
    """The rule as data for the browser (builder/output/export.py): the same ranges, the same verdicts."""
    return {"control": [list(r) for r in CONTROL], "line_breaks": list(LINE_BREAKS), "hidden": [list(r) for r in HIDDEN]}


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
