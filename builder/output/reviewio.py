"""The review's disk side: find answer files in files, folders and zip files and read them on every core; write the
outputs (staged beside their targets, then swapped in together)."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import multiprocessing
import os
import signal
import stat
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from builder.core.errors import Msg, ReadinessError
from builder.core.limits import MAX_EXPORT_BYTES
from builder.core.review import MAX_BYTES, Excluded, Rater, Review, clinic_entry
from builder.core.schema import Questionnaire
from builder.load.gate import ArchiveReader, Member, file_kind, read_bytes, shown, walk, zip_members
from builder.load.paths import PACKAGE
from builder.load.raters import read_rater
from builder.load.submissions import EXPORT_SUFFIXES, is_export
from builder.output.fileio import canonical_json
from builder.output.gate import swap_files, sweep_stale, temp_prefix
from builder.output.gcpause import collector_paused
from builder.output.pdfhelper import HelpedOutput, PdfHelper
from builder.output.portable import die_with_parent, signals_held
from builder.output.reviewexports import export_raters
from builder.render.review import (
    compare_chart_svg,
    compare_html,
    disagreements_csv_chunks,
    html_to_pdf,
    later,
    panel_picture,
    review_columns_csv,
    review_csv_chunks,
    review_html,
    review_json_chunks,
    review_panel_html,
    review_pdf,
    review_rows_js,
)
from builder.render.workbook import review_xlsx

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


def _entries(groups: list[list[Rater]]) -> list[dict[str, Any]]:
    assert _Q is not None
    return [clinic_entry(_Q, raters) for raters in groups]


def quiet_worker() -> None:
    """In a pool worker: Ctrl-C is the parent's to handle (one line, exit 130); the worker is then terminated, silently.
    SIGTERM goes back to the system's default: the command's own handler (exit through SystemExit, for its clean-up)
    is inherited across the fork, and a worker unwinding through it while blocked on the pool's queue could keep the
    pool's terminate() waiting for ever; a worker has nothing to clean up, so it simply dies."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _init(q: Questionnaire) -> None:
    global _Q
    _Q = q


def collect(q: Questionnaire, paths: list[Path], *, jobs: int | None = None,
            progress: Callable[[int], None] | None = None, on_excluded: Callable[[Excluded], None] | None = None,
            total: Callable[[int], None] | None = None, phase: Callable[[str, int], None] | None = None,
            meanwhile: Callable[[], None] | None = None) -> dict[str, Any]:
    """Read every answer file under `paths` and build the review; bad files become `not_included` entries, never errors.

    Two steps, each reported: `total(n)` then `progress(k)` as files are read; `phase(label, n)` then
    `progress(k)` as the clinics' plans are made. `meanwhile()` runs here once the workers are reading (see
    warm_writers)."""
    with collector_paused():
        return _collect(q, paths, jobs, progress, on_excluded, total, phase, meanwhile)


def warm_writers(templates_dir: Path, *, pdf: bool = True) -> Callable[[], None]:
    """What the review's writers load before they write, to be loaded while the workers read: XlsxWriter (the
    workbook's writer is forked from this process, so it starts with it loaded) and, when this process lays out
    review.pdf itself (`pdf`: no PDF helper), WeasyPrint and the pages' templates. Loaded at the end, they would
    lengthen the writing of the outputs still being written when the others are done: the workbook, and the PDF made
    here. With a helper, the PDF is the helper's, and this process's pages are off the longest path."""

    def warm() -> None:
        import xlsxwriter  # noqa: F401

        if pdf:
            from builder.render.pdf import load_weasyprint
            from builder.render.review import warm_templates

            warm_templates(templates_dir)
            load_weasyprint()

    return warm


