"""Import: 835 and 837P files and zipped practice folders, uploaded, checked, then handed to
the store.

Each uploaded file gets its own result line. The store imports each file in one transaction,
so a malformed file leaves nothing behind; upload checks (size, zip bombs, paths outside the
archive) refuse a file before the store sees it. A zipped practice folder is imported first,
then the claims it sent in ``claims/*.837`` and its remittances in ``remittances/``, then the
loose files, as one
:func:`recoup.pipeline.import_batch`: the worklist is refreshed once, as of the app's today.
The practice folder is kept under the data folder for the benefit
counters and the letters' clinical records.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi.responses import Response

from recoup.findings import Severity
from recoup.pipeline import ImportBatch, import_batch
from recoup.store import ImportResult
from recoup.web.deps import AppState, Viewer, app_state, reader, writer
from recoup.web.practices import kept_practice, practice_key_of
from recoup.web.uploads import UploadError, extract_zip, find_practice_folder, safe_name

__all__ = ["FileResult", "import_uploads", "router"]

router = APIRouter()
ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP = b"PK\x05\x06"


@dataclass(slots=True)
class FileResult:
    """One line of the import report, with upload names in place of temporary paths."""

    name: str
    kind: str
    status: str  # imported, already imported, failed, refused
    claims: int = 0
    new_claims: int = 0
    denials: int = 0
    changes: dict[str, int] = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status in ("imported", "already imported")

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "status": self.status,
            "claims": self.claims,
            "new_claims": self.new_claims,
            "denials": self.denials,
            "changes": self.changes,
            "messages": self.messages,
        }


def _from_store(name: str, result: ImportResult, temp: Path) -> FileResult:
    def tidy(text: str) -> str:
        return text.replace(str(temp) + "/", "").replace(str(temp), "")

    messages = [
        f"{tidy(f.place)}: {f.severity}: {f.message}"
        for f in result.findings
        if f.severity in (Severity.ERROR, Severity.WARNING)
    ]
    return FileResult(
        name=name,
        kind=result.kind,
        status=result.status,
        claims=result.claims,
        new_claims=result.new_claims,
        denials=result.denials,
        changes={table: c.inserted + c.updated for table, c in result.changes},
        messages=messages,
    )


class _Rejected(Exception):
    """The store refused the practice folder: put the previous copy back."""


def _save(upload: UploadFile, target: Path, limit: int) -> None:
    size = 0
    with target.open("wb") as out:
        while chunk := upload.file.read(1024 * 1024):
            size += len(chunk)
            if size > limit:
                raise UploadError(
                    f"the file is larger than the limit of {limit // (1024 * 1024)} MB"
                )
            out.write(chunk)


def _import_zip(
    state: AppState, batch: ImportBatch, name: str, archive: Path, temp: Path, viewer: Viewer
) -> list[FileResult]:
    folder = archive.parent / "unzipped"
    folder.mkdir()
    extract_zip(archive, folder, state.limits)
    practice_dir = find_practice_folder(folder)
    key = practice_key_of(practice_dir)
    if viewer.practices is not None and key not in viewer.practices:
        # a user kept to some practices cannot bring in (or replace) another one
        return [
            FileResult(
                name,
                "practice",
                "refused",
                messages=["this practice is not one of yours: ask an administrator"],
            )
        ]
    try:
        with kept_practice(state.data_dir, practice_dir) as kept:
            result = _from_store(name, batch.add(kept), kept.parent)
            if not result.ok:
                raise _Rejected
    except _Rejected:
        result.messages.append("nothing from this archive was imported")
        return [result]
    results = [result]
    sent = sorted((practice_dir / "claims").glob("*.837"))
    for era in [*sent, *sorted((practice_dir / "remittances").glob("*.835"))]:
        inner = f"{name}: {era.relative_to(practice_dir)}"
        results.append(_from_store(inner, batch.add(era), folder))
    return results


def _billed_by(path: Path) -> set[str]:
    """The NPIs an X12 file is for: each 835's payee (N1*PE ... *XX*npi) and each 837's billing
    provider (NM1*85 ... *XX*npi). Read from the bytes (separators from the ISA), without
    parsing the file: it only decides whether the upload is the user's to make."""
    data = path.read_bytes()
    start = data.find(b"ISA")
    if start < 0 or len(data) < start + 106:
        return set()
    element = re.escape(data[start + 3 : start + 4])
    terminator = re.escape(data[start + 105 : start + 106])
    field = rb"[^" + element + terminator + rb"]*"
    payee = rb"N1" + element + rb"PE" + element + field + element + rb"XX" + element
    payee += rb"(" + field + rb")"
    billing = (
        (rb"NM1" + element + rb"85" + (element + field) * 6 + element + rb"XX" + element)
        + rb"("
        + field
        + rb")"
    )
    found = {m.group(1).decode("ascii", "replace").strip() for m in re.finditer(payee, data)}
    found |= {m.group(1).decode("ascii", "replace").strip() for m in re.finditer(billing, data)}
    return {npi for npi in found if npi}


