"""Each scrub check on its own, on the example practices' data with one thing changed."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

from recoup.scrub import History, Issue, ScrubClaim, ScrubLine, claim_from_837, scrub
from recoup.store import Store
from recoup.store.ncci import import_ncci_files
from scrub_helpers import Loaded

PTP_HEADER = (
    "Column 1", "Column 2", "*=in existence prior to 1996", "Effective Date", "Deletion Date",
    "Modifier", "PTP Edit Rationale",
)  # fmt: skip
MUE_HEADER = (
    "HCPCS/CPT Code", "Practitioner Services MUE Values", "MUE Adjudication Indicator",
    "MUE Rationale",
)  # fmt: skip


def _claim(claims: list[ScrubClaim], claim_id: str) -> ScrubClaim:
    return next(c for c in claims if c.claim_id == claim_id)


def _rules(issues: tuple[Issue, ...], claim_id: str) -> list[tuple[int, str, str]]:
    return [(i.line, i.rule, i.severity) for i in issues if i.claim_id == claim_id]


def _with_lines(claim: ScrubClaim, **changes: object) -> ScrubClaim:
    return claim._replace(lines=tuple(x._replace(**changes) for x in claim.lines))  # type: ignore[arg-type]


def test_kx_on_the_line_clears_it_and_gp_is_required(brightpath: Loaded) -> None:
    practice, claims, history = brightpath
    fixed = [
        _with_lines(c, modifiers=("GP", "KX")) if c.claim_id == "BP26062" else c for c in claims
    ]
    assert _rules(scrub(fixed, practice, history).issues, "BP26062") == []
    no_gp = [_with_lines(c, modifiers=()) if c.claim_id == "BP26057" else c for c in claims]
    found = _rules(scrub(no_gp, practice, history).issues, "BP26057")
    assert found == [(n, "therapy_modifier", "block") for n in (1, 2, 3, 4, 5)]


def test_the_cap_counts_the_batch_when_visits_csv_lacks_it(brightpath: Loaded) -> None:
    practice, claims, _ = brightpath
    rachel = [c for c in claims if c.patient_id == "P1001"]
    bare = practice._replace(visits=())  # the visits exist only in the batch being sent
    issues = scrub(rachel, bare, History()).issues
    assert {i.claim_id for i in issues} == {"BP26021"}
    assert "20 of 20 visits used" in issues[0].message and issues[0].source == "benefits.csv row 2"


def test_duplicates_of_paid_claims(brightpath: Loaded) -> None:
    practice, claims, history = brightpath
    again = _claim(claims, "BP26001")
    issues = scrub([again], practice, history, today=date(2026, 11, 23)).issues
    dup = [i for i in issues if i.rule == "duplicate"]
    assert len(dup) == 1 and dup[0].line == 0 and "REF*F8" in dup[0].change
    replacement = again._replace(frequency="7")
    assert not [
        i
        for i in scrub([replacement], practice, history, today=date(2026, 11, 23)).issues
        if i.rule == "duplicate"
    ]
    # the same service on a new claim number is a duplicate too
    renamed = again._replace(claim_id="BP29999")
    same = scrub([renamed], practice, history, today=date(2026, 11, 23)).issues
    assert [(i.line, i.rule) for i in same if i.rule == "duplicate"] == [
        (1, "duplicate"),
        (2, "duplicate"),
    ]


def test_timely_filing(brightpath: Loaded) -> None:
    practice, claims, _ = brightpath
    walter = _with_lines(_claim(claims, "BP26057"), modifiers=("GP",))
    late = scrub([walter], practice, History(), today=date(2027, 9, 1)).issues
    tf = [i for i in late if i.rule == "timely_filing"]
    assert tf and tf[0].severity == "block" and "42 CFR 424.44" in tf[0].source
    closing = scrub([walter], practice, History(), today=date(2027, 7, 26)).issues
    assert [i.severity for i in closing if i.rule == "timely_filing"] == ["warn"]
    rachel = _claim(claims, "BP26001")  # commercial: the contract's window, a warning only
    past = scrub([rachel], practice, History(), today=date(2026, 6, 1)).issues
    assert [(i.rule, i.severity) for i in past] == [("timely_filing", "warn")]
    assert not scrub([rachel], practice, History(), today=date(2026, 1, 20)).issues


def test_overlapping_and_untimed_pairs_warn(brightpath: Loaded) -> None:
    practice, claims, history = brightpath
    jenna = _claim(claims, "BP26065")
    lines = list(jenna.lines)
    lines[2] = lines[2]._replace(start_time=time(14, 5), end_time=time(14, 35))
    overlap = scrub([jenna._replace(lines=tuple(lines))], practice, history).issues
    assert [(i.line, i.rule, i.severity) for i in overlap] == [(3, "ncci_ptp", "warn")]
    untimed = _with_lines(jenna, start_time=None, end_time=None)
    assert [i.severity for i in scrub([untimed], practice, history).issues] == ["warn"]
    with_59 = jenna._replace(
        lines=(*jenna.lines[:2], jenna.lines[2]._replace(modifiers=("GP", "59")))
    )
    assert scrub([with_59], practice, history).issues == ()


def _cms_files(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    ptp = folder / "ccipra-v322r0-f1.txt"
    ptp.write_text(
        "copyright line\nColumn1/Column2 Edits\n"
        + "\t".join(PTP_HEADER)
        + "\n97140\t97530\t\t20200101\t*\t0\tMutually exclusive procedures\n",
        encoding="latin-1",
    )
    mue = folder / "MCR_MUE_PractitionerServices_Eff_07-01-2026.csv"
    mue.write_text(
        "copyright line\n" + ",".join(MUE_HEADER) + "\n97110,2,1 Line Edit,Clinical\n"
        "97153,32,2 Date of Service Edit: Policy,Clinical\n",
        encoding="latin-1",
    )
    return [ptp, mue]


def test_cms_tables_from_the_store(
    brightpath: Loaded, little_steps: Loaded, tmp_path: Path
) -> None:
    practice, claims, history = brightpath
    with Store.open(f"sqlite:///{tmp_path / 'r.db'}") as store:
        import_ncci_files(store.engine, _cms_files(tmp_path / "cms"))
        report = scrub([_claim(claims, "BP26065")], practice, history, store=store)
        ptp = [i for i in report.issues if i.rule == "ncci_ptp"]
        assert [(i.line, i.severity) for i in ptp] == [(3, "block")]
        assert "indicator 0" in ptp[0].message
        assert ptp[0].source.endswith("CMS NCCI PTP practitioner 2026Q3 (version 32.2r0)")
        # 97110 x2 on one line is at its MUE of 2 (MAI 1); x3 passes it
        three = _claim(claims, "BP26065")
        three = three._replace(lines=(three.lines[0]._replace(units=Decimal(3)), *three.lines[1:]))
        mue = [i for i in scrub([three], practice, history, store=store).issues if i.rule == "mue"]
        assert [(i.line, i.code) for i in mue] == [(1, "97110")]
        assert "MUE of 2 (MAI 1)" in mue[0].message and "MUE practitioner 2026Q3" in mue[0].source
        assert report.tables == (
            "CMS NCCI PTP practitioner 2026Q3 (version 32.2r0)",
            "CMS MUE practitioner 2026Q3 (effective 2026-07-01)",
        )
        # MAI 2 counts the day's lines across claims: Elijah's 97153 stays within 32 a day
        aba, aba_claims, aba_history = little_steps
        ok = scrub(aba_claims, aba, aba_history, store=store).issues
        assert not [i for i in ok if i.rule == "mue"]
        elijah = _claim(aba_claims, "LS4109")
        extra = elijah._replace(claim_id="LS9002", lines=(elijah.lines[0]._replace(number=1),))
        over = [
            i
            for i in scrub([*aba_claims, extra], aba, aba_history, store=store).issues
            if i.rule == "mue"
        ]
        assert {(i.claim_id, i.line) for i in over} == {("LS4109", 1), ("LS9002", 1)}
        assert "on 2026-06-08 exceed the MUE of 32 (MAI 2)" in over[0].message


# -- the 837P adapter: any record shaped like the 837P reader's Claim837 ------------------------


class _Procedure(NamedTuple):
    code: str
    modifiers: tuple[str, ...] = ()


class _Line(NamedTuple):
    number: int
    procedure: _Procedure
    charge: Decimal
    units: Decimal
    service_date: date | None
    prior_authorization: str = ""
    segment: int = 0


class _Id(NamedTuple):
    id: str


class _Subscriber(NamedTuple):
    member: _Id
    payer: _Id
    filing_indicator: str = "CI"


class _Claim837(NamedTuple):
    patient_control_number: str
    frequency: str
    subscriber: _Subscriber
    prior_authorization: str
    lines: tuple[_Line, ...]
    patient: _Person | None = None
    file: str = "batch.837"
    segment: int = 0


def test_837_claims_and_the_authorization_number(little_steps: Loaded) -> None:
    practice, _, history = little_steps
    member = next(c.member_id for c in practice.coverages if c.patient_id == "C2002")
    line = _Line(1, _Procedure("97153"), Decimal("176.00"), Decimal(8), date(2026, 11, 17), "", 12)
    sent = _Claim837("LS9001", "1", _Subscriber(_Id(member), _Id("58230")), "", (line,))
    claim = claim_from_837(sent, practice, date(2026, 11, 18))
    assert (claim.patient_id, claim.payer_id, claim.sent_on) == (
        "C2002",
        "58230",
        date(2026, 11, 18),
    )
    assert claim.lines[0].source == "batch.837 segment 12 (SV1)"
    issues = scrub([claim], practice, history).issues
    assert [(i.rule, i.change) for i in issues] == [
        ("authorization", "add REF*G1 PMA-26-00527 to the claim")
    ]
    with_auth = claim_from_837(sent._replace(prior_authorization="PMA-26-00527"), practice)
    assert scrub([with_auth], practice, history).issues == ()


class _Person(NamedTuple):
    first_name: str
    last_name: str
    birth_date: date | None


def test_a_dependent_is_found_by_name_and_birth_date(little_steps: Loaded) -> None:
    practice, _, _ = little_steps
    line = _Line(1, _Procedure("97153"), Decimal("88.00"), Decimal(4), date(2026, 11, 17))
    parent = _Subscriber(_Id("PMX70412856-01"), _Id("58230"))  # the subscriber, not the child
    child = _Person("Elijah", "Brooks", date(2020, 8, 22))
    sent = _Claim837("LS9003", "1", parent, "PMA-26-04402", (line,), child)
    assert claim_from_837(sent, practice).patient_id == "C2003"
    stranger = sent._replace(patient=_Person("Nobody", "Known", None))
    assert claim_from_837(stranger, practice).patient_id == ""


def test_scrub_line_defaults() -> None:
    line = ScrubLine(1, date(2026, 1, 5), "97110", (), Decimal(1), Decimal("60.00"))
    assert not line.timed and line.prior_auth is None
