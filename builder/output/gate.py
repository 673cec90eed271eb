"""The output gate: every file the toolkit writes passes the same refusals, and every set of files lands whole.

Refused everywhere (`plan -o`, `pack`, `templates`, `toolkit`, `review`, `compare`, `export`, `assess -o`):
a device, pipe, socket or folder where a file goes; anything inside the toolkit's own folders; any
input of this run. A folder the toolkit replaces whole (a pack, a set of templates) is recognised by
the marker file it wrote there, which lists what it wrote, never by file suffixes: a folder of the
user's own PDFs is refused, not emptied. Files written side by side (a review, a comparison) are
staged beside their targets and renamed in together under a lock, with the targets checked again
just before; if one rename fails the others are put back. Temporary files of killed runs are swept.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from builder.core.errors import Msg, Problem, ReadinessError
from builder.load.gate import file_kind
from builder.output import portable
from builder.output.portable import pid_alive

PROTECTED = ("questionnaire", "templates", "guidance")
"""The project's own folders: no output may land inside them."""
MARKER = ".readiness-output"
"""In a folder the toolkit wrote whole: the names it wrote there, one a line. Only such a folder is replaced."""


_RUN: dict[str, object] = {"root": None, "inputs": []}
"""This run's project folder and inputs, set once by the CLI (`this_run`), so that a writer deep in a renderer checks
its targets against them without every signature carrying them."""


def this_run(project_root: Path, inputs: Iterable[Path] = ()) -> None:
    """Record the project folder and the inputs of this command: no output may land inside the one or over the others."""
    _RUN["root"] = project_root
    _RUN["inputs"] = [Path(p) for p in inputs]


def this_runs_inputs() -> list[Path]:
    """The inputs `this_run` recorded."""
    return _inputs(None)


def _root(project_root: Path | None) -> Path | None:
    return project_root if project_root is not None else _RUN["root"]  # type: ignore[return-value]


def _inputs(inputs: Iterable[Path] | None) -> list[Path]:
    return list(inputs) if inputs is not None else list(_RUN["inputs"])  # type: ignore[call-overload]


def refuse(path: Path, message: str) -> ReadinessError:
    return ReadinessError([Problem(str(path), None, message)])


def protected(path: Path, project_root: Path | None) -> str | None:
    if project_root is None:
        return None
    resolved = path.resolve()
    for folder in PROTECTED:
        if resolved.is_relative_to((project_root / folder).resolve()):
            return folder
    return None


