"""FHIR R4 resources -> dated pieces: one builder per resource type.

Each builder takes the resource and its locator (``Observation/<id>``) and returns pieces with
their date. The section is a fixed name per type (``Observations``, ``Conditions``, ``Goals``,
``Plan of care``, ``Procedures``, ``Encounters``), so a letter can ask for goals from a Markdown
plan and a FHIR export alike; a DocumentReference's section is its title. The cells of an
Observation always start with ``measure``, ``value``, ``unit`` and ``date``.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from datetime import date

from recoup.records_text.fhir_values import (
    Json,
    as_dict,
    as_list,
    as_text,
    concept_code,
    concept_text,
    first_date,
    notes,
    value_of,
)
from recoup.records_text.markdown import read_markdown
from recoup.records_text.pieces import Cells, Piece
from recoup.records_text.plaintext import read_plain

__all__ = ["BUILDERS", "Builder", "Built"]

Built = list[tuple[Piece, date | None]]
Builder = Callable[[Json, str], Built]


def observation(resource: Json, locator: str) -> Built:
    day = first_date(resource, "effectiveDateTime", "effectivePeriod.start", "effectiveInstant")
    measure = concept_text(resource.get("code")) or "Observation"
    value, unit = value_of(resource)
    if not value:
        value = concept_text(resource.get("dataAbsentReason"))
    cells: list[tuple[str, str]] = [
        ("measure", measure),
        ("value", value),
        ("unit", unit),
        ("date", day.isoformat() if day else ""),
    ]
    for component in map(as_dict, as_list(resource.get("component"))):
        part_value, part_unit = value_of(component)
        cells.append((concept_text(component.get("code")), f"{part_value} {part_unit}".strip()))
    interpretation = ", ".join(concept_text(i) for i in as_list(resource.get("interpretation")))
    cells += _optional(
        ("interpretation", interpretation),
        ("reference range", _reference_range(resource)),
        ("note", notes(resource)),
    )
    shown = f"{value} {unit}".strip()
    text = f"{measure}: {shown}" if shown else measure
    text += f" ({day.isoformat()})" if day else ""
    extra = [f"{name}: {v}" for name, v in cells[4:] if v]
    text = "; ".join([text, *extra])
    return [(Piece("Observations", text, locator, tuple(cells)), day)]


def condition(resource: Json, locator: str) -> Built:
    onset = first_date(resource, "onsetDateTime", "onsetPeriod.start")
    recorded = first_date(resource, "recordedDate")
    name = concept_text(resource.get("code"))
    code = concept_code(resource.get("code"))
    cells = (("condition", name), ("code", code)) + _optional(
        ("onset", _iso(onset) or as_text(resource.get("onsetString"))),
        ("recorded", _iso(recorded)),
        ("clinical status", concept_text(resource.get("clinicalStatus"))),
        ("verification", concept_text(resource.get("verificationStatus"))),
        ("note", notes(resource)),
    )
    title = f"{code} {name}" if code and code not in name else name or code or "Condition"
    piece = Piece("Conditions", _sentence(title, cells[2:]), locator, cells)
    return [(piece, onset or recorded)]


def goal(resource: Json, locator: str) -> Built:
    start = first_date(resource, "startDate", "statusDate")
    targets = [as_dict(t) for t in as_list(resource.get("target"))]
    due = next((d for t in targets if (d := first_date(t, "dueDate")) is not None), None)
    description = concept_text(resource.get("description")) or "Goal"
    cells = (("goal", description),) + _optional(
        ("target", "; ".join(filter(None, map(_target, targets)))),
        ("status", as_text(resource.get("lifecycleStatus"))),
        ("achievement", concept_text(resource.get("achievementStatus"))),
        ("start date", _iso(start)),
        ("target date", _iso(due)),
        ("note", notes(resource)),
    )
    return [(Piece("Goals", _sentence(description, cells[1:]), locator, cells), start)]


def care_plan(resource: Json, locator: str) -> Built:
    start = first_date(resource, "period.start", "created")
    end = first_date(resource, "period.end")
    title = as_text(resource.get("title")) or "Plan of care"
    cells = (("title", title),) + _optional(
        ("description", as_text(resource.get("description"))),
        ("period", " to ".join(filter(None, (_iso(start), _iso(end))))),
        ("status", as_text(resource.get("status"))),
        ("note", notes(resource)),
    )
    built: Built = [(Piece("Plan of care", _sentence(title, cells[1:]), locator, cells), start)]
    for n, activity in enumerate(map(as_dict, as_list(resource.get("activity"))), start=1):
        detail = as_dict(activity.get("detail"))
        text = (
            as_text(detail.get("description"))
            or concept_text(detail.get("code"))
            or as_text(as_dict(activity.get("reference")).get("display"))
        )
        if text:
            piece = Piece("Plan of care", text, f"{locator}, activity {n}", (("activity", text),))
            built.append((piece, start))
    return built


def procedure(resource: Json, locator: str) -> Built:
    day = first_date(resource, "performedDateTime", "performedPeriod.start", "occurrenceDateTime")
    name = concept_text(resource.get("code")) or "Procedure"
    performers = ", ".join(
        as_text(as_dict(as_dict(p).get("actor")).get("display"))
        for p in as_list(resource.get("performer"))
    ).strip(", ")
    cells = (("procedure", name), ("code", concept_code(resource.get("code")))) + _optional(
        ("date", _iso(day)),
        ("status", as_text(resource.get("status"))),
        ("performer", performers),
        ("reason", _concepts(resource.get("reasonCode"))),
        ("body site", _concepts(resource.get("bodySite"))),
        ("outcome", concept_text(resource.get("outcome"))),
        ("note", notes(resource)),
    )
    return [(Piece("Procedures", _sentence(name, cells[2:]), locator, cells), day)]


def encounter(resource: Json, locator: str) -> Built:
    start = first_date(resource, "period.start", "actualPeriod.start")
    end = first_date(resource, "period.end", "actualPeriod.end")
    name = _concepts(resource.get("type")) or concept_text(resource.get("class")) or "Encounter"
    participants = ", ".join(
        as_text(as_dict(as_dict(p).get("individual")).get("display"))
        for p in as_list(resource.get("participant"))
    ).strip(", ")
    cells = (("encounter", name),) + _optional(
        ("period", " to ".join(filter(None, (_iso(start), _iso(end))))),
        ("class", concept_text(resource.get("class"))),
        ("status", as_text(resource.get("status"))),
        ("reason", _concepts(resource.get("reasonCode"))),
        ("participant", participants),
    )
    return [(Piece("Encounters", _sentence(name, cells[1:]), locator, cells), start)]


def document_reference(resource: Json, locator: str) -> Built:
    day = first_date(resource, "date", "context.period.start")
    title = as_text(resource.get("description")) or concept_text(resource.get("type")) or "Document"
    built: Built = []
    for n, content in enumerate(map(as_dict, as_list(resource.get("content"))), start=1):
        attachment = as_dict(content.get("attachment"))
        where = locator if n == 1 else f"{locator}, content {n}"
        for piece in _attachment_pieces(attachment):
            located = f"{where}, {piece.locator}"
            built.append((piece._replace(section=piece.section or title, locator=located), day))
    if not built:
        attachments = (
            as_dict(as_dict(c).get("attachment")) for c in as_list(resource.get("content"))
        )
        titles = [as_text(a.get("title")) for a in attachments]
        text = "; ".join(filter(None, [title, *titles]))
        built.append((Piece(title, text, locator), day))
    return built


BUILDERS: dict[str, Builder] = {
    "Observation": observation,
    "Condition": condition,
    "Goal": goal,
    "CarePlan": care_plan,
    "Procedure": procedure,
    "Encounter": encounter,
    "DocumentReference": document_reference,
}


def _attachment_pieces(attachment: Json) -> list[Piece]:
    content_type = as_text(attachment.get("contentType")).lower()
    data = attachment.get("data")
    if not isinstance(data, str) or not content_type.startswith(("text/plain", "text/markdown")):
        return []
    try:
        text = base64.b64decode(data, validate=False).decode("utf-8", errors="replace")
    except (binascii.Error, ValueError):
        return []
    return read_markdown(text) if "markdown" in content_type else read_plain(text)


def _target(target: Json) -> str:
    measure = concept_text(target.get("measure"))
    value, unit = value_of(target, "detail")
    due = first_date(target, "dueDate")
    text = " ".join(part for part in (measure, value, unit) if part)
    return f"{text} by {due.isoformat()}" if due else text


def _reference_range(resource: Json) -> str:
    ranges = [as_dict(r) for r in as_list(resource.get("referenceRange"))]
    return "; ".join(as_text(r.get("text")) for r in ranges if as_text(r.get("text")))


def _concepts(value: object) -> str:
    return ", ".join(filter(None, (concept_text(c) for c in as_list(value))))


def _optional(*pairs: tuple[str, str]) -> Cells:
    return tuple((name, value) for name, value in pairs if value)


def _sentence(title: str, cells: Cells) -> str:
    details = "; ".join(f"{name}: {value}" for name, value in cells if value)
    return f"{title} ({details})" if details else title


def _iso(day: date | None) -> str:
    return day.isoformat() if day else ""
