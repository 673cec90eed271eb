"""The questionnaire as JSON: the single source the in-browser engine reads (it never parses YAML)."""

from __future__ import annotations

from typing import Any

from builder.core.answers import FIRST_YEAR, FUTURE_SLACK, LAST_YEAR
from builder.core.errors import INVISIBLE, Msg
from builder.core.limits import MAX_BYTES, MAX_NAME, MAX_NOTE
from builder.core.review import MAX_BYTES as REVIEW_MAX_BYTES
from builder.core.schema import Questionnaire
from builder.core.text import text_rules
from builder.core.textkey import text_key_data
from builder.output.fileio import canonical_json

ANSWER_MESSAGES = (
    "EMPTY_ANSWERS", "NOT_A_MAPPING", "NO_VERSION", "BAD_VERSION", "UNKNOWN_KEY", "MISSING_KEY", "WRONG_TYPE",
    "BAD_DATE", "UNKNOWN_QUESTION", "UNKNOWN_OPTION", "SINGLE_GIVEN_LIST", "MULTI_GIVEN_SINGLE", "MULTI_EMPTY",
    "MULTI_EXCLUSIVE", "MULTI_DUPLICATE", "TEXT_EXPECTED", "OPTION_EXPECTED", "ANSWER_MAPPING", "NOTE_TEXT",
    "SKIPPED_ANSWER", "ASSUMPTIONS_MAPPING", "ASSUMPTION_UNKNOWN", "ASSUMPTION_NUMBER",
    # The review page's not-included reasons.
    "NOT_ANSWER_SUFFIX", "NOT_ANSWER_FILE", "DUPLICATE_FILE", "UNKNOWN_QVERSION", "NOT_UTF8", "YAML_SYNTAX", "JSON_SYNTAX",
    "DUPLICATE_KEY",
    # The wizard's About your clinic screen, for a name, role, area or reference too long for the CLI to read.
    "FIELD_TOO_LONG",
    # Read limits the CLI holds answer files to (builder/core/answers.py), so the browser refuses what the CLI refuses.
    "DATE_RANGE", "DATE_FUTURE",
    # The untrusted-text gate (builder/core/text.py) and numbers past a float's range (1e999).
    "UNSAFE_CHAR", "NOT_A_NUMBER",
    # The review page's size limits: the same files left out, in the same words, as the command line leaves out.
    "FILE_TOO_LARGE", "TOO_LARGE",
    # The wizard's wording, naming questions and options by title and label, where the messages above use ids.
    "PEOPLE_OPTION_EXPECTED", "PEOPLE_UNKNOWN_QUESTION",
)
"""The builder/core/errors.py Msg templates engine.js fills when it reads an answer file."""


def answer_messages() -> dict[str, str]:
    """Those templates as engine.js fills them: {name} fields only ('!r' is applied by the caller)."""
    return {name: Msg[name].value.replace("!r}", "}").replace(":,}", "}") for name in ANSWER_MESSAGES}


def questionnaire_data(q: Questionnaire) -> dict[str, Any]:
    # The open formats' names are for `readiness export --format`; the browser never reads them.
    data = q.model_dump(mode="json", by_alias=True, exclude_none=True, exclude={"meta": {"formats"}})
    # Derived numbers both engines need, computed once here so they cannot drift.
    for d_out, d in zip(data["domains"], q.domains):
        for q_out, qu in zip(d_out["questions"], d.questions):
            q_out["scored"] = qu.scored
            q_out["dont_know"] = qu.offers_dont_know
            if qu.scored:
                q_out["max"] = qu.max
    data["answer_messages"] = answer_messages()
    # The limits answers.py reads answer files with: the wizard's form and engine.js's reader hold texts and dates to them.
    data["answer_limits"] = {"name": MAX_NAME, "note": MAX_NOTE, "first_year": FIRST_YEAR, "last_year": LAST_YEAR,
                             "future_days": FUTURE_SLACK.days}
    # The untrusted-text gate's character ranges (engine.js refuses the same characters in the same fields), and the
    # rule messages quote values by (errors.quote): which code points show as escapes.
    data["text_rules"] = {**text_rules(), "invisible": [list(r) for r in INVISIBLE]}
    # The review's read limits (builder/output/reviewio.py, builder/core/review.py): review.js leaves out what the CLI does.
    data["review_limits"] = {"file_bytes": REVIEW_MAX_BYTES, "text_bytes": MAX_BYTES}
    # When two names are the same clinic's (builder/core/textkey.py): review.js applies the same table.
    data["text_key"] = text_key_data()
    return data


def questionnaire_json(q: Questionnaire) -> str:
    return canonical_json(questionnaire_data(q))