def _not_theirs(state: AppState, path: Path, viewer: Viewer) -> str | None:
    """Why a user kept to some practices may not import this file (None: they may): it is
    paid or billed to a practice that is not one of theirs, or to none in the store."""
    if viewer.practices is None:
        return None
    npis = _billed_by(path)
    if not npis:
        return "the file names no payee or billing provider NPI: ask an administrator"
    for npi in sorted(npis):
        key = state.store.practice_key(npi)
        if key is None or key not in viewer.practices:
            return f"the file is for NPI {npi}, not a practice of yours: ask an administrator"
    return None


def import_uploads(state: AppState, uploads: list[UploadFile], viewer: Viewer) -> list[FileResult]:
    """Import every uploaded file; one result per file (and per 835 and 837 inside a practice
    zip)."""
    if len(uploads) > state.limits.max_files:
        return [
            FileResult(
                "(upload)",
                "unknown",
                "refused",
                messages=[f"{len(uploads)} files at once; the limit is {state.limits.max_files}"],
            )
        ]
    results: list[FileResult] = []
    with (
        tempfile.TemporaryDirectory(prefix="recoup-upload-") as tmp,
        import_batch(state.store, state.today()) as batch,  # one worklist refresh, at the end
    ):
        temp = Path(tmp)
        saved: list[tuple[str, Path, bool]] = []
        for i, upload in enumerate(uploads):
            name = upload.filename or f"file {i + 1}"
            # one folder per upload keeps its own name: the store and evidence cite it
            (temp / f"{i:04d}").mkdir()
            target = temp / f"{i:04d}" / safe_name(name)
            try:
                _save(upload, target, state.limits.max_file_bytes)
            except UploadError as exc:
                results.append(FileResult(name, "unknown", "refused", messages=[str(exc)]))
                continue
            with target.open("rb") as handle:
                head = handle.read(4)
            is_zip = head in (ZIP_MAGIC, EMPTY_ZIP) or name.lower().endswith(".zip")
            saved.append((name, target, is_zip))
        # practice folders first, so the remittances are triaged against them
        for name, path, is_zip in sorted(saved, key=lambda s: not s[2]):
            if is_zip:
                try:
                    results.extend(_import_zip(state, batch, name, path, temp, viewer))
                except UploadError as exc:
                    results.append(FileResult(name, "practice", "refused", messages=[str(exc)]))
            elif (refusal := _not_theirs(state, path, viewer)) is not None:
                # a biller of one practice cannot write another practice's remittances
                results.append(FileResult(name, "unknown", "refused", messages=[refusal]))
            else:
                results.append(_from_store(name, batch.add(path), path.parent))
    state.store.audit(
        viewer.username,
        "files.import",
        detail=f"{sum(r.ok for r in results)} of {len(results)} files imported",
    )
    return results


@router.get("/import", include_in_schema=False)
def import_page(request: Request, viewer: Viewer = Depends(reader)) -> Response:
    state = app_state(request)
    return state.templates.TemplateResponse(
        request, "import.html", {"viewer": viewer, "results": None, "limits": state.limits}
    )


@router.post("/import", include_in_schema=False)
def import_form(
    request: Request,
    files: list[UploadFile] = File(...),
    viewer: Viewer = Depends(writer),
) -> Response:
    state = app_state(request)
    results = import_uploads(state, files, viewer)
    template = "_import_results.html" if request.headers.get("hx-request") else "import.html"
    return state.templates.TemplateResponse(
        request, template, {"viewer": viewer, "results": results, "limits": state.limits}
    )


@router.post("/api/imports", tags=["import"])
def api_import(
    request: Request,
    files: list[UploadFile] = File(..., description="835 files and zipped practice folders"),
    viewer: Viewer = Depends(writer),
) -> dict[str, Any]:
    """Import 835 files and zipped practice folders; one result per file."""
    results = import_uploads(app_state(request), files, viewer)
    return {
        "results": [r.to_dict() for r in results],
        "imported": sum(r.status == "imported" for r in results),
        "failed": sum(not r.ok for r in results),
    }
