"""FHIR R4 Bundle (.json) documents -> passages, each tied to a patient of the practice.

A resource belongs to the patient its ``subject`` (or ``patient``) reference names:
``Patient/<id>`` with an id of patients.csv, or a Patient resource of the bundle whose id or
identifier (the account number) matches a patient. A resource naming no known patient falls
back to the file's row in records/index.csv; without one it is reported and left out.
Resource types without a builder (Patient, Practitioner, ...) are skipped silently.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import NamedTuple

from recoup.records_text.fhir_resources import BUILDERS
from recoup.records_text.fhir_values import Json, as_dict, as_list, as_text
from recoup.records_text.model import Passage
from recoup.records_text.pieces import Unreadable

__all__ = ["BundleRead", "PatientKeys", "read_bundle"]

_PATIENT_REF = re.compile(r"(?:^|/)Patient/([^/]+?)(?:/_history/[^/]*)?$")


class PatientKeys(NamedTuple):
    """How the practice recognises its patients: their ids and account numbers."""

    ids: frozenset[str]
    accounts: dict[str, str]  # account number -> patient_id


class BundleRead(NamedTuple):
    """A bundle's passages, and the resources left out for want of a patient."""

    passages: list[Passage]
    unplaced: list[str]  # locators: Observation/<id>, ...


def read_bundle(text: str, file: str, keys: PatientKeys, index_patient: str) -> BundleRead:
    """The passages of a FHIR Bundle; :class:`Unreadable` if it is not JSON or not a Bundle."""
    bundle = _load(text)
    entries = [as_dict(e) for e in as_list(bundle.get("entry"))]
    resources = [(as_text(e.get("fullUrl")), as_dict(e.get("resource"))) for e in entries]
    patients = _bundle_patients(resources, keys)
    passages: list[Passage] = []
    unplaced: list[str] = []
    for n, (_, resource) in enumerate(resources, start=1):
        kind = as_text(resource.get("resourceType"))
        build = BUILDERS.get(kind)
        if build is None:
            continue
        ident = as_text(resource.get("id"))
        locator = f"{kind}/{ident}" if ident else f"{kind}, entry {n}"
        patient = _patient_of(resource, patients, keys) or index_patient
        if not patient:
            unplaced.append(locator)
            continue
        for piece, day in build(resource, locator):
            passages.append(
                Passage(
                    file, patient, day, kind.lower(), piece.section, piece.text,
                    piece.locator, piece.cells,
                )
            )  # fmt: skip
    return BundleRead(passages, unplaced)


def _load(text: str) -> Json:
    try:
        data = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}"
        raise Unreadable("records.bad_json", f"not valid JSON ({where})") from error
    except (ValueError, RecursionError) as error:
        raise Unreadable("records.bad_json", "not valid JSON") from error
    if not isinstance(data, dict) or data.get("resourceType") != "Bundle":
        found = as_text(data.get("resourceType")) if isinstance(data, dict) else ""
        what = f"resourceType is {found!r}" if found else "no resourceType"
        raise Unreadable("records.not_fhir_bundle", f"JSON but not a FHIR Bundle ({what})")
    return data


def _bundle_patients(resources: list[tuple[str, Json]], keys: PatientKeys) -> dict[str, str]:
    """References (``Patient/<id>``, full URLs) to the bundle's patients -> practice ids."""
    found: dict[str, str] = {}
    for full_url, resource in resources:
        if resource.get("resourceType") != "Patient":
            continue
        ident = as_text(resource.get("id"))
        values = [as_text(as_dict(i).get("value")) for i in as_list(resource.get("identifier"))]
        patient = ident if ident in keys.ids else _by_account(values, keys)
        if patient:
            found.update({ref: patient for ref in (f"Patient/{ident}", full_url) if ref})
    return found


def _patient_of(resource: Json, patients: dict[str, str], keys: PatientKeys) -> str:
    subject = as_dict(resource.get("subject")) or as_dict(resource.get("patient"))
    reference = as_text(subject.get("reference"))
    if reference in patients:
        return patients[reference]
    match = _PATIENT_REF.search(reference)
    if match and match.group(1) in keys.ids:
        return match.group(1)
    if match and f"Patient/{match.group(1)}" in patients:
        return patients[f"Patient/{match.group(1)}"]
    return _by_account([as_text(as_dict(subject.get("identifier")).get("value"))], keys)


def _by_account(values: list[str], keys: PatientKeys) -> str:
    return next((keys.accounts[v] for v in values if v in keys.accounts), "")
