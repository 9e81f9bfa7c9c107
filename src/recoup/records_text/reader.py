"""Read every clinical document of a practice folder into one :class:`RecordSet`.

The documents are the rows of records/index.csv, in order, then any other file in records/
(sorted), which is read only if it is a FHIR Bundle naming its patients. Each document is read
on its own: a missing, damaged, encrypted or scanned one becomes a finding naming the file and
the reason, and the others are still read. Read once per practice, then query the set for
each letter.
"""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import NamedTuple

from recoup.findings import Finding, Severity
from recoup.practice.model import Practice, RecordRef
from recoup.records_text.fhir import PatientKeys, read_bundle
from recoup.records_text.markdown import read_markdown
from recoup.records_text.model import Document, Passage, RecordSet
from recoup.records_text.pdf import count_pages, read_pdf
from recoup.records_text.pieces import Piece, Unreadable
from recoup.records_text.plaintext import read_plain
from recoup.records_text.word import read_docx

__all__ = ["READABLE_SUFFIXES", "read_records"]

READABLE_SUFFIXES = (".txt", ".md", ".pdf", ".docx", ".json")
MAX_FILE_BYTES = 50 * 1024 * 1024  # one clinical document; larger is not a note


class _Target(NamedTuple):
    """A document to read: its name under records/ and its index row, if it has one."""

    name: str
    row: RecordRef | None


class _Read(NamedTuple):
    passages: list[Passage]
    documents: list[Document]
    findings: list[Finding]


class _Context(NamedTuple):
    folder: Path
    keys: PatientKeys


def read_records(practice: Practice) -> RecordSet:
    """Every passage of every readable document of the practice, and a finding per problem."""
    folder = Path(practice.folder)
    context = _Context(folder, _patient_keys(practice))
    passages: list[Passage] = []
    documents: list[Document] = []
    findings: list[Finding] = []
    try:
        targets = _targets(folder / "records", practice.records)
    except (OSError, ValueError, RuntimeError) as error:  # records/ itself cannot be listed
        reason = f"records/ could not be read ({type(error).__name__})"
        finding = Finding(Severity.WARNING, "records.unreadable", reason, str(folder / "records"))
        return RecordSet((), (), (finding,))
    for target in targets:
        try:
            read = _read_target(context, target)
        except Exception as error:  # no document may stop the others, or raise to the caller
            reason = f"could not be read ({type(error).__name__})"
            read = _Read([], [], [_finding(context, target, "records.unreadable", reason)])
        passages += read.passages
        documents += read.documents
        findings += read.findings
    return RecordSet(tuple(passages), tuple(documents), tuple(findings))


def _patient_keys(practice: Practice) -> PatientKeys:
    ids = frozenset(p.patient_id for p in practice.patients)
    accounts = {p.account_number: p.patient_id for p in practice.patients if p.account_number}
    return PatientKeys(ids, accounts)


def _targets(records: Path, rows: tuple[RecordRef, ...]) -> list[_Target]:
    targets: dict[str, _Target] = {}
    for row in rows:
        if row.file_name and row.file_name not in targets:
            targets[row.file_name] = _Target(row.file_name, row)
    for name in _files_on_disk(records):
        targets.setdefault(name, _Target(name, None))
    return list(targets.values())


def _files_on_disk(records: Path) -> list[str]:
    if not records.is_dir():
        return []
    names = (p.relative_to(records).as_posix() for p in records.rglob("*") if p.is_file())
    return sorted(n for n in names if n != "index.csv" and not _hidden(n))


def _hidden(name: str) -> bool:
    return any(part.startswith((".", "~$")) for part in name.split("/"))


def _read_target(context: _Context, target: _Target) -> _Read:
    path = context.folder / "records" / target.name
    problem = _precheck(context.folder / "records", path, target)
    if problem is not None:
        return _Read([], [], [_finding(context, target, *problem)])
    if path.suffix.lower() == ".json":
        return _read_json(context, target, path)
    assert target.row is not None  # _precheck: other files need an index row
    row = target.row
    findings: list[Finding] = []
    pages: int | None = None
    try:
        text_note, pieces, pages = _read_pieces(path)
    except Unreadable as error:
        return _unreadable(context, target, path, error.code, error.reason)
    except Exception as error:  # a damaged file must not stop the other documents
        reason = f"could not be read ({type(error).__name__})"
        return _unreadable(context, target, path, "records.unreadable", reason)
    if text_note:
        findings.append(_finding(context, target, "records.encoding", text_note, Severity.INFO))
    if not pieces:
        findings.append(_finding(context, target, "records.empty", "no text found"))
    passages = [_passage(target.name, row, piece) for piece in pieces]
    document = _document(target.name, row.patient_id, row, path, pages, len(passages))
    return _Read(passages, [document], findings)


