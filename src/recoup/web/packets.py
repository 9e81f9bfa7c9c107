"""The appeal packet of one denial, as a download: built by :mod:`recoup.letters`.

A packet covers the denials of one claim in one lane (the letter argues them together); the
pipeline builds it (:func:`recoup.pipeline.claim_packet`). The web app only asks for the packet
and sends a file back; what goes in a letter is decided there. A letter that fails the
library's fact check is not sent.
"""

from __future__ import annotations

import io
import shutil
import tempfile
import zipfile
from pathlib import Path

from fastapi.responses import Response

from recoup.letters import write_packet
from recoup.pipeline import claim_packet
from recoup.store import DenialRow
from recoup.web.deps import AppState
from recoup.web.errors import BadRequest, NotFound

__all__ = ["MEDIA_TYPES", "PACKET_FORMATS", "claim_file", "packet_file"]

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


def packet_file(state: AppState, row: DenialRow, fmt: str) -> Response:
    """Build the packet for the denial and return it in ``fmt`` as an attachment."""
    built = claim_packet(state.store, row.id, state.today())
    if built is None:
        raise NotFound(
            f"denial {row.id} cannot be triaged again: re-import its remittance ({row.file})"
        )
    packet = built.packet
    if packet is None:
        raise BadRequest(f"the letter failed its fact check and was not written: {built.error}")
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


def claim_file(state: AppState, row: DenialRow) -> Response:
    """The corrected or secondary 837P the denial's claim calls for, as an attachment; a claim
    recoup cannot write (a reopening, or facts the practice's data lacks) answers 400 with what
    to do or to add."""
    from recoup.claims_out import write_result
    from recoup.pipeline import CLAIM_LANES, claim_for, claim_items

    if row.lane not in CLAIM_LANES:
        raise BadRequest(f"the {row.lane} lane sends no claim: only {', '.join(CLAIM_LANES)} do")
    items = claim_items(state.store, row.id, state.today())
    filed = claim_for(items, state.store) if items else None
    if filed is None:
        raise NotFound(f"denial {row.id} cannot be triaged again with its practice folder")
    outdir = Path(tempfile.mkdtemp(prefix="recoup-claim-"))
    try:
        path = write_result(filed, outdir, state.today())
        if path is None:
            todo = "; ".join([*filed.notes, *(f"add {m}" for m in filed.missing)])
            raise BadRequest(
                f"no 837P was written for claim {filed.claim_id} ({filed.form}): {todo}"
            )
        return Response(
            path.read_bytes(),
            media_type="application/edi-x12",
            headers={"Content-Disposition": f'attachment; filename="{_stem(path.stem)}.837"'},
        )
    finally:
        shutil.rmtree(outdir, ignore_errors=True)
