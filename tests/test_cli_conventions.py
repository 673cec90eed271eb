"""Command-line conventions: - for standard input and output, a closed pipe ends quietly, --quiet, exit codes in --help,
and a toolkit file named for what it holds."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from builder.cli.main import EXIT_CODES, EXIT_PIPE_CLOSED, cli
from builder.core import limits
from builder.core.errors import Msg
from builder.load.paths import CHECKOUT

EXAMPLE = CHECKOUT / "examples" / "riverside.yaml"


def _cli(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "builder", *args], input=stdin, capture_output=True, cwd=CHECKOUT, timeout=120)


def test_dash_reads_the_answer_file_from_standard_input(tmp_path: Path) -> None:
    from_file = _cli("plan", str(EXAMPLE), "--format", "json")
    assert from_file.returncode == 0
    yaml_in = _cli("plan", "-", "--format", "json", stdin=EXAMPLE.read_bytes())
    assert yaml_in.returncode == 0, yaml_in.stderr
    assert yaml_in.stdout == from_file.stdout
    import yaml

    as_json = json.dumps(yaml.safe_load(EXAMPLE.read_text(encoding="utf-8")), default=str).encode()
    json_in = _cli("plan", "-", "--format", "json", stdin=as_json)
    assert json_in.returncode == 0, json_in.stderr
    assert json_in.stdout == from_file.stdout, "standard input starting with { is read as JSON"
    assert not (CHECKOUT / "-").exists()


@pytest.mark.parametrize(("text", "expected"), [
    (b'{"version": 1, "version": 1}', "<stdin>:1: error: " + Msg.DUPLICATE_KEY.format(key="version")),
    (b"version: 1\nclinic: [\n", "<stdin>:"),
    (b"\xff\xfe", "<stdin>:1: error: " + Msg.NOT_UTF8),
    (b"#" * (limits.MAX_BYTES + 1), "<stdin>: error: " + Msg.TOO_LARGE.format(size=f"more than {limits.MAX_BYTES}", limit=limits.MAX_BYTES)),
], ids=["json-duplicate-key", "yaml-syntax", "not-utf8", "too-large"])
def test_standard_input_is_held_to_the_files_rules(text: bytes, expected: str) -> None:
    done = _cli("plan", "-", stdin=text)
    assert done.returncode == 2
    assert done.stdout == b""
    assert done.stderr.decode().splitlines()[0].startswith(expected), done.stderr


def test_dash_output_is_standard_output(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "builder", "export", "-o", "-"], capture_output=True, cwd=tmp_path, timeout=120,
                          env={"PYTHONPATH": str(CHECKOUT), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["meta"]["version"]
    assert not (tmp_path / "-").exists(), "-o - wrote a file named -"


def test_a_closed_pipe_ends_quietly() -> None:
    """`readiness export | head -c 100`: the reader has gone; no traceback, no message, exit 141 as shells report it."""
    proc = subprocess.Popen([sys.executable, "-m", "builder", "export"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=CHECKOUT)
    assert proc.stdout is not None
    proc.stdout.close()  # before a byte is read: the 250 KB export cannot fit in the pipe
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == EXIT_PIPE_CLOSED
    assert err == b"", err


def test_quiet_keeps_errors_and_drops_status_lines(tmp_path: Path, runner: CliRunner) -> None:
    out = tmp_path / "q.json"
    loud = runner.invoke(cli, ["export", "-o", str(out)])
    assert loud.exit_code == 0 and loud.stderr == f"wrote {out}\n"
    quiet = runner.invoke(cli, ["export", "-o", str(out), "--quiet"])
    assert quiet.exit_code == 0 and quiet.stderr == "" and out.is_file()
    bad = runner.invoke(cli, ["plan", str(tmp_path / "missing.yaml"), "-q"])
    assert bad.exit_code == 2 and bad.stderr == f"{tmp_path / 'missing.yaml'}: error: {Msg.NOT_FOUND}\n"


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_commands_help_gives_its_exit_codes_and_quiet(runner: CliRunner, command: str) -> None:
    shown = runner.invoke(cli, [command, "--help"], terminal_width=400)
    assert shown.exit_code == 0
    assert EXIT_CODES in shown.output, command
    assert "-q, --quiet" in shown.output


@pytest.mark.parametrize(("args", "name", "message"), [
    (["--zip", "-o"], "toolkit.pdf", Msg.TOOLKIT_ZIP_NAME.format(suffix=".pdf", fixed="toolkit.zip")),
    (["-o"], "toolkit.zip", Msg.TOOLKIT_PDF_NAME.format(fixed="toolkit.pdf")),
])
def test_toolkit_file_is_named_for_what_it_holds(runner: CliRunner, tmp_path: Path, args: list[str], name: str, message: str) -> None:
    out = tmp_path / name
    done = runner.invoke(cli, ["toolkit", *args, str(out)])
    assert done.exit_code == 2
    assert done.output == f"{out}: error: {message}\n"
    assert not out.exists()
