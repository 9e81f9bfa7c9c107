"""Corrected, new and secondary claims from the example practices' triage decisions.

Every claim written is validated with pyx12's 005010X222A1 map (0 errors), then read back.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest
from typer.testing import CliRunner

from recoup.claims_out import (
    boxes_markdown,
    claim_boxes,
    correction_form,
    file_claim,
    original_claims,
    write_result,
)
from recoup.cli import app
from recoup.practice import read_practice
from recoup.practice.model import Practice
from recoup.records import Adjustment
from recoup.triage import WorkItem, triage
from recoup.x12 import read_835, read_837
from x12_validate import guide_errors

EXAMPLES = Path(__file__).parents[2] / "examples"
TODAY = date(2026, 11, 23)


@cache
def decisions(name: str) -> tuple[Practice, tuple[WorkItem, ...]]:
    folder = EXAMPLES / name
    practice, findings = read_practice(folder)
    assert practice is not None, findings
    results = [read_835(p) for p in sorted((folder / "remittances").glob("*.835"))]
    return practice, triage(results, practice, TODAY).items


def items_of(name: str, claim_id: str, lane: str = "corrected_claim") -> list[WorkItem]:
    found = [i for i in decisions(name)[1] if i.patient_account == claim_id and i.lane == lane]
    assert found, f"no {lane} decision for {claim_id}"
    return found


def written(name: str, claim_id: str, tmp_path: Path, lane: str = "corrected_claim") -> str:
    practice = decisions(name)[0]
    result = file_claim(items_of(name, claim_id, lane), original_claims(EXAMPLES / name), practice)
    assert result.written, result.missing
    path = write_result(result, tmp_path, TODAY)
    assert path is not None
    text = path.read_text()
    assert guide_errors(text) == []
    return text


def test_correction_forms_follow_the_payer() -> None:
    assert correction_form(items_of("little-steps-aba", "LS4114")[0]) == "replacement"
    assert correction_form(items_of("brightpath-pt", "BP26063")[0]) == "new"  # Medicare MA130
    assert correction_form(items_of("brightpath-pt", "BP26062")[0]) == "reopening"  # KX
    assert correction_form(items_of("brightpath-pt", "BP26065")[0]) == "replacement"
    void = items_of("brightpath-pt", "BP26065")[0]._replace(action="void the claim")
    assert correction_form(void) == "void"


def test_ls4114_replacement_with_xe(tmp_path: Path) -> None:
    text = written("little-steps-aba", "LS4114", tmp_path)
    claim = next(read_837(text.encode()).claims)
    assert claim.frequency == "7"
    assert claim.payer_claim_control_number == "PM20260825001A"
    by_code = {line.procedure.code: line.procedure.modifiers for line in claim.lines}
    assert by_code == {"97153": (), "97155": ("XE",)}
    assert "CLM*LS4114*304.00***11:B:7*" in text and "REF*F8*PM20260825001A~" in text
    summary = (tmp_path / "LS4114-replacement.md").read_text()
    assert "| 2400 SV101 modifiers (line 2, 97155) | (none) | XE |" in summary
    assert "| 22 | Resubmission code, original ref. no. | 7 replacement PM20260825001A |" in summary


def test_bp26063_new_claim_after_ma130(tmp_path: Path) -> None:
    text = written("brightpath-pt", "BP26063", tmp_path)
    claim = next(read_837(text.encode()).claims)
    assert claim.frequency == "1" and claim.payer_claim_control_number == ""
    assert claim.referring_provider is not None
    assert (claim.referring_provider.last_name, claim.referring_provider.npi) == (
        "Marsh",
        "1902847361",
    )
    original = next(c.claim for c in original_claims(EXAMPLES / "brightpath-pt")["BP26063"])
    assert original.referring_provider is None  # the reason it came back N286


def test_medicare_processed_claim_is_a_reopening_and_writes_no_837(tmp_path: Path) -> None:
    items = items_of("brightpath-pt", "BP26062")
    result = file_claim(items, original_claims(EXAMPLES / "brightpath-pt"))
    assert result.form == "reopening" and not result.written
    assert write_result(result, tmp_path, TODAY) is None
    assert "reopening" in (tmp_path / "BP26062-reopening.md").read_text()
    assert not list(tmp_path.glob("*.837"))


def test_without_the_original_nothing_is_invented(tmp_path: Path) -> None:
    result = file_claim(items_of("little-steps-aba", "LS4114"), {})
    assert not result.written
    assert any("original claim LS4114" in m and "diagnoses" in m for m in result.missing)
    assert write_result(result, tmp_path, TODAY) is None
    assert "What to add" in (tmp_path / "LS4114-replacement.md").read_text()


def test_secondary_carries_the_primarys_adjudication_exactly(tmp_path: Path) -> None:
    items = items_of("brightpath-pt", "BP26047", "bill_other_payer")
    payment = items[0].context.item.claim if items[0].context else None
    assert payment is not None
    text = written("brightpath-pt", "BP26047", tmp_path, "bill_other_payer")
    claim = next(read_837(text.encode()).claims)
    assert claim.subscriber.payer_responsibility == "S"
    assert claim.subscriber.payer.id == "41877"  # Aspen Mutual, coverages.csv rank 2
    (other,) = claim.other_payers
    assert other.paid == payment.paid
    assert other.claim_control_number == payment.payer_claim_id  # 2330B REF*F8
    assert [a[:3] for a in other.adjustments] == [a[:3] for a in payment.adjustments]
    for line, answer in zip(claim.lines, payment.lines, strict=True):
        (adjudication,) = line.adjudications
        assert adjudication.paid == answer.paid
        assert [a[:4] for a in adjudication.adjustments] == [a[:4] for a in answer.adjustments]
        assert adjudication.paid_date is not None


def test_secondary_with_claim_level_cas_is_well_formed(tmp_path: Path) -> None:
    """OpenEMR's most reported 837 bugs: malformed CAS and no other-payer claim number."""
    practice = decisions("brightpath-pt")[0]
    item = items_of("brightpath-pt", "BP26047", "bill_other_payer")[0]
    assert item.context is not None
    claim_level = (
        Adjustment("OA", "23", Decimal("10.00")),
        Adjustment("PR", "1", Decimal("5.50"), Decimal("1")),
        Adjustment("PR", "2", Decimal("0.25")),
    )
    denied = item.context.item._replace(
        claim=item.context.item.claim._replace(adjustments=claim_level)
    )
    item = item._replace(context=item.context._replace(item=denied))
    result = file_claim([item], original_claims(EXAMPLES / "brightpath-pt"), practice)
    path = write_result(result, tmp_path, TODAY)
    assert path is not None
    text = path.read_text()
    assert guide_errors(text) == []
    assert "CAS*OA*23*10.00~" in text and "CAS*PR*1*5.50*1*2*0.25~" in text
    segments = text.split("~\n")
    for seg in segments:
        if seg.startswith("CAS*"):
            e = seg.split("*")
            assert e[1] in ("CO", "PR", "OA", "PI") and len(e) >= 4
            assert all(Decimal(e[i]) is not None for i in range(3, len(e), 3))
    at = segments.index(next(s for s in segments if s.startswith("NM1*PR*2*SUMMIT")))
    assert any(s == "REF*F8*SHP26072400149" for s in segments[at : at + 4])
    (other,) = next(read_837(text.encode()).claims).other_payers
    assert [a[:4] for a in other.adjustments] == [a[:4] for a in claim_level]


