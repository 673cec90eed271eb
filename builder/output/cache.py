"""The caches: rendered documents and whole packs, in a private per-user folder, every blob verified.

Trust model: the cache folder is the user's own (created 0700, refused if others may write
to it), every blob is stored under the SHA-256 of its bytes and checked against it before
use, and manifest names must be plain file names. A missing, corrupt or tampered entry is
a miss (and is discarded), never a traceback and never served. A pack is only ever taken
from the cache after its answer file has been validated, and its key is the validated plan
itself plus everything else that shapes the documents (questionnaire, templates, code,
library versions, options).

This module imports nothing heavy, so a rerun with nothing changed costs a process start,
a validation and a few file copies.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path

from builder.core.errors import Msg, ReadinessError
from builder.load.gate import read_bytes
from builder.load.paths import PACKAGE, Project
from builder.output.fileio import atomic_write
from builder.output.portable import owned_by_me

CODE = PACKAGE

RENDER_LIBRARIES = ("weasyprint", "pypandoc-binary", "matplotlib", "jinja2", "python-docx", "lxml")

MAX_BLOB = 1 << 30
"""Largest cached document read back (1 GB): far above any PDF the toolkit makes, a bound on a planted file."""
MAX_MANIFEST = 1_000_000
"""Largest pack manifest or document entry read back: a few hundred bytes each in practice."""

_HEX = re.compile(r"[0-9a-f]{64}")
_PLAIN_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}")


def cache_dir() -> Path:
    """READINESS_CACHE, else $XDG_CACHE_HOME/readiness, else ~/.cache/readiness."""
    if os.environ.get("READINESS_CACHE"):
        return Path(os.environ["READINESS_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "readiness"


def open_cache(warn: Callable[[str], None] | None = None) -> Path | None:
    """The cache folder, created private; None (with a warning) if it is not safe to trust."""
    folder = cache_dir()
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = folder.stat()
    except OSError:
        return None  # no cache is slower, never wrong
    why = None
    if not stat.S_ISDIR(info.st_mode):
        why = "not a folder"
    elif not owned_by_me(info):
        why = "owned by another user"
    elif info.st_mode & 0o022:
        why = "writable by others"
    if why:
        if warn:
            warn(f"{folder}: warning: " + Msg.CACHE_UNSAFE.format(why=why, folder=folder))
        return None
    return folder


class BlobStore:
    """Content-addressed blobs: stored under their SHA-256, checked against it on every read."""

    def __init__(self, folder: Path):
        self.folder = folder

    def _path(self, sha: str) -> Path:
        return self.folder / "blobs" / sha[:2] / sha

    def get(self, sha: str) -> bytes | None:
        if not _HEX.fullmatch(sha):
            return None
        path = self._path(sha)
        try:
            data = read_bytes(path, limit=MAX_BLOB, follow=False)  # a link, a pipe or a device planted here is a miss
        except ReadinessError:
            _discard(path)
            return None
        if hashlib.sha256(data).hexdigest() != sha:  # tampered or truncated: a miss, and gone
            _discard(path)
            return None
        return data

    def put(self, data: bytes) -> str:
        sha = hashlib.sha256(data).hexdigest()
        if self.get(sha) is None:
            _best_effort(lambda: atomic_write(self._path(sha), data))
        return sha


def _discard(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass


def _best_effort(write: Callable[[], None]) -> None:
    """A cache that cannot be written (read-only, full) only makes the next run slower."""
    try:
        write()
    except OSError:
        pass


# ------------------------------------------------------------------ digests


def project_path(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def digest_files(paths: Iterable[Path], root: Path, extra: Iterable[str] = ()) -> str:
    h = hashlib.sha256()
    for item in extra:
        h.update(item.encode())
        h.update(b"\0")
    for path in paths:
        h.update(str(path.relative_to(root)).encode())
        h.update(b"\0")
        h.update(read_bytes(path, project_path(path, root), MAX_BLOB))  # a link to a device or pipe is one located line, not a hang
    return h.hexdigest()


def _files_under(folder: Path) -> list[Path]:
    """Every file under `folder` (links to files included, hidden names skipped), sorted: nothing in it goes unkeyed."""
    return sorted(p for p in folder.rglob("*") if not any(part.startswith(".") for part in p.relative_to(folder).parts)
                  and p.is_file())


def _signature(paths: Iterable[Path]) -> tuple[tuple[str, int, int], ...]:
    """Names, sizes and change times: when none has changed the digest is reused (a long process, such as the site's
    live preview, sees an edit at once; one command hashes each file once)."""
    out = []
    for p in paths:
        try:
            info = p.stat()
            out.append((str(p), info.st_size, info.st_mtime_ns))
        except OSError:
            out.append((str(p), -1, -1))
    return tuple(out)


def renderer_digest(templates_dir: Path) -> str:
    """Everything that shapes a document besides its plan and questionnaire: every file in templates/ (stylesheets,
    images and data too), all of the toolkit's code (the renderers call the core), library versions."""
    files = _files_under(templates_dir)
    code = sorted(CODE.rglob("*.py"))
    return _renderer_digest(templates_dir, _signature(files), _signature(code))


