"""The review's reader for submission exports: an ODK or KoboToolbox export, or FHIR responses, gives a rater per submission.

Each submission is checked like any answer file; a bad one is left out with its reason and line, as a bad
answer file is, and the rest of the export is reviewed.
"""

from __future__ import annotations

from builder.core.errors import ReadinessError
from builder.core.review import Excluded, Rater, digest_of, rater_from
from builder.core.schema import Questionnaire
from builder.load.submissions import answer_file, read_export


def export_raters(q: Questionnaire, display: str, raw: bytes) -> list[Rater | Excluded]:
    try:
        subs = read_export(q, display, raw)
    except ReadinessError as exc:
        p = exc.problems[0]
        return [Excluded(display, p.message, p.line)]
    out: list[Rater | Excluded] = []
    for sub in subs:
        try:
            af = answer_file(q, sub)
        except ReadinessError as exc:
            p = exc.problems[0]
            more = len(exc.problems) - 1
            out.append(Excluded(sub.name, p.message + (f" (and {more} more)" if more else ""), p.line))
            continue
        out.append(rater_from(q, sub.name, af, digest_of(sub.src.data)))
    return out
