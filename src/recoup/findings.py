"""Findings: problems in the input, reported with their place instead of raised.

A finding says where (file, segment number and the segment's text, or file/row/column for CSV
files), what was expected, and how serious it is. Parsers collect them and keep going; the CLI
prints them together and exits non-zero when any is an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

__all__ = ["Finding", "Severity", "has_errors"]


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem found in an input file.

    ``code`` is a stable identifier (``x12.envelope.se_count``) that tests and tools can match on;
    ``message`` is the sentence a person reads.
    """

    severity: Severity
    code: str
    message: str
    file: str = ""
    segment: int | None = None  # 1-based segment number in the file
    segment_id: str | None = None  # e.g. "CAS"
    segment_text: str | None = None  # the raw segment, shortened for display
    offset: int | None = None  # byte offset of the segment in the file
    row: int | None = None  # for tabular files: 1-based row (header is row 1)
    column: str | None = None

    @property
    def place(self) -> str:
        """``file:segment 214 (CAS)`` or ``file:row 3, column service_date``."""
        parts = [self.file or "<input>"]
        if self.segment is not None:
            where = f"segment {self.segment}"
            if self.segment_id:
                where += f" ({self.segment_id})"
            parts.append(where)
        elif self.row is not None:
            where = f"row {self.row}"
            if self.column:
                where += f", column {self.column}"
            parts.append(where)
        return ":".join(parts)

    def __str__(self) -> str:
        text = f"{self.place}: {self.severity}: {self.message}"
        if self.segment_text:
            text += f"\n    {self.segment_text}"
        return text

    def to_dict(self) -> dict[str, Any]:
        return {
            "severity": str(self.severity),
            "code": self.code,
            "message": self.message,
            "file": self.file,
            "segment": self.segment,
            "segment_id": self.segment_id,
            "segment_text": self.segment_text,
            "offset": self.offset,
            "row": self.row,
            "column": self.column,
        }


def has_errors(findings: list[Finding] | tuple[Finding, ...]) -> bool:
    return any(f.severity is Severity.ERROR for f in findings)
