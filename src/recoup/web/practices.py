"""The practice folders the web app keeps: the last uploaded copy of each practice.

The benefit counters (:mod:`recoup.accumulators`) and the letters' clinical records read a
practice folder; the app keeps one under ``<data folder>/practices/<name>``, replaced whole by
each new upload (written beside it, then swapped in, so a reader never sees half a folder).
"""

from __future__ import annotations

import shutil
import tempfile
import threading
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from recoup.findings import Severity
from recoup.practice import Practice, read_practice
from recoup.store import Store
from recoup.web.uploads import safe_name

__all__ = [
    "kept_practice",
    "kept_practices",
    "load_practices",
    "practice_key_of",
    "stored_practices",
    "visible_practices",
]

_lock = threading.Lock()
_cache: dict[Path, tuple[float, Practice | None]] = {}


def _root(data_dir: Path) -> Path:
    return data_dir / "practices"


@contextmanager
def kept_practice(data_dir: Path, folder: Path) -> Iterator[Path]:
    """Put a copy of ``folder`` in place of the kept one, and yield its path (for the store to
    import from, so the path it records outlives the upload). If the block raises, the previous
    copy is put back."""
    root = _root(data_dir)
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    target = root / _kept_name(folder)
    staging = Path(tempfile.mkdtemp(prefix=".incoming-", dir=root))
    shutil.copytree(folder, staging / "new")
    with _lock:
        if target.exists():
            target.rename(staging / "old")
        (staging / "new").rename(target)
        _cache.pop(target, None)
    try:
        yield target
    except BaseException:
        with _lock:
            shutil.rmtree(target, ignore_errors=True)
            if (staging / "old").exists():
                (staging / "old").rename(target)
            _cache.pop(target, None)
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def practice_key_of(folder: Path) -> str:
    """The key the store will know the folder's practice by (its NPI, else its name), or ""
    when practice.toml does not say."""
    try:
        data = tomllib.loads((folder / "practice.toml").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        data = {}
    return str(data.get("npi") or data.get("name") or "").strip()


def _kept_name(folder: Path) -> str:
    """The kept copy is named after the practice (its NPI, else its name, as the store knows
    it), not after the uploaded folder: two practices zipped as "practice/" or flat must not
    replace each other."""
    key = practice_key_of(folder)
    return safe_name(key) if key else safe_name(folder.name)


def kept_practices(data_dir: Path) -> list[Path]:
    root = _root(data_dir)
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))


def _load(folder: Path) -> Practice | None:
    stamp = (folder / "practice.toml").stat().st_mtime if (folder / "practice.toml").exists() else 0
    with _lock:
        cached = _cache.get(folder)
        if cached and cached[0] == stamp:
            return cached[1]
    practice, findings = read_practice(folder)
    if practice is None and any(f.severity is Severity.ERROR for f in findings):
        practice = None
    with _lock:
        _cache[folder] = (stamp, practice)
    return practice


def load_practices(data_dir: Path) -> list[tuple[Path, Practice]]:
    """Every kept practice folder that reads, with its practice."""
    out: list[tuple[Path, Practice]] = []
    for folder in kept_practices(data_dir):
        practice = _load(folder)
        if practice is not None:
            out.append((folder, practice))
    return out


_stored: list[tuple[int, str, list[tuple[Path, Practice]]]] = []  # (version, store url, practices)


def stored_practices(store: Store) -> list[tuple[Path, Practice]]:
    """Every practice the store holds, with the folder its documents are in: the one source
    the pages read (practices imported with ``recoup import`` as well as uploaded ones). Read
    again only when an import has written something since."""
    version = store.data_version()
    with _lock:
        cached = _stored[:1]
    if cached and cached[0][0] == version and cached[0][1] == store.url:
        return cached[0][2]
    found = [(Path(p.folder), p) for p in store.practices()]
    with _lock:
        _stored[:] = [(version, store.url, found)]
    return found


def visible_practices(
    store: Store, practice_keys: frozenset[str] | None
) -> list[tuple[Path, Practice]]:
    """:func:`stored_practices` that a viewer may see (``Viewer.practices``; None = all)."""
    found = stored_practices(store)
    if practice_keys is None:
        return found
    return [(folder, p) for folder, p in found if p.key in practice_keys]
