"""Clinical documents become passages that keep their source (docs/design.md, "The practice
folder").

    >>> from recoup.practice import read_practice
    >>> from recoup.records_text import read_records
    >>> practice, _ = read_practice("examples/brightpath-pt")  # doctest: +SKIP
    >>> records = read_records(practice)  # doctest: +SKIP
    >>> [p.source for p in records.find("P1007", words=("Berg Balance",))]  # doctest: +SKIP

``read_records`` reads every document of ``records/`` (.txt, .md, .pdf, .docx, FHIR R4 Bundle
.json) once; the :class:`RecordSet` it returns answers each letter's questions
(``for_patient``, ``find``, ``documents``) and carries a finding per unreadable document.

::

    records/index.csv + records/*  ->  read_records  ->  RecordSet
      .md   markdown.py    headings, tables (one passage per row), bullets, **Label:** lines
      .txt  plaintext.py   paragraphs, bullets, CAPITALS headings, Label: lines
      .pdf  pdf.py         the text layer, page by page (no OCR)
      .docx word.py        paragraphs (Heading styles give sections), table rows
      .json fhir.py        Bundle resources (fhir_resources.py), tied to patients by reference
"""

from recoup.records_text.model import Document, Passage, RecordSet
from recoup.records_text.pdf import NO_TEXT_LAYER
from recoup.records_text.pieces import Cells
from recoup.records_text.reader import READABLE_SUFFIXES, read_records

__all__ = [
    "NO_TEXT_LAYER",
    "READABLE_SUFFIXES",
    "Cells",
    "Document",
    "Passage",
    "RecordSet",
    "read_records",
]
