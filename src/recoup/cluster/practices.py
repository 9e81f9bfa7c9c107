"""The practice map: which practice folder a remittance file is triaged against.

A clearinghouse batch holds many practices' files. ``--practice-map`` names each practice's
folder by the payee's NPI (N1*PE ... XX) or by a glob over the file's path, in CSV::

    key,practice
    1548213069,practices/brightpath-pt
    */little-steps/*,practices/little-steps-aba

or TOML::

    [npi]
    1548213069 = "practices/brightpath-pt"
    [glob]
    "*/little-steps/*" = "practices/little-steps-aba"

A CSV key of ten digits is an NPI, anything else a glob. Relative folders are relative to the
map file. A glob (first match, in file order) wins over the NPI, so one folder of mixed files
can still be pinned; a file neither matches is triaged without a practice.
"""

from __future__ import annotations

import csv
import fnmatch
import re
import tomllib
from pathlib import Path
from typing import NamedTuple

__all__ = ["PracticeMap", "read_practice_map"]

_NPI = re.compile(r"\d{10}")


class PracticeMap(NamedTuple):
    by_npi: dict[str, str]
    by_glob: tuple[tuple[str, str], ...]

    @property
    def folders(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys((*self.by_npi.values(), *(f for _, f in self.by_glob))))

    def folder_for(self, name: str, payee_ids: tuple[str, ...]) -> str | None:
        for pattern, folder in self.by_glob:
            if fnmatch.fnmatch(name, pattern):
                return folder
        for payee in payee_ids:
            if payee in self.by_npi:
                return self.by_npi[payee]
        return None


EMPTY = PracticeMap({}, ())


def _folder(base: Path, text: str) -> str:
    path = Path(text.strip()).expanduser()
    return str(path if path.is_absolute() else (base / path))


def read_practice_map(path: Path) -> tuple[PracticeMap, list[str]]:
    """The map and the problems found in it (a message each, with its place)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        return EMPTY, [f"{path}: cannot read the practice map: {exc}"]
    base = path.parent
    by_npi: dict[str, str] = {}
    by_glob: list[tuple[str, str]] = []
    problems: list[str] = []
    if path.suffix.lower() == ".toml":
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            return EMPTY, [f"{path}: not valid TOML: {exc}"]
        for table in ("npi", "glob"):
            entries = data.get(table, {})
            if not isinstance(entries, dict):
                problems.append(f"{path}: [{table}] must be a table of key = folder")
                continue
            for key, folder in entries.items():
                if not isinstance(folder, str):
                    problems.append(f"{path}: [{table}] {key}: the folder must be a string")
                elif table == "npi":
                    by_npi[str(key)] = _folder(base, folder)
                else:
                    by_glob.append((str(key), _folder(base, folder)))
        unknown = sorted(set(data) - {"npi", "glob"})
        if unknown:
            problems.append(f"{path}: unknown table(s) {', '.join(unknown)} (expected npi, glob)")
        return PracticeMap(by_npi, tuple(by_glob)), problems
    reader = csv.DictReader(text.splitlines())
    if reader.fieldnames is None or not {"key", "practice"} <= set(reader.fieldnames):
        return EMPTY, [f"{path}: row 1: expected the columns key,practice"]
    for row_number, row in enumerate(reader, 2):
        key, folder = (row.get("key") or "").strip(), (row.get("practice") or "").strip()
        if not key or not folder:
            problems.append(f"{path}: row {row_number}: key and practice are both required")
        elif _NPI.fullmatch(key):
            by_npi[key] = _folder(base, folder)
        else:
            by_glob.append((key, _folder(base, folder)))
    return PracticeMap(by_npi, tuple(by_glob)), problems
