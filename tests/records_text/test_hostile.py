"""Security review items 6 and 7 for clinical records: no input makes read_records raise, and a
Word document that is a zip bomb is reported without being parsed.

The fuzz test mutates copies of the example practice's records (bytes flipped, files cut short,
made empty or replaced by another kind, index rows pointing elsewhere) and reads them."""

from __future__ import annotations

import io
import shutil
import tempfile
import time
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recoup.practice import read_practice
from recoup.records_text import read_records

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "brightpath-pt"
DOCUMENTS = sorted(
    p.name for p in (EXAMPLE / "records").iterdir() if p.is_file() and p.name != "index.csv"
)


def zip_bomb_docx(expanded: int = 60 * 1024 * 1024) -> bytes:
    """A .docx whose document.xml expands to ``expanded`` bytes of XML (deflates ~1000:1)."""
    body = b"<w:p><w:r><w:t>a</w:t></w:r></w:p>"
    xml = (
        b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
        b'wordprocessingml/2006/main"><w:body>'
        + body * (expanded // len(body))
        + b"</w:body></w:document>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", xml)
    return buffer.getvalue()


def test_a_docx_zip_bomb_is_reported_not_parsed(tmp_path: Path) -> None:
    folder = tmp_path / "practice"
    shutil.copytree(EXAMPLE, folder, ignore=shutil.ignore_patterns("remittances"))
    bomb = zip_bomb_docx()
    assert len(bomb) < 400_000
    (folder / "records" / "bomb_note.docx").write_bytes(bomb)
    with (folder / "records" / "index.csv").open("a", encoding="utf-8") as index:
        index.write("bomb_note.docx,P1001,2026-09-01,daily_note\n")
    practice, _ = read_practice(folder)
    assert practice is not None
    started = time.perf_counter()
    records = read_records(practice)
    assert time.perf_counter() - started < 5
    found = [f for f in records.findings if f.file.endswith("bomb_note.docx")]
    assert [f.code for f in found] == ["records.too_large"]
    assert "would expand" in found[0].message


def _mutate(data: bytes, draw: st.DataObject) -> bytes:
    how = draw.draw(st.sampled_from(["flip", "cut", "empty", "nul", "swap", "repeat"]))
    if how == "empty" or not data:
        return b""
    if how == "cut":
        return data[: draw.draw(st.integers(0, len(data)))]
    if how == "nul":
        return data[:10] + b"\x00" + data[10:]
    if how == "repeat":
        return data[:200] * 50
    if how == "swap":
        other = draw.draw(st.sampled_from(DOCUMENTS))
        return (EXAMPLE / "records" / other).read_bytes()
    buffer = bytearray(data)
    for _ in range(draw.draw(st.integers(1, 20))):
        at = draw.draw(st.integers(0, len(buffer) - 1))
        buffer[at] = draw.draw(st.integers(0, 255))
    return bytes(buffer)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_mutated_records_never_make_the_reader_raise(data: st.DataObject) -> None:
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp) / "practice"
        shutil.copytree(EXAMPLE, folder, ignore=shutil.ignore_patterns("remittances"))
        practice, _ = read_practice(folder)
        assert practice is not None
        for _ in range(data.draw(st.integers(1, 3))):
            name = data.draw(st.sampled_from(DOCUMENTS))
            path = folder / "records" / name
            path.write_bytes(_mutate(path.read_bytes(), data))
        if data.draw(st.booleans()):
            # a document replaced by a folder, or by a link to outside records/
            victim = folder / "records" / data.draw(st.sampled_from(DOCUMENTS))
            victim.unlink()
            if data.draw(st.booleans()):
                victim.mkdir()
            else:
                victim.symlink_to("/etc/hostname")
        started = time.perf_counter()
        records = read_records(practice)
        assert time.perf_counter() - started < 10
        assert all(f.message for f in records.findings)