def _same(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def check_file(path: Path, project_root: Path | None = None, inputs: Iterable[Path] | None = None) -> None:
    """Refuse an output file that is special (device, pipe, socket, folder), an input of this run, or the project's own."""
    project_root, inputs = _root(project_root), _inputs(inputs)
    try:
        info = path.lstat()
    except (FileNotFoundError, NotADirectoryError):  # a new file; writing it reports any other problem
        info = None
    if info is not None and not stat.S_ISLNK(info.st_mode):
        if stat.S_ISDIR(info.st_mode):
            raise refuse(path, Msg.OUTPUT_SPECIAL.format(kind="folder"))
        if not stat.S_ISREG(info.st_mode):
            raise refuse(path, Msg.OUTPUT_SPECIAL.format(kind=file_kind(info.st_mode).removeprefix("a ")))
    if info is not None and stat.S_ISLNK(info.st_mode):
        try:
            target = path.stat()
        except OSError:
            target = None
        if target is not None and not stat.S_ISREG(target.st_mode):
            raise refuse(path, Msg.OUTPUT_SPECIAL.format(kind=file_kind(target.st_mode).removeprefix("a ")))
    for given in inputs:
        if info is not None and _same(path, given):
            raise refuse(path, Msg.OUTPUT_IS_INPUT)
        if _inside(given, path):  # an input inside the output (a folder of answer files given as -o)
            raise refuse(path, Msg.OUTPUT_IS_INPUT)
    folder = protected(path, project_root)
    if folder:
        raise refuse(path, Msg.OUTPUT_PROTECTED.format(folder=folder))


def _inside(child: Path, parent: Path) -> bool:
    try:
        return child.resolve().is_relative_to(parent.resolve()) and child.resolve() != parent.resolve()
    except OSError:
        return False


def check_files_in(out: Path, names: Iterable[str], project_root: Path | None = None, inputs: Iterable[Path] | None = None) -> None:
    """Refuse a folder that files are written into by name (review, compare): not a folder, the project's own, or
    one whose targets are special files or inputs of this run (`review review.json -o .`)."""
    project_root, inputs = _root(project_root), _inputs(inputs)
    folder = protected(out, project_root)
    if folder:
        raise refuse(out, Msg.OUTPUT_PROTECTED.format(folder=folder))
    try:
        info = out.stat()
    except (FileNotFoundError, NotADirectoryError):
        info = None
    if info is not None and not stat.S_ISDIR(info.st_mode):
        raise refuse(out, Msg.OUTPUT_NOT_FOLDER)
    for name in names:
        check_file(out / name, project_root, inputs)


def owned_names(out: Path) -> list[str] | None:
    """The names the marker in `out` lists, or None when there is no marker (a link or a folder is no marker)."""
    marker = out / MARKER
    try:
        if not stat.S_ISREG(marker.lstat().st_mode):
            return None
        text = marker.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    return [line for line in text.splitlines() if line]


def check_folder(out: Path, project_root: Path | None = None, inputs: Iterable[Path] | None = None) -> None:
    """Refuse a folder we may not replace whole: a link, not a folder, the project's own, holding an input, or holding
    anything the toolkit did not write there (the marker says what it wrote)."""
    project_root, inputs = _root(project_root), _inputs(inputs)
    try:
        info = out.lstat()
    except (FileNotFoundError, NotADirectoryError):
        info = None
    folder = protected(out, project_root)
    if folder:
        raise refuse(out, Msg.OUTPUT_PROTECTED.format(folder=folder))
    for given in inputs:
        if _inside(given, out) or _same(given, out):
            raise refuse(out, Msg.OUTPUT_IS_INPUT)
    if info is None:
        return
    if stat.S_ISLNK(info.st_mode):
        raise refuse(out, Msg.OUTPUT_SYMLINK)
    if not stat.S_ISDIR(info.st_mode):
        raise refuse(out, Msg.OUTPUT_NOT_FOLDER)
    ours = set(owned_names(out) or [])
    for entry in sorted(os.scandir(out), key=lambda e: e.name):
        if entry.name == MARKER and ours:
            continue
        if entry.name not in ours or not entry.is_file(follow_symlinks=False):
            raise refuse(out, Msg.OUTPUT_FOREIGN.format(name=entry.name))


def mark(stage: Path) -> None:
    """Write the marker into a staged folder: every name in it, so the next run knows what it may replace."""
    names = sorted(p.name for p in stage.iterdir() if p.name != MARKER)
    (stage / MARKER).write_text("".join(f"{n}\n" for n in names), encoding="utf-8")


# ------------------------------------------------------------------ temporary files of this and earlier runs


def temp_prefix(name: str) -> str:
    """A temporary file's name starts with this: hidden, the target's name, and this process's id (to sweep it later)."""
    return f".{name}.{os.getpid()}."


def sweep_stale(folder: Path, names: Iterable[str]) -> None:
    """Remove the temporary files and stages that runs since killed left in `folder` for these target names (SIGKILL
    leaves no chance to clean up); nothing else is touched, so no file this toolkit did not make is deleted."""
    import shutil

    wanted = [re.escape(n) for n in names]
    if not wanted:
        return
    pattern = re.compile(r"\.(?:" + "|".join(wanted) + r")\.(\d+)\.[^/]*\.(?:tmp|new|old)")

    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        m = pattern.fullmatch(entry.name)
        if not m or entry.is_symlink():
            continue
        try:
            alive = pid_alive(int(m.group(1)))
        except (OverflowError, ValueError):
            continue
        if not alive:
            try:
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path, ignore_errors=True)
                elif entry.is_file(follow_symlinks=False):
                    os.unlink(entry.path)
            except OSError:
                pass


@contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """An exclusive lock on `folder`: two runs writing there finish one after the other (portable.folder_lock: flock
    where the OS has it, else a lock file)."""
    with portable.folder_lock(folder, ".readiness-swap"):
        yield


def swap_files(out: Path, staged: dict[str, Path], project_root: Path | None = None, inputs: Iterable[Path] | None = None) -> None:
    """Rename every staged file over its target in `out`, all or none: under the folder's lock, after checking the
    targets again (a pipe or link planted meanwhile is refused); if a rename fails, the targets replaced so far get
    their previous files back, and the error names the user's path, never a temporary file."""
    with folder_lock(out):
        check_files_in(out, staged, project_root, inputs)
        kept: list[tuple[Path, Path | None]] = []  # (target, its previous file kept aside, or None if it was new)
        try:
            for name, tmp in staged.items():
                target = out / name
                previous = None
                if target.exists():
                    previous = target.with_name(f"{temp_prefix(name)}{len(kept)}.old")
                    os.link(target, previous)
                kept.append((target, previous))
                os.replace(tmp, target)
        except OSError as exc:
            for target, previous in reversed(kept):
                try:
                    if previous is not None:
                        os.replace(previous, target)
                    else:
                        target.unlink(missing_ok=True)
                except OSError:
                    pass
            raise refuse(out, Msg.OUTPUT_OS.format(reason=(exc.strerror or str(exc)).lower())) from None
        finally:
            for _, previous in kept:
                if previous is not None:
                    try:
                        previous.unlink(missing_ok=True)
                    except OSError:
                        pass
