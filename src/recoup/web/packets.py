"""The appeal packet of one denial, as a download: built by :mod:`recoup.letters`.

A packet covers the denials of one claim in one lane (the letter argues them together), so the
denial's siblings are fetched too; the clinical records come from the practice folder the
triage used. The web app only asks the library for the packet and sends a file back; what goes
in a letter is decided there. A letter that fails the library's fact check is not sent.
"""

from __future__ import annotations

import io
import shutil
import tempfile
import threading
import zipfile
from pathlib import Path

from fastapi.responses import Response

from recoup.letters import FactCheckError, build_packet, write_packet
from recoup.practice import Practice
from recoup.records_text import RecordSet, read_records
from recoup.store import DenialRow
from recoup.triage import WorkItem
from recoup.web.deps import AppState
from recoup.web.errors import BadRequest, NotFound

__all__ = ["MEDIA_TYPES", "PACKET_FORMATS", "packet_file"]

PACKET_FORMATS = ("pdf", "docx", "md", "zip")
MEDIA_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "md": "text/markdown; charset=utf-8",
    "zip": "application/zip",
}


def _zip(files: list[Path]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in files:
            if path.is_file():
                zf.write(path, path.name)
    return buffer.getvalue()


def _group(state: AppState, row: DenialRow) -> list[WorkItem]:
    """The work items of the denial's claim and lane, the denial first (one re-triage)."""
    return state.store.claim_items(row.id, today=state.today())


_records_lock = threading.Lock()
_records_cache: dict[str, tuple[float, RecordSet]] = {}


def _records(practice: Practice) -> RecordSet:
    """The practice's clinical records, read again only when a file in records/ changed
    (reading every PDF and DOCX on each download would cost more than the letter)."""
    folder = Path(practice.folder) / "records"
    try:
        stamp = max((f.stat().st_mtime for f in folder.iterdir()), default=0.0)
    except OSError:
        stamp = 0.0
    with _records_lock:
        cached = _records_cache.get(practice.folder)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    records = read_records(practice)
    with _records_lock:
        _records_cache[practice.folder] = (stamp, records)
    return records


def packet_file(state: AppState, row: DenialRow, fmt: str) -> Response:
    """Build the packet for the denial and return it in ``fmt`` as an attachment."""
    items = _group(state, row)
    if not items:
        raise NotFound(
            f"denial {row.id} cannot be triaged again: re-import its remittance ({row.file})"
        )
    practice = items[0].context.practice if items[0].context else None
    records = _records(practice) if practice is not None else None
    try:
        packet = build_packet(items, records, state.today())
    except FactCheckError as exc:
        raise BadRequest(f"the letter failed its fact check and was not written: {exc}") from None
    outdir = Path(tempfile.mkdtemp(prefix="recoup-packet-"))
    try:
        files = write_packet(packet, outdir, ("md", "docx", "pdf") if fmt == "zip" else (fmt,))
        stem = _stem(packet.key)
        if fmt == "zip":
            body, name = _zip(files), f"{stem}-packet.zip"
        else:
            by_name = {path.name: path for path in files}
            chosen = by_name.get("packet.pdf") if fmt == "pdf" else None
            chosen = chosen or by_name.get(f"letter.{fmt}")
            if chosen is None:
                raise NotFound(f"the packet has no {fmt} file")
            body, name = chosen.read_bytes(), f"{stem}-letter.{fmt}"
        return Response(
            body,
            media_type=MEDIA_TYPES[fmt],
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
    finally:
        shutil.rmtree(outdir, ignore_errors=True)


def _stem(key: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in key)[:80]
