"""Unknown and deactivated codes in a remittance are kept and flagged, never dropped."""

from __future__ import annotations

from recoup.code_check import check_codes
from recoup.x12 import read_835
from x12_samples import seed_file


def test_unknown_reason_and_remark_are_flagged_once() -> None:
    data = seed_file().replace(b"CAS*CO*119*65.00", b"CAS*CO*Z99*65.00")
    data = data.replace(b"LQ*HE*N362~\nSVC", b"LQ*HE*N9999~\nSVC")
    result = read_835(data, file="odd.835")
    findings = check_codes(result.remittances)
    messages = [f.message for f in findings]
    assert any(m.startswith("CARC Z99 is not in recoup's code tables") for m in messages)
    assert any(m.startswith("RARC N9999 is not in recoup's code tables") for m in messages)
    assert len(findings) == 2
    assert all(f.file == "odd.835" and f.segment for f in findings)
    # the adjustment is still there, as sent
    line = result.remittances[0].claims[1].lines[1]
    assert line.adjustments[0].reason == "Z99"


def test_known_codes_raise_nothing() -> None:
    assert check_codes(read_835(seed_file()).remittances) == []
