"""Which files a batch reads: SOURCE arguments (files, folders, globs, fsspec URLs) to names.

A local file is taken as given; a local folder stands for the remittance files under it
(:data:`SUFFIXES`, recursively, hidden ones skipped); a pattern with ``*?[`` is a glob. A URL
(``scheme://...``) goes through fsspec, which also expands its globs. Each file is read whole
(:func:`read_bytes`): an 835 is at most a few hundred MB and the reader wants its bytes anyway.

Listing also takes each file's size and modification stamp (:class:`Stamp`): a rerun skips a file
whose name, size and stamp the manifest already holds without reading it again, so only the
workers ever read file bytes (a client that hashed every file first would read the whole day
twice, and over the network for remote workers).
"""

from __future__ import annotations

import glob
import hashlib
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

__all__ = ["SUFFIXES", "Listing", "Stamp", "digest", "expand_sources", "is_url", "read_bytes"]

# what a clearinghouse names an 835 file; a folder's other files (CSV, PDF) are not remittances
SUFFIXES = (".835", ".edi", ".era", ".x12", ".txt", ".dat")
_GLOB = set("*?[")


class Stamp(NamedTuple):
    """What a listing knows of a file without reading it."""

    name: str  # a local path or a URL
    size: int
    modified: str  # mtime (or a remote store's ETag / last-modified), as text

    @property
    def key(self) -> str:
        return f"{self.name}\x1f{self.size}\x1f{self.modified}"


class Listing(NamedTuple):
    files: tuple[Stamp, ...]  # sorted per SOURCE, without duplicate names
    missing: tuple[str, ...]  # SOURCE arguments that matched nothing


def is_url(source: str) -> bool:
    return "://" in source and not source.startswith("file://")


def _stamp(path: str) -> Stamp:
    info = Path(path).stat()
    return Stamp(path, info.st_size, str(info.st_mtime_ns))


def _local(source: str) -> list[Stamp]:
    path = Path(source.removeprefix("file://"))
    if path.is_file():
        names = [str(path)]
    elif path.is_dir():
        names = sorted(
            str(p)
            for p in path.rglob("*")
            if p.is_file()
            and p.suffix.lower() in SUFFIXES
            and not any(part.startswith(".") for part in p.relative_to(path).parts)
        )
    elif _GLOB & set(source):  # a glob may match folders too (examples/*/remittances)
        return [s for match in sorted(glob.glob(str(path), recursive=True)) for s in _local(match)]
    else:
        names = []
    return [_stamp(name) for name in names]


def _remote(source: str) -> list[Stamp]:
    import fsspec

    fs, _, paths = fsspec.get_fs_token_paths(source)
    found: dict[str, dict[str, object]] = {}
    for path in paths:
        info = fs.info(path)
        if info.get("type") == "directory":
            for name, detail in fs.find(path, detail=True).items():
                if Path(name).suffix.lower() in SUFFIXES and detail.get("type") == "file":
                    found[name] = detail
        else:
            found[path] = info
    stamps = []
    for name in sorted(found):
        info = found[name]
        modified = info.get("mtime") or info.get("LastModified") or info.get("ETag") or ""
        size = info.get("size")
        stamps.append(
            Stamp(fs.unstrip_protocol(name), size if isinstance(size, int) else 0, str(modified))
        )
    return stamps


def expand_sources(sources: Iterable[str]) -> Listing:
    """Every file the SOURCE arguments name, in a stable order."""
    seen: dict[str, Stamp] = {}
    missing: list[str] = []
    for source in sources:
        try:
            found = _remote(source) if is_url(source) else _local(source)
        except (OSError, ValueError, ImportError) as exc:
            missing.append(f"{source} ({exc})")
            continue
        if not found:
            missing.append(source)
        for stamp in found:
            seen.setdefault(stamp.name, stamp)
    return Listing(tuple(seen.values()), tuple(missing))


def read_bytes(name: str) -> bytes:
    """The file's bytes (raises ``OSError`` when it cannot be read)."""
    if not is_url(name):
        return Path(name.removeprefix("file://")).read_bytes()
    import fsspec

    try:
        with fsspec.open(name, "rb") as handle:
            data: bytes = handle.read()
    except (ValueError, ImportError) as exc:  # fsspec's "unknown protocol" and friends
        raise OSError(str(exc)) from exc
    return data


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