def test_envelope_numbers_do_not_repeat(tmp_path: Path) -> None:
    first = written("brightpath-pt", "BP26065", tmp_path)
    second = written("little-steps-aba", "LS4114", tmp_path)
    isa13 = [t.split("*")[13] for t in (first, second)]
    assert isa13[0] != isa13[1]
    for text in (first, second):
        se = next(s for s in text.split("~\n") if s.startswith("SE*"))
        st = text.split("~\n").index(next(s for s in text.split("~\n") if s.startswith("ST*")))
        assert int(se.split("*")[1]) == text.split("~\n").index(se) - st + 1


def test_cms1500_boxes() -> None:
    claim = original_claims(EXAMPLES / "little-steps-aba")["LS4114"][0].claim
    boxes = {row.box: row.value for row in claim_boxes(claim)}
    assert boxes["1a"] == "PMX70219934-01" and boxes["26"] == "LS4114"
    assert boxes["33a"] == "1730496282" and boxes["21"] == "A. F840"
    markdown = boxes_markdown(claim)
    assert "| 2026-08-11 | 11 | 97155 | A | 128.00 | 4 | 1558392019 |" in markdown


@pytest.mark.parametrize(
    ("claim_id", "practice", "form"),
    [("LS4114", "little-steps-aba", "replacement"), ("BP26063", "brightpath-pt", "new")],
)
def test_cli_claim_file(claim_id: str, practice: str, form: str, tmp_path: Path) -> None:
    eras = [str(p) for p in sorted((EXAMPLES / practice / "remittances").glob("*.835"))]
    args = [
        "claim-file",
        claim_id,
        "--practice",
        str(EXAMPLES / practice),
        "--era",
        *eras,
        "--out",
        str(tmp_path),
        "--today",
        "2026-11-23",
    ]
    run = CliRunner().invoke(app, args)
    assert run.exit_code == 0, run.output
    path = tmp_path / f"{claim_id}-{form}.837"
    assert guide_errors(path.read_text()) == []
    assert f"{claim_id}: {form}" in run.output


