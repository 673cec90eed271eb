"""actions.csv: the timeline as a spreadsheet that opens correctly in Excel.

UTF-8 with a byte-order mark (so Excel reads £ and accents), every field quoted, CRLF line
ends, and any cell that a spreadsheet would run as a formula (= + - @, tab, CR) prefixed with
an apostrophe, as OWASP's CSV-injection guidance advises, since clinic text reaches the cells.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from builder.core.schema import Questionnaire
from builder.core.text import FORMULA_START, spreadsheet_safe

__all__ = ["FORMULA_START", "HEADER", "actions_csv", "safe_cell"]

HEADER = ("Action", "Domain", "Phase", "Must-do", "Owner", "Due", "Waits for", "Status", "Source")
def safe_cell(value: object) -> str:
    """A text cell through the one spreadsheet rule (builder/core/text.py)."""
    return str(spreadsheet_safe("" if value is None else str(value)))


def actions_csv(plan: dict[str, Any], q: Questionnaire) -> bytes:
    """The plan's actions, in plan order, one row each."""
    phases = {p.id: p.title for p in q.meta.phases}
    titles = {a["id"]: a["title"] for a in plan["actions"]}
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(HEADER)
    for a in plan["actions"]:
        due = a.get("due") or (f"week {a['due_week']}" if "due_week" in a else "")
        writer.writerow([safe_cell(x) for x in (
            a["title"], plan["readiness"]["domains"][a["domain"]]["title"], phases[a["phase"]],
            "Yes" if a.get("must") else "No", a["owner"], due,
            "; ".join(titles[d] for d in a.get("after", []) if d in titles), "Not started", a["source"])])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")
