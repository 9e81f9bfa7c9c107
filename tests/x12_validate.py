"""Checking 837P text with pyx12, an independent implementation-guide validator.

pyx12 (a dev dependency) walks the file against its 005010X222A1 map and reports every
segment and element error; ``guide_errors`` returns them as sentences (empty means valid).
"""

from __future__ import annotations

import io
import json
import logging
import tempfile
from pathlib import Path


def guide_errors(text: str) -> list[str]:
    """pyx12's errors for an X12 file's text (``[]`` when it validates)."""
    import pyx12.params
    import pyx12.x12n_document

    logging.getLogger("pyx12").setLevel(logging.CRITICAL)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "claims.837"
        path.write_text(text, encoding="latin-1")
        errors_json = io.StringIO()
        ack = io.StringIO()
        valid = pyx12.x12n_document.x12n_document(
            pyx12.params.params(), str(path), ack, None, None, errors_json
        )
    found: list[str] = []
    raw = errors_json.getvalue().strip()
    if raw:
        _collect(json.loads(raw), found, "")
    if not valid and not found:
        found.append("pyx12 says the file is not valid: " + ack.getvalue()[-400:])
    return found


def _collect(node: object, found: list[str], where: str) -> None:
    """Every non-empty ``errors`` list in pyx12's nested report, with where it sits."""
    if isinstance(node, list):
        for item in node:
            _collect(item, found, where)
    elif isinstance(node, dict):
        here = where
        for key in ("seg_id", "trn_set_control_num", "gs_control_num", "isa_trn_set_id"):
            if key in node:
                here = f"{where}/{key}={node[key]}"
        if node.get("ack_code") not in (None, "A"):
            found.append(f"{here}: ack code {node['ack_code']}")
        for key, value in node.items():
            if key == "errors" and value:
                found += [f"{here}: {json.dumps(e, sort_keys=True)}" for e in value]
            elif isinstance(value, (list, dict)):
                _collect(value, found, here)
