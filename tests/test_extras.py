"""The small install: the core commands import no optional extra, and a command whose extra is missing says which."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest
from click.testing import CliRunner

from builder.cli.main import cli
from builder.core.errors import Msg
from builder.load.paths import CHECKOUT
from builder.render import tools
from builder.render.tools import DISTRIBUTION, EXTRAS

PYPROJECT = tomllib.loads((CHECKOUT / "pyproject.toml").read_text(encoding="utf-8"))
EXAMPLE = CHECKOUT / "examples" / "riverside.yaml"


def _name(requirement: str) -> str:
    return requirement.split(">")[0].split("=")[0].split("[")[0].strip().lower().replace("_", "-")


def test_extras_table_matches_pyproject() -> None:
    """Each module the CLI checks for is brought by a distribution its extra lists, and no extra lacks a row."""
    extras = PYPROJECT["project"]["optional-dependencies"]
    assert PYPROJECT["project"]["name"] == DISTRIBUTION
    owners = {m: {d.lower().replace("_", "-") for d in ds} for m, ds in packages_distributions().items()}
    for extra, modules in EXTRAS.items():
        listed = {_name(r) for r in extras[extra]}
        for module in modules:
            assert owners.get(module, set()) & listed, f"{module} is not brought by [{extra}] ({sorted(listed)})"
    assert set(EXTRAS) <= set(extras) and {"all", "test"} <= set(extras)
    core = {_name(r) for r in PYPROJECT["project"]["dependencies"]}
    heavy = {d for ms in EXTRAS.values() for m in ms for d in owners.get(m, set())}
    assert not core & heavy, f"the core depends on an extra's package: {core & heavy}"


def _imports() -> dict[str, str]:
    """Every top-level module the package imports (at any depth in a file), with one file that does."""
    import ast

    found: dict[str, str] = {}
    for path in sorted((CHECKOUT / "builder").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module] if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module else []
            for name in names:
                found.setdefault(name.split(".")[0], str(path.relative_to(CHECKOUT)))
    return {m: f for m, f in found.items() if m not in sys.stdlib_module_names and m != "builder"}


def test_every_imported_package_is_declared() -> None:
    """A module the code imports comes from the core's dependencies or an extra's, directly or through one of them."""
    from importlib.metadata import requires

    declared = {_name(r) for r in PYPROJECT["project"]["dependencies"]}
    for extra, reqs in PYPROJECT["project"]["optional-dependencies"].items():
        if extra != "test":
            declared |= {_name(r) for r in reqs}
    reachable = set(declared)
    for dist in declared:
        try:
            reachable |= {_name(r.split(";")[0]) for r in requires(dist) or [] if "extra ==" not in r}
        except Exception:  # our own distribution (peer-support-readiness[...]) is not installed under that name here
            continue
    owners = packages_distributions()
    undeclared = {m: f for m, f in _imports().items() if not {d.lower().replace("_", "-") for d in owners.get(m, [m])} & reachable}
    assert not undeclared, f"imported but not declared in pyproject.toml: {undeclared}"


@pytest.mark.parametrize("args", [["check"], ["plan", str(EXAMPLE), "--format", "json"], ["export"]])
def test_core_commands_import_no_extra(args: list[str]) -> None:
    code = ("import sys; from builder.cli.main import cli\n"
            f"try:\n    cli({args!r}, prog_name='readiness')\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
            f"heavy = sorted(m for m in sys.modules if m.split('.')[0] in {sorted(m for ms in EXTRAS.values() for m in ms)!r})\n"
            "print('heavy:' + ','.join(heavy), file=sys.stderr)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=CHECKOUT, timeout=120)
    assert done.returncode == 0, done.stderr
    # The last line is the list ('check' warns first about figures whose date is not confirmed).
    assert done.stderr.strip().splitlines()[-1] == "heavy:", f"{args[0]} imported {done.stderr.strip()}"


@pytest.fixture
def no_docx(monkeypatch: pytest.MonkeyPatch) -> None:
    """As if the [docx] extra were not installed (its modules report no spec)."""
    real = tools.importlib.util.find_spec
    monkeypatch.setattr(tools.importlib.util, "find_spec", lambda name, *a: None if name in EXTRAS["docx"] else real(name, *a))


@pytest.mark.parametrize(("args", "instead"), [
    (["pack", str(EXAMPLE)], "; or leave out the Word files with --no-docx"),
    (["templates"], "; or leave out the Word files with --no-docx"),
    (["toolkit", "--zip"], ""),
])
def test_missing_extra_is_one_line_and_nothing_is_written(no_docx: None, tmp_path: Path, args: list[str], instead: str) -> None:
    out = tmp_path / "out.zip"
    result = CliRunner().invoke(cli, [*args, "-o", str(out)])
    line = Msg.EXTRA_MISSING.format(extra="docx", modules=", ".join(EXTRAS["docx"]), dist=DISTRIBUTION, instead=instead)
    assert result.exit_code == 2
    assert result.output == f"readiness {args[0]}: error: {line}\n"
    assert not out.exists()


def test_an_unchecked_import_of_an_extra_is_reported_the_same_way(monkeypatch: pytest.MonkeyPatch) -> None:
    """A module of an extra reached where no command checked first still gives the one line, never a traceback."""
    import builder.checks.pipeline as pipeline

    def broken(*_a: object, **_k: object) -> None:
        raise ModuleNotFoundError("No module named 'weasyprint'", name="weasyprint")

    real = tools.importlib.util.find_spec
    monkeypatch.setattr(tools.importlib.util, "find_spec", lambda name, *a: None if name == "weasyprint" else real(name, *a))
    monkeypatch.setattr(pipeline, "load_project", broken)
    result = CliRunner().invoke(cli, ["export"])
    assert result.exit_code == 2
    assert result.output == "readiness export: error: " + Msg.EXTRA_MISSING.format(
        extra="pdf", modules="weasyprint", dist=DISTRIBUTION, instead="") + "\n"
