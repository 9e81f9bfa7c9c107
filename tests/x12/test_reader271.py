"""The 271 eligibility reader: members, benefits, limits, rejections, envelope errors."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from recoup.findings import Severity
from recoup.x12.reader271 import benefit_limits, read_271

DATA = Path(__file__).parent.parent / "data" / "271"


def _file(*body: str, control: str = "0001") -> bytes:
    segments = [
        "ISA*00*          *00*          *ZZ*SUMMITHP       *ZZ*BRIGHTPATH     *260323*0915*^"
        "*00501*000000001*0*P*:",
        "GS*HB*SUMMITHP*BRIGHTPATH*20260323*0915*1*X*005010X279A1",
        f"ST*271*{control}*005010X279A1",
        "BHT*0022*11*REQ1*20260323*0915",
        "HL*1**20*1",
        "NM1*PR*2*SUMMIT HEALTH PLAN*****PI*73120",
        "HL*2*1*21*1",
        "NM1*1P*2*BRIGHTPATH PHYSICAL THERAPY*****XX*1548213069",
        "HL*3*2*22*0",
        "TRN*2*REQ1*9843921756",
        "NM1*IL*1*RIVERA*ANA****MI*SHP7781204",
        "DTP*346*D8*20260101",
        *body,
    ]
    segments.append(f"SE*{len(segments) - 1}*{control}")
    segments += ["GE*1*1", "IEA*1*000000001"]
    return ("~\n".join(segments) + "~\n").encode()


def test_visit_limit_used_and_remaining() -> None:
    result = read_271(
        _file(
            "EB*1*IND*30*PR*SUMMIT CHOICE PPO",
            "EB*F*IND*PT^AD***23***VS*20",
            "MSG*PT/OT COMBINED VISIT LIMIT",
            "DTP*292*RD8*20260101-20261231",
            "EB*F*IND*PT^AD***23***99*17",
            "EB*F*IND*PT^AD***29***VS*3",
        )
    )
    assert result.ok and result.findings == ()
    (response,) = result.responses
    assert response.payer_name == "SUMMIT HEALTH PLAN" and response.payer_id == "73120"
    assert response.member is not None and response.member.id == "SHP7781204"
    assert response.trace_numbers == ("REQ1",)
    assert response.dates == (("346", date(2026, 1, 1), None),)
    limit, used, remaining = benefit_limits(response)
    assert (limit.kind, limit.quantity, limit.unit, limit.period) == (
        "limit", Decimal(20), "visits", "calendar year")  # fmt: skip
    assert limit.service_types == ("PT", "AD")
    assert limit.messages == ("PT/OT COMBINED VISIT LIMIT",)
    assert (used.kind, used.quantity) == ("used", Decimal(17))
    assert (remaining.kind, remaining.quantity) == ("remaining", Decimal(3))
    assert response.benefits[1].dates == (("292", date(2026, 1, 1), date(2026, 12, 31)),)


def test_aba_hours_per_week() -> None:
    result = read_271(_file("EB*F*IND*MH***35***HS*25*Y"))
    (limit,) = benefit_limits(result.responses[0])
    assert (limit.quantity, limit.unit, limit.period) == (Decimal(25), "hours", "week")
    assert result.responses[0].benefits[0].authorization_required == "Y"


def test_dependent_benefits_belong_to_the_dependent() -> None:
    result = read_271(DATA / "lfh-dependent-health-benefit-check.271")
    (response,) = result.responses
    assert response.dependent is not None and response.dependent.display_name == "MARY SMITH"
    assert response.subscriber is not None and response.subscriber.display_name == "JOHN SMITH"
    copays = [b for b in response.benefits if b.info == "B"]
    assert [b.amount for b in copays] == [Decimal("10.00"), Decimal("30.00")]
    assert copays[0].service_types[:3] == ("1", "33", "35")
    # the LS..LE loop's NM1 (a related provider) does not replace the member
    assert response.member is not None and response.member.last_name == "SMITH"


def test_rejection_and_envelope_error() -> None:
    result = read_271(DATA / "lfh-subscriber-health-benefit-check-error.271")
    assert {f.code for f in result.findings} == {"x271.rejected", "x12.se.control"}
    assert result.ok  # an envelope fault alone is a warning
    strict = read_271(DATA / "lfh-subscriber-health-benefit-check-error.271", strict=True)
    assert [f.code for f in strict.findings if f.severity is Severity.ERROR] == ["x12.se.control"]
    assert not strict.ok


def test_bad_quantity_is_reported() -> None:
    result = read_271(_file("EB*F*IND*PT***23***VS*twenty"))
    (finding,) = result.findings
    assert finding.code == "x271.value" and '"twenty"' in finding.message
    assert finding.segment_text == "EB*F*IND*PT***23***VS*twenty"


@given(st.binary(max_size=600))
@settings(max_examples=150)
def test_random_bytes_never_raise(data: bytes) -> None:
    read_271(data)


@given(st.integers(0, 900), st.binary(min_size=1, max_size=5))
@settings(max_examples=150)
def test_mutations_never_raise(position: int, junk: bytes) -> None:
    data = bytearray(_file("EB*F*IND*PT***23***VS*20"))
    data[position : position + len(junk)] = junk
    read_271(bytes(data))
