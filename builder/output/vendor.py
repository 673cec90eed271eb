"""The npm packages the built site serves itself, and where their files are: in the wheel, or in a checkout's node_modules.

Standard library only: the wheel's build hook (hatch_build.py) loads this file by path to learn what to vendor.
"""

from __future__ import annotations

import json
from pathlib import Path

ASSETS: dict[str, tuple[str, str]] = {
    "assets/javascripts/iframe-worker-shim.js": ("iframe-worker", "shim/index.js"),
    "assets/wizard/vendor/js-yaml.min.js": ("js-yaml", "dist/js-yaml.min.js"),
    "assets/wizard/vendor/nunjucks.min.js": ("nunjucks", "browser/nunjucks.min.js"),
    "assets/wizard/vendor/fflate.min.js": ("fflate", "umd/index.js"),
}
"""Site path -> (npm package, file inside it). iframe-worker's shim lets search run from disk without a CDN (material's
offline plugin); js-yaml opens a YAML answer file; nunjucks fills in a policy template from the Jinja2 source; fflate
zips the Word files the filled-in documents page makes (builder/wizard/word.js), loaded only when they are asked for."""

LICENCE = "LICENSE"
"""Each package's licence file, shipped beside its files in the wheel and served beside them on the site."""

PACKAGED = Path(__file__).resolve().parent / "_vendor"
"""Where a wheel carries them: builder/output/_vendor/<package>/<file>, written by the build hook from node_modules."""


class VendorError(Exception):
    """A vendored file is missing or not the version package-lock.json names; the message says how to fix it."""


def packages() -> list[str]:
    return sorted({package for package, _ in ASSETS.values()})


def locked_versions(lock: Path) -> dict[str, str]:
    """Each vendored package's version in package-lock.json (npm's lockfileVersion 2 or 3)."""
    data = json.loads(lock.read_text(encoding="utf-8"))
    found = data.get("packages", {})
    out: dict[str, str] = {}
    for package in packages():
        entry = found.get(f"node_modules/{package}")
        if not isinstance(entry, dict) or not isinstance(entry.get("version"), str):
            raise VendorError(f"{lock}: error: {package} is not in the lock file; add it to package.json and run npm install")
        out[package] = entry["version"]
    return out


def check_node_modules(node_modules: Path, lock: Path) -> None:
    """Every vendored file is there, from the version the lock file names (what `npm ci` installs)."""
    for package, version in locked_versions(lock).items():
        manifest = node_modules / package / "package.json"
        if not manifest.is_file():
            raise VendorError(f"{manifest}: error: {package} is not installed; run npm ci (bash scripts/setup.sh does)")
        installed = json.loads(manifest.read_text(encoding="utf-8")).get("version")
        if installed != version:
            raise VendorError(f"{manifest}: error: {package} is {installed}, package-lock.json says {version}; run npm ci")
    for package, name in [*ASSETS.values(), *((p, LICENCE) for p in packages())]:
        if not (node_modules / package / name).is_file():
            raise VendorError(f"{node_modules / package / name}: error: missing; run npm ci (bash scripts/setup.sh does)")


def wheel_files(node_modules: Path) -> dict[str, str]:
    """What the build hook copies into a wheel: source path -> path inside the wheel."""
    out = {}
    for package, name in sorted({*ASSETS.values(), *((p, LICENCE) for p in packages())}):
        out[str(node_modules / package / name)] = f"builder/output/_vendor/{package}/{name}"
    return out


def asset_folder(node_modules: Path | None = None) -> Path:
    """The folder holding <package>/<file> for every vendored asset: the one named, the wheel's copy, else the checkout's node_modules."""
    from builder.load.paths import CHECKOUT

    candidates = [node_modules] if node_modules is not None else [PACKAGED, CHECKOUT / "node_modules"]
    for folder in candidates:
        if all((folder / package / name).is_file() for package, name in ASSETS.values()):
            return folder
    where = " or ".join(str(c) for c in candidates)
    raise VendorError(f"error: the site's browser assets (iframe-worker, js-yaml, nunjucks, fflate) are not in {where}; "
                      "reinstall the package, or in a checkout run bash scripts/setup.sh (npm ci)")
