"""Installed size of the toolkit with each extra: a fresh virtual environment per install, the wheel built from this
checkout, and the size of everything pip put into site-packages beyond what an empty environment already holds.

    python bench/install_size.py              # core, [pdf], [docx], [site], [all]
    python bench/install_size.py core pdf     # just these

Packages come from pip's usual sources (its cache makes a second run quick). The figures go in the README's
"Installing it as a package" table; run this again when a dependency is added or dropped.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTALLS = {"core": "", "pdf": "[pdf]", "docx": "[docx]", "site": "[site]", "all": "[all]"}
"""What is measured: the wheel alone, then with each extra. [site] includes [pdf] and [docx]: its downloads are PDF and Word files."""


def size(folder: Path) -> int:
    return sum(p.lstat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def biggest(site: Path, skip: set[str], n: int = 4) -> list[tuple[str, int]]:
    sizes = [(p.name, size(p) if p.is_dir() else p.stat().st_size) for p in site.iterdir()
             if not p.name.endswith((".dist-info", ".pth")) and p.name not in skip]
    return sorted(sizes, key=lambda x: -x[1])[:n]


def main(names: list[str]) -> int:
    python = "/usr/bin/python3" if Path("/usr/bin/python3").exists() else sys.executable
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "READINESS_ROOT", "VIRTUAL_ENV")}
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(base / "dist"), str(ROOT)], check=True, env=env)
        wheel = next((base / "dist").glob("*.whl"))
        subprocess.run([python, "-m", "venv", str(base / "empty")], check=True)
        empty_site = next((base / "empty").glob("lib/python3*/site-packages"))
        empty, skip = size(empty_site), {p.name for p in empty_site.iterdir()}
        print(f"wheel: {wheel.name}, {wheel.stat().st_size / 1e6:.1f} MB")
        print(f"{'install':<8} {'MB':>7}   largest packages")
        for name in names:
            venv = base / name
            subprocess.run([python, "-m", "venv", str(venv)], check=True)
            subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check", f"{wheel}{INSTALLS[name]}"],
                           check=True, env=env)
            site = next(venv.glob("lib/python3*/site-packages"))
            top = ", ".join(f"{n} {s / 1e6:.0f}" for n, s in biggest(site, skip))
            print(f"{name:<8} {(size(site) - empty) / 1e6:>7.1f}   {top}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or list(INSTALLS)))
