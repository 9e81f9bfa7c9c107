"""Uploaded files, checked before anything reaches the store.

An upload is refused whole, with a message that says why, when a file is larger than the
limit, or when a practice archive is not a zip, holds too many members, would expand beyond
the total limit or by a suspicious ratio (a zip bomb), or names a path outside its own folder
(absolute paths, ``..``, drive letters, links). Checks run on the archive's directory before a
single byte is extracted, and extraction counts real bytes again, since a directory can lie.
An Office file inside the archive (a .docx in records/ is itself a zip) is checked the same way
once extracted, so a 141 KB document holding 100 MB of XML is refused here too.
"""

from __future__ import annotations

import re
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from recoup.records_text.word import office_zip_problem

__all__ = ["UploadError", "UploadLimits", "extract_zip", "find_practice_folder", "safe_name"]


class UploadError(Exception):
    """An upload refused, with the reason a person can act on."""


@dataclass(frozen=True, slots=True)
class UploadLimits:
    max_file_bytes: int = 50 * 1024 * 1024  # one 835 or one zip as uploaded
    max_request_bytes: int = 200 * 1024 * 1024  # one import request, all files together
    max_files: int = 500  # files in one request
    max_zip_members: int = 5000
    max_unzipped_bytes: int = 500 * 1024 * 1024  # a practice folder, expanded
    max_ratio: int = 200  # expanded size / compressed size, per member


OFFICE_SUFFIXES = (".docx", ".docm", ".xlsx", ".xlsm", ".pptx", ".odt", ".ods", ".odp")
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(name: str) -> str:
    """A file name fit for a temporary folder: the last path part, odd characters replaced."""
    base = PurePosixPath(name.replace("\\", "/")).name
    cleaned = _UNSAFE_NAME.sub("_", base).strip("._") or "upload"
    return cleaned[:120]


def _member_path(info: zipfile.ZipInfo) -> PurePosixPath:
    name = info.filename
    if "\\" in name or name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        raise UploadError(f"the archive names an absolute or Windows path: {name!r}")
    path = PurePosixPath(name)
    if any(part in ("..", "") for part in path.parts) or "\0" in name:
        raise UploadError(f"the archive names a path outside its folder: {name!r}")
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise UploadError(f"the archive holds a link, which is not accepted: {name!r}")
    return path


def extract_zip(archive: Path, into: Path, limits: UploadLimits) -> None:
    """Extract ``archive`` into the empty folder ``into``, or raise :class:`UploadError`."""
    try:
        with zipfile.ZipFile(archive) as zf:
            members = zf.infolist()
            if len(members) > limits.max_zip_members:
                raise UploadError(
                    f"the archive holds {len(members)} files; the limit is {limits.max_zip_members}"
                )
            declared = 0
            for info in members:
                _member_path(info)
                declared += info.file_size
                if info.file_size > 1024 * 1024 and (
                    info.file_size > limits.max_ratio * max(info.compress_size, 1)
                ):
                    ratio = info.file_size // max(info.compress_size, 1)
                    raise UploadError(
                        f"{info.filename} would expand {ratio} times: refused as a possible "
                        "zip bomb"
                    )
            if declared > limits.max_unzipped_bytes:
                raise UploadError(
                    f"the archive would expand to {declared // (1024 * 1024)} MB; the limit is "
                    f"{limits.max_unzipped_bytes // (1024 * 1024)} MB (zip bomb?)"
                )
            written = 0
            root = into.resolve()
            for info in members:
                target = (root / str(_member_path(info))).resolve()
                if not target.is_relative_to(root):
                    raise UploadError(
                        f"the archive names a path outside its folder: {info.filename!r}"
                    )
                if info.is_dir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(info) as src, target.open("wb") as out:
                    while chunk := src.read(1024 * 1024):
                        written += len(chunk)
                        if written > limits.max_unzipped_bytes:
                            raise UploadError(
                                "the archive expands beyond its declared size: refused as a "
                                "possible zip bomb"
                            )
                        out.write(chunk)
                if target.suffix.lower() in OFFICE_SUFFIXES:
                    problem = office_zip_problem(target)
                    if problem is not None:
                        raise UploadError(f"{info.filename}: the document {problem}")
    except zipfile.BadZipFile as exc:
        raise UploadError(f"not a readable zip archive: {exc}") from None
    except (zipfile.LargeZipFile, NotImplementedError, RuntimeError) as exc:
        raise UploadError(f"the archive cannot be read: {exc}") from None


def find_practice_folder(root: Path) -> Path:
    """The folder in an extracted archive that holds ``practice.toml``: the archive's top, or
    one folder down (a zipped folder)."""
    if (root / "practice.toml").is_file():
        return root
    found = sorted(
        p.parent
        for p in root.glob("*/practice.toml")
        if p.is_file() and not p.parent.name.startswith(("__MACOSX", "."))
    )
    if len(found) == 1:
        return found[0]
    if not found:
        raise UploadError("the archive holds no practice.toml (at its top or one folder down)")
    raise UploadError("the archive holds more than one practice folder: upload one at a time")
