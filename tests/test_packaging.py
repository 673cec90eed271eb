"""A real package: the wheel carries its data, and `readiness` works from any folder outside the checkout."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from builder.load.paths import CHECKOUT, DATA_DIRS, is_checkout

pytestmark = pytest.mark.slow

_SKIP_ANYWHERE = shutil.ignore_patterns(".git", ".venv", ".cache", "*.egg-info", "__pycache__",
                                       ".pytest_cache", ".mypy_cache", ".ruff_cache", ".hypothesis")
_SKIP_AT_TOP = {"site", "build", "out", "dist"}
"""Build output at the checkout's top only: builder/site/ is the mkdocs plugin's own package."""


def SKIP(folder: str, names: list[str]) -> set[str]:  # noqa: N802  (used as shutil's ignore= callback)
    skipped = set(_SKIP_ANYWHERE(folder, names))
    if Path(folder).resolve() == CHECKOUT.resolve():
        skipped |= _SKIP_AT_TOP & set(names)
    elif "node_modules" in names:  # the top one holds the site's npm assets the wheel vendors; the test tools' are not needed
        skipped.add("node_modules")
    return skipped


def _python_for_venv() -> str:
    """Debian's own python3 where there is one (the interpreter a fresh machine has), else this one."""
    return "/usr/bin/python3" if Path("/usr/bin/python3").exists() else sys.executable


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project built as a wheel from a copy of the working tree (no build/ folder is involved: hatchling)."""
    if not is_checkout(CHECKOUT):
        pytest.fail("these tests build the wheel from the project's working copy; run them from a checkout")
    base = tmp_path_factory.mktemp("wheel")
    src = base / "src"
    shutil.copytree(CHECKOUT, src, ignore=SKIP)
    env = {k: v for k, v in os.environ.items() if k not in ("READINESS_ROOT", "PYTHONPATH")}
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(base / "dist"), str(src)],
                   check=True, env=env, capture_output=True)
    wheels = list((base / "dist").glob("*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


def _venv(base: Path, requirement: str) -> Path:
    env = {k: v for k, v in os.environ.items() if k not in ("READINESS_ROOT", "PYTHONPATH")}
    env_dir = base / "venv"
    subprocess.run([_python_for_venv(), "-m", "venv", str(env_dir)], check=True)
    subprocess.run([str(env_dir / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check", requirement],
                   check=True, env=env, capture_output=True)
    return env_dir


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel with every extra (`pip install 'peer-support-readiness[all]'`) in a clean venv."""
    return _venv(tmp_path_factory.mktemp("all"), f"{wheel}[all]")


