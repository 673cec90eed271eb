"""Outputs: atomic writes, outputs that never clobber, folders swapped in whole.

A reader, a crash or an interrupt never sees a half-written file or a half-replaced folder.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from builder.core.errors import Msg, ReadinessError
from builder.output import gate
from builder.output.gate import temp_prefix
from builder.output.portable import folder_lock


def atomic_write(path: Path, data: bytes | str) -> None:
    """Write to a temporary file beside `path`, flush it to disk, then rename it over `path`."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=temp_prefix(path.name), suffix=".tmp", dir=path.parent)
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


# ------------------------------------------------------------------ outputs that never clobber (builder/output/gate.py)

PROTECTED = gate.PROTECTED


def check_output_file(path: Path, project_root: Path, inputs: Iterable[Path] = ()) -> None:
    """The output gate's check for one file: builder.output.gate.check_file."""
    gate.check_file(path, project_root, list(inputs))


def check_output_folder(out: Path, project_root: Path, inputs: Iterable[Path] = ()) -> None:
    """The output gate's check for a folder replaced whole: builder.output.gate.check_folder."""
    gate.check_folder(out, project_root, list(inputs))


def check_output_folder_holding(out: Path, project_root: Path, suffixes: tuple[str, ...]) -> None:
    """For a folder of files we made whose names all end in one of `suffixes` (an import's answer files): the
    output gate's refusals, then no file of any other kind and nothing that is not a plain file."""
    folder = gate.protected(out, project_root)
    if folder:
        raise gate.refuse(out, Msg.OUTPUT_PROTECTED.format(folder=folder))
    try:
        info = out.lstat()
    except (FileNotFoundError, NotADirectoryError):
        return
    if stat.S_ISLNK(info.st_mode):
        raise gate.refuse(out, Msg.OUTPUT_SYMLINK)
    if not stat.S_ISDIR(info.st_mode):
        raise gate.refuse(out, Msg.OUTPUT_NOT_FOLDER)
    for entry in sorted(os.scandir(out), key=lambda e: e.name):
        if entry.name == gate.MARKER and entry.is_file(follow_symlinks=False):
            continue
        if not entry.is_file(follow_symlinks=False) or not entry.name.endswith(suffixes):
            raise gate.refuse(out, Msg.OUTPUT_FOREIGN.format(name=entry.name))


def _os_error(user_path: Path, exc: OSError) -> ReadinessError:
    """An OSError about our temporary files, told about the user's path instead."""
    return gate.refuse(user_path, Msg.OUTPUT_OS.format(reason=(exc.strerror or str(exc)).lower()))


def write_output(path: Path, data: bytes | str) -> None:
    """atomic_write for a path the user gave: every failure names that path, never a temporary file."""
    try:
        gate.sweep_stale(Path(path).parent, [Path(path).name])
        atomic_write(path, data)
    except OSError as exc:
        raise _os_error(path, exc) from None


@contextmanager
def staged_folder(out: Path, recheck: Callable[[], None] | None = None) -> Iterator[Path]:
    """A fresh temporary folder beside `out`; on success it replaces `out` whole, on failure it is removed.

    Everything is written into the stage first, so a failure or an interrupt leaves the
    previous folder as it was, and a folder never mixes two runs. The swap holds a lock on
    the parent folder, so two runs into the same folder finish one after the other, and
    `recheck` (the output gate's check of `out`) runs again under that lock just before the
    swap: a file someone put in `out` meanwhile is refused, never deleted. The stage gets the
    marker that lists what it holds, so the next run knows the folder is the toolkit's.
    """
    parent = out.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        gate.sweep_stale(parent, [out.name])
        stage = Path(tempfile.mkdtemp(prefix=gate.temp_prefix(out.name), suffix=".new", dir=parent))
    except OSError as exc:
        raise _os_error(out, exc) from None
    try:
        os.chmod(stage, 0o755)
        yield stage
        gate.mark(stage)
        _swap_in(stage, out, recheck)
    finally:
        if stage.exists():
            shutil.rmtree(stage, ignore_errors=True)


def _swap_in(stage: Path, out: Path, recheck: Callable[[], None] | None = None, lock: str | None = None) -> None:
    """`lock`: a method from portable.lock_methods() (tests run the fallback); by default the best this OS has."""
    with folder_lock(out.parent, out.name, lock):
        if recheck is not None:
            recheck()
        old = None
        try:
            if out.exists() or out.is_symlink():
                old = Path(tempfile.mkdtemp(prefix=gate.temp_prefix(out.name), suffix=".old", dir=out.parent))
                os.replace(out, old / "previous")
            os.replace(stage, out)
        except OSError as exc:
            if old is not None and (old / "previous").exists() and not out.exists():
                os.replace(old / "previous", out)  # put the previous folder back
            raise _os_error(out, exc) from None
        finally:
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)
