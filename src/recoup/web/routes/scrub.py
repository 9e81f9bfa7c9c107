"""Check claims before sending: an uploaded 837P scrubbed claim line by claim line.

The same checks as ``recoup scrub`` (:mod:`recoup.scrub`): each line that would be denied, what
to change, the rule and its source, against the practice the claims' billing NPI names (as the
store holds it) and the history of its stored remittances (paid claims, allowed amounts). The
uploaded file is read and let go: nothing is stored, and a file with errors is reported with
its places, never scrubbed in part.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi.responses import Response

from recoup.findings import Severity
from recoup.practice import Practice
from recoup.scrub import History, Issue, ScrubClaim, claims_from_837, scrub
from recoup.web.deps import AppState, Viewer, app_state, reader, writer
from recoup.web.errors import BadRequest
from recoup.web.routes.imports import _save
from recoup.web.uploads import UploadError, safe_name
from recoup.x12.claims837 import ClaimBatch

__all__ = ["ScrubPage", "router", "scrub_uploads"]

router = APIRouter()


@dataclass(slots=True)
class LineRow:
    claim_id: str
    line: int
    service_date: str
    code: str
    units: str
    charge: str
    issues: list[Issue]


@dataclass(slots=True)
class ScrubPage:
    """What the page shows for one upload: the report's rows, or why there is none."""

    errors: list[str] = field(default_factory=list)
    practice: str = ""
    claims: int = 0
    lines: list[LineRow] = field(default_factory=list)
    claim_issues: list[Issue] = field(default_factory=list)  # line 0: the whole claim
    tables: tuple[str, ...] = ()

    @property
    def blocked(self) -> int:
        every = [*self.claim_issues, *(i for row in self.lines for i in row.issues)]
        return sum(i.severity == "block" for i in every)

    @property
    def warnings(self) -> int:
        every = [*self.claim_issues, *(i for row in self.lines for i in row.issues)]
        return sum(i.severity != "block" for i in every)

    def to_dict(self) -> dict[str, Any]:
        return {
            "errors": self.errors,
            "practice": self.practice,
            "claims": self.claims,
            "lines": [
                {
                    "claim_id": r.claim_id,
                    "line": r.line,
                    "service_date": r.service_date,
                    "code": r.code,
                    "units": r.units,
                    "charge": r.charge,
                    "issues": [i.to_dict() for i in r.issues],
                }
                for r in self.lines
            ],
            "claim_issues": [i.to_dict() for i in self.claim_issues],
            "tables": list(self.tables),
            "would_be_denied": self.blocked,
            "warnings": self.warnings,
        }


def _history(state: AppState, practice: Practice) -> History:
    history = History()
    for inputs in state.store.practice_inputs([practice.key]):
        for result in inputs.results:
            for remittance in result.remittances:
                history.add(remittance, practice)
    return history


def _practice_for(state: AppState, viewer: Viewer, npis: set[str]) -> Practice | str:
    """The practice the claims are billed by, among those the viewer may see (another
    practice is answered as one the store does not hold)."""
    found = [p for p in state.store.practices() if p.npi in npis and viewer.sees(p.key)]
    if len(found) == 1:
        return found[0]
    if not found:
        return (
            f"no practice in the store has the claims' billing NPI ({', '.join(sorted(npis))}): "
            "import its practice folder first"
        )
    return "the claims are billed by more than one practice: check one practice's file at a time"


def scrub_uploads(state: AppState, uploads: list[UploadFile], viewer: Viewer) -> ScrubPage:
    """Read the uploaded 837P files, then scrub their claims as one batch."""
    from recoup.x12.reader837 import read_837_file

    page = ScrubPage()
    if len(uploads) > state.limits.max_files:
        page.errors.append(f"{len(uploads)} files at once; the limit is {state.limits.max_files}")
        return page
    batches: list[ClaimBatch] = []
    with tempfile.TemporaryDirectory(prefix="recoup-scrub-") as tmp:
        for i, upload in enumerate(uploads):
            name = safe_name(upload.filename or f"file {i + 1}")
            (Path(tmp) / f"{i:04d}").mkdir()
            target = Path(tmp) / f"{i:04d}" / name
            try:
                _save(upload, target, state.limits.max_file_bytes)
            except UploadError as exc:
                page.errors.append(f"{name}: {exc}")
                continue
            result = read_837_file(target)
            for finding in result.findings:
                if finding.severity is Severity.ERROR:
                    place = str(finding.place).replace(str(target.parent) + "/", "")
                    page.errors.append(f"{place}: {finding.message}")
            batches.extend(result.batches)
    if page.errors:
        return page
    claims837 = [claim for batch in batches for claim in batch.claims]
    if not claims837:
        page.errors.append("no 837P claim in the file")
        return page
    found = _practice_for(state, viewer, {c.billing_provider.npi for c in claims837})
    if isinstance(found, str):
        page.errors.append(found)
        return page
    claims: list[ScrubClaim] = claims_from_837(
        [(batch.created, batch.claims) for batch in batches], found
    )
    report = scrub(claims, found, _history(state, found), store=state.store)
    by_line: dict[tuple[str, int], list[Issue]] = {}
    for issue in report.issues:
        if issue.line:
            by_line.setdefault((issue.claim_id, issue.line), []).append(issue)
        else:
            page.claim_issues.append(issue)
    page.practice = found.name
    page.claims = report.claims
    page.tables = report.tables
    for claim in claims:
        for line in claim.lines:
            page.lines.append(
                LineRow(
                    claim.claim_id,
                    line.number,
                    line.service_date.isoformat(),
                    ":".join([line.code, *line.modifiers]),
                    str(line.units),
                    str(line.charge),
                    by_line.get((claim.claim_id, line.number), []),
                )
            )
    return page


def _audit(state: AppState, viewer: Viewer, page: ScrubPage) -> None:
    state.store.audit(
        viewer.username,
        "claims.scrub",
        detail=f"{page.claims} claims, {page.blocked} would be denied"
        if not page.errors
        else "not scrubbed: the file had errors",
    )


@router.get("/scrub", include_in_schema=False)
def scrub_page(request: Request, viewer: Viewer = Depends(reader)) -> Response:
    state = app_state(request)
    return state.templates.TemplateResponse(
        request, "scrub.html", {"viewer": viewer, "page": None, "limits": state.limits}
    )


# Uploading claims to check is for the roles that may change data (``writer``), as every other
# upload: a read-only user is refused (403) before the body is read or validated, though the
# check itself stores nothing but its audit line.
@router.post("/scrub", include_in_schema=False)
def scrub_form(
    request: Request,
    files: list[UploadFile] = File(...),
    viewer: Viewer = Depends(writer),
) -> Response:
    state = app_state(request)
    page = scrub_uploads(state, files, viewer)
    _audit(state, viewer, page)
    return state.templates.TemplateResponse(
        request,
        "scrub.html",
        {"viewer": viewer, "page": page, "limits": state.limits},
        status_code=400 if page.errors else 200,
    )


@router.post("/api/scrub", tags=["claims"])
def api_scrub(
    request: Request,
    files: list[UploadFile] = File(..., description="837P claim files"),
    viewer: Viewer = Depends(writer),
) -> dict[str, Any]:
    """Check 837P claims before sending: per claim line, what would be denied, what to change,
    the rule and its source. Nothing is stored. A file with errors answers 400 with them."""
    state = app_state(request)
    page = scrub_uploads(state, files, viewer)
    _audit(state, viewer, page)
    if page.errors:
        raise BadRequest("; ".join(page.errors))
    return page.to_dict()
