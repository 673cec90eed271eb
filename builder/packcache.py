"""The whole-pack cache: when nothing that shapes a pack has changed, copy it out without rebuilding.

The key is a digest of every input, byte for byte: the answer file, the questionnaire, the
templates, the toolkit's own code, the rendering libraries' versions and the options. This
module imports nothing heavy, so a rerun with nothing changed costs a process start and a
few file copies.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path

from .fileio import atomic_write
from .paths import ROOT, Project

CODE = ROOT / "builder"


def cache_dir(project: Project) -> Path:
    return Path(os.environ.get("READINESS_CACHE", project.root / ".cache" / "documents"))


def _files(project: Project) -> Iterable[Path]:
    yield from sorted(project.questionnaire_dir.glob("*.yaml"))
    for pattern in ("*.j2", "*.css", "*.yaml"):
        yield from sorted(project.templates_dir.rglob(pattern))
    yield from sorted(CODE.rglob("*.py"))


def input_digest(project: Project, answers: Path, options: str) -> str:
    """A digest of everything a pack depends on."""
    from importlib.metadata import PackageNotFoundError, version

    h = hashlib.sha256()
    h.update(options.encode())
    h.update(answers.read_bytes())
    for path in _files(project):
        h.update(str(path.relative_to(project.root)).encode())
        h.update(path.read_bytes())
    for lib in ("weasyprint", "pypandoc-binary", "matplotlib", "jinja2"):
        try:
            h.update(version(lib).encode())
        except PackageNotFoundError:  # pragma: no cover
            pass
    return h.hexdigest()


def restore(project: Project, digest: str, out: Path) -> tuple[list[str], list[str]] | None:
    """Copy a cached pack into `out`: (files written, messages to repeat), or None if not cached whole."""
    folder = cache_dir(project)
    manifest = folder / "packs" / f"{digest}.json"
    if not manifest.is_file():
        return None
    data = json.loads(manifest.read_text(encoding="utf-8"))
    blobs = {name: folder / "blobs" / sha[:2] / sha for name, sha in data["outputs"].items()}
    if not all(p.is_file() for p in blobs.values()):
        return None
    for name, blob in blobs.items():
        atomic_write(out / name, blob.read_bytes())
    return sorted(blobs), list(data.get("messages", []))


def remember(project: Project, digest: str, out: Path, names: Iterable[str], messages: list[str]) -> None:
    """Store a complete, successful pack under its input digest."""
    folder = cache_dir(project)
    outputs = {}
    for name in names:
        data = (out / name).read_bytes()
        sha = hashlib.sha256(data).hexdigest()
        blob = folder / "blobs" / sha[:2] / sha
        if not blob.is_file():
            atomic_write(blob, data)
        outputs[name] = sha
    atomic_write(folder / "packs" / f"{digest}.json", json.dumps({"outputs": outputs, "messages": messages}, sort_keys=True))
