"""The questionnaire as JSON: the single source the in-browser engine reads (it never parses YAML)."""

from __future__ import annotations

from typing import Any

from .fileio import canonical_json
from .schema import Questionnaire


def questionnaire_data(q: Questionnaire) -> dict[str, Any]:
    data = q.model_dump(mode="json", by_alias=True, exclude_none=True)
    # Derived numbers both engines need, computed once here so they cannot drift.
    for d_out, d in zip(data["domains"], q.domains):
        for q_out, qu in zip(d_out["questions"], d.questions):
            q_out["scored"] = qu.scored
            if qu.scored:
                q_out["max"] = qu.max
    return data


def questionnaire_json(q: Questionnaire) -> str:
    return canonical_json(questionnaire_data(q))
