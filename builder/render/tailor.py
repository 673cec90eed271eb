"""The policy templates for the browser: the same Jinja2 sources, bundled for nunjucks (which reads Jinja2 syntax).

The Python-isms that nunjucks reads differently are rewritten mechanically, never by hand: tuple
literals such as ("Label", "", "tall") become lists (nunjucks would keep only the last item);
`mapping.get(key)` becomes the `jget` filter (JavaScript objects have no .get); `macro() ~ "text"`
becomes the `jcat` filter (keeps the markup safe, as Jinja2's Markup does); `or []` becomes
`or none` (an empty list is false in Python, true in JavaScript). The browser's output is tested
byte for byte against render_template's for the conformance fixtures.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from builder.render.documents import DOC_VERSION

_TAG = re.compile(r"(\{\{|\{%)(.*?)(\}\}|%\})", re.S)
_KEYWORDS = {"in", "not", "and", "or", "if", "else", "is", "return", "set", "for", "elif", "with", "call"}


def _expression(expr: str) -> str:
    """Tuple literals to lists, and .get( to |jget(, outside string literals."""
    out = list(expr)
    stack: list[tuple[int, str, bool, list[bool]]] = []
    quote = ""
    i = 0
    while i < len(expr):
        c = expr[i]
        if quote:
            if c == "\\":
                i += 2
                continue
            if c == quote:
                quote = ""
        elif c in "\"'":
            quote = c
        elif c in "([{":
            before = expr[:i].rstrip()
            word = re.search(r"(\w+)$", before)
            call = c == "(" and bool(before) and (before[-1] in ")]" or (word is not None and word.group(1) not in _KEYWORDS))
            stack.append((i, c, call, [False]))
        elif c == "," and stack:
            stack[-1][3][0] = True
        elif c in ")]}" and stack:
            start, opener, call, comma = stack.pop()
            if opener == "(" and not call and comma[0]:
                out[start], out[i] = "[", "]"
        elif c == "." and expr.startswith(".get(", i) and i > 0 and (expr[i - 1].isalnum() or expr[i - 1] in "_)]}"):
            out[i] = "|j"  # .get( -> |jget(
        i += 1
    rewritten = "".join(out)
    # Markup ~ "text" stays markup in Jinja2; nunjucks' ~ would make it plain text (escaped on output).
    rewritten = re.sub(r'\)\s*~\s*("(?:[^"\\]|\\.)*")', r")|jcat(\1)", rewritten)
    # An empty list is false in Jinja2 but true in JavaScript; none is false in both, and a for loop over it
    # runs no times, as over [].
    return re.sub(r"\bor\s*\[\]", "or none", rewritten)


def for_nunjucks(source: str) -> str:
    """One template's source with its expressions made nunjucks-safe; text between tags is untouched."""
    return _TAG.sub(lambda m: m.group(1) + _expression(m.group(2)) + m.group(3), source)


def templates_script(templates_dir: Path, template_ids: list[str]) -> str:
    """window.READINESS_TEMPLATES: every source the policy templates use, and what their context needs."""
    names = ["base.html.j2", "_macros.html.j2", *(f"policies/{t}.html.j2" for t in template_ids)]
    bundle = {
        "sources": {name: for_nunjucks((templates_dir / name).read_text(encoding="utf-8")) for name in names},
        "doc_version": DOC_VERSION,
    }
    return "window.READINESS_TEMPLATES = " + json.dumps(bundle, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + ";\n"
