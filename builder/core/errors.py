"""One base error the CLI prints cleanly, and every user-facing message template in one place."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from difflib import get_close_matches
from enum import StrEnum
from typing import ClassVar

from builder.core.text import terminal


class Msg(StrEnum):
    """Message templates. Tests format the same templates, so rewording one cannot dodge a test."""

    # Files
    NOT_FOUND = "file not found; check the path"
    NOT_UTF8 = "not a UTF-8 text file; save it as UTF-8 and try again"
    YAML_SYNTAX = "malformed YAML: {problem}; check the indentation and quoting here"
    JSON_SYNTAX = "malformed JSON: {problem}; check the brackets, commas and quotes here"
    DUPLICATE_KEY = "'{key}' appears twice in the same mapping; keep only one"
    TOOL_MISSING = "{tool} is not installed (needed for {needed_for}); run bash scripts/setup.sh"
    TOOLKIT_ZIP_NAME = "--zip writes a zip file, but this name ends in '{suffix}'; name it {fixed}, or leave out --zip for the PDF book"
    TOOLKIT_PDF_NAME = "this is where the PDF book goes, but the name ends in '.zip'; name it {fixed}, or add --zip for the zip"
    STDOUT_TERMINAL = "standard output is a terminal, not a file; redirect it (> {name}) or give -o {name}"
    SITE_FOLDER_USED = "not a new or empty folder; give a new folder, or empty this one first"
    EXTRA_MISSING = "needs the toolkit's [{extra}] extra ({modules} not installed); install it with: pip install '{dist}[{extra}]'{instead}"
    NOT_REGULAR = "is not a regular file ({kind}); give the path of a saved YAML or JSON file"
    IS_FOLDER = "is a folder, not a file; give the path of a file"
    TOO_LARGE = "the file is {size} bytes; files of up to {limit} bytes are read (an answer file is a few kilobytes)"
    TOO_DEEP = "nested more than {limit} levels deep; flatten it (an answer file nests three or four levels)"
    TOO_MANY_KEYS = "more than {limit} keys in the file; an answer file has one per question"
    TOO_MANY_NODES = "more than {limit} values in the file (aliases included); an answer file has a few hundred"
    TOO_LONG = "a text of {length} characters; texts of up to {limit} characters are read (shorten it)"
    TOO_MANY_ALIASES = "more than {limit} YAML aliases (*name); write the values out instead"
    ALIAS_LOOP = "an alias (*name) refers to a value that contains itself; write the value out instead"
    BIG_NUMBER = "a number of {digits} digits; write it as text in quotes, or a number of up to {limit} digits"
    NOT_A_NUMBER = "'{value}' is not a number JSON allows; write a number, or text in quotes"
    YAML_TAG = "the YAML tag '{tag}' is not read; remove it and write a plain value (text in quotes, or a number)"
    UNSAFE_CHAR = "'{key}' holds the {kind} character {char}, which can hide or rewrite text on screens and in documents; remove it"
    CANNOT_READ = "cannot read the file: {problem}; check the path and permissions"
    ARCHIVE_ENTRIES = "the zip file holds {count:,} entries; at most {limit:,} are read from one zip (split it)"
    ARCHIVE_BYTES = "the zip file inflates to more than {limit:,} bytes; the rest of it is not read (split it)"
    ARCHIVE_RATIO = "inflates to more than {limit} times its stored size, as a zip bomb does; an answer file is not packed like that"
    TEMPLATE_OUTSIDE = "'{name}' is outside the templates folder (a symbolic link or '..'); templates may only include files inside it"
    SURROGATE = "the text contains a lone surrogate escape ({escape}), which is not a character; remove it"
    # Outputs
    OUTPUT_SPECIAL = "is a {kind}, not a regular file or folder; give a new path for the output"
    OUTPUT_IS_INPUT = "is the file being read; write the output somewhere else"
    OUTPUT_PROTECTED = "is inside the toolkit's {folder}/ folder; write the output somewhere else"
    OUTPUT_SYMLINK = "is a symbolic link; give the real folder, or a new path"
    OUTPUT_NOT_FOLDER = "exists and is not a folder; give a new or empty folder for the documents"
    OUTPUT_FOREIGN = "holds files that are not documents from this tool (such as '{name}'); give a new or empty folder, or an earlier pack's folder"
    OUTPUT_OS = "cannot write here: {reason}; check the folder exists and that you may write to it"
    CACHE_UNSAFE = "the cache folder is {why}, so it is not used; run 'chmod 700 {folder}' or set READINESS_CACHE to a private folder"
    # Answer files
    EMPTY_ANSWERS = "the file is empty; an answer file starts with 'version: 1', then 'clinic:' and 'answers:'"
    NOT_A_MAPPING = "expected a mapping of 'version', 'clinic' and 'answers' at the top of the file"
    NO_VERSION = "missing 'version: 1' at the top of the file; add it so the file can be read in years to come"
    BAD_VERSION = "answer-file version {version} is not supported; this tool reads version 1 (save the file again from a current wizard or fix the 'version' line)"
    UNKNOWN_KEY = "unknown key '{key}'{hint}; allowed here: {allowed}"
    MISSING_KEY = "missing '{key}'; add it ({example})"
    WRONG_TYPE = "'{key}' should be {expected}, not {got}"
    BAD_DATE = "'{key}' should be a date written YYYY-MM-DD, such as 2026-11-23"
    DATE_RANGE = "'{key}' should be a date between {first} and {last}; check the year"
    DATE_FUTURE = "'{key}' is {date}, after today; give the day the assessment was made"
    FIELD_TOO_LONG = "'{key}' is {length} characters long; shorten it to at most {limit}"
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
    # The same problems as the wizard words them for a person who opened a file (engine.js, people mode), where the
    # messages above speak of ids: questions and options are named by the titles and labels on the question pages.
    PEOPLE_OPTION_EXPECTED = "the answer to '{question}' should be one of its choices, such as '{example}', not {got}"
    PEOPLE_UNKNOWN_QUESTION = "the file answers a question this questionnaire does not ask ('{question}'){hint}; remove that answer, or open the file in the version of the toolkit that made it"
    # Commissioners' review: why a file was not included
    NOT_ANSWER_SUFFIX = "not an answer file: only .yaml, .yml and .json files are read"
    NOT_ANSWER_FILE = "not an answer file: it has no 'version', 'clinic' or 'answers'"
    DUPLICATE_FILE = "duplicate of {first}: the same answers are counted once"
    UNKNOWN_QVERSION = "answered against questionnaire version {given}, which this review cannot read (it reads {known} and earlier versions); answer it again in a current wizard"
    BAD_ZIP = "not a readable zip file: {problem}"
    UNREADABLE = "could not be read: {problem}"
    FILE_TOO_LARGE = "{size:,} bytes is far too large for an answer file (they are a few kilobytes); check it is the right file"
    # Word reference documents (--reference-doc): a Trust's styles for the Word files
    REFERENCE_NOT_DOCX = "not a Word document: {problem}; give a .docx (or .dotx) saved from Word or LibreOffice"
    REFERENCE_NO_PART = "a Word document without {part}; save it again from Word or LibreOffice as a .docx"
    REFERENCE_BAD_XML = "its {part} is not readable XML ({problem}); save it again from Word or LibreOffice as a .docx"
    REFERENCE_TOO_LARGE = "the file is {size:,} bytes; reference documents of up to {limit:,} bytes are read (styles and a logo need far less)"
    REFERENCE_BAD_PAGE = "its page setup cannot be used: {problem}; set the page size and margins in Word's Layout tab and save it again"
    REFERENCE_LOGO = "the picture in its header ({part}) is not a PNG or JPEG image; insert the logo as PNG or JPEG, or remove it"
    REFERENCE_UNUSED = "--reference-doc styles Word files, and {what} writes none; {fix}"
    REFERENCE_PART_TOO_LARGE = "its {part} inflates past {limit:,} bytes; a reference document's styles need far less"
    # Open formats: XLSForm and FHIR exports, submissions brought back
    FORMATS_EXTRA_MISSING = "{what} needs the optional '{extra}' packages; install them with: pip install 'peer-support-readiness[{extra}]'"
    NO_FORMATS = "questionnaire.yaml has no 'formats' section (form_id, canonical, code_system); add one to export XLSForm or FHIR"
    NOT_EXPORT = "not a submission export: {kind} files are read as ODK or KoboToolbox exports (CSV, XLSX, XForm XML) or FHIR QuestionnaireResponses (JSON, NDJSON)"
    EXPORT_TOO_LARGE = "the export is {size:,} bytes; exports of up to {limit:,} bytes are read; split it by date"
    EXPORT_EMPTY = "no submissions in this export; check it is the right file"
    EXPORT_TOO_MANY = "more than {limit:,} submissions in one export; split it by date"
    EXPORT_NO_NAME = "no '{column}' column: this export is not of the toolkit's form (export the form with 'readiness export --format xlsform')"
    EXPORT_UNREADABLE = "could not be read as {kind}: {problem}"
    XML_DOCTYPE = "XML with a DOCTYPE is not read (its entities could expand without limit); export the submission again"
    FHIR_NOT_RESPONSE = "a FHIR {kind}, not a QuestionnaireResponse (or a Bundle of them); export the responses"
    FHIR_OTHER_FORM = "answers questionnaire '{given}', not this toolkit's '{canonical}'; only responses to the toolkit's Questionnaire are read"
    FHIR_BAD_ITEM = "item '{link}': {problem}"
    EXPORT_TICK = "column '{column}' holds '{value}'; an option's own column holds 1 (chosen) or 0"
    XLSFORM_NEEDS_OUTPUT = "an XLSForm is a workbook, not text: give -o FILE.xlsx"
    IMPORT_FOREIGN = "holds '{name}', which an import of these exports did not write; give a new or empty folder, or the one an earlier import of the same exports wrote"
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
    POINTS_ON_CONDITIONAL = "{where}: a follow-up with points needs 'points_when_skipped' (so skipping it cannot change the score's scale); add it, or move the points to the parent question"
    REF_TERM = "{where}: unknown term '{{{term}}}'{hint}; terms are listed under 'terms' in questionnaire/local.yaml"
    TERM_QUESTION = "term '{term}': question '{question}' is {problem}; a term depends on one single-choice question"
    TERM_OPTION = "term '{term}': '{option}' is not an option of '{question}'{hint} (options: {options})"
    REF_STANDARD = "{where}: unknown standard '{standard}'{hint}; standards are listed under 'standards' in questionnaire.yaml"
    REF_ACTION = "{where}: unknown action '{action}'{hint}; name an action defined in a domain file"
    GO_LIVE_WITHOUT_HAZARD = "go-live item written in questionnaire.yaml has no hazard; the go-live checklist is built from hazards.yaml: move it there as a hazard's controls.go_live"
    HAZARD_ACTION_PHASE = "{where}: action '{action}' is in phase '{phase}', which is not before '{first}'; an action that lifts a go-live item must be done before the first patient"
    HAZARD_NOTHING_LIFTS = "{where}: while its cause holds, no action it names can be in the plan (each one's own condition rules it out); name an action that lifts it"
    NO_POINTS = "{where}: domain has no scored question; give at least one question asked of everyone options with points"
    POINTS_MISSING = "{where}: option '{option}' has no points while others do; give every option points (0 is fine)"
    CONTRACT_QUESTION = "public question '{question}' is missing; answer files depend on it (questionnaire/README.md)"
    CONTRACT_OPTION = "public option '{option}' of '{question}' is missing; answer files depend on it (questionnaire/README.md)"
    CONTRACT_TYPE = "public question '{question}' must be a {expected} question"
    CONTRACT_CONDITION = "public question '{question}' must be asked of every clinic"
    BAD_MAX_POINTS = "{where}: max_points is only for multi questions; remove it"
    NO_OPTIONS = "{where}: a {qtype} question needs options"
    TEXT_OPTIONS = "{where}: a text question has no options or points"
    BINDING_TYPE = "bindings: question '{question}' is a {qtype} question; this binding needs a {expected} question"
    BINDING_FIELD = "bindings: unknown field '{{{field}}}'{hint}; fields are: {fields}"
    BINDING_STEP = "bindings: unknown pathway step '{step}'{hint}"
    TEMPLATE_SYNTAX = "template syntax error: {problem}; fix the template here"
    TEMPLATE_QUESTION = "the template reads answer '{question}', which is not a question{hint}; rename it here or in the questionnaire"
    TEMPLATE_OPTION = "the template compares '{question}' with '{option}', which is not one of its options{hint}; options are: {options}"
    DEEP_CONDITION = "condition nested more than {limit} levels deep (all / any / not); split it into simpler conditions"
    WEIGHTS = "overall.weights must give one weight for each domain; {problem}"
    # Planning data (costs, schedule, risks, indicators) and answer-file assumptions
    PLAN_ASSUMPTION = "{where}: unknown assumption '{id}'{hint}; assumptions are listed in questionnaire/costs.yaml"
    PLAN_ACTION = "{where}: unknown action '{action}'{hint}; actions are defined in the domain files"
    PLAN_AFTER_LATER = "{where}: waits for '{action}', which is in a later phase ('{phase}'); wait only for actions in the same or an earlier phase"
    PLAN_AFTER_CYCLE = "{where}: waiting cycle {cycle}; break the loop so no action waits for itself"
    PLAN_EMPLOYMENT = "employment: '{option}' is not an option of '{question}'; options are: {options}"
    PLAN_EMPLOYMENT_TYPE = "employment: '{question}' is a {qtype} question; the employment model needs a single-choice question"
    PLAN_EMPLOYMENT_MISSING = "employment: say how peers are costed (paid, sessional, partner or volunteer) for these options of '{question}': {options}"
    SHARED_RULE = "{where}: unknown shared rule '{rule}'{hint}; shared rules are listed under 'shared_rules' in questionnaire.yaml"
    TEMPLATE_RULE = "the template reads rules.{rule}, which is not a shared rule{hint}; shared rules are listed under 'shared_rules' in questionnaire.yaml"
    TEMPLATE_CLAIM = "the template reads claim '{claim}', which templates/catalog.yaml does not declare for '{template}'{hint}"
    CLAIM_TEXT = "claim '{claim}': its text is not in {file}; quote the words of the sentence that makes the claim"
    FIGURE_NATION = "{where}: unknown nation '{nation}'{hint}; nations are: {nations}"
    FIGURE_MISSING = "nation '{nation}' has no figure for: {figures}; give it under the nation or under 'shared'"
    FIGURE_UNKNOWN = "{where}: unknown figure '{figure}'{hint}; figures are listed in questionnaire/figures.yaml"
    FIGURE_UNIT = "{where}: figure '{figure}' is in {unit}, but the assumption is in {expected}"
    FIGURE_UNDATED = "figure '{where}': the date it took effect is not confirmed: find it in its source ('{source}') and write it as took_effect: YYYY-MM-DD"
    FIGURE_STALE = "figure '{where}' was last checked on {checked}, {days} days ago (more than {limit}): check it against its source and update 'checked' (and the value if it changed)"
    PLAN_LEVELS = "levels: list the bands highest first, each 'min' lower than the one before, ending with min: 1"
    PLAN_RESIDUAL = "{where}: the score after mitigation ({after}) is higher than before ({before}); lower the residual ratings"
    ASSUMPTIONS_MAPPING = "'assumptions' should be a mapping of assumption id to a number, such as 'coordinator_hours: 7.5'"
    ASSUMPTION_UNKNOWN = "unknown assumption '{key}'{hint}; the assumptions are listed in questionnaire/costs.yaml"
    ASSUMPTION_NUMBER = "assumption '{key}' should be a number of 0 or more with at most two decimal places, not {got}"


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

    def line_text(self) -> str:
        """The one line the CLI prints: 'file:line: error: message', control characters escaped."""
        where = f"{self.file}:{self.line}" if self.line else self.file
        return printable(f"{where}: {'warning' if self.warning else 'error'}: {self.message}")


class ReadinessError(Exception):
    """Raised with every problem found, so the user fixes them all in one go.

    The exit code belongs to the class (as click's ClickException.exit_code does):
    a user's bad file or argument is 2, and nothing was written.
    """

    exit_code: ClassVar[int] = 2

    def __init__(self, problems: Iterable[Problem], summary: str | None = None):
        self.problems = list(problems)
        self.summary = summary
        """A closing line after the problems (such as 'run readiness check'), or None."""
        super().__init__("\n".join(str(p) for p in self.problems))


class ProjectError(ReadinessError):
    """The project's own data (questionnaire, templates) is broken: exit 1."""

    exit_code: ClassVar[int] = 1


def printable(text: str) -> str:
    """`text` safe for a terminal: see builder.core.text.terminal, the one escaping function."""
    return terminal(text)


INVISIBLE: tuple[tuple[int, int], ...] = (
    (0x00, 0x1F), (0x7F, 0x9F), (0xAD, 0xAD), (0x61C, 0x61C), (0x180E, 0x180E), (0x200B, 0x200F), (0x2028, 0x202E),
    (0x2060, 0x206F), (0xFEFF, 0xFEFF), (0xFFF9, 0xFFFB),
)
"""Code points a quoted value shows as escapes: controls (C0, DEL, C1) and the invisible, zero-width and
direction-changing marks. A stated rule, exported with the questionnaire so engine.js applies the same one;
Python's repr() is not used, because its idea of "printable" moves with the Unicode version."""

_INVISIBLE = frozenset(c for lo, hi in INVISIBLE for c in range(lo, hi + 1))
_ESCAPES = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(ch: str) -> str:
    if ch in _ESCAPES:
        return _ESCAPES[ch]
    code = ord(ch)
    if code not in _INVISIBLE:
        return ch
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def quote(value: object) -> str:
    """A value from a file as a message quotes it, by one rule both engines follow.

    None, true and false as Python writes them; whole numbers as digits (JSON cannot tell 2.0 from 2),
    other numbers as Python writes them; lists and mappings item by item; text in single quotes (double
    when it holds a single quote and no double), with backslash, the quote, newline, return, tab and the
    INVISIBLE code points escaped, and every other character as itself.
    """
    if value is None or isinstance(value, bool):
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(quote(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{quote(k)}: {quote(v)}" for k, v in value.items()) + "}"
    text = str(value)
    mark = '"' if "'" in text and '"' not in text else "'"
    return mark + "".join("\\" + mark if ch == mark else _escape(ch) for ch in text) + mark


def hint(word: str, choices: Iterable[str]) -> str:
    """A ' (did you mean ...?)' suffix for the nearest valid id, or ''."""
    close = get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