@lru_cache(maxsize=8)
def _renderer_digest(templates_dir: Path, files: tuple[tuple[str, int, int], ...], code: tuple[tuple[str, int, int], ...]) -> str:
    from importlib.metadata import PackageNotFoundError, version

    versions = []
    for lib in RENDER_LIBRARIES:
        try:
            versions.append(f"{lib} {version(lib)}")
        except PackageNotFoundError:  # pragma: no cover - versions only sharpen the key
            pass
    return digest_files([Path(f[0]) for f in files], templates_dir, versions) + digest_files([Path(c[0]) for c in code], CODE)


def document_digest(project: Project) -> str:
    """The per-document key's salt: the renderer (above) and the questionnaire, whose titles, labels and route
    summaries a document's text is made from (a questionnaire edit must rebuild every cached document)."""
    files = sorted(project.questionnaire_dir.glob("*.yaml"))
    return renderer_digest(project.templates_dir) + digest_files(files, project.questionnaire_dir)


def pack_digest(project: Project, plan_json: str, options: str) -> str:
    """The whole-pack key: the validated plan, the questionnaire, all code, the renderer, the options."""
    files = sorted(project.questionnaire_dir.glob("*.yaml"))
    code = sorted(CODE.rglob("*.py"))
    return digest_files(files, project.root, [options, hashlib.sha256(plan_json.encode()).hexdigest(),
                                         renderer_digest(project.templates_dir), digest_files(code, CODE.parent)])


# ------------------------------------------------------------------ whole packs


def restore_pack(folder: Path, digest: str, out: Path) -> list[str] | None:
    """Copy a cached pack into `out` (a fresh folder): the names written, or None on any miss."""
    manifest = folder / "packs" / f"{digest}.json"
    try:
        outputs = json.loads(read_bytes(manifest, limit=MAX_MANIFEST, follow=False))["outputs"]
        entries = sorted(outputs.items())
        if not entries or not all(isinstance(n, str) and isinstance(s, str) and _PLAIN_NAME.fullmatch(n) for n, s in entries):
            raise ValueError("not a manifest")
    except ReadinessError as exc:
        if exc.problems[0].message != Msg.NOT_FOUND:
            _discard(manifest)  # a link, pipe or device in its place: a miss, and gone
        return None
    except (OSError, ValueError, TypeError, KeyError, AttributeError):  # corrupt: a miss, and gone
        _discard(manifest)
        return None
    store = BlobStore(folder)
    blobs = {}
    for name, sha in entries:
        data = store.get(sha)
        if data is None:
            _discard(manifest)
            return None
        blobs[name] = data
    for name, data in blobs.items():
        (out / name).write_bytes(data)
    return sorted(blobs)


def remember_pack(folder: Path, digest: str, out: Path, names: Iterable[str]) -> None:
    """Store a complete, successful pack under its digest."""
    store = BlobStore(folder)
    outputs = {name: store.put((out / name).read_bytes()) for name in names}
    _best_effort(lambda: atomic_write(folder / "packs" / f"{digest}.json", json.dumps({"outputs": outputs}, sort_keys=True)))
