"""A process pool whose workers die with the process that started them.

Workers are forked from a forkserver (WeasyPrint imported once, no threads inherited), or spawned where
the OS has none. Each worker watches the parent (a pidfd on Linux; builder/output/portable.py has the other
systems' ways and a polling fallback) and exits the moment it is gone, even
when the parent was killed with SIGKILL and could clean nothing up; the forkserver and
the resource tracker exit once the last worker has closed their pipes. Workers ignore
Ctrl-C: the parent handles it, kills its workers and exits 130.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any

from builder.output.portable import pid_alive, signals_held, start_method, wait_for_exit


def _exit_with(parent: int, method: str | None = None) -> None:
    wait_for_exit(parent, method)  # pidfd, kqueue or a process handle where the OS has one; else polling
    os._exit(1)


def _init(parent: int, initializer: Callable[..., None] | None, initargs: tuple[Any, ...], watch: str | None = None) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if not pid_alive(parent):  # orphaned before we started
        os._exit(1)
    threading.Thread(target=_exit_with, args=(parent, watch), daemon=True, name="parent-watch").start()
    if initializer is not None:
        initializer(*initargs)


def _kill_workers(pool: ProcessPoolExecutor) -> None:
    for proc in list((getattr(pool, "_processes", None) or {}).values()):
        try:
            proc.kill()
        except (OSError, ValueError, AttributeError):
            pass


_STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}


class _Pool(ProcessPoolExecutor):
    """Starts workers with Ctrl-C and SIGTERM held back, so none is left half-launched.

    A worker is forked by the forkserver and then sent its start-up data; an interrupt
    between the two would leave a child that never learns its job. Held signals arrive
    the moment submit returns. Threads started meanwhile (the pool's manager and feeder)
    inherit the mask and never take a signal, so it always reaches the main thread.
    """

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        with signals_held(_STOP_SIGNALS):
            return super().submit(fn, *args, **kwargs)


def _start_forkserver() -> None:
    """Start the forkserver (and resource tracker) with Ctrl-C ignored, inherited through exec:
    it imports the renderer for seconds before it protects itself, and must not print a traceback.

    Its standard error, and so every worker's, is the null device: a worker being forked at the
    moment the parent is interrupted fails inside multiprocessing before any code of ours runs
    (its semaphore is already gone) and would print that traceback under the parent's one line.
    A worker's real failures still reach the parent, which reports them, through the pool.
    """
    from multiprocessing import forkserver

    old_int = signal.signal(signal.SIGINT, signal.SIG_IGN)
    saved = os.dup(2)
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 2)
        with signals_held(_STOP_SIGNALS):
            forkserver.ensure_running()
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(null)
        signal.signal(signal.SIGINT, old_int)


@contextmanager
def worker_pool(workers: int, preload: list[str], initializer: Callable[..., None] | None = None,
                initargs: tuple[Any, ...] = (), *, method: str | None = None, watch: str | None = None) -> Iterator[ProcessPoolExecutor]:
    """A ProcessPoolExecutor that leaves no process behind: on any exception (Ctrl-C included) its workers are killed.

    method (forkserver or spawn) and watch (how a worker waits for its parent: portable.wait_methods()) default to the
    best this OS has; tests pass the fallbacks."""
    import multiprocessing

    # forkserver: workers start from a clean, single-threaded server that has the renderer
    # imported already; forking this (possibly threaded) process could deadlock. Where there is
    # none (Windows), spawn: each worker starts a fresh interpreter and imports the renderer itself.
    how = method or start_method()
    ctx = multiprocessing.get_context(how)
    if how == "forkserver":
        ctx.set_forkserver_preload(preload)
        _start_forkserver()
    pool = _Pool(max_workers=workers, mp_context=ctx, initializer=_init, initargs=(os.getpid(), initializer, initargs, watch))
    try:
        yield pool
    except BaseException:
        _kill_workers(pool)
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
