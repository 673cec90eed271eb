"""Outputs: atomic writes, outputs that never clobber, folders swapped in whole.

A reader, a crash or an interrupt never sees a half-written file or a half-replaced folder.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from builder.core.errors import Msg, Problem, ReadinessError
from builder.load.gate import file_kind


def atomic_write(path: Path, data: bytes | str) -> None:
    """Write to a temporary file beside `path`, flush it to disk, then rename it over `path`."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def canonical_json(data: Any) -> str:
    """Sorted keys, fixed separators, UTF-8 text: the same data always gives the same bytes."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, indent=2, separators=(",", ": ")) + "\n"


# ------------------------------------------------------------------ outputs that never clobber

PROTECTED = ("questionnaire", "templates", "guidance")
"""The project's own folders: no output may land inside them."""
PACK_SUFFIXES = (".pdf", ".docx", ".md", ".csv")
"""What a pack or template folder holds; a folder holding anything else is not ours to replace."""


def _refuse(path: Path, message: str) -> ReadinessError:
    return ReadinessError([Problem(str(path), None, message)])


def _protected(path: Path, project_root: Path) -> str | None:
    resolved = path.resolve()
    for folder in PROTECTED:
        if resolved.is_relative_to((project_root / folder).resolve()):
            return folder
    return None


def check_output_file(path: Path, project_root: Path, inputs: Iterable[Path] = ()) -> None:
    """Refuse an output file that is special (device, pipe, socket, folder), an input, or the project's own data."""
    try:
        info = path.lstat()
    except (FileNotFoundError, NotADirectoryError):  # a new file; writing it reports any other problem
        info = None
    if info is not None and not stat.S_ISLNK(info.st_mode):
        if stat.S_ISDIR(info.st_mode):
            raise _refuse(path, Msg.OUTPUT_SPECIAL.format(kind="folder"))
        if not stat.S_ISREG(info.st_mode):
            raise _refuse(path, Msg.OUTPUT_SPECIAL.format(kind=file_kind(info.st_mode).removeprefix("a ")))
    for given in inputs:
        try:
            if path.exists() and os.path.samefile(path, given):
                raise _refuse(path, Msg.OUTPUT_IS_INPUT)
        except FileNotFoundError:
            pass
    folder = _protected(path, project_root)
    if folder:
        raise _refuse(path, Msg.OUTPUT_PROTECTED.format(folder=folder))


def check_output_folder(out: Path, project_root: Path) -> None:
    """Refuse a folder we may not replace whole: a link, not a folder, the project's own, or holding other files."""
    try:
        info = out.lstat()
    except (FileNotFoundError, NotADirectoryError):
        info = None
    folder = _protected(out, project_root)
    if folder:
        raise _refuse(out, Msg.OUTPUT_PROTECTED.format(folder=folder))
    if info is None:
        return
    if stat.S_ISLNK(info.st_mode):
        raise _refuse(out, Msg.OUTPUT_SYMLINK)
    if not stat.S_ISDIR(info.st_mode):
        raise _refuse(out, Msg.OUTPUT_NOT_FOLDER)
    for entry in sorted(os.scandir(out), key=lambda e: e.name):
        if not entry.is_file(follow_symlinks=False) or not entry.name.endswith(PACK_SUFFIXES):
            raise _refuse(out, Msg.OUTPUT_FOREIGN.format(name=entry.name))


def _os_error(user_path: Path, exc: OSError) -> ReadinessError:
    """An OSError about our temporary files, told about the user's path instead."""
    return _refuse(user_path, Msg.OUTPUT_OS.format(reason=(exc.strerror or str(exc)).lower()))


def write_output(path: Path, data: bytes | str) -> None:
    """atomic_write for a path the user gave: every failure names that path, never a temporary file."""
    try:
        atomic_write(path, data)
    except OSError as exc:
        raise _os_error(path, exc) from None


@contextmanager
def staged_folder(out: Path) -> Iterator[Path]:
    """A fresh temporary folder beside `out`; on success it replaces `out` whole, on failure it is removed.

    Everything is written into the stage first, so a failure or an interrupt leaves the
    previous folder as it was, and a folder never mixes two runs. The swap holds a lock on
    the parent folder, so two runs into the same folder finish one after the other.
    """
    parent = out.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        _remove_stale_stages(out)
        stage = Path(tempfile.mkdtemp(prefix=f".{out.name}.{os.getpid()}.", suffix=".new", dir=parent))
    except OSError as exc:
        raise _os_error(out, exc) from None
    try:
        os.chmod(stage, 0o755)
        yield stage
        _swap_in(stage, out)
    finally:
        if stage.exists():
            shutil.rmtree(stage, ignore_errors=True)


def _remove_stale_stages(out: Path) -> None:
    """Remove the stages of runs that were killed (SIGKILL leaves no chance to clean up)."""
    pattern = re.compile(re.escape(f".{out.name}.") + r"(\d+)\.[^/]*\.(?:new|old)")
    for entry in out.parent.iterdir():
        m = pattern.fullmatch(entry.name)
        if not m or not entry.is_dir() or entry.is_symlink():
            continue
        try:
            os.kill(int(m.group(1)), 0)
        except ProcessLookupError:
            shutil.rmtree(entry, ignore_errors=True)
        except (PermissionError, OverflowError, ValueError):
            pass


def _swap_in(stage: Path, out: Path) -> None:
    fd = os.open(out.parent, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        old = None
        try:
            if out.exists() or out.is_symlink():
                old = Path(tempfile.mkdtemp(prefix=f".{out.name}.{os.getpid()}.", suffix=".old", dir=out.parent))
                os.replace(out, old / "previous")
            os.replace(stage, out)
        except OSError as exc:
            if old is not None and (old / "previous").exists() and not out.exists():
                os.replace(old / "previous", out)  # put the previous folder back
            raise _os_error(out, exc) from None
        finally:
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)
    finally:
        os.close(fd)  # closing releases the lock