def test_cli_unknown_claim_fails_cleanly(tmp_path: Path) -> None:
    practice = EXAMPLES / "little-steps-aba"
    era = str(next((practice / "remittances").glob("*.835")))
    run = CliRunner().invoke(app, ["claim-file", "NOPE", "--practice", str(practice), "--era", era])
    assert run.exit_code == 1 and "Traceback" not in run.output


def test_void_withdraws_the_claim_as_sent(tmp_path: Path) -> None:
    practice = decisions("little-steps-aba")[0]
    items = items_of("little-steps-aba", "LS4114")
    result = file_claim(items, original_claims(EXAMPLES / "little-steps-aba"), practice, void=True)
    path = write_result(result, tmp_path, TODAY)
    assert result.form == "void" and path is not None
    text = path.read_text()
    assert guide_errors(text) == []
    claim = next(read_837(text.encode()).claims)
    assert (claim.frequency, claim.payer_claim_control_number) == ("8", "PM20260825001A")
    assert [line.procedure.modifiers for line in claim.lines] == [(), ()]  # no fix applied


def test_rendering_npi_comes_from_practice_toml() -> None:
    practice = decisions("brightpath-pt")[0]
    item = items_of("brightpath-pt", "BP26063")[0]._replace(remark_codes=("N290",))
    item = item._replace(context=None)  # not Medicare-typed: a replacement
    result = file_claim([item], original_claims(EXAMPLES / "brightpath-pt"), practice)
    assert result.written, result.missing
    change = next(c for c in result.changes if c.element.startswith("2310B"))
    assert change.new == "Dana Whitfield, NPI 1295837466"
    assert change.source == "practice.toml [billing.providers.Dana Whitfield DPT]"


def test_an_unknown_fix_is_not_guessed() -> None:
    item = items_of("brightpath-pt", "BP26065")[0]._replace(action="correct the claim and resubmit")
    result = file_claim([item], original_claims(EXAMPLES / "brightpath-pt"))
    assert not result.written
    assert any("cannot apply" in m for m in result.missing)


def test_public_api_of_claims_out() -> None:
    import recoup.claims_out as module

    assert sorted(module.__all__) == sorted(set(module.__all__))
    assert [n for n in module.__all__ if not hasattr(module, n)] == []


def test_a_bad_sent_claim_file_is_reported_not_used(tmp_path: Path) -> None:
    folder = tmp_path / "practice"
    (folder / "claims").mkdir(parents=True)
    good = (EXAMPLES / "little-steps-aba" / "claims" / "2026-09-01_prairie-mutual.837").read_text()
    (folder / "claims" / "bad.837").write_text(good.replace("CLM*LS4114*304.00", "CLM*LS4114*3O4"))
    findings: list = []
    found = original_claims(folder, findings)
    assert "LS4114" not in found and "LS4115" in found
    assert any(f.code == "x837.clm.charge" and f.file.endswith("bad.837") for f in findings)
