"""One base error the CLI prints cleanly, and every user-facing message template in one place."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from difflib import get_close_matches
from enum import StrEnum


class Msg(StrEnum):
    """Message templates. Tests format the same templates, so rewording one cannot dodge a test."""

    # Files
    NOT_FOUND = "file not found; check the path"
    NOT_UTF8 = "not a UTF-8 text file; save it as UTF-8 and try again"
    YAML_SYNTAX = "malformed YAML: {problem}; check the indentation and quoting here"
    JSON_SYNTAX = "malformed JSON: {problem}; check the brackets, commas and quotes here"
    DUPLICATE_KEY = "'{key}' appears twice in the same mapping; keep only one"
    # Answer files
    EMPTY_ANSWERS = "the file is empty; an answer file starts with 'version: 1', then 'clinic:' and 'answers:'"
    NOT_A_MAPPING = "expected a mapping of 'version', 'clinic' and 'answers' at the top of the file"
    NO_VERSION = "missing 'version: 1' at the top of the file; add it so the file can be read in years to come"
    BAD_VERSION = "answer-file version {version!r} is not supported; this tool reads version 1 (save the file again from a current wizard or fix the 'version' line)"
    UNKNOWN_KEY = "unknown key '{key}'{hint}; allowed here: {allowed}"
    MISSING_KEY = "missing '{key}'; add it ({example})"
    WRONG_TYPE = "'{key}' should be {expected}, not {got}"
    BAD_DATE = "'{key}' should be a date written YYYY-MM-DD, such as 2026-11-23"
    UNKNOWN_QUESTION = "unknown question '{question}'{hint}; see questionnaire/README.md for the question ids"
    UNKNOWN_OPTION = "'{value}' is not an option of '{question}'; choose one of: {options}"
    SINGLE_GIVEN_LIST = "question '{question}' takes one answer, not a list; choose one of: {options}"
    MULTI_GIVEN_SINGLE = "question '{question}' takes a list of answers; write it as [{value}]"
    MULTI_EMPTY = "question '{question}' needs at least one answer; choose from: {options} (or leave it out while undecided)"
    MULTI_EXCLUSIVE = "question '{question}': '{option}' cannot be combined with other answers; keep either '{option}' or the others"
    MULTI_DUPLICATE = "question '{question}': '{option}' is listed twice; list it once"
    TEXT_EXPECTED = "question '{question}' takes free text; put the answer in quotes"
    OPTION_EXPECTED = "question '{question}' takes an option id such as '{example}', not {got}; quote it if it is yes or no"
    ANSWER_MAPPING = "the answer to '{question}' may only have 'answer' and 'note'; found '{key}'"
    NOTE_TEXT = "the note on '{question}' should be text; put it in quotes"
    # Commissioners' review: why a file was not included
    NOT_ANSWER_SUFFIX = "not an answer file: only .yaml, .yml and .json files are read"
    NOT_ANSWER_FILE = "not an answer file: it has no 'version', 'clinic' or 'answers'"
    DUPLICATE_FILE = "duplicate of {first}: the same answers are counted once"
    UNKNOWN_QVERSION = "answered against questionnaire version {given}, which this review cannot read (it reads {known}); answer it again in a current wizard"
    BAD_ZIP = "not a readable zip file: {problem}"
    UNREADABLE = "could not be read: {problem}"
    TOO_LARGE = "{size:,} bytes is far too large for an answer file (they are a few kilobytes); check it is the right file"
    # Routing
    SKIPPED_ANSWER = "question '{question}' was not asked ({why}), so its answer is ignored"
    MISSING_ANSWER = "question '{question}' is on this clinic's path but has no answer; answer it or drop --strict"
    # Questionnaire
    SCHEMA = "{where}: {problem}"
    DUPLICATE_ID = "duplicate {kind} id '{id}' (first defined at {first}); give each {kind} its own id"
    UNKNOWN_DOMAIN_FILE = "domain '{domain}' is listed in questionnaire.yaml but {file} does not exist; create it or remove the domain"
    DOMAIN_ID_MISMATCH = "the file is named for domain '{expected}' but says id: '{actual}'; make them match"
    UNLISTED_DOMAIN_FILE = "domain file is not listed under 'domains' in questionnaire.yaml; add '{domain}' there or remove the file"
    REF_QUESTION = "{where}: unknown question '{question}'{hint}"
    REF_OPTION = "{where}: '{option}' is not an option of '{question}'{hint}; options are: {options}"
    REF_OP_TYPE = "{where}: '{op}' cannot be used with {qtype} question '{question}'; use {use}"
    REF_TEXT_QUESTION = "{where}: conditions cannot test free-text question '{question}'"
    REF_FORWARD = "{where}: refers to '{question}', which comes later in the questionnaire; a question can only depend on earlier ones (move it, or the condition)"
    REF_CYCLE = "{where}: routing cycle {cycle}; break the loop so each question depends only on earlier ones"
    REF_SELF = "{where}: a question cannot depend on its own answer"
    REF_TEMPLATE = "{where}: unknown template '{template}'{hint}; templates are listed in templates/catalog.yaml"
    REF_TEMPLATE_FILE = "template '{template}' has no file {file}; create it or remove the entry"
    REF_ROUTE = "{where}: unknown route '{route}'{hint}; routes are: {options}"
    REF_ROLE = "{where}: unknown role '{role}'{hint}; roles are: {options}"
    REF_PHASE = "{where}: unknown phase '{phase}'{hint}; phases are: {options}"
    REF_SOURCE = "{where}: unknown source '{source}'{hint}; sources are listed under 'sources' in questionnaire.yaml"
    REF_PLAN_OP = "{where}: '{op}' can only be used in actions and template rules, after the route and roles are decided"
    GUIDANCE_PAGE = "{where}: guidance page '{page}' does not exist under guidance/{hint}"
    GUIDANCE_ANCHOR = "{where}: guidance page '{page}' has no section '#{anchor}'{hint}"
    UNREACHABLE = "{where}: question '{question}' can never be asked; its ask_if can never hold"
    NEVER_FIRES = "{where}: this rule can never fire; its condition can never hold"
    POINTS_ON_CONDITIONAL = "{where}: only questions asked of everyone can carry points (a skipped follow-up would change the score's scale); move the points to the parent question or use a gate"
    NO_POINTS = "{where}: domain has no scored question; give at least one question asked of everyone options with points"
    POINTS_MISSING = "{where}: option '{option}' has no points while others do; give every option points (0 is fine)"
    CONTRACT_QUESTION = "public question '{question}' is missing; answer files depend on it (questionnaire/README.md)"
    CONTRACT_OPTION = "public option '{option}' of '{question}' is missing; answer files depend on it (questionnaire/README.md)"
    CONTRACT_TYPE = "public question '{question}' must be a {expected} question"
    CONTRACT_CONDITION = "public question '{question}' must be asked of every clinic"
    BAD_MAX_POINTS = "{where}: max_points is only for multi questions; remove it"
    NO_OPTIONS = "{where}: a {qtype} question needs options"
    TEXT_OPTIONS = "{where}: a text question has no options or points"
    WEIGHTS = "overall.weights must give one weight for each domain; {problem}"


@dataclass(frozen=True)
class Problem:
    """One located problem: the CLI prints it as 'file:line: message'."""

    file: str
    line: int | None
    message: str
    warning: bool = False

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"


class ReadinessError(Exception):
    """Raised with every problem found, so the user fixes them all in one go."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def hint(word: str, choices: Iterable[str]) -> str:
    """A ' (did you mean ...?)' suffix for the nearest valid id, or ''."""
    close = get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
