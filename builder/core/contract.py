"""The public answer-file contract: the answer-file format version, and the shape of a questionnaire's lock file.

A questionnaire may carry `contract.yaml` beside `questionnaire.yaml`: the question and option ids that
answer files depend on for years. `readiness check` fails if the questionnaire drops or retypes any of
them; more questions and options may be added freely. A questionnaire without the file promises nothing.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

ANSWER_FILE_VERSION = 1
"""The version of the answer-file format itself (not of any questionnaire)."""


class PublicQuestion(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    type: Literal["single", "multi", "text"]
    """The question's type, which must not change."""
    options: list[str] = Field(default_factory=list)
    """Option ids that must exist and keep their meaning."""
    may_be_skipped: bool = False
    """True when routing may skip the question; otherwise it must be asked of every clinic."""


class Contract(BaseModel):
    """contract.yaml: what answer files written today may rely on."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    questions: dict[str, PublicQuestion]
    """Public question id -> its promised type and options."""
    templates: list[str] = Field(default_factory=list)
    """Template ids a plan may list; the catalog must offer every one."""
