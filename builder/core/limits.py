"""The limits every YAML or JSON file is held to, checked before it is built into data.

Answer files are a few kilobytes: a version, a clinic and one answer per question. The
questionnaire's own files are well inside the same limits. Anything beyond them is refused
with one located line, quickly and with flat memory (an alias bomb is stopped by counting,
never by building it).
"""

from __future__ import annotations

MAX_BYTES = 1_000_000
"""Largest file read, in bytes (1 MB)."""
MAX_DEPTH = 40
"""Deepest nesting of mappings and lists."""
MAX_KEYS = 5_000
"""Most mapping keys in one file."""
MAX_NODES = 50_000
"""Most values (mappings, lists, texts, numbers) in one file, counting each use of an alias."""
MAX_STRING = 10_000
"""Longest text, in characters (a clinic name, a note)."""
MAX_ALIASES = 50
"""Most YAML aliases (*name) in one file."""
MAX_NAME = 300
"""Longest clinic name, organisation, role or version, in characters."""
MAX_NOTE = 4_000
"""Longest note or free-text answer, in characters."""
MAX_DIGITS = 30
"""Longest number, in characters."""
MAX_CONDITION_DEPTH = 12
"""Deepest nesting of all/any/not in one questionnaire condition."""
MAX_SHOWN = 20
"""Most problems printed; the rest are counted ('and N more')."""
MAX_EXPORT_BYTES = 20_000_000
"""Largest submission export read (ODK or KoboToolbox CSV, XLSX or XML; FHIR JSON or NDJSON), in bytes (20 MB)."""
MAX_SUBMISSIONS = 10_000
"""Most submissions in one export; each is then held to every limit of an answer file."""
MAX_REFERENCE_DOC_BYTES = 20_000_000
"""Largest Word reference document read (--reference-doc), in bytes (20 MB: styles, fonts and a logo)."""
MAX_REFERENCE_PART_BYTES = 10_000_000
"""Most bytes inflated from one part of a reference document (its styles, theme or document XML)."""
MAX_ARCHIVE_ENTRIES = 100_000
"""Most entries read from one zip file (a review of 100,000 answer files fits in one)."""
MAX_ARCHIVE_BYTES = 512_000_000
"""Most bytes inflated from one zip file, counted as they are read (never trusting the sizes it claims): a zip bomb stops here."""
MAX_ARCHIVE_RATIO = 200
"""Most a zip member may inflate to per byte stored: answer files compress about 5 to 1, a bomb 1,000 to 1."""
