"""The operating-system mechanisms the outputs rely on, each with a portable fallback that keeps the same guarantee.

| Guarantee | Linux | macOS, BSD | Windows | Fallback (any OS; tests run it on Linux) |
|---|---|---|---|---|
| two runs swap into one folder one after the other | flock on the folder | flock | - | a lock file made with O_EXCL, holding its owner's pid; a dead owner's lock is taken over |
| a worker exits the moment its parent is gone | pidfd | kqueue NOTE_EXIT | a process handle, waited on | the parent's pid, polled every POLL seconds |
| is a process alive | kill(pid, 0) | kill(pid, 0) | OpenProcess and its exit code | - |
| workers start from a clean process | forkserver | forkserver | spawn | spawn |

Nothing here is imported at module level that an OS lacks: each mechanism is looked up when it is used.
"""

from __future__ import annotations

import os
import select
import signal
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

POLL = 0.2
"""Seconds between checks where the OS offers no way to wait for a process or a lock."""

WINDOWS = sys.platform == "win32"


# ---------------------------------------------------------------- processes

def pid_alive(pid: int) -> bool:
    """True while process `pid` exists. Never signals it (os.kill(pid, 0) on Windows would end the process)."""
    if WINDOWS:  # pragma: no cover - Windows only
        return _windows_pid_alive(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True  # exists, but is someone else's (or not a pid we can ask about: assume it is)
    return True


def _windows_pid_alive(pid: int) -> bool:  # pragma: no cover - Windows only
    import ctypes

    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        return False
    try:
        code = ctypes.c_ulong()
        return bool(kernel32.GetExitCodeProcess(handle, ctypes.byref(code))) and code.value == 259  # STILL_ACTIVE
    finally:
        kernel32.CloseHandle(handle)


def wait_methods() -> list[str]:
    """The ways this OS offers to wait for another process to end, best first; "poll" always works."""
    found = []
    if hasattr(os, "pidfd_open"):
        found.append("pidfd")
    if hasattr(select, "kqueue"):
        found.append("kqueue")
    if WINDOWS:
        found.append("handle")
    return [*found, "poll"]


def wait_for_exit(pid: int, method: str | None = None) -> None:
    """Return once process `pid` has ended (at once if it already has): the first method in wait_methods() that works."""
    for how in [method] if method else wait_methods():
        try:
            if how == "pidfd":
                fd = os.pidfd_open(pid)
                try:
                    select.select([fd], [], [])  # a pidfd becomes readable when its process exits
                finally:
                    os.close(fd)
                return
            if how == "kqueue":  # pragma: no cover - macOS and BSD
                kq = select.kqueue()  # type: ignore[attr-defined]
                try:
                    event = select.kevent(pid, filter=select.KQ_FILTER_PROC, fflags=select.KQ_NOTE_EXIT)  # type: ignore[attr-defined]
                    kq.control([event], 1, None)
                finally:
                    kq.close()
                return
            if how == "handle":  # pragma: no cover - Windows
                import ctypes

                kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
                handle = kernel32.OpenProcess(0x00100000, False, pid)  # SYNCHRONIZE
                if not handle:
                    return
                try:
                    kernel32.WaitForSingleObject(handle, 0xFFFFFFFF)  # INFINITE
                finally:
                    kernel32.CloseHandle(handle)
                return
            if how == "poll":
                while pid_alive(pid):
                    time.sleep(POLL)
                return
        except ProcessLookupError:
            return  # gone before we could watch it
        except OSError:
            continue  # this way is not available here after all (an old kernel, a sandbox): try the next
    raise ValueError(f"unknown way to wait for a process: {method}")


def start_method() -> str:
    """forkserver where the OS has it (workers fork from a clean, single-threaded server), else spawn."""
    import multiprocessing

    return "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"


@contextmanager
def signals_held(signals: set[signal.Signals]) -> Iterator[None]:
    """Hold `signals` back in this thread for the block (they arrive when it ends); a no-op where the OS cannot."""
    if not hasattr(signal, "pthread_sigmask"):  # pragma: no cover - Windows
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, signals)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def die_with_parent() -> None:  # pragma: no cover - runs in a forked child
    """In a child forked to help a command (a review's writer, its PDF renderer): Linux's kernel kills it the moment
    the command's process dies (Ctrl-C, a crash), so no helper outlives the command; elsewhere nothing (the command
    kills its children on the way out). Ctrl-C is ignored here: the command handles it and kills its helpers."""
    import ctypes

    try:
        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    signal.signal(signal.SIGINT, signal.SIG_IGN)


# ---------------------------------------------------------------- locks

def lock_methods() -> list[str]:
    found = []
    try:
        import fcntl  # noqa: F401

        found.append("flock")
    except ImportError:  # pragma: no cover - Windows
        pass
    return [*found, "lockfile"]


@contextmanager
def folder_lock(folder: Path, name: str, method: str | None = None) -> Iterator[None]:
    """Hold an exclusive lock named `name` in `folder` for the block; a second holder waits until the first is done."""
    how = method or lock_methods()[0]
    if how == "flock":
        import fcntl

        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing releases the lock
        return
    if how != "lockfile":
        raise ValueError(f"unknown lock: {method}")
    path = folder / f".{name}.lock"
    _take_lockfile(path)
    try:
        yield
    finally:
        path.unlink(missing_ok=True)


def _take_lockfile(path: Path) -> None:
    """Create `path` exclusively with this process's pid in it; wait while a live process holds it, take it from a dead one."""
    while True:
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            try:
                owner = int(path.read_text(encoding="ascii").strip() or "0")
            except (OSError, ValueError):
                owner = 0  # being written this instant, or unreadable: look again shortly
            if owner and not pid_alive(owner):
                # Taken over by renaming it away. Two waiters may both have read the dead pid: the second then renames
                # the first's fresh lock, sees a pid that is not the dead one in it, and puts it back (link fails if
                # a third has made one meanwhile, which then stands).
                stale = path.with_name(f"{path.name}.{os.getpid()}.stale")
                try:
                    os.replace(path, stale)
                    if stale.read_text(encoding="ascii").strip() != str(owner):
                        os.link(stale, path)
                except OSError:
                    pass
                finally:
                    stale.unlink(missing_ok=True)
                continue
            time.sleep(POLL / 4)
            continue
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(f"{os.getpid()}\n")
        return


# ---------------------------------------------------------------- ownership

def owned_by_me(info: os.stat_result) -> bool:
    """A file or folder belongs to this user. Where there are no Unix user ids (Windows), a folder inside the user's own
    profile is theirs by its access list, and the cache checks every file's hash anyway."""
    getuid = getattr(os, "getuid", None)
    return True if getuid is None else info.st_uid == getuid()
