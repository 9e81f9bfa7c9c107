"""Whatever bytes a document holds, read_records returns passages and findings, never raises."""

from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recoup.practice import Patient, Practice, RecordRef
from recoup.records_text import read_records
from recoup.records_text.markdown import read_markdown
from recoup.records_text.plaintext import read_plain

ROOT = Path(__file__).parents[2]
SUFFIXES = (".md", ".txt", ".json", ".pdf", ".docx")
PATIENT = Patient("P1", "Ada", "Lane", None, "ACC-1")

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
bundles = st.builds(
    lambda entries: json.dumps({"resourceType": "Bundle", "entry": entries}),
    st.lists(
        st.fixed_dictionaries(
            {
                "resource": st.fixed_dictionaries(
                    {
                        "resourceType": st.sampled_from(
                            [
                                "Observation",
                                "Goal",
                                "CarePlan",
                                "Condition",
                                "Procedure",
                                "Encounter",
                                "DocumentReference",
                                "Patient",
                            ]
                        )
                    },
                    optional={
                        "subject": json_values,
                        "code": json_values,
                        "valueQuantity": json_values,
                        "target": json_values,
                        "activity": json_values,
                        "content": json_values,
                        "effectiveDateTime": json_values,
                        "identifier": json_values,
                    },
                )
            }
        ),
        max_size=4,
    ),
)


def read_one(folder: Path, suffix: str, content: bytes) -> None:
    records_dir = folder / "records"
    shutil.rmtree(records_dir, ignore_errors=True)
    records_dir.mkdir(parents=True)
    (records_dir / f"doc{suffix}").write_bytes(content)
    (records_dir / "ok.md").write_text("Still read.", encoding="utf-8")
    rows = (RecordRef(f"doc{suffix}", "P1", None, "note"), RecordRef("ok.md", "P1", None, "note"))
    practice = Practice(str(folder), "T", "", "", "", "", "", "", patients=(PATIENT,), records=rows)
    records = read_records(practice)
    assert any(p.text == "Still read." for p in records.passages)
    for finding in records.findings:
        assert finding.file.endswith(f"doc{suffix}")


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(suffix=st.sampled_from(SUFFIXES), content=st.binary(max_size=400))
def test_random_bytes_never_raise(tmp_path: Path, suffix: str, content: bytes) -> None:
    read_one(tmp_path, suffix, content)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(suffix=st.sampled_from(SUFFIXES), text=st.text(max_size=400))
def test_random_text_never_raises(tmp_path: Path, suffix: str, text: str) -> None:
    read_one(tmp_path, suffix, text.encode("utf-8"))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=bundles)
def test_random_bundles_never_raise(tmp_path: Path, text: str) -> None:
    read_one(tmp_path, ".json", text.encode("utf-8"))


@settings(max_examples=100, deadline=None)
@given(text=st.text(alphabet=st.sampled_from("ab :*_|-#>\n1.`[]()\\"), max_size=200))
def test_markdown_like_text_gives_clean_located_passages(text: str) -> None:
    for piece in read_markdown(text) + read_plain(text):
        assert (
            piece.text == piece.text.strip() and "\n" not in piece.text and "  " not in piece.text
        )
        assert piece.locator.startswith("line")


def test_the_example_script_writes_the_committed_files() -> None:
    spec = importlib.util.spec_from_file_location(
        "make_example_records", ROOT / "scripts/make_example_records.py"
    )
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)

    assert script.make_certification_pdf() == script.PDF_PATH.read_bytes()
    assert script.make_treatment_plan_docx() == script.DOCX_PATH.read_bytes()
