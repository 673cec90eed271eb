"""The review's input side: find answer files in files, folders and zip files, and read them on every core."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

from builder.core.errors import Msg, ReadinessError
from builder.core.limits import MAX_EXPORT_BYTES
from builder.core.review import MAX_BYTES, Excluded, Rater, Review, clinic_entry, read_rater
from builder.core.schema import Questionnaire
from builder.load.gate import ArchiveReader, Member, file_kind, read_bytes, shown, walk, zip_members
from builder.load.submissions import EXPORT_SUFFIXES, is_export
from builder.output.gcpause import collector_paused
from builder.output.reviewexports import export_raters

Item = tuple[str, str, Member | None]
"""(display name, path on disk, member of a zip file or None)."""

CHUNK = 200
"""Files per task handed to a worker: big enough to amortise the hand-over, small enough for a smooth bar."""


def find_inputs(paths: list[Path]) -> tuple[list[Item], list[Excluded]]:
    """Every file to read, in a stable order (as given; folders and zips sorted inside), and paths that cannot be.

    Through the input gate (builder/load/gate.py): folders are walked without following links to folders, names that
    are not UTF-8 are shown escaped, and a named pipe, device or socket is left out at once, whatever its name."""
    items: list[Item] = []
    bad: list[Excluded] = []
    for path in paths:
        display = shown(str(path))
        try:
            info = path.stat()
        except OSError:
            bad.append(Excluded(display, Msg.NOT_FOUND.value))
            continue
        if stat.S_ISDIR(info.st_mode):
            for sub in walk(path):
                _add_file(sub, shown(str(sub)), items, bad)
        else:
            _add_file(path, display, items, bad)
    return items, bad


def _add_file(path: Path, display: str, items: list[Item], bad: list[Excluded]) -> None:
    try:
        mode = path.stat().st_mode  # a link's target: a pipe named x.zip must not be opened
    except OSError as exc:
        bad.append(Excluded(display, Msg.UNREADABLE.format(problem=(exc.strerror or str(exc)).lower())))
        return
    if not stat.S_ISREG(mode):
        bad.append(Excluded(display, Msg.NOT_REGULAR.format(kind=file_kind(mode))))
        return
    if path.suffix.lower() != ".zip":
        items.append((display, str(path), None))
        return
    try:
        members = zip_members(path, display)
    except ReadinessError as exc:
        bad.append(Excluded(display, exc.problems[0].message))
        return
    items.extend((f"{display}!{m.name}", str(path), m) for m in members)


_Q: Questionnaire | None = None
_ZIPS: dict[str, ArchiveReader] = {}


def _read(item: Item) -> bytes | Excluded:
    display, path, member = item
    limit = MAX_EXPORT_BYTES if display.lower().endswith(EXPORT_SUFFIXES) else MAX_BYTES  # an export holds many submissions
    try:
        if member is None:
            return read_bytes(path, display, limit, too_large=_too_large)
        reader = _ZIPS.get(path)
        if reader is None:
            reader = _ZIPS[path] = ArchiveReader(path, display.rsplit("!", 1)[0])
        return reader.read(member, limit, _too_large)
    except ReadinessError as exc:  # the input gate's one reason: not a regular file, too large, a bomb, unreadable
        return Excluded(display, exc.problems[0].message)


def _too_large(size: int) -> str:
    return Msg.FILE_TOO_LARGE.format(size=size)


def _close_zips() -> None:
    for reader in _ZIPS.values():
        reader.close()
    _ZIPS.clear()


def _read_chunk(chunk: list[Item]) -> list[Rater | Excluded]:
    assert _Q is not None
    out: list[Rater | Excluded] = []
    for item in chunk:
        raw = _read(item)
        if isinstance(raw, bytes) and is_export(item[0], raw):
            out.extend(export_raters(_Q, item[0], raw))  # one ODK, KoboToolbox or FHIR export: a rater per submission
        else:
            out.append(raw if isinstance(raw, Excluded) else read_rater(_Q, item[0], raw))
    return out


_GROUPS: list[list[Rater]] = []
"""Set before the second pool forks: its workers inherit every clinic's raters instead of being sent them."""


def _entries(span: tuple[int, int]) -> list[dict[str, Any]]:
    assert _Q is not None
    return [clinic_entry(_Q, raters) for raters in _GROUPS[span[0]:span[1]]]


def quiet_worker() -> None:
    """In a pool worker: Ctrl-C is the parent's to handle (one line, exit 130); the worker is then terminated, silently."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _init(q: Questionnaire) -> None:
    global _Q
    _Q = q


def collect(q: Questionnaire, paths: list[Path], *, jobs: int | None = None,
            progress: Callable[[int], None] | None = None, on_excluded: Callable[[Excluded], None] | None = None,
            total: Callable[[int], None] | None = None, phase: Callable[[str, int], None] | None = None) -> dict[str, Any]:
    """Read every answer file under `paths` and build the review; bad files become `not_included` entries, never errors.

    Two steps, each reported: `total(n)` then `progress(k)` as files are read; `phase(label, n)` then
    `progress(k)` as the clinics' plans are made."""
    with collector_paused():
        return _collect(q, paths, jobs, progress, on_excluded, total, phase)


def _collect(q: Questionnaire, paths: list[Path], jobs: int | None, progress: Callable[[int], None] | None,
             on_excluded: Callable[[Excluded], None] | None, total: Callable[[int], None] | None,
             phase: Callable[[str, int], None] | None) -> dict[str, Any]:
    items, bad = find_inputs(paths)
    if total:
        total(len(items) + len(bad))
    review = Review(q)
    for e in bad:
        review.add(e)
        if on_excluded:
            on_excluded(e)
        if progress:
            progress(1)
    chunks = [items[i:i + CHUNK] for i in range(0, len(items), CHUNK)]
    workers = max(1, min(jobs or os.cpu_count() or 1, len(chunks)))

    def take(results: list[Rater | Excluded]) -> None:
        for r in results:
            left_out = review.add(r)
            if left_out is not None and on_excluded:
                on_excluded(left_out)
        if progress:
            progress(len(results))

    def plan_clinics(groups: list[list[Rater]]) -> list[dict[str, Any]]:
        """Each clinic's plans, in spans, with a progress report; on every core, a second pool is forked now so
        that it inherits the raters. As a span comes back its raters are let go (this review is built once, here),
        so memory holds the clinics' rows, not every file read."""
        global _GROUPS
        if phase:
            phase(f"Planning {len(groups):,} clinics", len(groups))
        step = max(1, min(CHUNK // 4, len(groups) // (4 * workers) or 1))
        spans = [(i, min(i + step, len(groups))) for i in range(0, len(groups), step)]
        entries: list[dict[str, Any]] = []
        _GROUPS = groups
        try:
            with contextlib.ExitStack() as stack:
                parts = map(_entries, spans) if workers == 1 else stack.enter_context(ctx.Pool(workers, initializer=quiet_worker)).imap(_entries, spans)
                for (a, b), part in zip(spans, parts):
                    for raters in groups[a:b]:
                        raters.clear()
                    if progress:
                        progress(len(part))
                    entries += part
            return entries
        finally:
            _GROUPS = []

    _init(q)
    # fork: workers inherit the loaded questionnaire; this process has no threads to trip over.
    ctx = multiprocessing.get_context("fork")
    if workers == 1:
        for chunk in chunks:
            take(_read_chunk(chunk))
        _close_zips()
    else:
        with ctx.Pool(workers, initializer=quiet_worker) as pool:
            for results in pool.imap(_read_chunk, chunks):  # in order, so duplicates resolve the same way every run
                take(results)
    return review.build(plan_clinics)
