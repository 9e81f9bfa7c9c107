"""FHIR R4 Bundles: each resource type becomes dated passages, tied to a patient of the practice."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import date
from typing import Any

from recoup.records_text import RecordSet

MakeRecords = Callable[..., RecordSet]


def bundle(*resources: dict[str, Any], patient: dict[str, Any] | None = None) -> str:
    entries = [{"fullUrl": "urn:uuid:p-1", "resource": patient}] if patient else []
    entries += [{"resource": r} for r in resources]
    return json.dumps({"resourceType": "Bundle", "type": "collection", "entry": entries})


SUBJECT = {"reference": "Patient/P1"}

OBSERVATION = {
    "resourceType": "Observation",
    "id": "berg-1",
    "subject": SUBJECT,
    "code": {"coding": [{"code": "berg", "display": "Berg Balance Scale"}]},
    "effectiveDateTime": "2026-08-04T09:30:00-06:00",
    "valueQuantity": {"value": 38.0, "unit": "score"},
    "interpretation": [{"text": "increased fall risk"}],
    "note": [{"text": "Used a gait belt."}],
}
CONDITION = {
    "resourceType": "Condition",
    "id": "dx-1",
    "subject": SUBJECT,
    "code": {"coding": [{"code": "R26.81", "display": "Unsteadiness on feet"}]},
    "onsetDateTime": "2026-06-01",
    "clinicalStatus": {"coding": [{"code": "active"}]},
}
GOAL = {
    "resourceType": "Goal",
    "id": "goal-1",
    "subject": SUBJECT,
    "lifecycleStatus": "active",
    "description": {"text": "Berg Balance Scale 45/56 or better"},
    "startDate": "2026-08-04",
    "target": [
        {
            "measure": {"text": "Berg Balance Scale"},
            "detailQuantity": {"value": 45, "unit": "score"},
            "dueDate": "2026-09-28",
        }
    ],
}
CARE_PLAN = {
    "resourceType": "CarePlan",
    "id": "poc-1",
    "subject": SUBJECT,
    "title": "Physical therapy plan of care",
    "description": "2 times a week for 8 weeks",
    "period": {"start": "2026-08-04", "end": "2026-09-28"},
    "activity": [{"detail": {"description": "Therapeutic exercise (97110)"}}],
}
PROCEDURE = {
    "resourceType": "Procedure",
    "id": "proc-1",
    "subject": SUBJECT,
    "code": {"text": "Therapeutic exercise", "coding": [{"code": "97110"}]},
    "performedPeriod": {"start": "2026-09-01T09:00:00Z", "end": "2026-09-01T09:30:00Z"},
    "status": "completed",
}
ENCOUNTER = {
    "resourceType": "Encounter",
    "id": "enc-1",
    "subject": SUBJECT,
    "type": [{"text": "Outpatient physical therapy visit"}],
    "period": {"start": "2026-09-01T09:00:00Z", "end": "2026-09-01T10:00:00Z"},
}
DOCUMENT = {
    "resourceType": "DocumentReference",
    "id": "doc-1",
    "subject": SUBJECT,
    "date": "2026-09-01T12:00:00Z",
    "description": "Progress note",
    "content": [
        {
            "attachment": {
                "contentType": "text/plain; charset=utf-8",
                "data": base64.b64encode(b"Gait improved.\n\nBalance improved.").decode(),
            }
        }
    ],
}


def test_every_resource_type_gives_dated_passages(make_records: MakeRecords) -> None:
    text = bundle(OBSERVATION, CONDITION, GOAL, CARE_PLAN, PROCEDURE, ENCOUNTER, DOCUMENT)
    records = make_records({"export.json": text})

    assert [(p.locator, p.kind, p.section, p.date) for p in records.passages] == [
        ("Observation/berg-1", "observation", "Observations", date(2026, 8, 4)),
        ("Condition/dx-1", "condition", "Conditions", date(2026, 6, 1)),
        ("Goal/goal-1", "goal", "Goals", date(2026, 8, 4)),
        ("CarePlan/poc-1", "careplan", "Plan of care", date(2026, 8, 4)),
        ("CarePlan/poc-1, activity 1", "careplan", "Plan of care", date(2026, 8, 4)),
        ("Procedure/proc-1", "procedure", "Procedures", date(2026, 9, 1)),
        ("Encounter/enc-1", "encounter", "Encounters", date(2026, 9, 1)),
        ("DocumentReference/doc-1, line 1", "documentreference", "Progress note", date(2026, 9, 1)),
        ("DocumentReference/doc-1, line 3", "documentreference", "Progress note", date(2026, 9, 1)),
    ]
    assert records.findings == ()


def test_an_observation_carries_measure_value_unit_and_date(make_records: MakeRecords) -> None:
    records = make_records({"export.json": bundle(OBSERVATION)})

    (passage,) = records.passages
    assert passage.cells == (
        ("measure", "Berg Balance Scale"),
        ("value", "38.0"),
        ("unit", "score"),
        ("date", "2026-08-04"),
        ("interpretation", "increased fall risk"),
        ("note", "Used a gait belt."),
    )
    assert passage.text == (
        "Berg Balance Scale: 38.0 score (2026-08-04); interpretation: increased fall risk; "
        "note: Used a gait belt."
    )
    assert passage.source == "records/export.json Observation/berg-1"


def test_condition_goal_and_plan_texts(make_records: MakeRecords) -> None:
    records = make_records({"export.json": bundle(CONDITION, GOAL, CARE_PLAN)})

    texts = [p.text for p in records.passages]
    assert texts == [
        "R26.81 Unsteadiness on feet (onset: 2026-06-01; clinical status: active)",
        "Berg Balance Scale 45/56 or better (target: Berg Balance Scale 45 score by 2026-09-28;"
        " status: active; start date: 2026-08-04; target date: 2026-09-28)",
        "Physical therapy plan of care (description: 2 times a week for 8 weeks; period:"
        " 2026-08-04 to 2026-09-28)",
        "Therapeutic exercise (97110)",
    ]
    assert records.passages[0].cell("code") == "R26.81"


def test_a_patient_is_found_by_account_number_without_an_index_row(
    make_records: MakeRecords,
) -> None:
    patient = {
        "resourceType": "Patient",
        "id": "ehr-778",
        "identifier": [{"system": "urn:acct", "value": "ACC-2"}],
    }
    observation = {**OBSERVATION, "subject": {"reference": "urn:uuid:p-1"}}
    goal = {**GOAL, "subject": {"reference": "Patient/ehr-778"}}
    records = make_records({"export.json": bundle(observation, goal, patient=patient)}, rows=[])

    assert {p.patient_id for p in records.passages} == {"P2"}
    assert records.findings == ()
    (document,) = records.documents("P2")
    assert (document.file, document.kind, document.date) == (
        "records/export.json",
        "fhir_bundle",
        None,
    )


def test_an_index_row_ties_resources_that_name_no_known_patient(make_records: MakeRecords) -> None:
    stranger = {**OBSERVATION, "subject": {"reference": "Patient/somebody-else"}}
    rows = [("export.json", "P2", "2026-09-01", "fhir_bundle")]
    records = make_records({"export.json": bundle(stranger)}, rows=rows)

    assert [(p.patient_id, p.date) for p in records.passages] == [("P2", date(2026, 8, 4))]


def test_resources_with_no_patient_and_no_index_row_are_reported(
    make_records: MakeRecords,
) -> None:
    stranger = {**OBSERVATION, "subject": {"reference": "Patient/somebody-else"}}
    records = make_records({"export.json": bundle(stranger)}, rows=[])

    (finding,) = records.findings
    assert finding.code == "records.fhir_no_patient"
    assert "Observation/berg-1" in finding.message and "index.csv" in finding.message
    assert records.passages == ()


def test_odd_shapes_read_as_empty_rather_than_failing(make_records: MakeRecords) -> None:
    odd = [
        {"resourceType": "Observation", "subject": SUBJECT, "code": "not a concept"},
        {"resourceType": "Goal", "subject": SUBJECT, "target": "nope", "startDate": "2026-02-30"},
        {"resourceType": "CarePlan", "subject": SUBJECT, "activity": [None, 3]},
        {"resourceType": "Practitioner", "id": "x"},
        "not a resource",
    ]
    text = json.dumps({"resourceType": "Bundle", "entry": [{"resource": r} for r in odd] + [7]})
    records = make_records({"odd.json": text})

    assert [(p.locator, p.text, p.date) for p in records.passages] == [
        ("Observation, entry 1", "Observation", None),
        ("Goal, entry 2", "Goal", None),
        ("CarePlan, entry 3", "Plan of care", None),
    ]
    assert records.findings == ()


def test_bad_json_and_other_resources_are_reported(make_records: MakeRecords) -> None:
    records = make_records(
        {
            "bad.json": '{"resourceType": "Bundle", ',
            "single.json": json.dumps(OBSERVATION),
            "list.json": "[1, 2]",
            "ok.md": "Fine.",
        }
    )

    assert sorted((f.file.rsplit("/", 1)[1], f.code, f.message) for f in records.findings) == [
        ("bad.json", "records.bad_json", "not valid JSON (line 1, column 28)"),
        ("list.json", "records.not_fhir_bundle", "JSON but not a FHIR Bundle (no resourceType)"),
        (
            "single.json",
            "records.not_fhir_bundle",
            "JSON but not a FHIR Bundle (resourceType is 'Observation')",
        ),
    ]
    assert [p.text for p in records.passages] == ["Fine."]
