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
from functools import lru_cache
from pathlib import Path

from .fileio import atomic_write
from .paths import ROOT, Project

CODE = ROOT / "builder"


RENDER_LIBRARIES = ("weasyprint", "pypandoc-binary", "matplotlib", "jinja2", "python-docx", "lxml")


def cache_dir(project: Project) -> Path:
    """Where both caches live: READINESS_CACHE, or .cache/documents in the project."""
    return Path(os.environ.get("READINESS_CACHE", project.root / ".cache" / "documents"))


def _digest(paths: Iterable[Path], root: Path, extra: Iterable[str] = ()) -> str:
    h = hashlib.sha256()
    for item in extra:
        h.update(item.encode())
        h.update(b"\0")
    for path in paths:
        h.update(str(path.relative_to(root)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()


@lru_cache(maxsize=8)
def renderer_digest(templates_dir: Path) -> str:
    """Everything that shapes a document besides its plan: templates, rendering code, library versions."""
    from importlib.metadata import PackageNotFoundError, version

    versions = []
    for lib in RENDER_LIBRARIES:
        try:
            versions.append(f"{lib} {version(lib)}")
        except PackageNotFoundError:  # pragma: no cover - versions only sharpen the key
            pass
    files = [p for pattern in ("*.j2", "*.css", "*.yaml") for p in sorted(templates_dir.rglob(pattern))]
    code = sorted((CODE / "render").glob("*.py"))
    return _digest(files, templates_dir, versions) + _digest(code, CODE)


def input_digest(project: Project, answers: Path, options: str) -> str:
    """A digest of everything a pack depends on: the answers, the questionnaire, all code, the renderer."""
    files = [*sorted(project.questionnaire_dir.glob("*.yaml")), *sorted(CODE.rglob("*.py"))]
    paths = [p for p in files if p.is_relative_to(project.root)]
    outside = [p for p in files if not p.is_relative_to(project.root)]  # a temporary project in tests
    return _digest(paths, project.root, [options, hashlib.sha256(answers.read_bytes()).hexdigest(),
                                         renderer_digest(project.templates_dir), _digest(outside, CODE.parent)])


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
