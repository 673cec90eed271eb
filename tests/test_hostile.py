"""Hostile inputs: every case gets one located line, the right exit code, quickly, with flat memory, and writes nothing.

Each CLI case runs `readiness` in a child process with a generous timeout and a 1 GB
address-space cap, so a hang fails the test instead of hanging it, and an alias bomb that
grew memory would die with a MemoryError traceback instead of passing.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from builder.core import limits
from builder.core.errors import Msg, ReadinessError
from builder.load.project import ROOT, Project

from .conftest import edit

READINESS = [sys.executable, "-m", "builder"]
TIMEOUT = 90
"""Seconds: generous, so a slow machine never fails a case; a hang or a flood still does."""
MEMORY_CAP = 1 << 30
"""Bytes of address space a plan run may use: far above a real run, far below a built alias bomb."""


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def run(*args: str, cwd: Path, cap: bool = True, env: dict[str, str] | None = None, timeout: float = TIMEOUT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*READINESS, *args], cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          preexec_fn=_cap_memory if cap else None, env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every path under `folder` with its bytes (None for anything but a regular file)."""
    out: dict[str, bytes | None] = {}
    for path in sorted(folder.rglob("*")):
        out[str(path.relative_to(folder))] = path.read_bytes() if path.is_file() and not path.is_symlink() else None
    return out


def assert_one_error(result: subprocess.CompletedProcess[str], where: str, message: str, code: int = 2) -> None:
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, f"one line:\n{result.stderr}"
    assert lines[0].startswith(f"{where}: error: "), lines[0]
    assert message in lines[0], lines[0]
    assert result.stdout == ""


# ------------------------------------------------------------------ hostile answer files

HEADER = 'version: 1\nclinic: {name: "X"}\n'


def alias_bomb(levels: int, width: int) -> str:
    """'Billion laughs': each level lists the one before `width` times."""
    rows = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels):
        rows.append(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * width)}]")
    return HEADER + "\n".join(rows) + "\n"


def nested_yaml(depth: int) -> str:
    return HEADER + "answers: " + "[" * depth + "]" * depth + "\n"


def nested_json(depth: int) -> str:
    return '{"version": 1, "clinic": {"name": "X"},\n "answers": ' + "[" * depth + "]" * depth + "}"


def many_keys(n: int) -> str:
    return HEADER + "answers:\n" + "".join(f"  unknown_{i}: x\n" for i in range(n))


# (id, file name, content, line or None for "no line", expected message)
FILES = [
    pytest.param("bomb.yaml", alias_bomb(9, 9), 9, Msg.TOO_MANY_ALIASES.format(limit=limits.MAX_ALIASES), id="alias-bomb-9x9"),
    pytest.param("lean.yaml", alias_bomb(25, 2), 3, Msg.TOO_MANY_NODES.format(limit=limits.MAX_NODES), id="alias-bomb-lean"),
    pytest.param("loop.yaml", 'version: 1\nclinic: &c {name: "X", self: *c}\n', 2, Msg.ALIAS_LOOP.value, id="alias-self-reference"),
    pytest.param("deep.yaml", nested_yaml(10_000), 3, Msg.TOO_DEEP.format(limit=limits.MAX_DEPTH), id="deep-yaml"),
    pytest.param("deep.json", nested_json(10_000), 2, Msg.TOO_DEEP.format(limit=limits.MAX_DEPTH), id="deep-json"),
    pytest.param("big.yaml", HEADER + "answers:\n  budget: " + "9" * 5000 + "\n", 4,
                 Msg.BIG_NUMBER.format(digits=5000, limit=limits.MAX_DIGITS), id="huge-number-yaml"),
    pytest.param("big.json", '{"version": 1,\n "clinic": {"name": ' + "9" * 5000 + "}}", 2,
                 Msg.BIG_NUMBER.format(digits=5000, limit=limits.MAX_DIGITS), id="huge-number-json"),
    pytest.param("s.json", '{"version": 1,\n "clinic": {"name": "a\\ud800b"}}', 2, Msg.SURROGATE.format(escape="\\ud800"), id="lone-surrogate-json"),
    pytest.param("s.yaml", 'version: 1\nclinic: {name: "a\\ud800b"}\n', 2, "malformed YAML", id="lone-surrogate-yaml"),
    pytest.param("nan.json", '{"version": 1,\n "clinic": {"name": NaN}}', 2, Msg.NOT_A_NUMBER.format(value="NaN"), id="nan-json"),
    pytest.param("inf.json", '{"version": 1,\n "clinic": {"name": -Infinity}}', 2, Msg.NOT_A_NUMBER.format(value="-Infinity"), id="infinity-json"),
    pytest.param("nan.yaml", "version: 1\nclinic: {name: .nan}\n", 2, Msg.NOT_A_NUMBER.format(value=".nan"), id="nan-yaml"),
    pytest.param("dup.json", '{"version": 1,\n "clinic": {"name": "X"},\n "clinic": {"name": "Y"}}', 3, Msg.DUPLICATE_KEY.format(key="clinic"), id="duplicate-key-json"),
    pytest.param("yaml-inside.json", HEADER, 1, "malformed JSON", id="json-file-holding-yaml"),
    pytest.param("long.yaml", 'version: 1\nclinic: {name: "' + "x" * 20_000 + '"}\n', 2,
                 Msg.TOO_LONG.format(length=20_000, limit=limits.MAX_STRING), id="huge-text"),
    pytest.param("name.yaml", 'version: 1\nclinic: {name: "' + "x" * 1000 + '"}\n', 2,
                 Msg.FIELD_TOO_LONG.format(key="name", length=1000, limit=limits.MAX_NAME), id="long-clinic-name"),
    pytest.param("large.yaml", HEADER + ("# padding\n" * 110_000), None,
                 Msg.TOO_LARGE.format(size=len(HEADER) + 1_100_000, limit=limits.MAX_BYTES), id="over-1mb"),
    pytest.param("keys.yaml", many_keys(6000), limits.MAX_KEYS, Msg.TOO_MANY_KEYS.format(limit=limits.MAX_KEYS), id="too-many-keys"),
    pytest.param("date.yaml", HEADER + "assessed_on: 9999-12-31\n", 3, Msg.DATE_RANGE.format(key="assessed_on", first=2000, last=2199), id="date-9999"),
    pytest.param("nul.yaml", HEADER + "answers: {budget: \"\x00\"}\n", 3, "malformed YAML", id="nul-byte"),
    # The untrusted-text gate at parse time (builder/core/text.py): the same verdict in every command.
    pytest.param("c0.yaml", 'version: 1\nclinic: {name: "Hill\\u0001side"}\n', 2,
                 Msg.UNSAFE_CHAR.format(key="name", kind="control", char="U+0001"), id="control-character-in-name"),
    pytest.param("c1.json", '{"version": 1,\n "clinic": {"name": "Hill\\u009b2Jside"}}', 2,
                 Msg.UNSAFE_CHAR.format(key="name", kind="control", char="U+009B"), id="c1-control-in-name"),
    pytest.param("rlo.yaml", 'version: 1\nclinic: {name: "Hill\\u202eedis"}\n', 2,
                 Msg.UNSAFE_CHAR.format(key="name", kind="invisible or direction-changing", char="U+202E"), id="bidi-override-in-name"),
    pytest.param("zw.yaml", HEADER + 'answers: {space: {answer: none, note: "see\\u200b below\\e[2J"}}\n', 3,
                 Msg.UNSAFE_CHAR.format(key="note", kind="invisible or direction-changing", char="U+200B"), id="zero-width-in-note"),
    pytest.param("int.yaml", 'version: 1\nclinic: {name: !!int "' + "9" * 4000 + '"}\n', 2,
                 Msg.YAML_TAG.format(tag="!!int"), id="yaml-int-tag-4000-digits"),
    pytest.param("obj.yaml", 'version: 1\nclinic: {name: !!python/object:os.system "x"}\n', 2,
                 Msg.YAML_TAG.format(tag="!!python/object:os.system"), id="yaml-python-tag"),
    pytest.param("inf.json", '{"version": 1,\n "clinic": {"name": 1e999}}', 2, Msg.NOT_A_NUMBER.format(value="1e999"), id="json-1e999"),
    pytest.param("future.yaml", HEADER + "assessed_on: 2199-12-31\n", 3, Msg.DATE_FUTURE.format(key="assessed_on", date="2199-12-31"),
                 id="date-in-the-future"),
]


