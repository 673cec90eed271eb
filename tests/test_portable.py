"""Windows and macOS: no OS-specific mechanism is needed at import, and each fallback keeps its guarantee.

The fallbacks are what Windows (and any OS without flock, pidfd or kqueue) runs; here they run on Linux, forced."""

from __future__ import annotations

import ast
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from builder.load.paths import CHECKOUT
from builder.output import fileio, portable

LINUX_ONLY = {"fcntl", "pidfd_open", "pthread_sigmask", "getuid", "fork", "PR_SET_PDEATHSIG", "prctl"}


def _dead_pid() -> int:
    """The pid of a process that has ended and been reaped."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def _gone(pid: int) -> bool:
    """Ended: no such process, or a zombie waiting for a reaper (its parent was killed)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except (FileNotFoundError, ProcessLookupError):
        return True


def test_no_module_imports_an_os_specific_mechanism_at_load_time() -> None:
    """fcntl, pidfd and friends are reached only inside functions that check for them (portable.py, or a guarded call)."""
    offenders = []
    for path in sorted((CHECKOUT / "builder").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:  # module level only
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            offenders += [f"{path.relative_to(CHECKOUT)}: import {n}" for n in names if n.split(".")[0] in LINUX_ONLY | {"msvcrt", "winreg"}]
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in {"pidfd_open", "pthread_sigmask", "getuid"} and path.name != "portable.py":
                offenders.append(f"{path.relative_to(CHECKOUT)}:{node.lineno}: {node.attr} outside builder/output/portable.py")
    assert not offenders, offenders


def test_pid_alive() -> None:
    assert portable.pid_alive(os.getpid())
    assert not portable.pid_alive(_dead_pid())


@pytest.mark.parametrize("method", [m for m in portable.wait_methods() if m in ("pidfd", "poll")])
def test_waiting_for_a_process_returns_when_it_ends(method: str) -> None:
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    done = threading.Event()
    threading.Thread(target=lambda: (portable.wait_for_exit(proc.pid, method), done.set()), daemon=True).start()
    assert not done.wait(0.5), "returned while the process was still running"
    proc.kill()
    proc.wait()
    assert done.wait(5), f"{method}: still waiting after the process ended"
    started = time.monotonic()
    portable.wait_for_exit(_dead_pid(), method)  # already gone: at once
    assert time.monotonic() - started < 2


HOLD = """
import sys, time
from pathlib import Path
from builder.output.portable import folder_lock
with folder_lock(Path(sys.argv[1]), "out", sys.argv[2]):
    print("got it", flush=True)
    time.sleep(float(sys.argv[3]))
"""


@pytest.mark.parametrize("method", portable.lock_methods())
def test_a_second_run_waits_for_the_first(tmp_path: Path, method: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(CHECKOUT)}
    first = subprocess.Popen([sys.executable, "-c", HOLD, str(tmp_path), method, "1.5"], stdout=subprocess.PIPE, text=True, env=env)
    assert first.stdout is not None and first.stdout.readline() == "got it\n"
    started = time.monotonic()
    with portable.folder_lock(tmp_path, "out", method):
        waited = time.monotonic() - started
    first.wait(10)
    first.stdout.close()
    assert waited > 0.8, f"{method}: the lock was taken while the first run still held it"
    assert not (tmp_path / ".out.lock").exists(), "the lock file is removed when released"


def test_a_dead_runs_lock_file_is_taken_over(tmp_path: Path) -> None:
    """A run killed with SIGKILL leaves its lock file; the next run sees its owner is gone and goes ahead."""
    (tmp_path / ".out.lock").write_text(f"{_dead_pid()}\n", encoding="ascii")
    started = time.monotonic()
    with portable.folder_lock(tmp_path, "out", "lockfile"):
        assert (tmp_path / ".out.lock").read_text(encoding="ascii") == f"{os.getpid()}\n"
    assert time.monotonic() - started < 2
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_the_swap_keeps_its_guarantees_with_the_fallback_lock(tmp_path: Path) -> None:
    out = tmp_path / "pack"
    out.mkdir()
    (out / "old.pdf").write_bytes(b"old")
    stage = tmp_path / ".pack.1.x.new"
    stage.mkdir()
    (stage / "new.pdf").write_bytes(b"new")
    fileio._swap_in(stage, out, lock="lockfile")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pack"]
    assert [p.name for p in out.iterdir()] == ["new.pdf"]


def test_cache_ownership_without_unix_user_ids(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    info = tmp_path.stat()
    assert portable.owned_by_me(info)
    monkeypatch.delattr(os, "getuid")
    assert portable.owned_by_me(info), "no user ids (Windows): the profile's access list protects the folder"


POOL = """
import os, sys, time
from builder.output.pool import worker_pool
with worker_pool(2, [], method=sys.argv[1], watch=sys.argv[2] or None) as pool:
    pids = sorted({pool.submit(os.getpid).result() for _ in range(6)})
    print(" ".join(map(str, pids)), flush=True)
    time.sleep(120)
"""


@pytest.mark.slow
@pytest.mark.parametrize(("method", "watch"), [(portable.start_method(), None), ("spawn", "poll")], ids=["native", "spawn-poll-fallback"])
def test_workers_die_with_a_killed_parent(method: str, watch: str | None) -> None:
    """SIGKILL leaves the parent no chance to clean up: its workers notice and exit on their own."""
    env = {**os.environ, "PYTHONPATH": str(CHECKOUT)}
    parent = subprocess.Popen([sys.executable, "-c", POOL, method, watch or ""], stdout=subprocess.PIPE, text=True, env=env)
    assert parent.stdout is not None
    pids = [int(p) for p in parent.stdout.readline().split()]
    assert pids and all(not _gone(p) for p in pids)
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    parent.stdout.close()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not all(_gone(p) for p in pids):
        time.sleep(0.1)
    assert all(_gone(p) for p in pids), f"workers outlived their parent ({method}, {watch or 'native watch'})"
