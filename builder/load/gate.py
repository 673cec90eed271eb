"""The input gate: every byte the toolkit reads from disk comes through here.

One rule for every reader (answer files, review files and folder walks, zip members, cache
blobs and manifests, templates, guidance, questionnaire files): open without blocking, require a
regular file after fstat, never read more than a cap, and — where the path must be the toolkit's
own — never follow a symbolic link out of it. File and member names may be any bytes: they are
decoded so that every byte sequence is representable, and shown escaped. A zip reader's every
error becomes a reason, never a traceback, and an archive's entries and inflated bytes are capped.
"""

from __future__ import annotations

import os
import stat
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from builder.core import limits
from builder.core.errors import Msg, Problem, ReadinessError
from builder.core.text import terminal

_KINDS = [(stat.S_ISFIFO, "a named pipe"), (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"), (stat.S_ISSOCK, "a socket")]

ZIP_ERRORS: tuple[type[BaseException], ...] = (
    zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, OSError, EOFError, ValueError, KeyError, IndexError,
    RuntimeError, NotImplementedError, OverflowError, TypeError, AttributeError, MemoryError)
"""Everything Python's zip reader is known to raise on a broken or hostile archive (a bad password, a member name
that claims UTF-8 and is not, a truncated stream, an unsupported method, an offset past the end)."""


def file_kind(mode: int) -> str:
    """'a named pipe', 'a device', 'a socket', 'a folder' or 'a file' for a stat mode."""
    if stat.S_ISDIR(mode):
        return "a folder"
    return next((name for test, name in _KINDS if test(mode)), "a file")


def shown(name: str | bytes) -> str:
    """A file or member name as it may be shown: any bytes representable (undecodable ones as \\xNN), controls escaped."""
    if isinstance(name, bytes):
        text = name.decode("utf-8", "backslashreplace")
    else:
        text = name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace") if _has_surrogates(name) else name
    return terminal(text)


def _has_surrogates(text: str) -> bool:
    return any(0xD800 <= ord(c) <= 0xDFFF for c in text)


def _refused(display: str, message: str) -> ReadinessError:
    return ReadinessError([Problem(display, None, message)])


TooLarge = Callable[[int], str]
"""How a command words 'this file is N bytes, past the limit' (the review has its own words)."""


def _too_large(limit: int) -> TooLarge:
    return lambda size: Msg.TOO_LARGE.format(size=size, limit=limit)


STDIN = "-"
"""The file name that means standard input (`readiness plan - < answers.yaml`); a file really named - is ./-."""
STDIN_DISPLAY = "<stdin>"


def is_stdin(path: Path | str) -> bool:
    return str(path) == STDIN


def read_stdin(limit: int = limits.MAX_BYTES) -> bytes:
    """Standard input's bytes, held to the same size limit as a file (read no further than one byte past it)."""
    import sys

    stream = getattr(sys.stdin, "buffer", None)
    raw = stream.read(limit + 1) if stream is not None else sys.stdin.read(limit + 1).encode("utf-8")
    if len(raw) > limit:
        raise _refused(STDIN_DISPLAY, Msg.TOO_LARGE.format(size=f"more than {limit}", limit=limit))
    return bytes(raw)


def read_bytes(path: Path | str, display: str | None = None, limit: int = limits.MAX_BYTES, *, follow: bool = True,
               too_large: TooLarge | None = None) -> bytes:
    """A regular file's bytes, at most `limit` of them; anything else is one located error.

    Opened without blocking and checked with fstat, so a named pipe or a device is refused at once
    instead of hanging or reading forever. With follow=False a symbolic link is refused (O_NOFOLLOW):
    for paths that must be the toolkit's own, such as cache entries. `-` is standard input, which may be a pipe.
    """
    if is_stdin(path):
        return read_stdin(limit)
    display = display or shown(str(path))
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0) | (0 if follow else getattr(os, "O_NOFOLLOW", 0))
    try:
        info = os.stat(path, follow_symlinks=follow)  # before opening: opening a socket fails, a pipe may block
        if stat.S_ISLNK(info.st_mode):
            raise _refused(display, Msg.NOT_REGULAR.format(kind="a symbolic link"))
        if not stat.S_ISREG(info.st_mode) and not stat.S_ISDIR(info.st_mode):
            raise _refused(display, Msg.NOT_REGULAR.format(kind=file_kind(info.st_mode)))
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise _refused(display, Msg.NOT_FOUND) from None
    except IsADirectoryError:
        raise _refused(display, Msg.IS_FOLDER) from None
    except OSError as exc:
        raise _refused(display, Msg.CANNOT_READ.format(problem=(exc.strerror or str(exc)).lower())) from None
    try:
        return _read_fd(fd, display, limit, too_large or _too_large(limit))
    finally:
        os.close(fd)


def _read_fd(fd: int, display: str, limit: int, too_large: TooLarge) -> bytes:
    info = os.fstat(fd)  # what was opened, whatever the path pointed at a moment before
    if stat.S_ISDIR(info.st_mode):
        raise _refused(display, Msg.IS_FOLDER)
    if not stat.S_ISREG(info.st_mode):
        raise _refused(display, Msg.NOT_REGULAR.format(kind=file_kind(info.st_mode)))
    if info.st_size > limit:
        raise _refused(display, too_large(info.st_size))
    chunks = []
    size = 0
    while size <= limit:  # the file may have grown since fstat
        try:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
        except OSError as exc:
            raise _refused(display, Msg.CANNOT_READ.format(problem=(exc.strerror or str(exc)).lower())) from None
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    if size > limit:
        raise _refused(display, too_large(size))  # at least this many: the file grew as it was read
    return b"".join(chunks)


def read_text(path: Path | str, display: str | None = None, limit: int = limits.MAX_BYTES, *, follow: bool = True) -> str:
    """read_bytes, decoded as UTF-8 (a byte-order mark allowed); not UTF-8 is one located error."""
    display = display or (STDIN_DISPLAY if is_stdin(path) else shown(str(path)))
    raw = read_bytes(path, display, limit, follow=follow)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReadinessError([Problem(display, raw[: exc.start].count(b"\n") + 1, Msg.NOT_UTF8)]) from None


def open_regular(path: Path | str, display: str) -> IO[bytes]:
    """A regular file opened for reading without blocking (for a zip reader, which seeks); refused like read_bytes."""
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            raise _refused(display, Msg.IS_FOLDER if stat.S_ISDIR(info.st_mode) else Msg.NOT_REGULAR.format(kind=file_kind(info.st_mode)))
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise _refused(display, Msg.NOT_FOUND) from None
    except OSError as exc:
        raise _refused(display, Msg.CANNOT_READ.format(problem=(exc.strerror or str(exc)).lower())) from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise _refused(display, Msg.NOT_REGULAR.format(kind="not a regular file"))
    return os.fdopen(fd, "rb")


# ------------------------------------------------------------------ folders


def walk(folder: Path) -> Iterator[Path]:
    """Every entry under `folder` that is not a folder, sorted by its bytes, hidden names skipped; symbolic links to
    folders are not followed (a link loop cannot recurse), links to files are listed (the reader checks their target)."""
    stack = [os.fsencode(folder)]
    found: list[bytes] = []
    while stack:
        top = stack.pop()
        try:
            with os.scandir(top) as it:
                entries = list(it)
        except OSError:
            continue
        for entry in entries:
            if entry.name.startswith(b"."):
                continue
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                is_dir = False
            if is_dir:
                stack.append(entry.path)
            else:
                found.append(entry.path)
    for path in sorted(found):
        yield Path(os.fsdecode(path))


# ------------------------------------------------------------------ zip files


@dataclass(frozen=True)
class Member:
    name: str
    """The member's name as it may be shown (undecodable bytes as \\xNN)."""
    index: int
    """Its position in the archive's directory: how it is found again, whatever its name."""
    size: int
    """The size it claims; never trusted for reading."""


def zip_members(path: Path | str, display: str) -> list[Member]:
    """The archive's files (not folders, not hidden), in name order; ReadinessError with one reason when it cannot be read."""
    try:
        with open_regular(path, display) as fh, zipfile.ZipFile(fh) as zf:
            infos = zf.infolist()
            if len(infos) > limits.MAX_ARCHIVE_ENTRIES:
                raise _refused(display, Msg.ARCHIVE_ENTRIES.format(count=len(infos), limit=limits.MAX_ARCHIVE_ENTRIES))
            members = [Member(shown(_member_name(i)), n, i.file_size) for n, i in enumerate(infos)
                       if not i.is_dir() and not _member_name(i).rsplit("/", 1)[-1].startswith(".")]
    except ReadinessError:
        raise
    except ZIP_ERRORS as exc:
        raise _refused(display, Msg.BAD_ZIP.format(problem=terminal(str(exc) or type(exc).__name__))) from None
    return sorted(members, key=lambda m: (m.name, m.index))


def _member_name(info: zipfile.ZipInfo) -> str:
    return info.filename


class ArchiveReader:
    """Reads one archive's members in turn, counting the bytes inflated; the archive stays open between reads."""

    def __init__(self, path: str, display: str):
        self.path, self.display = path, display
        self.inflated = 0
        self._fh: IO[bytes] | None = None
        self._zf: zipfile.ZipFile | None = None

    def read(self, member: Member, limit: int, too_large: TooLarge | None = None) -> bytes:
        """The member's bytes, at most `limit` and at most the archive's inflation budget; ReadinessError otherwise."""
        where = f"{self.display}!{member.name}"
        try:
            if self._zf is None:
                self._fh = open_regular(self.path, self.display)
                self._zf = zipfile.ZipFile(self._fh)
            info = self._zf.infolist()[member.index]
            too_large = too_large or _too_large(limit)
            if info.file_size > limit:
                raise _refused(where, too_large(info.file_size))
            budget = min(limit, limits.MAX_ARCHIVE_BYTES - self.inflated, max(info.compress_size, 1) * limits.MAX_ARCHIVE_RATIO)
            with self._zf.open(info) as stream:
                data = stream.read(budget + 1)  # the size a member claims may be a lie: never read past the budget
            self.inflated += len(data)
            if len(data) > budget:
                if self.inflated >= limits.MAX_ARCHIVE_BYTES:
                    raise _refused(where, Msg.ARCHIVE_BYTES.format(limit=limits.MAX_ARCHIVE_BYTES))
                if len(data) > limit:
                    raise _refused(where, too_large(len(data)))
                raise _refused(where, Msg.ARCHIVE_RATIO.format(limit=limits.MAX_ARCHIVE_RATIO))
            return data
        except ReadinessError:
            raise
        except ZIP_ERRORS as exc:
            raise _refused(where, Msg.UNREADABLE.format(problem=terminal(str(exc) or type(exc).__name__))) from None

    def close(self) -> None:
        if self._zf is not None:
            self._zf.close()
        if self._fh is not None:
            self._fh.close()
        self._zf = self._fh = None