@pytest.fixture(scope="module")
def core(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel alone, no extras: the small install."""
    return _venv(tmp_path_factory.mktemp("core"), str(wheel))


def _run(env_dir: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("READINESS_ROOT", "PYTHONPATH", "VIRTUAL_ENV")}
    env["READINESS_CACHE"] = str(cwd / "cache")
    return subprocess.run([str(env_dir / "bin" / "readiness"), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def test_wheel_ships_the_data_and_the_wizard(installed: Path) -> None:
    site = next(installed.glob("lib/python3*/site-packages"))
    data = site / "builder" / "_data"
    for name in DATA_DIRS:
        assert (data / name).is_dir(), f"{name}/ is not in the wheel"
    assert (data / "questionnaire" / "questionnaire.yaml").is_file()
    assert (data / "templates" / "catalog.yaml").is_file()
    ours = sorted(p.relative_to(CHECKOUT).as_posix() for p in (CHECKOUT / "builder").rglob("*.py") if "__pycache__" not in p.parts)
    missing = [name for name in ours if not (site / name).is_file()]
    assert not missing, f"modules left out of the wheel: {missing}"
    wizard = sorted(p.name for p in (CHECKOUT / "builder" / "wizard").iterdir() if p.suffix in (".js", ".css", ".html"))
    assert {"engine.js", "planning.js", "ui.js", "plan.js", "documents.html"} <= set(wizard)
    for name in wizard:  # every wizard file the site serves, the on-demand ones (plan.js, planning.js, tailor.js) included
        assert (site / "builder" / "wizard" / name).is_file(), f"builder/wizard/{name} is not in the wheel"


def test_installed_readiness_checks_plans_and_packs_outside_the_checkout(installed: Path, tmp_path: Path) -> None:
    example = CHECKOUT / "examples" / "riverside.yaml"
    shutil.copy(example, tmp_path / "answers.yaml")

    checked = _run(installed, tmp_path, "check")
    assert checked.returncode == 0, checked.stderr
    assert "ok:" in checked.stdout

    planned = _run(installed, tmp_path, "plan", "answers.yaml", "--format", "json")
    assert planned.returncode == 0, planned.stderr
    here = subprocess.run([sys.executable, "-m", "builder", "plan", str(example), "--format", "json"], capture_output=True, text=True,
                          cwd=CHECKOUT, check=True)
    assert planned.stdout == here.stdout, "the installed copy's plan differs from the checkout's: the wheel carries stale data"

    packed = _run(installed, tmp_path, "pack", "answers.yaml", "-o", "pack", "--no-docx")
    assert packed.returncode == 0, packed.stderr
    assert (tmp_path / "pack" / "plan.pdf").read_bytes().startswith(b"%PDF")
    assert (tmp_path / "pack" / "plan.md").is_file()
    assert (tmp_path / "pack" / "role_description.pdf").is_file()


def test_wheel_vendors_the_sites_npm_assets_with_their_licences(installed: Path) -> None:
    """Built from package-lock.json's versions: each vendored file is the one npm ci installed, beside its licence."""
    from builder.output import vendor

    site = next(installed.glob("lib/python3*/site-packages"))
    shipped = site / "builder" / "output" / "_vendor"
    locked = vendor.locked_versions(CHECKOUT / "package-lock.json")
    for package, name in vendor.ASSETS.values():
        assert (shipped / package / name).read_bytes() == (CHECKOUT / "node_modules" / package / name).read_bytes(), (package, name)
        licence = (shipped / package / vendor.LICENCE).read_bytes()
        assert licence == (CHECKOUT / "node_modules" / package / vendor.LICENCE).read_bytes() and b"Copyright" in licence, package
    assert set(locked) == set(vendor.packages())


USER_SITE = """site_name: Our clinics
use_directory_urls: {directory_urls}
theme:
  name: material
plugins:
  - search
  - readiness:
      guidance: {guidance}
"""


@pytest.fixture(scope="module")
def site_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One document cache for both builds, as a user's machine has: the second build takes the rendered documents from it."""
    return tmp_path_factory.mktemp("cache")


@pytest.mark.browser
@pytest.mark.parametrize(("directory_urls", "guidance"), [(True, True), (False, False)], ids=["directory-urls", "html-urls-no-guidance"])
def test_a_users_own_site_builds_from_the_wheel_and_its_wizard_completes(
        installed: Path, tmp_path: Path, site_cache: Path, browser, serve, directory_urls: bool, guidance: bool) -> None:  # type: ignore[no-untyped-def]
    """A fresh mkdocs site of a user's own, outside the checkout, with no npm and no node_modules anywhere near it."""
    from builder.checks.project import load_questionnaire
    from builder.load.answers import load_answers

    from .test_wizard_ui import assert_gives_the_engines_plan, complete_by_keyboard

    src = tmp_path / "oursite"
    (src / "docs").mkdir(parents=True)
    (src / "docs" / "index.md").write_text("# Our clinics\n\nOur own home page.\n", encoding="utf-8")
    (src / "mkdocs.yml").write_text(USER_SITE.format(directory_urls=str(directory_urls).lower(), guidance=str(guidance).lower()), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("READINESS_ROOT", "PYTHONPATH", "VIRTUAL_ENV")}
    env["READINESS_CACHE"] = str(site_cache)
    built = subprocess.run([str(installed / "bin" / "mkdocs"), "build", "--strict", "-d", str(tmp_path / "out")], cwd=src, env=env,
                           capture_output=True, text=True, timeout=900)
    assert built.returncode == 0, built.stderr
    assert not re.search(r"^(WARNING|ERROR) +-", built.stderr, re.M), built.stderr
    out = tmp_path / "out"
    assert (out / "index.html").read_text(encoding="utf-8").count("Our own home page") == 1, "the user's own page wins"
    wizard = "wizard/index.html" if directory_urls else "wizard.html"
    assert (out / wizard).is_file() and (out / ("templates/index.html" if directory_urls else "templates.html")).is_file()
    assert (out / "domains").is_dir() == guidance, "the toolkit's guidance pages are added only when asked for"
    assert not list(src.rglob("*.md"))[1:], "nothing is written into the user's docs_dir"

    q = load_questionnaire()
    example = CHECKOUT / "examples" / "riverside.yaml"
    af, _ = load_answers(example, q)
    server = serve(out)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        errors: list[str] = []
        missing: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("response", lambda r: missing.append(r.url) if r.status >= 400 else None)
        page.goto(server.url + wizard.removesuffix("index.html"))
        page.wait_for_selector("#wizard .rw-screen .rw-heading")
        complete_by_keyboard(page, q, af)
        assert_gives_the_engines_plan(page, q, af)
        # Every link the plan shows into the site (downloads, guidance) lands on a real file.
        links = page.evaluate("() => [...document.querySelectorAll('#wizard a[href]')].map((a) => a.href).filter((h) => h.startsWith(location.origin))")
        assert any("/downloads/blank/" in link for link in links)
        guides = page.evaluate("() => [...document.querySelectorAll('#wizard .rw-plan tr[data-action] th > :last-child')].map((a) => a.getAttribute('href'))")
        assert guides and all(bool(g) == guidance for g in guides), f"guidance links only when the site has the guidance: {guides[:3]}"
        for link in sorted({link.partition("#")[0] for link in links}):
            assert page.request.get(link).status == 200, link
        assert errors == [] and missing == [], (errors, missing)
    finally:
        context.close()


def test_the_core_install_plans_without_pdf_word_or_site_packages(core: Path, tmp_path: Path) -> None:
    """check, plan, export and review --no-pdf need no extra; a command that does says which, in one line, exit 2."""
    from builder.core.errors import Msg
    from builder.render.tools import DISTRIBUTION, EXTRAS

    site = next(core.glob("lib/python3*/site-packages"))
    for modules in EXTRAS.values():
        for module in modules:
            assert not (site / module).exists(), f"{module} came with the core install"
    shutil.copy(CHECKOUT / "examples" / "riverside.yaml", tmp_path / "answers.yaml")
    for args in (["check"], ["plan", "answers.yaml", "--format", "json"], ["export"], ["review", "answers.yaml", "-o", "rev", "--no-pdf"]):
        done = _run(core, tmp_path, *args)
        assert done.returncode == 0, (args, done.stderr)
    assert (tmp_path / "rev" / "review.html").is_file() and not (tmp_path / "rev" / "review.pdf").exists()
    for args, extra, instead in ((["pack", "answers.yaml", "-o", "pack"], "pdf", ""),
                                 (["review", "answers.yaml", "-o", "rev2"], "pdf", "; or leave out review.pdf with --no-pdf"),
                                 (["toolkit", "-o", "t.pdf"], "pdf", "")):
        done = _run(core, tmp_path, *args)
        line = Msg.EXTRA_MISSING.format(extra=extra, modules=", ".join(EXTRAS[extra]), dist=DISTRIBUTION, instead=instead)
        assert done.returncode == 2 and done.stderr == f"readiness {args[0]}: error: {line}\n", (args, done.stderr)
        assert not (tmp_path / args[args.index("-o") + 1]).exists(), "nothing is written"