def _collect(q: Questionnaire, paths: list[Path], jobs: int | None, progress: Callable[[int], None] | None,
             on_excluded: Callable[[Excluded], None] | None, total: Callable[[int], None] | None,
             phase: Callable[[str, int], None] | None, meanwhile: Callable[[], None] | None) -> dict[str, Any]:
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
        """Each clinic's plans, in spans, with a progress report, by the same workers that read the files (forked when
        this process held only the questionnaire, so they share little memory with it: a pool forked now would copy
        every page of the raters it reads). A span's raters are sent pickled (compact: a few bytes per answer) and
        let go here as it is sent, so memory holds the clinics' rows, not every file read."""
        if phase:
            phase(f"Planning {len(groups):,} clinics", len(groups))
        step = max(1, min(CHUNK // 4, len(groups) // (4 * workers) or 1))
        spans = [(i, min(i + step, len(groups))) for i in range(0, len(groups), step)]

        def sent() -> Iterator[list[list[Rater]]]:
            for a, b in spans:
                part = [list(raters) for raters in groups[a:b]]
                for raters in groups[a:b]:
                    raters.clear()
                yield part

        entries: list[dict[str, Any]] = []
        for part in (map(_entries, sent()) if pool is None else pool.imap(_entries, sent())):
            if progress:
                progress(len(part))
            entries += part
        return entries

    _init(q)
    # fork: workers inherit the loaded questionnaire; this process has no threads to trip over.
    ctx = multiprocessing.get_context("fork")
    with contextlib.ExitStack() as stack:
        pool = None if workers == 1 else stack.enter_context(ctx.Pool(workers, initializer=quiet_worker))
        if pool is None:
            for chunk in chunks:
                take(_read_chunk(chunk))
            _close_zips()
        else:
            reading = pool.imap(_read_chunk, chunks)  # in order, so duplicates resolve the same way every run
            if meanwhile:
                meanwhile()
            for results in reading:
                take(results)
        built = review.build(plan_clinics)
        if pool is not None:  # done: each worker leaves at the end of the queue (terminate, on the way out, is for errors)
            pool.close()
            pool.join()
        return built


# ---------------------------------------------------------------- writing the outputs


def _write_one(fd: int, chunks: Iterable[str | bytes]) -> None:
    with os.fdopen(fd, "wb") as fh:
        for chunk in chunks:
            fh.write(chunk.encode("utf-8") if isinstance(chunk, str) else chunk)
        fh.flush()
        os.fsync(fh.fileno())


def _write_in_child(files: list[tuple[int, Iterable[str | bytes]]]) -> None:
    """Run in a forked child: write each file in turn, then leave at once (no clean-up of the parent's state; exit 1
    on any failure)."""
    code = 1
    try:
        for fd, chunks in files:
            _write_one(fd, chunks)
        code = 0
    finally:
        os._exit(code)


def write_all(out: Path, outputs: dict[str, Iterable[str | bytes]], *, forked: Sequence[Sequence[str]] = ()) -> list[str]:
    """Stream each output into a temporary file beside its target, then rename them all: a crash or a failed
    render leaves the old files (or none), never a half-written one; and a review of thousands of clinics never
    holds its whole HTML or JSON text in memory.

    forked: groups of outputs, each group written in turn by a forked child, started first, while this process
    writes the rest, so a large review's outputs are made on every core at once. Each child shares this process's
    memory until either side touches a page (reading an object in Python touches it), so a child that reads the
    whole review costs a copy of its pages: one child per spare core, not one per output. Children die with this
    process (SIGKILL on its death) and any child that fails fails the whole write, leaving nothing renamed. Without
    fork (not Linux or macOS), this process writes everything. An output made by a helper process (a HelpedOutput:
    review.pdf from a PdfHelper) is begun once the children are started, and collected after this process's own."""
    created = not out.exists()
    temps: list[tuple[str, Path]] = []
    open_fds: dict[str, int] = {}
    children: list[tuple[str, int]] = []
    try:  # from the folder's making on: Ctrl-C at any moment leaves nothing this run made
        out.mkdir(parents=True, exist_ok=True)
        sweep_stale(out, outputs)  # temporary files a killed run left
        for name in outputs:
            fd, tmp_name = tempfile.mkstemp(prefix=temp_prefix(name), suffix=".tmp", dir=out)
            open_fds[name] = fd
            temps.append((name, Path(tmp_name)))
            os.chmod(tmp_name, 0o644)
        for group in ([list(g) for g in forked if g] if hasattr(os, "fork") else []):
            # Ctrl-C is held back across the fork: a child must never take it half-made (Python's at-fork handlers
            # would print a traceback); the child ignores it, and the parent, which gets it the moment the mask is
            # lifted, kills its children and reports one line.
            with signals_held({signal.SIGINT}):
                pid = os.fork()
                if pid == 0:  # pragma: no cover - the child's coverage is not collected
                    die_with_parent()  # ignores Ctrl-C, so the signal it was born holding back never comes
                    _write_in_child([(open_fds[n], outputs[n]) for n in group])
                children.append((", ".join(group), pid))
            for name in group:
                os.close(open_fds.pop(name))
        helped = [name for name in open_fds if isinstance(outputs[name], HelpedOutput)]
        for name in helped:  # sent to its helper now, collected after this process's own outputs
            outputs[name].begin()  # type: ignore[attr-defined]
        for name in [n for n in open_fds if n not in helped] + helped:
            _write_one(open_fds.pop(name), outputs[name])
        failed = []
        while children:
            name, pid = children[-1]
            _, status = os.waitpid(pid, 0)  # a child stays on the list until it is reaped: Ctrl-C here must kill it
            children.pop()
            if os.waitstatus_to_exitcode(status) != 0:
                failed.append(name)
        if failed:
            raise OSError(f"could not write {', '.join(failed)} in {out}")
        swap_files(out, dict(temps))  # the output gate: checked again under the folder's lock, all renamed or none
    except BaseException:
        for _, pid in children:
            try:
                os.kill(pid, 9)
                os.waitpid(pid, 0)
            except OSError:
                pass
        for fd in open_fds.values():
            with contextlib.suppress(OSError):
                os.close(fd)
        for _, left in temps:
            left.unlink(missing_ok=True)
        sweep_stale(out, outputs)  # what the killed writers had made (the workbook's folder of rows), now theirs are dead
        if created:  # a folder this run made and could not fill: gone again, so nothing is left half-written
            try:
                out.rmdir()
            except OSError:
                pass
        raise
    return list(outputs)


def review_outputs(review: dict[str, Any], templates_dir: Path, out: Path, *, pdf: bool = True,
                   helper: PdfHelper | None = None) -> list[str]:
    """Write review.json, review.csv, review.html (and review.pdf); returns the names written. `helper`: a PdfHelper
    started earlier, which makes review.pdf (the command's way: see output/pdfhelper.py); without it, this process
    makes it."""
    with collector_paused():
        return _review_outputs(review, templates_dir, out, pdf=pdf, helper=helper)


def _review_outputs(review: dict[str, Any], templates_dir: Path, out: Path, *, pdf: bool, helper: PdfHelper | None) -> list[str]:
    today = dt.date.today().isoformat()
    # Every output is made in the process that writes it, on two cores at once: a forked child writes the workbook
    # (the slowest: about 1.8 s at 10,000 files) and then the columns CSV and the rows file, while this process
    # writes the JSON, the CSV, the disagreements and the page, and the PDF helper lays out review.pdf (about 1.1 s)
    # from the page this process sends it (bench/review_bench.py).
    outputs: dict[str, Iterable[str | bytes]] = {}
    picture = functools.cache(functools.partial(panel_picture, review))  # made once here for the PDF and the page
    if pdf:
        def page() -> str:
            return review_panel_html(review, templates_dir, generated_on=today, panel=picture())

        outputs["review.pdf"] = (later(lambda: review_pdf(review, templates_dir, today, panel=picture())) if helper is None
                                 else HelpedOutput(helper, page))
    outputs["review.xlsx"] = _workbook(review, today, out)
    outputs["review.json"] = review_json_chunks(review)
    outputs["review.csv"] = review_csv_chunks(review)
    outputs["review-columns.csv"] = later(review_columns_csv, review)
    outputs["review-disagreements.csv"] = disagreements_csv_chunks(review)
    outputs["review-rows.js"] = later(review_rows_js, review)
    outputs["review-table.js"] = later((PACKAGE / "wizard" / "review-table.js").read_bytes)
    outputs["review.html"] = later(lambda: review_html(review, templates_dir, generated_on=today, panel=picture()))
    return write_all(out, outputs, forked=[["review.xlsx", "review-columns.csv", "review-rows.js"]])


def _workbook(review: dict[str, Any], today: str, out: Path) -> Iterable[bytes]:
    """review.xlsx, its writer's temporary files (a sheet's rows as they are written) in a hidden folder beside the
    output, named so that the next run into `out` sweeps it if this one is killed (output/gate.py's sweep_stale)."""
    import shutil

    tmp = tempfile.mkdtemp(prefix=temp_prefix("review.xlsx"), suffix=".tmp", dir=out)
    try:
        yield review_xlsx(review, today, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def compare_outputs(result: dict[str, Any], templates_dir: Path, out: Path) -> list[str]:
    page = compare_html(result, templates_dir, generated_on=dt.date.today().isoformat())
    files: dict[str, bytes | str] = {"compare.json": canonical_json(result), "compare.html": page,
                                     "compare.svg": compare_chart_svg(result["comparison"]), "compare.pdf": html_to_pdf(page, templates_dir)}
    return write_all(out, {name: [data] for name, data in files.items()})  # staged, then swapped in whole
