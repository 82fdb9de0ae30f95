"""The on-disk artifact cache: a directory of artifacts keyed by content.

    ~/.cache/tessera/artifacts/<key>/   (TESSERA_CACHE_DIR overrides the root)
        manifest.json     key fields, and the sha256 of every file
        ...               the artifact's files

An entry is written into a temporary directory beside the final one and
published with a single rename, so a reader sees a whole entry or none:
concurrent writers of the same key race benignly (the first rename wins, the
loser discards its copy), and a writer killed half-way leaves only a
temporary directory, which no lookup ever returns and `clear` removes. Every
lookup re-checks the files against the manifest's hashes.

Pure Python: no MLIR needed (the runtime machine can read the cache).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Dict, Iterator, Optional

__all__ = ["cache_root", "make_key", "ArtifactCache"]

MANIFEST = "manifest.json"
_TMP_PREFIX = ".tmp-"


def cache_root() -> Path:
    env = os.environ.get("TESSERA_CACHE_DIR")
    if env:
        return Path(env)
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "tessera" / "artifacts"


_COMPILER_ID = []


def compiler_id() -> str:
    """Identifies the compiler build (the native library's size and mtime):
    a rebuilt Tessera whose code generation changed misses the cache
    instead of returning an artifact of the old compiler."""
    if not _COMPILER_ID:
        libs = Path(__file__).parent / "_mlir_libs"  # beside the (linked) module
        parts = []
        for lib in sorted(libs.glob("libTesseraPythonCAPI.so*")):
            try:
                st = lib.resolve().stat()
            except OSError:
                continue
            parts.append(f"{lib.name}:{st.st_size}:{st.st_mtime_ns}")
        _COMPILER_ID.append(";".join(parts) or "unknown")
    return _COMPILER_ID[0]


def make_key(**fields) -> str:
    """sha256 of the fields (IR text, target, options, schedule, versions)."""
    blob = json.dumps(fields, sort_keys=True, default=str).encode()
    return hashlib.sha256(blob).hexdigest()


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class ArtifactCache:
    def __init__(self, root: Optional[Path] = None):
        self.root = Path(root) if root is not None else cache_root()

    def get(self, key: str) -> Optional[Path]:
        """The entry's directory if it is complete and intact, else None."""
        path = self.root / key
        try:
            manifest = json.loads((path / MANIFEST).read_text())
            for name, digest in manifest["files"].items():
                if _sha256((path / name).read_bytes()) != digest:
                    return None
        except (OSError, ValueError, KeyError):
            return None
        return path

    def put(self, key: str, files: Dict[str, bytes], fields: Optional[dict] = None) -> Path:
        """Publishes `files` under `key` atomically; returns the entry."""
        self.root.mkdir(parents=True, exist_ok=True)
        final = self.root / key
        if self.get(key) is not None:
            return final
        tmp = Path(tempfile.mkdtemp(prefix=_TMP_PREFIX, dir=self.root))
        pause = float(os.environ.get("_TESSERA_CACHE_TEST_PAUSE", "0"))
        try:
            for name, data in files.items():
                with open(tmp / name, "wb") as f:
                    f.write(data)
                    f.flush()
                    os.fsync(f.fileno())
                if pause:  # test hook: widen the window a kill can hit
                    time.sleep(pause)
            manifest = {"key": key, "fields": fields or {},
                        "files": {n: _sha256(d) for n, d in files.items()}}
            (tmp / MANIFEST).write_text(json.dumps(manifest, indent=1, default=str))
            try:
                os.rename(tmp, final)
            except OSError:
                # Another writer published first (or a stale entry is there).
                if self.get(key) is None:
                    shutil.rmtree(final, ignore_errors=True)
                    os.rename(tmp, final)
                    return final
                shutil.rmtree(tmp, ignore_errors=True)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        return final

    def entries(self) -> Iterator[Path]:
        if not self.root.is_dir():
            return iter(())
        return (p for p in sorted(self.root.iterdir())
                if p.is_dir() and not p.name.startswith(_TMP_PREFIX))

    def clear(self) -> int:
        """Removes every entry and leftover temporary directory."""
        count = 0
        if self.root.is_dir():
            for p in self.root.iterdir():
                if p.is_dir():
                    shutil.rmtree(p, ignore_errors=True)
                    count += not p.name.startswith(_TMP_PREFIX)
        return count