def _precheck(records: Path, path: Path, target: _Target) -> tuple[str, str] | None:
    """(code, reason) when the document is not to be read at all."""
    suffix = path.suffix.lower()
    if not _inside(records, path):
        return "records.outside", "the file is outside records/"
    if not path.is_file():
        return "records.missing_file", "listed in records/index.csv but the file does not exist"
    if path.stat().st_size > MAX_FILE_BYTES:
        return "records.too_large", f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MB; not read"
    if suffix not in READABLE_SUFFIXES:
        known = ", ".join(READABLE_SUFFIXES)
        return "records.unknown_extension", f"not a kind of file recoup reads ({known})"
    if target.row is None and suffix != ".json":
        return (
            "records.not_indexed",
            "no row in records/index.csv and no FHIR patient reference; not read",
        )
    if target.row is not None and not target.row.patient_id:
        return "records.no_patient", "its row in records/index.csv names no patient; not read"
    return None


def _inside(records: Path, path: Path) -> bool:
    try:
        return records.resolve() in path.resolve().parents
    except (OSError, RuntimeError):
        return False


def _read_pieces(path: Path) -> tuple[str, list[Piece], int | None]:
    """(a note on the text encoding, the pieces, the page count of a PDF)."""
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        pieces, pages = read_pdf(path)
        return "", pieces, pages
    if suffix == ".docx":
        return "", read_docx(path), None
    text, note = _decode(path.read_bytes())
    return note, (read_markdown(text) if suffix == ".md" else read_plain(text)), None


def _read_json(context: _Context, target: _Target, path: Path) -> _Read:
    index_patient = target.row.patient_id if target.row else ""
    try:
        text, note = _decode(path.read_bytes())
        bundle = read_bundle(text, f"records/{target.name}", context.keys, index_patient)
    except Unreadable as error:
        return _unreadable(context, target, path, error.code, error.reason)
    except Exception as error:  # a damaged file must not stop the other documents
        reason = f"could not be read ({type(error).__name__})"
        return _unreadable(context, target, path, "records.unreadable", reason)
    findings = [_finding(context, target, "records.encoding", note, Severity.INFO)] if note else []
    if bundle.unplaced:
        findings.append(_unplaced(context, target, bundle.unplaced))
    patients = dict.fromkeys(p.patient_id for p in bundle.passages)
    if index_patient:
        patients = {index_patient: None, **patients}
    documents = [
        _document(
            target.name,
            patient,
            target.row,
            path,
            None,
            sum(1 for p in bundle.passages if p.patient_id == patient),
        )
        for patient in patients
    ]
    return _Read(bundle.passages, documents, findings)


def _unplaced(context: _Context, target: _Target, locators: list[str]) -> Finding:
    shown = ", ".join(locators[:3]) + (
        f" and {len(locators) - 3} more" if len(locators) > 3 else ""
    )
    reason = (
        f"{len(locators)} FHIR resource(s) ({shown}) name no patient of the practice"
        " and the file has no row in records/index.csv; they are not read"
    )
    return _finding(context, target, "records.fhir_no_patient", reason)


def _decode(data: bytes) -> tuple[str, str]:
    """The text of a text file and a note when it was not UTF-8."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace"), ""
    if b"\x00" in data:
        raise Unreadable("records.binary", "binary data, not text")
    try:
        return data.decode("utf-8-sig"), ""
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "not UTF-8; read as Windows-1252"


def _unreadable(context: _Context, target: _Target, path: Path, code: str, reason: str) -> _Read:
    finding = _finding(context, target, code, reason)
    if target.row is None or not target.row.patient_id:
        return _Read([], [], [finding])
    pages = count_pages(path) if path.suffix.lower() == ".pdf" else None
    document = _document(target.name, target.row.patient_id, target.row, path, pages, 0, reason)
    return _Read([], [document], [finding])


def _passage(name: str, row: RecordRef, piece: Piece) -> Passage:
    return Passage(
        f"records/{name}",
        row.patient_id,
        row.service_date,
        row.kind,
        piece.section,
        piece.text,
        piece.locator,
        piece.cells,
    )


def _document(
    name: str,
    patient_id: str,
    row: RecordRef | None,
    path: Path,
    pages: int | None,
    passages: int,
    problem: str = "",
) -> Document:
    kind = row.kind if row is not None and row.kind else _default_kind(path)
    day = row.service_date if row is not None else None
    return Document(
        f"records/{name}", patient_id, kind, day, path.resolve(), pages, passages, problem
    )


def _default_kind(path: Path) -> str:
    return "fhir_bundle" if path.suffix.lower() == ".json" else ""


def _finding(
    context: _Context,
    target: _Target,
    code: str,
    reason: str,
    severity: Severity = Severity.WARNING,
) -> Finding:
    file = str(context.folder / "records" / target.name)
    return Finding(severity, code, reason, file)