PACK_TOO = {"alias-bomb-9x9", "deep-json", "json-file-holding-yaml", "long-clinic-name", "date-9999", "control-character-in-name",
            "bidi-override-in-name", "yaml-int-tag-4000-digits", "yaml-python-tag", "json-1e999", "date-in-the-future"}
"""pack reads answer files through the same code as plan: these cases check that it does."""
CASES = [pytest.param("plan", *case.values, id=f"plan-{case.id}") for case in FILES] + [
    pytest.param("pack", *case.values, id=f"pack-{case.id}") for case in FILES if case.id in PACK_TOO]


@pytest.mark.parametrize(("command", "name", "content", "line", "expected"), CASES)
def test_hostile_answer_file(tmp_path: Path, command: str, name: str, content: str, line: int | None, expected: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8", errors="surrogatepass")
    before = snapshot(tmp_path)
    out = ["-o", "out.json"] if command == "plan" else ["-o", "pack", "--no-cache"]
    started = time.monotonic()
    result = run(command, name, *out, cwd=tmp_path)
    assert time.monotonic() - started < TIMEOUT
    assert_one_error(result, f"{name}:{line}" if line else name, expected)
    assert snapshot(tmp_path) == before, "nothing is written"


def test_a_flood_of_problems_prints_twenty_then_a_count(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(many_keys(300))
    result = run("plan", "a.yaml", cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == limits.MAX_SHOWN + 1, result.stderr
    assert all(": error: " + "unknown question" in ln for ln in lines[:-1])
    assert lines[-1] == f"... and {300 - limits.MAX_SHOWN} more"


@pytest.mark.parametrize(
    ("content", "name"),
    [
        ('version: 1\nclinic: {name: "X"}\n"\\e]0;owned\\a\\e[2J": 1\n', "a.yaml"),
        ('{"version": 1, "clinic": {"name": "X"},\n "\\u001b]0;owned\\u0007\\u001b[2J\\u202e": 1}', "a.json"),
    ],
    ids=["yaml", "json"],
)
def test_control_characters_from_a_file_are_shown_escaped(tmp_path: Path, content: str, name: str) -> None:
    (tmp_path / name).write_text(content)
    result = run("plan", name, cwd=tmp_path)
    assert result.returncode == 2
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr and "\u202e" not in result.stderr
    assert "unknown key '\\x1b]0;owned\\x07\\x1b[2J" in result.stderr, result.stderr


# ------------------------------------------------------------------ files that are not regular files


def make_fifo(path: Path) -> None:
    os.mkfifo(path)


def make_socket(path: Path) -> socket.socket:
    s = socket.socket(socket.AF_UNIX)
    s.bind(str(path))
    return s


@pytest.mark.parametrize("command", ["plan", "pack"])
@pytest.mark.parametrize(
    ("make", "kind"),
    [(make_fifo, "a named pipe"), (make_socket, "a socket"), (lambda p: p.mkdir(), None)],
    ids=["fifo", "socket", "folder"],
)
def test_special_input_files_are_refused_at_once(tmp_path: Path, command: str, make: Callable[[Path], object], kind: str | None) -> None:
    keep = make(tmp_path / "answers.yaml")
    before = snapshot(tmp_path)
    out = ["-o", "out.json"] if command == "plan" else ["-o", "pack"]
    result = run(command, "answers.yaml", *out, cwd=tmp_path)
    expected = Msg.NOT_REGULAR.format(kind=kind) if kind else Msg.IS_FOLDER.value
    if isinstance(keep, socket.socket):
        keep.close()
    assert_one_error(result, "answers.yaml", expected)
    assert snapshot(tmp_path) == before


def test_a_device_is_refused(tmp_path: Path) -> None:
    result = run("plan", "/dev/zero", cwd=tmp_path)
    assert_one_error(result, "/dev/zero", Msg.NOT_REGULAR.format(kind="a device"))


# ------------------------------------------------------------------ outputs that never clobber

ANSWERS = ROOT / "examples" / "riverside.yaml"


@pytest.fixture
def answers_copy(tmp_path: Path) -> Path:
    path = tmp_path / "answers.yaml"
    shutil.copy(ANSWERS, path)
    return path


def test_plan_refuses_to_write_over_a_fifo_or_a_socket(tmp_path: Path, answers_copy: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    sock = make_socket(tmp_path / "sock")
    for target, kind in (("pipe", "named pipe"), ("sock", "socket")):
        result = run("plan", "answers.yaml", "-o", target, cwd=tmp_path)
        assert_one_error(result, target, Msg.OUTPUT_SPECIAL.format(kind=kind))
    assert (tmp_path / "pipe").is_fifo() and (tmp_path / "sock").is_socket()
    sock.close()


@pytest.mark.parametrize("via_link", [False, True], ids=["same-path", "symlink"])
def test_plan_refuses_to_overwrite_its_own_input(tmp_path: Path, answers_copy: Path, via_link: bool) -> None:
    target = "answers.yaml"
    if via_link:
        (tmp_path / "link.yaml").symlink_to(answers_copy)
        target = "link.yaml"
    result = run("plan", "answers.yaml", "-o", target, cwd=tmp_path)
    assert_one_error(result, target, Msg.OUTPUT_IS_INPUT.value)
    assert answers_copy.read_bytes() == ANSWERS.read_bytes()


@pytest.mark.parametrize("folder", ["questionnaire", "templates", "guidance"])
def test_outputs_never_land_in_the_projects_own_folders(project: Project, tmp_path: Path, answers_copy: Path, folder: str) -> None:
    before = snapshot(project.root / folder)
    target = project.root / folder / ("space.yaml" if folder == "questionnaire" else "x.md")
    for args in (["plan", "answers.yaml", "-o", str(target)], ["export", "-o", str(target)],
                 ["pack", "answers.yaml", "-o", str(project.root / folder / "pack")]):
        result = run(*args, "--root", str(project.root), cwd=tmp_path)
        assert result.returncode == 2, result.stderr
        assert Msg.OUTPUT_PROTECTED.format(folder=folder) in result.stderr and len(result.stderr.splitlines()) == 1
    assert snapshot(project.root / folder) == before


def test_an_unwritable_output_names_the_users_path_not_a_temporary_file(tmp_path: Path, answers_copy: Path) -> None:
    (tmp_path / "file").write_text("x")
    result = run("plan", "answers.yaml", "-o", "file/plan.md", cwd=tmp_path)
    assert_one_error(result, "file/plan.md", "cannot write here")
    assert ".tmp" not in result.stderr


@pytest.mark.parametrize(
    ("prepare", "message"),
    [
        (lambda p: p.write_text("a file"), Msg.OUTPUT_NOT_FOLDER.value),
        (lambda p: (p.mkdir(), (p / "thesis.odt").write_text("mine")), Msg.OUTPUT_FOREIGN.format(name="thesis.odt")),
        (lambda p: (p.mkdir(), (p / "sub").mkdir()), Msg.OUTPUT_FOREIGN.format(name="sub")),
        (lambda p: (p.parent.joinpath("elsewhere").mkdir(), p.symlink_to(p.parent / "elsewhere")), Msg.OUTPUT_SYMLINK.value),
    ],
    ids=["a-file", "foreign-file", "subfolder", "symlink"],
)
def test_pack_only_replaces_a_folder_it_owns(tmp_path: Path, answers_copy: Path, prepare: Callable[[Path], object], message: str) -> None:
    prepare(tmp_path / "out")
    before = snapshot(tmp_path)
    result = run("pack", "answers.yaml", "-o", "out", cwd=tmp_path)
    assert_one_error(result, "out", message)
    assert snapshot(tmp_path) == before


# ------------------------------------------------------------------ the cache is verified


def test_a_tampered_blob_is_a_miss_and_is_discarded(tmp_path: Path) -> None:
    from builder.output.cache import BlobStore

    store = BlobStore(tmp_path)
    sha = store.put(b"the real plan")
    blob = tmp_path / "blobs" / sha[:2] / sha
    blob.write_bytes(b"a tampered plan")
    assert store.get(sha) is None
    assert not blob.exists()
    assert store.get("../../etc/passwd") is None


@pytest.mark.parametrize(
    "manifest",
    [
        "not json at all {",
        json.dumps({"outputs": {"../../escaped.pdf": "0" * 64}}),
        json.dumps({"outputs": {"/etc/x": "0" * 64}}),
        json.dumps({"outputs": {".hidden": "0" * 64}}),
        json.dumps({"outputs": ["plan.pdf"]}),
        json.dumps({"outputs": {}}),
        json.dumps([1, 2]),
    ],
    ids=["corrupt", "parent-path", "absolute", "hidden", "list", "empty", "not-a-mapping"],
)
def test_a_bad_manifest_is_a_miss_writes_nothing_outside_and_is_discarded(tmp_path: Path, manifest: str) -> None:
    from builder.output.cache import BlobStore, restore_pack

    cache = tmp_path / "cache"
    digest = "d" * 64
    (cache / "packs").mkdir(parents=True)
    (cache / "packs" / f"{digest}.json").write_text(manifest)
    BlobStore(cache).put(b"planted")
    out = tmp_path / "a" / "b" / "out"
    out.mkdir(parents=True)
    assert restore_pack(cache, digest, out) is None
    assert list(out.iterdir()) == [] and not (tmp_path / "a" / "escaped.pdf").exists()
    assert not (cache / "packs" / f"{digest}.json").exists()


def test_a_manifest_whose_blob_was_tampered_is_not_served(tmp_path: Path) -> None:
    from builder.output.cache import BlobStore, remember_pack, restore_pack

    cache, built, out = tmp_path / "cache", tmp_path / "built", tmp_path / "out"
    built.mkdir()
    out.mkdir()
    (built / "plan.pdf").write_bytes(b"%PDF real")
    remember_pack(cache, "e" * 64, built, ["plan.pdf"])
    assert restore_pack(cache, "e" * 64, out) == ["plan.pdf"]
    sha = json.loads((cache / "packs" / f"{'e' * 64}.json").read_text())["outputs"]["plan.pdf"]
    (cache / "blobs" / sha[:2] / sha).write_bytes(b"%PDF planted")
    out2 = tmp_path / "out2"
    out2.mkdir()
    assert restore_pack(cache, "e" * 64, out2) is None and list(out2.iterdir()) == []
    assert BlobStore(cache).get(sha) is None


def test_a_document_cache_entry_pointing_at_a_planted_blob_is_a_miss(tmp_path: Path) -> None:
    from builder.output.pack import Cache

    cache = Cache(tmp_path, "salt")
    key = cache.key("document", "plan", "blank")
    cache.put(key, "pdf", b"%PDF genuine")
    assert cache.get(key, "pdf") == b"%PDF genuine"
    sha = (tmp_path / "documents" / key[:2] / f"{key}.pdf").read_text()
    (tmp_path / "blobs" / sha[:2] / sha).write_bytes(b"%PDF planted")
    assert cache.get(key, "pdf") is None
    (tmp_path / "documents" / key[:2]).mkdir(parents=True, exist_ok=True)
    (tmp_path / "documents" / key[:2] / f"{key}.pdf").write_bytes(b"\xff\xfe not a digest")
    assert cache.get(key, "pdf") is None


def test_a_cache_folder_others_may_write_to_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from builder.output.cache import open_cache

    folder = tmp_path / "shared"
    folder.mkdir()
    folder.chmod(0o777)
    monkeypatch.setenv("READINESS_CACHE", str(folder))
    said: list[str] = []
    assert open_cache(said.append) is None
    assert said and "writable by others" in said[0] and "chmod 700" in said[0]
    private = tmp_path / "new" / "cache"
    monkeypatch.setenv("READINESS_CACHE", str(private))
    assert open_cache() == private
    assert private.stat().st_mode & 0o777 == 0o700


def test_the_default_cache_is_per_user(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from builder.output.cache import cache_dir

    monkeypatch.delenv("READINESS_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache_dir() == tmp_path / "readiness"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert cache_dir() == Path.home() / ".cache" / "readiness"


# ------------------------------------------------------------------ check: the project's own hostile data


def test_check_reports_a_question_id_duplicated_across_files(project: Project, tmp_path: Path) -> None:
    edit(project.questionnaire_dir / "space.yaml", "  - id: space_times", "  - id: budget")
    result = run("check", "--root", str(project.root), cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert "questionnaire/space.yaml:" in result.stderr
    assert "duplicate question id 'budget' (first defined at questionnaire/resource.yaml:" in result.stderr


@pytest.mark.parametrize(("depth", "message"), [(3000, Msg.TOO_DEEP.format(limit=limits.MAX_DEPTH)),
                                                 (limits.MAX_CONDITION_DEPTH + 2, Msg.DEEP_CONDITION.format(limit=limits.MAX_CONDITION_DEPTH))],
                         ids=["3000-deep", "just-too-deep"])
def test_check_reports_an_over_deep_condition(project: Project, tmp_path: Path, depth: int, message: str) -> None:
    deep = "{equals: [space, none]}"
    for _ in range(depth):
        deep = "{not: " + deep + "}"
    edit(project.questionnaire_dir / "space.yaml", "ask_if: {equals: [space, shared_room]}", "ask_if: " + deep)
    result = run("check", "--root", str(project.root), cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert result.stderr.startswith("questionnaire/space.yaml:") and message in result.stderr, result.stderr


# ------------------------------------------------------------------ packs: whole folders, no orphans


def _marked_processes(mark: str) -> list[int]:
    """Processes whose environment carries `mark`: the pack, its forkserver, tracker and workers."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if f"READINESS_TEST_MARK={mark}".encode() in (entry / "environ").read_bytes():
                    pids.append(int(entry.name))
            except OSError:
                pass
    return pids


def _wait_until(test: Callable[[], bool], seconds: float) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if test():
            return True
        time.sleep(0.1)
    return test()


def _ctrl_c_reaches_it() -> None:
    """In the child, before the command starts: Ctrl-C back to the system's default, as in a terminal. A test run that
    was itself started in the background by a shell without job control (`cmd &` in a script) inherits SIGINT
    ignored, and Python keeps ignoring a signal it starts with ignored, so Ctrl-C would never reach the command."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _start_pack(tmp_path: Path, mark: str, out: str = "out") -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "READINESS_TEST_MARK": mark, "READINESS_CACHE": str(tmp_path / "cache")}
    return subprocess.Popen([*READINESS, "pack", str(ANSWERS), "-o", out, "--no-cache", "--no-docx", "-j", "2"], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                            preexec_fn=_ctrl_c_reaches_it)


def _workers_started(mark: str) -> bool:
    return len(_marked_processes(mark)) >= 4  # the pack, forkserver, resource tracker, a worker


@pytest.mark.slow
@pytest.mark.parametrize("how", ["SIGKILL", "SIGINT", "SIGTERM"])
def test_killing_pack_leaves_no_process_and_no_partial_output(tmp_path: Path, how: str) -> None:
    mark = uuid.uuid4().hex
    proc = _start_pack(tmp_path, mark)
    try:
        assert _wait_until(lambda: _workers_started(mark), TIMEOUT), "the pack never started its workers"
        time.sleep(1)  # mid-render
        if how == "SIGINT":
            os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C: the whole foreground group
        else:
            os.kill(proc.pid, getattr(signal, how))  # the pack alone
        _, err = proc.communicate(timeout=TIMEOUT)
        assert _wait_until(lambda: not _marked_processes(mark), 10), f"orphans: {_marked_processes(mark)}"
    finally:
        for pid in _marked_processes(mark):
            os.kill(pid, signal.SIGKILL)
    assert not (tmp_path / "out").exists(), "no partial pack"
    if how == "SIGINT":
        assert proc.returncode == 130 and "interrupted; nothing was written" in err and "Traceback" not in err
    elif how == "SIGTERM":
        assert proc.returncode == 128 + signal.SIGTERM and "Traceback" not in err
    if how != "SIGKILL":  # a killed process cannot clean up: its stage is removed by the next run (below)
        assert [p.name for p in tmp_path.iterdir() if p.name != "cache"] == []


@pytest.mark.slow
def test_a_pack_replaces_the_previous_one_whole_and_concurrent_packs_do_not_mix(tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = _start_pack(tmp_path, uuid.uuid4().hex)
    second = _start_pack(tmp_path, uuid.uuid4().hex)
    for proc in (first, second):
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
    riverside = sorted(p.name for p in out.iterdir())
    assert "confidentiality.pdf" in riverside
    (tmp_path / "hillside.yaml").write_bytes((ROOT / "examples" / "hillside.yaml").read_bytes())
    (tmp_path / f".out.{2**22 + 7}.dead.new").mkdir()  # the stage of a run that was SIGKILLed
    result = run("pack", "hillside.yaml", "-o", "out", "--no-docx", "--no-cache", cwd=tmp_path, cap=False, timeout=300)
    assert result.returncode == 0, result.stderr
    hillside = sorted(p.name for p in out.iterdir())
    assert "confidentiality.pdf" not in hillside, "nothing of Riverside's is left"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == [], "stale stages are cleaned up"


@pytest.mark.slow
def test_a_cached_pack_is_never_served_for_a_file_that_does_not_validate(tmp_path: Path) -> None:
    env = {"READINESS_CACHE": str(tmp_path / "cache")}
    (tmp_path / "clinic.yaml").write_bytes(ANSWERS.read_bytes())
    first = run("pack", "clinic.yaml", "-o", "out", "--no-docx", cwd=tmp_path, cap=False, env=env, timeout=300)
    assert first.returncode == 0, first.stderr
    again = run("pack", "clinic.yaml", "-o", "out", "--no-docx", cwd=tmp_path, cap=False, env=env, timeout=300)
    assert "all from cache" in again.stderr
    before = snapshot(tmp_path / "out")
    (tmp_path / "clinic.json").write_bytes(ANSWERS.read_bytes())  # the same bytes, but YAML is not JSON
    result = run("pack", "clinic.json", "-o", "out", "--no-docx", cwd=tmp_path, env=env)
    assert result.returncode == 2 and "malformed JSON" in result.stderr and "cache" not in result.stderr, result.stderr
    assert snapshot(tmp_path / "out") == before


_FLOW_TEXT = st.text(alphabet="ab []{}#'\"|>:-,\\\n", max_size=12)
_FLOW_DATA = st.recursive(st.one_of(_FLOW_TEXT, st.integers()), lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_FLOW_TEXT, inner, max_size=3), max_leaves=60)


@settings(max_examples=150, deadline=None)
@given(data=_FLOW_DATA, flow=st.booleans())
def test_the_depth_limit_is_the_toolkits_whatever_the_yaml_library(data: object, flow: bool) -> None:
    """The raw-text depth pass refuses exactly what the event scan refuses: never a file within the limit, always one past it,
    and always with the toolkit's message, before the library's own nesting limit (PyYAML 6.0.4 has one) can speak."""
    from builder.load.sources import parse_yaml

    text = yaml.safe_dump({"note": data}, default_flow_style=flow, allow_unicode=True)

    def depth(value: object) -> int:
        if isinstance(value, dict):
            return 1 + max((depth(v) for v in value.values()), default=0)
        if isinstance(value, list):
            return 1 + max((depth(v) for v in value), default=0)
        return 0

    deep: list[object] = []
    for _ in range(limits.MAX_DEPTH + 5):
        deep = [deep]
    deeper = yaml.safe_dump({"note": data, "deep": deep}, default_flow_style=flow, allow_unicode=True)
    for candidate, too_deep in ((text, depth({"note": data}) > limits.MAX_DEPTH), (deeper, True)):
        try:
            parse_yaml(candidate, "f.yaml")
            refused = None
        except ReadinessError as exc:
            refused = exc.problems[0].message
        assert (refused == Msg.TOO_DEEP.format(limit=limits.MAX_DEPTH)) == too_deep, (candidate, refused)


def _forward_domain(project: Project, n: int, width: int, cycle: bool) -> None:
    """Append `n` questions to space.yaml, each asked if any of the next `width - 1` has answer 'a' (the last, with
    `cycle`, if the first has): every path through them doubles with each question, so enumerating paths never ends."""
    rows = []
    for i in range(n):
        later = [f"fwd_{j}" for j in range(i + 1, min(n, i + width))] + (["fwd_0"] if cycle and i == n - 1 else [])
        rows.append(f'  - id: fwd_{i}\n    type: single\n    title: "F{i}"\n    text: "F{i}?"\n    help: "h"\n'
                    f'    guidance: "domains/space.md#space"\n'
                    + (("    ask_if: {any: [" + ", ".join(f"{{equals: [{x}, a]}}" for x in later) + "]}\n") if later else "")
                    + '    options:\n      - {id: a, label: "A"}\n      - {id: b, label: "B"}\n')
    edit(project.questionnaire_dir / "space.yaml", "findings:", "".join(rows) + "findings:")


FORWARD_REFS = sum(min(200, i + 10) - i - 1 for i in range(200))


@pytest.mark.parametrize("cycle", [False, True], ids=["forward", "cycle"])
def test_routing_order_and_cycle_checks_are_polynomial(project: Project, cycle: bool) -> None:
    """200 questions, each asked if one of the next nine has a given answer: paths number in the billions, yet the
    check (a breadth-first search with a visited set per question) finishes in about a second."""
    from builder.checks.project import load_checked

    _forward_domain(project, 200, 10, cycle)
    started = time.monotonic()
    with pytest.raises(ReadinessError) as err:
        load_checked(project)
    took = time.monotonic() - started
    assert took < 5, f"{took:.1f} s"
    messages = [p.message for p in err.value.problems]
    if cycle:
        cycles = [m for m in messages if "routing cycle" in m]
        assert len(cycles) == len(messages) == FORWARD_REFS, messages[:3]  # every question lies on a cycle through fwd_199 -> fwd_0
        assert cycles[0] == Msg.REF_CYCLE.format(where="question 'fwd_0': ask_if", cycle="fwd_0 -> " + " -> ".join(
            ["fwd_1"] + [f"fwd_{j}" for j in range(10, 200, 9)] + ["fwd_0"])), cycles[0]
    else:
        assert messages[0] == Msg.REF_FORWARD.format(where="question 'fwd_0': ask_if", question="fwd_1")
        assert len(messages) == FORWARD_REFS  # one per forward reference


# ------------------------------------------------------------------ the untrusted-text gate: every command, one verdict

CONTROL_NAME = 'version: 1\nclinic: {name: "Hill\\u0001side \\e]0;owned\\a"}\n'


@pytest.mark.parametrize("args", [
    ["plan", "bad.yaml"], ["pack", "bad.yaml", "-o", "out"], ["templates", "--answers", "bad.yaml", "-o", "out"],
    ["toolkit", "--answers", "bad.yaml", "-o", "book.pdf"], ["compare", "good.yaml", "bad.yaml"], ["assess", "--resume", "bad.yaml"],
], ids=lambda a: a[0])
def test_control_characters_get_exit_2_in_every_command(tmp_path: Path, args: list[str]) -> None:
    (tmp_path / "bad.yaml").write_text(CONTROL_NAME)
    shutil.copy(ANSWERS, tmp_path / "good.yaml")
    before = snapshot(tmp_path)
    result = run(*args, cwd=tmp_path, env={"READINESS_CACHE": str(tmp_path / "cache")})
    assert_one_error(result, "bad.yaml:2", Msg.UNSAFE_CHAR.format(key="name", kind="control", char="U+0001"))
    assert {k: v for k, v in snapshot(tmp_path).items() if not k.startswith("cache")} == before


def test_review_leaves_out_a_file_with_control_characters_and_echoes_nothing_raw(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(ANSWERS, folder / "good.yaml")
    (folder / "bad.yaml").write_text(CONTROL_NAME)
    (folder / "odd\x1b[2J.yaml").write_text(CONTROL_NAME)
    result = run("review", "in", "-o", "rev", "--no-pdf", cwd=tmp_path)
    assert result.returncode == 3, result.stderr
    assert "Traceback" not in result.stderr and "\x1b" not in result.stderr and "\x07" not in result.stderr
    reason = Msg.UNSAFE_CHAR.format(key="name", kind="control", char="U+0001")
    assert f"in/bad.yaml:2: error: not included: {reason}" in result.stderr
    assert "in/odd\\x1b[2J.yaml:2: error: not included: " in result.stderr  # escaped, not stripped (click strips only off a terminal)


# ------------------------------------------------------------------ the input gate: review folders, zip files, cache, templates


def review_lines(result: subprocess.CompletedProcess[str]) -> list[str]:
    assert "Traceback" not in result.stderr, result.stderr
    return [ln for ln in result.stderr.splitlines() if ln.strip()]


def test_review_leaves_out_devices_and_pipes_at_once_whatever_their_names(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(ANSWERS, folder / "good.yaml")
    (folder / "zero.yaml").symlink_to("/dev/zero")  # read whole, it would grow memory until killed
    os.mkfifo(folder / "pipe.yaml")
    os.mkfifo(tmp_path / "x.zip")  # opened as a zip, it would block for ever
    started = time.monotonic()
    result = run("review", "in", "x.zip", "-o", "rev", "--no-pdf", cwd=tmp_path)
    assert time.monotonic() - started < TIMEOUT
    assert result.returncode == 3, result.stderr
    lines = review_lines(result)
    assert f"in/zero.yaml: error: not included: {Msg.NOT_REGULAR.format(kind='a device')}" in lines
    assert f"in/pipe.yaml: error: not included: {Msg.NOT_REGULAR.format(kind='a named pipe')}" in lines
    assert f"x.zip: error: not included: {Msg.NOT_REGULAR.format(kind='a named pipe')}" in lines


def test_review_reads_a_file_whose_name_is_not_utf8_and_shows_it_escaped(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(ANSWERS, os.fsencode(folder) + b"/clinic\xff.yaml")
    (folder / "not-answers.txt").write_text("x")
    result = run("review", "in", "-o", "rev", "--no-pdf", cwd=tmp_path)
    assert result.returncode == 3, result.stderr
    assert "in/not-answers.txt: error: not included" in result.stderr
    report = json.loads((tmp_path / "rev" / "review.json").read_text(encoding="utf-8"))
    assert report["clinics"][0]["files"] == ["in/clinic\\xff.yaml"], "included, under its escaped name"


def _zip_with_bad_member_name(path: Path) -> None:
    """A zip whose one member claims a UTF-8 name (flag bit 11) that is not UTF-8."""
    import zipfile

    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("a.yaml", ANSWERS.read_text())
    data = bytearray(path.read_bytes())
    for at in [i for i in range(len(data)) if data.startswith(b"a.yaml", i)]:
        data[at] = 0xFF
    central = data.find(b"PK\x01\x02")
    data[7] |= 0x08
    data[central + 9] |= 0x08
    path.write_bytes(bytes(data))


def test_a_zip_whose_member_name_is_not_utf8_is_one_reason(tmp_path: Path) -> None:
    _zip_with_bad_member_name(tmp_path / "bad.zip")
    shutil.copy(ANSWERS, tmp_path / "good.yaml")
    result = run("review", "bad.zip", "good.yaml", "-o", "rev", "--no-pdf", cwd=tmp_path)
    assert result.returncode == 3, result.stderr
    lines = review_lines(result)
    assert lines[0].startswith("bad.zip: error: not included: not a readable zip file: "), lines


def test_a_zip_bomb_stops_at_the_inflation_limits_with_flat_memory(tmp_path: Path) -> None:
    """200 members of 1.9 MB of zeros: a 2 MB zip that would inflate to 380 MB. Each member stops at the ratio limit."""
    import zipfile

    with zipfile.ZipFile(tmp_path / "bomb.zip", "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        block = b"#" * 1_900_000
        for i in range(200):
            zf.writestr(f"clinic{i:03}.yaml", block)
    assert (tmp_path / "bomb.zip").stat().st_size < 2_000_000
    started = time.monotonic()
    result = run("review", "bomb.zip", "-o", "rev", "--no-pdf", "-j", "1", cwd=tmp_path)
    assert time.monotonic() - started < TIMEOUT
    assert result.returncode == 2, result.stderr
    lines = review_lines(result)
    assert lines[0] == f"bomb.zip!clinic000.yaml: error: not included: {Msg.ARCHIVE_RATIO.format(limit=limits.MAX_ARCHIVE_RATIO)}"
    assert len(lines) == limits.MAX_SHOWN + 2, lines[-3:]  # twenty, the count, and 'none could be included'
    assert lines[limits.MAX_SHOWN] == f"... and {200 - limits.MAX_SHOWN} more not included (every one is listed in the report)"


def test_a_zip_of_too_many_entries_is_one_reason_and_a_flood_of_left_out_files_prints_twenty(tmp_path: Path) -> None:
    import zipfile

    with zipfile.ZipFile(tmp_path / "huge.zip", "w") as zf:
        for i in range(limits.MAX_ARCHIVE_ENTRIES + 1):
            zf.writestr(f"n{i}.txt", "")
    with zipfile.ZipFile(tmp_path / "many.zip", "w") as zf:
        for i in range(500):
            zf.writestr(f"n{i:03}.txt", "not an answer file")
    shutil.copy(ANSWERS, tmp_path / "good.yaml")
    result = run("review", "huge.zip", "many.zip", "good.yaml", "-o", "rev", "--no-pdf", cwd=tmp_path)
    assert result.returncode == 3, result.stderr
    lines = review_lines(result)
    assert lines[0] == "huge.zip: error: not included: " + Msg.ARCHIVE_ENTRIES.format(count=limits.MAX_ARCHIVE_ENTRIES + 1, limit=limits.MAX_ARCHIVE_ENTRIES)
    assert len(lines) == limits.MAX_SHOWN + 2, lines  # twenty, the count, and 'wrote ...'
    assert lines[limits.MAX_SHOWN] == f"... and {501 - limits.MAX_SHOWN} more not included (every one is listed in the report)"
    report = json.loads((tmp_path / "rev" / "review.json").read_text(encoding="utf-8"))
    assert report["files"]["excluded"] == 501


@pytest.mark.parametrize("plant", ["fifo", "dev-zero"])
def test_a_cache_entry_replaced_by_a_pipe_or_a_link_to_a_device_is_a_miss(tmp_path: Path, plant: str) -> None:
    from builder.output.cache import BlobStore, remember_pack, restore_pack
    from builder.output.pack import Cache

    cache, built = tmp_path / "cache", tmp_path / "built"
    built.mkdir()
    (built / "plan.pdf").write_bytes(b"%PDF real")
    remember_pack(cache, "e" * 64, built, ["plan.pdf"])
    sha = json.loads((cache / "packs" / f"{'e' * 64}.json").read_text())["outputs"]["plan.pdf"]
    docs = Cache(cache, "salt")
    key = docs.key("document", "plan", "x")
    docs.put(key, "pdf", b"%PDF real")
    targets = [cache / "blobs" / sha[:2] / sha, cache / "packs" / f"{'e' * 64}.json", cache / "documents" / key[:2] / f"{key}.pdf"]
    for target in targets:
        target.unlink()
        if plant == "fifo":
            os.mkfifo(target)
        else:
            target.symlink_to("/dev/zero")
    assert BlobStore(cache).get(sha) is None
    out = tmp_path / "out"
    out.mkdir()
    assert restore_pack(cache, "e" * 64, out) is None and list(out.iterdir()) == []
    assert docs.get(key, "pdf") is None


def test_a_template_cannot_include_a_file_outside_the_templates_folder(project: Project, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("THE-SECRET")
    (project.templates_dir / "leak.html").symlink_to(secret)
    (project.templates_dir / "policies" / "leaky.html.j2").write_text("<p>{% include 'leak.html' %}</p>\n")
    result = run("check", "--root", str(project.root), cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert f"templates/leak.html: error: {Msg.TEMPLATE_OUTSIDE.format(name='leak.html')}" in result.stderr
    from builder.load.template_loader import ContainedLoader, TemplateOutside
    from builder.render.documents import environment

    env = environment(project.templates_dir)
    assert isinstance(env.loader, ContainedLoader)
    with pytest.raises(TemplateOutside):
        env.get_template("policies/leaky.html.j2").render()
    with pytest.raises(TemplateOutside):
        env.get_template("../secret.txt")


# ------------------------------------------------------------------ the output gate: the same refusals for every command that writes


@pytest.mark.parametrize("folder", ["templates", "guidance", "questionnaire"])
def test_review_and_compare_never_write_into_the_toolkits_folders(project: Project, tmp_path: Path, answers_copy: Path, folder: str) -> None:
    shutil.copy(ROOT / "examples" / "hillside.yaml", tmp_path / "hillside.yaml")
    before = snapshot(project.root / folder)
    for args in (["review", "answers.yaml", "-o", str(project.root / folder), "--no-pdf"],
                 ["compare", "answers.yaml", "hillside.yaml", "-o", str(project.root / folder / "cmp")]):
        result = run(*args, "--root", str(project.root), cwd=tmp_path)
        assert_one_error(result, args[args.index("-o") + 1], Msg.OUTPUT_PROTECTED.format(folder=folder))
    assert snapshot(project.root / folder) == before


def _as_json(src: Path, dst: Path) -> None:
    dst.write_text(json.dumps(yaml.safe_load(src.read_text()), default=str))


@pytest.mark.parametrize("command", ["review", "compare"])
def test_review_and_compare_never_overwrite_their_input(tmp_path: Path, answers_copy: Path, command: str) -> None:
    name = f"{command}.json"
    _as_json(answers_copy, tmp_path / name)
    before = snapshot(tmp_path)
    args = ["review", name, "-o", ".", "--no-pdf"] if command == "review" else ["compare", "answers.yaml", name, "-o", "."]
    result = run(*args, cwd=tmp_path)
    assert_one_error(result, name, Msg.OUTPUT_IS_INPUT.value)
    assert snapshot(tmp_path) == before, "nothing written, no temporary file left"


def test_pack_refuses_a_folder_of_the_users_own_pdfs_and_replaces_only_its_own(tmp_path: Path, answers_copy: Path) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "thesis.pdf").write_bytes(b"%PDF my own work")
    (mine / "notes.md").write_text("mine")
    before = snapshot(tmp_path)
    result = run("templates", "-o", "mine", "--no-docx", cwd=tmp_path, cap=False, timeout=300)
    assert_one_error(result, "mine", Msg.OUTPUT_FOREIGN.format(name="notes.md"))
    assert snapshot(tmp_path) == before
    from builder.output.gate import MARKER, check_folder, mark

    ours = tmp_path / "ours"
    ours.mkdir()
    (ours / "plan.pdf").write_bytes(b"%PDF")
    mark(ours)
    assert (ours / MARKER).read_text() == "plan.pdf\n"
    check_folder(ours, ROOT)  # the toolkit's own: may be replaced
    (ours / "added-meanwhile.pdf").write_bytes(b"%PDF the user's")
    with pytest.raises(ReadinessError) as err:
        check_folder(ours, ROOT)
    assert err.value.problems[0].message == Msg.OUTPUT_FOREIGN.format(name="added-meanwhile.pdf")


def test_a_pack_rechecks_its_folder_under_the_lock_and_never_deletes_a_file_made_meanwhile(tmp_path: Path) -> None:
    from builder.output.fileio import check_output_folder, staged_folder

    out = tmp_path / "out"
    with pytest.raises(ReadinessError) as err:
        with staged_folder(out, recheck=lambda: check_output_folder(out, ROOT)) as stage:
            (stage / "plan.md").write_text("new")
            out.mkdir()
            (out / "made-meanwhile.docx").write_text("the user's")  # after the first check, before the swap
    assert err.value.problems[0].message == Msg.OUTPUT_FOREIGN.format(name="made-meanwhile.docx")
    assert (out / "made-meanwhile.docx").read_text() == "the user's"
    assert [p.name for p in tmp_path.iterdir()] == ["out"], "the stage is gone"


def test_a_failed_rename_part_way_puts_back_every_file_and_names_the_users_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from builder.output import gate
    from builder.output.reviewio import write_all

    out = tmp_path / "rev"
    out.mkdir()
    for name in ("a.json", "b.csv", "c.html"):
        (out / name).write_text(f"old {name}")
    real = os.replace
    calls = []

    def flaky(src: object, dst: object) -> None:
        calls.append(dst)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(gate.os, "replace", flaky)
    with pytest.raises(ReadinessError) as err:
        write_all(out, {"a.json": ["new"], "b.csv": ["new"], "c.html": ["new"]})
    monkeypatch.undo()
    assert str(err.value.problems[0]) == f"{out}: " + Msg.OUTPUT_OS.format(reason="no space left on device")
    assert {p.name: p.read_text() for p in out.iterdir()} == {n: f"old {n}" for n in ("a.json", "b.csv", "c.html")}


def test_temporary_files_of_a_killed_run_are_swept_and_no_other_file_is(tmp_path: Path, answers_copy: Path) -> None:
    dead = 2**22 + 11
    (tmp_path / f".plan.md.{dead}.abc123.tmp").write_text("left by a killed run")
    (tmp_path / f".notes.md.{dead}.abc123.tmp").write_text("not ours to touch")
    result = run("plan", "answers.yaml", "-o", "plan.md", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [f".notes.md.{dead}.abc123.tmp", "answers.yaml", "plan.md"]


@pytest.mark.slow
def _start_large_review(tmp_path: Path, files: int, *, pdf: bool = False) -> subprocess.Popen[str]:
    """`readiness review` of `files` copies of an answer file, started in its own process group (so Ctrl-C can reach it
    whole); without review.pdf unless `pdf` (whose renderer is a helper process of its own)."""
    folder = tmp_path / "in"
    folder.mkdir()
    text = ANSWERS.read_text()
    for i in range(files):
        (folder / f"c{i:05}.yaml").write_text(text.replace("Riverside Sexual Health Clinic", f"Clinic {i}"))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([*READINESS, "review", "in", "-o", "rev", "--pdf" if pdf else "--no-pdf", "-j", "2"], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                            preexec_fn=_ctrl_c_reaches_it)


def _in_group(pgid: int) -> int:
    """How many processes are in process group `pgid` (Linux's /proc/PID/stat: the group is the 5th field)."""
    count = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat_line = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        if int(stat_line.rsplit(")", 1)[1].split()[2]) == pgid:
            count += 1
    return count


def test_ctrl_c_during_a_large_review_is_one_line_and_exit_130(tmp_path: Path) -> None:
    proc = _start_large_review(tmp_path, 6000)
    # Ctrl-C once the reading workers are there (the review is under way), not after a fixed time: on a fast machine
    # a fixed wait could outlast the review.
    assert _wait_until(lambda: _in_group(proc.pid) >= 3 or proc.poll() is not None, TIMEOUT), "the review never started its workers"
    time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C: the whole foreground group, workers included
    _, err = proc.communicate(timeout=TIMEOUT)
    assert proc.returncode == 130, err
    assert [ln for ln in err.splitlines() if ln.strip()] == ["interrupted; nothing was written"], err
    assert not (tmp_path / "rev").exists()


def test_ctrl_c_during_a_review_with_its_pdf_leaves_no_process_behind(tmp_path: Path) -> None:
    """With review.pdf, the command forks its PDF renderer as it starts (builder/output/pdfhelper.py). Ctrl-C while the
    files are read: one line, exit 130, nothing written, and no process of the command's is left, the renderer
    included."""
    proc = _start_large_review(tmp_path, 3000, pdf=True)
    assert _wait_until(lambda: _in_group(proc.pid) >= 4 or proc.poll() is not None, TIMEOUT), "the review never started its workers"
    time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=TIMEOUT)
    assert proc.returncode == 130, err
    assert [ln for ln in err.splitlines() if ln.strip()] == ["interrupted; nothing was written"], err
    assert not (tmp_path / "rev").exists()
    assert _wait_until(lambda: _in_group(proc.pid) == 0, 10), "a process of the review outlived it"


def test_ctrl_c_while_the_workbook_is_being_written_leaves_no_folder(tmp_path: Path) -> None:
    """The workbook's writer keeps its rows in a folder of its own inside the output; Ctrl-C kills that writer, and the
    folder it made goes with the output folder the review made (found by CI's timing: a folder was left behind)."""
    proc = _start_large_review(tmp_path, 3000)
    rows_folder = lambda: (tmp_path / "rev").is_dir() and any(p.name.startswith(".review.xlsx.") and p.is_dir() for p in (tmp_path / "rev").iterdir())  # noqa: E731
    assert _wait_until(rows_folder, TIMEOUT), "the workbook's writer never started"
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=TIMEOUT)
    if proc.returncode == 0:  # the review finished before the signal came: nothing to prove on this run
        pytest.skip("the review finished before Ctrl-C arrived")
    assert proc.returncode == 130, err
    assert [ln for ln in err.splitlines() if ln.strip()] == ["interrupted; nothing was written"], err
    assert not (tmp_path / "rev").exists(), sorted(p.name for p in (tmp_path / "rev").iterdir())


# ------------------------------------------------------------------ spreadsheet-safe under any separator

FORMULA_NAMES = ["x;=cmd|' /C calc'!A0;=1+1", "\uff1d1+1", "  @SUM(A1)", "Hill, \"side\"; +44", "\u3000-2"]


@pytest.mark.parametrize("separator", [",", ";", "\t", "|"])
def test_every_review_csv_cell_is_quoted_and_formula_safe_under_any_separator(q_review_csv: str, separator: str) -> None:
    """Read with ';' (European locales) or any other separator, a name stays one cell and never starts a formula."""
    import csv
    import io
    import unicodedata

    body = q_review_csv.removeprefix("\ufeff")
    for line in body.split("\r\n"):
        if line:
            assert line.startswith('"') and line.endswith('"'), line  # every cell quoted, the numbers too
    for row in csv.reader(io.StringIO(body, newline=""), delimiter=separator):
        for cell in row:  # read with the wrong separator, a quoted cell can split: no piece may start a formula
            folded = unicodedata.normalize("NFKC", cell.lstrip('"')).lstrip()
            assert not folded.startswith(("=", "+", "@", "-")), (separator, cell)


@pytest.fixture(scope="module")
def q_review_csv() -> str:
    from builder.checks.project import load_checked
    from builder.load.raters import review_files
    from builder.render.review import review_csv

    q, _ = load_checked(thorough=False)
    base = yaml.safe_load(ANSWERS.read_text())
    files = []
    for i, name in enumerate(FORMULA_NAMES):
        doc = {**base, "clinic": {"name": name, "organisation": "Trust;=2+2"}}
        files.append((f"{i}.json", json.dumps(doc, default=str).encode()))
    review = review_files(q, files)
    assert len(review["clinics"]) == len(FORMULA_NAMES)
    return review_csv(review).decode("utf-8")


SPREADSHEET_CASES = ["=1", "+1", "-1", "@x", "\uff1dx", "\uff0bx", "\ufe63x", "\uff20x", "  =x", "\u3000=x", "\u00a0\u00a0@x", "\u2003\uff0d1",
                     "x=1", "Ａ", "", "\u0301=", "\ufb01=", "clinic", "\u2060=x", "\u00bd", "\ufe6b", "Trust;=2+2", "a, -b", "a;\u3000\uff0b1",
                     "a|@b", "\t=x", "a;;=1", "\U0001d7ce=", "x;\U0001d7ce"]


def test_the_browser_review_neutralises_formulas_as_python_does() -> None:
    """review.js's safeCell and builder/core/text.py's spreadsheet_safe agree on every case, Unicode forms included."""
    from builder.core.text import spreadsheet_safe

    script = "const R = require(process.argv[1]); process.stdout.write(JSON.stringify(JSON.parse(process.argv[2]).map(R.safeCell)));"
    out = subprocess.run(["node", "-e", script, str(ROOT / "builder" / "wizard" / "review.js"), json.dumps(SPREADSHEET_CASES)],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == [spreadsheet_safe(c) for c in SPREADSHEET_CASES]
    assert sum(1 for c in SPREADSHEET_CASES if spreadsheet_safe(c) != c) == 19


# ------------------------------------------------------------------ cache keys cover every input of a document

KEY_EDITS = [
    ("questionnaire/questionnaire.yaml", "share the work, each leading", "share the work, each one leading"),  # a route summary
    ("questionnaire/space.yaml", 'label: "Yes, a room we can set aside"', 'label: "Yes, a room set aside"'),  # an option label
    ("templates/policies/boundaries.html.j2", "{% block content %}", "{% block content %}<!-- edited -->"),
    ("templates/assets/print.css", "", "\n/* edited */\n"),
    ("templates/catalog.yaml", "", "\n# edited\n"),
    ("templates/bindings.yaml", "", "\n# edited\n"),
    ("templates/assets/logo.svg", None, "<svg xmlns='http://www.w3.org/2000/svg'/>"),  # a new file of any kind
]


def test_the_document_key_changes_with_every_input_kind(project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each edit, one at a time, gives every document a new key: a cached document is never served after any input changed."""
    from builder.output.pack import Cache

    monkeypatch.setenv("READINESS_CACHE", str(tmp_path / "cache"))

    def key() -> str:
        cache = Cache.for_project(project.root, project.templates_dir, questionnaire_dir=project.questionnaire_dir)
        return cache.key("pdf", "plan", "the same plan")

    keys = [key()]
    assert key() == keys[0], "unchanged inputs: the same key (the cache is used)"
    for rel, old, new in KEY_EDITS:
        path = project.root / rel
        if old is None:
            path.write_text(new)
        elif old == "":
            path.write_text(path.read_text() + new)
        else:
            edit(path, old, new)
        keys.append(key())
        assert keys[-1] != keys[-2], f"an edit to {rel} did not change the key"
    assert len(set(keys)) == len(keys)


@pytest.mark.slow
def test_a_questionnaire_edit_rebuilds_the_cached_plan_pdf(project: Project, tmp_path: Path) -> None:
    """The case found: after an edit to a route summary, pack served plan.pdf from the cache unchanged while plan.md had the edit."""
    from .test_documents import pdf_text

    env = {"READINESS_CACHE": str(tmp_path / "cache")}
    shutil.copy(ROOT / "examples" / "hillside.yaml", tmp_path / "clinic.yaml")
    args = ["pack", "clinic.yaml", "-o", "out", "--no-docx", "--root", str(project.root)]
    first = run(*args, cwd=tmp_path, cap=False, env=env, timeout=300)
    assert first.returncode == 0, first.stderr
    edit(project.questionnaire_dir / "questionnaire.yaml", "pool training, supervision", "pool EDITED training, supervision")
    second = run(*args, cwd=tmp_path, cap=False, env=env, timeout=300)
    assert second.returncode == 0, second.stderr
    assert "EDITED" in (tmp_path / "out" / "plan.md").read_text()
    assert "EDITED" in pdf_text(tmp_path / "out" / "plan.pdf")


# ------------------------------------------------------------------ clinic identity a stranger cannot take over


def test_a_strangers_file_with_a_clinics_id_cannot_take_it_over(tmp_path: Path) -> None:
    """Same clinic id, another organisation, a later date and a perfect score: reviewed apart and flagged, never merged."""
    folder = tmp_path / "in"
    folder.mkdir()
    hillside = yaml.safe_load((ROOT / "examples" / "hillside.yaml").read_text())
    hillside["clinic"]["id"] = "HILL-01"
    (folder / "hillside.yaml").write_text(yaml.safe_dump(hillside))
    stranger = yaml.safe_load((ROOT / "examples" / "riverside.yaml").read_text())
    stranger["clinic"] = {"name": hillside["clinic"]["name"], "organisation": "Someone Else Ltd", "id": "hill-01"}
    (folder / "stranger.yaml").write_text(yaml.safe_dump(stranger))
    result = run("review", "in", "-o", "rev", "--no-pdf", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    report = json.loads((tmp_path / "rev" / "review.json").read_text(encoding="utf-8"))
    orgs = sorted(c["organisation"] for c in report["clinics"])
    assert orgs == sorted([hillside["clinic"]["organisation"], "Someone Else Ltd"]), "two clinics, each its own organisation"
    genuine = next(c for c in report["clinics"] if c["organisation"] == hillside["clinic"]["organisation"])
    assert genuine["files"] == ["in/hillside.yaml"], "the stranger's answers are not the clinic's"
    assert [c["organisation"] for c in report["identity_conflicts"][0]["clinics"]] == [c["organisation"] for c in report["clinics"]]
    assert report["identity_conflicts"][0]["clinic_id"] in ("HILL-01", "hill-01")
    warning = [ln for ln in result.stderr.splitlines() if "warning: clinic id" in ln]
    assert len(warning) == 1 and "Someone Else Ltd" in warning[0] and "reviewed apart" in warning[0], result.stderr
    page = (tmp_path / "rev" / "review.html").read_text(encoding="utf-8")
    assert 'id="identity-conflicts"' in page and "<bdi>Someone Else Ltd</bdi>" in page


def test_the_browser_review_splits_a_borrowed_id_as_python_does(tmp_path: Path) -> None:
    """review.js applies the same identity rule: the same clinics, keys and identity_conflicts as builder/core/review.py."""
    from builder.checks.project import load_checked
    from builder.load.raters import review_files
    from builder.output.export import questionnaire_json

    q, _ = load_checked(thorough=False)
    base = yaml.safe_load((ROOT / "examples" / "hillside.yaml").read_text())
    docs = {
        "a.json": {**base, "clinic": {"name": "Hillside", "organisation": "Hill Trust", "id": "H-1"}},
        "b.json": {**base, "clinic": {"name": "Hillside", "id": "h-1"}, "respondent_role": "Nurse"},  # no organisation: joins a.json
        "c.json": {**base, "clinic": {"name": "Hillside", "organisation": "Someone Else", "id": "H-1"}, "respondent_role": "Other"},
    }
    files = [(name, json.dumps(d, default=str).encode()) for name, d in docs.items()]
    python = review_files(q, files)
    (tmp_path / "q.json").write_text(questionnaire_json(q), encoding="utf-8")
    (tmp_path / "files.json").write_text(json.dumps([{"name": n, "text": b.decode()} for n, b in files]), encoding="utf-8")
    wizard = ROOT / "builder" / "wizard"
    script = ("for (const f of ['engine.js', 'planning.js']) require(process.argv[1] + '/' + f);"
              "const R = require(process.argv[1] + '/review.js'); const fs = require('fs');"
              "const Q = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));"
              "const r = R.review(Q, JSON.parse(fs.readFileSync(process.argv[3], 'utf8')));"
              "process.stdout.write(JSON.stringify({conflicts: r.identity_conflicts, clinics: r.clinics.map(c => [c.key, c.files])}));")
    out = subprocess.run(["node", "-e", script, str(wizard), str(tmp_path / "q.json"), str(tmp_path / "files.json")],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    js = json.loads(out.stdout)
    assert js["conflicts"] == python["identity_conflicts"] and len(python["identity_conflicts"]) == 1
    assert js["clinics"] == [[c["key"], c["files"]] for c in python["clinics"]]
    assert sorted(map(len, (c["files"] for c in python["clinics"]))) == [1, 2]


def test_the_browser_review_applies_the_clis_size_limits(tmp_path: Path) -> None:
    """A 30 MB file is left out by review.js as by the CLI, in the same words, without being read; so is a text past 1 MB."""
    from builder.checks.project import load_checked
    from builder.core.review import MAX_BYTES
    from builder.load.raters import read_rater
    from builder.output.export import questionnaire_json

    q, _ = load_checked(thorough=False)
    (tmp_path / "q.json").write_text(questionnaire_json(q), encoding="utf-8")
    big_text = HEADER + "# x\n" * 300_000
    wizard = ROOT / "builder" / "wizard"
    script = ("for (const f of ['engine.js', 'planning.js']) require(process.argv[1] + '/' + f);"
              "const R = require(process.argv[1] + '/review.js'); const fs = require('fs');"
              "const Q = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));"
              "const long = fs.readFileSync(process.argv[3], 'utf8');"
              "const a = R.review(Q, [{name: 'huge.yaml', text: null, size: 30000000}, {name: 'long.yaml', text: long, size: 1}]);"
              "process.stdout.write(JSON.stringify(a.not_included.map(e => e.reason)));")
    (tmp_path / "long.yaml").write_text(big_text, encoding="utf-8")
    out = subprocess.run(["node", "-e", script, str(wizard), str(tmp_path / "q.json"), str(tmp_path / "long.yaml")],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    huge = tmp_path / "huge.yaml"
    with huge.open("wb") as fh:
        fh.truncate(30_000_000)
    from builder.output.reviewio import _read

    cli_huge = _read(("huge.yaml", str(huge), None))
    cli_long = read_rater(q, "long.yaml", big_text.encode())
    assert json.loads(out.stdout) == [cli_huge.reason, cli_long.reason]  # type: ignore[union-attr]
    assert MAX_BYTES < 30_000_000 and "30,000,000 bytes" in cli_huge.reason  # type: ignore[union-attr]


def test_the_readme_names_the_limits_the_code_holds() -> None:
    """The README's promises and builder/core/limits.py name the same numbers."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for value in (limits.MAX_ARCHIVE_ENTRIES, limits.MAX_ARCHIVE_BYTES, limits.MAX_STRING, limits.MAX_KEYS, limits.MAX_NODES):
        assert f"{value:,}" in readme, value
    import re

    for value in (limits.MAX_ARCHIVE_RATIO, limits.MAX_DEPTH, limits.MAX_ALIASES, limits.MAX_DIGITS, limits.MAX_SHOWN):
        assert re.search(rf"(?<![0-9,.]){value}(?![0-9,])", readme), value
    from builder.output.gate import MARKER

    assert f"`{MARKER}`" in readme and "identity_conflicts" in readme


def test_lookalike_names_are_flagged_not_merged_the_same_in_python_and_the_browser(tmp_path: Path) -> None:
    """Hillside in Latin letters, with a Cyrillic 'і', and with a Cyrillic capital en: three clinics, one look-alike cluster.
    (Full-width letters are not look-alikes but the same name: textkey's NFKC rule makes them one clinic, tests/test_text_key.py.)"""
    from builder.checks.project import load_checked
    from builder.load.raters import review_files
    from builder.output.export import questionnaire_json

    q, _ = load_checked(thorough=False)
    base = yaml.safe_load((ROOT / "examples" / "hillside.yaml").read_text())
    names = ["Hillside Clinic", "H\u0456llside Clinic", "\u041dillside  Clinic", "Riverside Clinic"]
    files = [(f"{i}.json", json.dumps({**base, "clinic": {"name": n, "organisation": "Trust"}}, default=str).encode())
             for i, n in enumerate(names)]
    python = review_files(q, files)
    assert len(python["clinics"]) == 4, "look-alikes are never merged"
    assert [sorted(c["name"] for c in cl["clinics"]) for cl in python["lookalike_names"]] == [sorted(names[:3])]
    (tmp_path / "q.json").write_text(questionnaire_json(q), encoding="utf-8")
    (tmp_path / "files.json").write_text(json.dumps([{"name": n, "text": b.decode()} for n, b in files]), encoding="utf-8")
    wizard = ROOT / "builder" / "wizard"
    script = ("for (const f of ['engine.js', 'planning.js']) require(process.argv[1] + '/' + f);"
              "const R = require(process.argv[1] + '/review.js'); const fs = require('fs');"
              "const Q = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));"
              "process.stdout.write(JSON.stringify(R.review(Q, JSON.parse(fs.readFileSync(process.argv[3], 'utf8'))).lookalike_names));")
    out = subprocess.run(["node", "-e", script, str(wizard), str(tmp_path / "q.json"), str(tmp_path / "files.json")],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == python["lookalike_names"]


def test_review_says_which_names_look_alike_on_stderr_and_in_the_report(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    base = yaml.safe_load((ROOT / "examples" / "hillside.yaml").read_text())
    for i, name in enumerate(["Hillside Clinic", "H\u0456llside Clinic"]):
        (folder / f"{i}.yaml").write_text(yaml.safe_dump({**base, "clinic": {"name": name, "organisation": "Trust"}}, allow_unicode=True))
    result = run("review", "in", "-o", "rev", "--no-pdf", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    warning = [ln for ln in result.stderr.splitlines() if "look alike" in ln]
    assert len(warning) == 1 and "'H\u0456llside Clinic'" in warning[0], result.stderr
    page = (tmp_path / "rev" / "review.html").read_text(encoding="utf-8")
    assert 'id="lookalike-names"' in page and "<bdi>H\u0456llside Clinic</bdi>" in page


@pytest.mark.slow
def test_a_folder_of_50000_files_is_reviewed_with_twenty_lines_on_stderr(tmp_path: Path) -> None:
    """50,000 files that are not answer files beside one that is: flat memory, in time, twenty lines and a count."""
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(50_000):
        (folder / f"n{i:05}.txt").write_bytes(b"")
    shutil.copy(ANSWERS, folder / "good.yaml")
    started = time.monotonic()
    result = run("review", "in", "-o", "rev", "--no-pdf", cwd=tmp_path, timeout=300)  # 5 to 10 s alone; generous on a busy machine
    assert time.monotonic() - started < 300
    assert result.returncode == 3, result.stderr[-2000:]
    lines = review_lines(result)
    assert len(lines) == limits.MAX_SHOWN + 2, lines[-3:]
    assert lines[limits.MAX_SHOWN] == f"... and {50_000 - limits.MAX_SHOWN} more not included (every one is listed in the report)"
    report = json.loads((tmp_path / "rev" / "review.json").read_text(encoding="utf-8"))
    assert report["files"] == {"read": 50_001, "included": 1, "excluded": 50_000}


def test_a_long_chain_of_waits_and_a_waiting_cycle_are_checked_without_recursion(project: Project) -> None:
    """3,000 schedule entries, each waiting for the next, the last for the first: one cycle reported, no RecursionError."""
    from builder.checks.planning import check_planning
    from builder.checks.project import load_checked
    from builder.load.sources import LoadedFile

    q, _ = load_checked(project, thorough=False)
    assert q.planning is not None
    ids = [a.id for d in q.domains for a in d.actions if a.phase == q.meta.phases[0].id][:2]
    actions = dict(q.planning.schedule.actions)
    template = next(iter(actions.values()))
    chain = {f"x{i}": template.model_copy(update={"after": [f"x{i + 1}"] if i < 2999 else [ids[0]]}) for i in range(3000)}
    actions.update(chain)
    actions[ids[0]] = template.model_copy(update={"after": ["x0"]})
    planning = q.planning.model_copy(update={"schedule": q.planning.schedule.model_copy(update={"actions": actions})})
    q = q.model_copy(update={"planning": planning})
    sources = {name: LoadedFile(f"questionnaire/{name}.yaml", {}) for name in ("costs", "figures", "schedule", "risks", "indicators")}
    started = time.monotonic()
    problems = check_planning(q, sources)
    assert time.monotonic() - started < 5
    cycles = [p.message for p in problems if "waiting cycle" in p.message]
    assert len(cycles) == 1 and cycles[0].count(" -> ") == 3001, cycles[:1]
