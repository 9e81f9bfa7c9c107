"""The one-pass claim JSON (recoup.store.claim_json) is byte for byte the two-pass one.

A claim's identity in the store (its key) and its stored ``detail`` were made from
``to_jsonable`` twice; the import now makes both in one walk. If a byte of either changed, a
file imported before would no longer be known as such and its claims would be stored twice.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from recoup.jsonout import dumps, to_jsonable
from recoup.store.claim_json import PLACE_FIELDS, claim_json, content_digest
from recoup.store.remits import plan_remittances
from recoup.x12 import read_835

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = sorted((ROOT / "tests" / "data").rglob("*.835")) + sorted(
    (ROOT / "examples").rglob("*.835")
)


def _old_content(value: Any) -> Any:
    """The content as the store has always hashed it: to_jsonable, place fields left out."""
    if isinstance(value, dict):
        return {k: _old_content(v) for k, v in value.items() if k not in PLACE_FIELDS}
    if isinstance(value, list):
        return [_old_content(v) for v in value]
    return value


def _old_hash(value: Any) -> str:
    text = json.dumps(_old_content(to_jsonable(value)), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def test_there_are_samples_to_compare() -> None:
    assert len(SAMPLES) >= 20


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_detail_and_hash_are_the_old_ones_on_every_sample(path: Path) -> None:
    result = read_835(path.read_bytes(), file=path.name)
    compared = 0
    for remit in result.remittances:
        header = remit._replace(claims=())
        assert content_digest(header) == _old_hash(header)
        for claim in remit.claims:
            detail, digest = claim_json(claim)
            assert detail == dumps(claim, indent=None)
            assert digest == _old_hash(claim)
            compared += 1
    assert compared == sum(len(r.claims) for r in result.remittances)


def test_a_record_with_place_fields_deep_inside_hashes_without_them() -> None:
    path = ROOT / "examples" / "brightpath-pt" / "remittances" / "2026-04-17_summit-health-plan.835"
    claim = read_835(path.read_bytes(), file=path.name).remittances[0].claims[0]
    moved = claim._replace(
        segment=claim.segment + 40,
        lines=tuple(line._replace(segment=line.segment + 40) for line in claim.lines),
    )
    assert claim_json(moved)[1] == claim_json(claim)[1]
    assert claim_json(moved)[0] != claim_json(claim)[0]  # the detail keeps where it sat
    changed = claim._replace(paid=claim.paid + 1)
    assert claim_json(changed)[1] != claim_json(claim)[1]


def test_the_keys_of_an_example_file_are_the_ones_stored_before() -> None:
    """Computed with the two-pass code (main before the one-pass change) on this file."""
    path = ROOT / "examples" / "brightpath-pt" / "remittances" / "2026-04-17_summit-health-plan.835"
    plan = plan_remittances(read_835(path.read_bytes(), file=path.name))[0]
    assert plan.key == "62960d7ae486b61a961e9904e95b42ea6fe3f24e7caa48b9d4651d6aaed82684"
    first = plan.claims[0]
    assert first.row["patient_control_number"] == "BP26011"
    assert first.key == "06e99224670922faac973a508be1e5296aa56af34e4a2a7b024a1ce0fb2afe07"
    assert first.row["content_hash"] == (
        "4d6f5ef2c70ec2b7986df0d154599e0926daa122b822758f41125103c3604201"
    )
    detail_hash = hashlib.sha256(first.row["detail"].encode()).hexdigest()
    assert detail_hash == "cb61adb707a46c54e001039e3f3b3b87a2b38b036e30a70ae933592f5c17cada"


def test_names_outside_ascii_and_odd_values_read_as_before() -> None:
    path = ROOT / "examples" / "brightpath-pt" / "remittances" / "2026-04-17_summit-health-plan.835"
    claim = read_835(path.read_bytes(), file=path.name).remittances[0].claims[0]
    assert claim.patient is not None
    odd = claim._replace(
        patient=claim.patient._replace(last_name='NÚÑEZ "ÑO" \\ 李', first_name="Zoë\t"),
        references=(*claim.references, ("F8", "ÅB")),
        dates=(),
        lines=(),
    )
    detail, digest = claim_json(odd)
    assert detail == dumps(odd, indent=None) and "NÚÑEZ" in detail
    assert digest == _old_hash(odd)
