"""The library API the rest of recoup uses: explain, lookup, search, category_of."""

from __future__ import annotations

import pytest

import recoup.codes
from recoup.codes import (
    UNKNOWN_CATEGORY,
    category_of,
    explain,
    explain_remark,
    lookup,
    parse_code,
    search,
)


def test_public_api_is_listed() -> None:
    for name in recoup.codes.__all__:
        assert hasattr(recoup.codes, name), name
    assert {"explain", "lookup", "search", "category_of", "import_official"} <= set(
        recoup.codes.__all__
    )


def test_co_119_is_a_benefit_maximum_the_provider_absorbs() -> None:
    e = explain("CO", "119")
    assert e.known and e.code == "119" and e.group == "CO"
    assert e.category == "benefit_maximum"
    assert e.liability == "provider"
    assert "provider absorbs" in (e.group_meaning or "")
    assert "waiver" in (e.group_meaning or "")
    assert e.appealable == "depends"
    assert "benefit period" in e.typical_fix


def test_pr_group_says_the_patient_may_be_billed() -> None:
    e = explain("PR", "119")
    assert e.liability == "patient"
    assert "patient may be billed" in (e.group_meaning or "")
    assert "payer's view" in (e.group_meaning or "")


@pytest.mark.parametrize("group", ["OA", "PI"])
def test_oa_and_pi_liability_depends(group: str) -> None:
    e = explain(group, "45")
    assert e.liability == "depends"
    assert "depends" in (e.group_meaning or "")


def test_cr_is_flagged_as_4010_only() -> None:
    e = explain("CR", "45")
    assert e.group == "CR"
    assert any("4010" in w for w in e.warnings)


def test_297_is_the_vision_plan_with_a_warning_about_benefit_maximum() -> None:
    e = explain("CO", "297")
    assert "vision plan" in e.description
    assert e.category == "other_plan"
    assert e.confusion is not None
    assert "benefit maximum" in e.confusion
    assert "119" in e.confusion and "35" in e.confusion
    assert any("benefit maximum" in w for w in e.warnings)


def test_222_is_the_providers_cap_not_a_patient_benefit() -> None:
    e = explain("CO", "222")
    assert e.category == "contractual"
    assert "not patient-specific" in (e.confusion or "")


def test_remarks_are_explained_and_can_close_the_appeal() -> None:
    e = explain("CO", "16", ["MA130", "N290"])
    assert [r.code for r in e.remarks] == ["MA130", "N290"]
    assert e.appealable == "no"
    assert any("cannot be appealed" in w for w in e.warnings)
    opened = explain("CO", "50", ["N210"])
    assert opened.appealable == "yes"


def test_benefit_max_remarks() -> None:
    e = explain("CO", "119", ["N362", "N435", "N640", "N587"])
    assert all(r.known for r in e.remarks)
    assert e.unknown_codes == ()
    assert "documentation" in (e.remarks[1].explanation or "")


def test_group_restricted_codes_warn_on_the_wrong_group() -> None:
    assert any("group OA" in w for w in explain("CO", "23").warnings)
    assert not any("meant for group" in w for w in explain("OA", "23").warnings)


def test_deactivated_codes_stay_known_with_a_warning() -> None:
    e = explain("CO", "42")
    assert e.known and e.active is False
    assert any("deactivated" in w for w in e.warnings)


def test_unknown_codes_are_reported_not_raised() -> None:
    e = explain("CO", "999", ["N9999", "X"])
    assert not e.known
    assert e.category == UNKNOWN_CATEGORY
    assert e.unknown_codes == ("999", "N9999", "X")
    assert explain("ZZ", "45").warnings  # an unknown group code is a warning too


def test_remark_given_as_reason_is_called_out() -> None:
    e = explain(None, "N362")
    assert not e.known
    assert any("remark code" in w for w in e.warnings)


@pytest.mark.parametrize(
    ("text", "code", "kind", "group"),
    [
        ("CO-119", "119", "CARC", "CO"),
        ("co 119", "119", "CARC", "CO"),
        ("PR1", "1", "CARC", "PR"),
        ("OA:23", "23", "CARC", "OA"),
        ("097", "97", "CARC", None),
        ("N362", "N362", "RARC", None),
        ("ma130", "MA130", "RARC", None),
        ("CO-A2", "A2", "CARC", "CO"),
    ],
)
def test_parse_code(text: str, code: str, kind: str, group: str | None) -> None:
    ref = parse_code(text)
    assert (ref.code, ref.kind, ref.group) == (code, kind, group)


@pytest.mark.parametrize("text", ["", "CO-", "hello", "119-CO", "N-362"])
def test_parse_code_rejects_non_codes(text: str) -> None:
    with pytest.raises(ValueError):
        parse_code(text)


def test_lookup() -> None:
    entry = lookup("CO-97")
    assert entry is not None and entry.kind == "CARC" and entry.category == "bundling"
    remark = lookup("N362")
    assert remark is not None and remark.kind == "RARC"
    assert lookup("12345") is None
    assert lookup("not a code") is None


def test_explain_remark_alone() -> None:
    r = explain_remark("N211")
    assert r.known and r.appeal_effect == "no" and r.alert
    assert not explain_remark("N99999").known


def test_search_benefit_maximum_puts_119_and_35_first() -> None:
    found = [e.code for e in search("benefit maximum")]
    assert found[:2] == ["119", "35"]
    assert "149" in found


def test_search_by_words_and_by_code() -> None:
    assert search("97")[0].code == "97"
    vision = [e.code for e in search("vision plan")]
    assert vision[:2] == ["297", "298"]
    assert search("zzzz nothing matches") == []
    assert len(search("missing", limit=3)) == 3


def test_category_of_is_a_fast_lookup() -> None:
    assert category_of("97") == "bundling"
    assert category_of("119") == "benefit_maximum"
    assert category_of(" 016") == "missing_information"
    assert category_of("a1") == "other"
    assert category_of("99999") == UNKNOWN_CATEGORY
    assert category_of("") == UNKNOWN_CATEGORY
