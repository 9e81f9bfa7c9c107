"""One lineage: the store's claim states, triage's worklist and the benefit counters pair
reversals and corrections the same way, whatever order the files arrive in."""

from __future__ import annotations

import random
import tempfile
from datetime import date, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recoup import pipeline
from recoup.lineage import current_claims, pair_reversals
from recoup.store import DenialQuery, Store
from recoup.triage import triage
from recoup.x12 import read_835
from remit_samples import header, original_file
from x12_samples import interchange, transaction

TODAY = date(2026, 11, 23)


def claim(status: str, clp07: str, *, f8: str = "") -> list[str]:
    """BP-1021's visit (97110, $120) denied CO-119; a reversal (status 22) negates it all."""
    amount = "-120.00" if status == "22" else "120.00"
    lines = [
        "LX*1",
        f"CLP*BP-1021*{status}*{amount}*0.00*0.00*12*{clp07}*11*{'7' if f8 else '1'}",
        "NM1*QC*1*RIVERA*ANA****MI*SHP7781204",
    ]
    if f8:
        lines.append(f"REF*F8*{f8}")
    return [*lines, f"SVC*HC:97110:GP*{amount}*0.00**2", "DTM*472*20260224", f"CAS*CO*119*{amount}"]


def remittance(n: int, body: list[str]) -> bytes:
    """One remittance a week from 2026-03-01, nothing paid (advice only)."""
    day = (date(2026, 3, 1) + timedelta(days=7 * n)).strftime("%Y%m%d")
    head = header(paid="0.00", when=day, trace=f"EFT{n:04d}", handling="H")
    return interchange(transaction(head + body, paid="0.00"), control=f"{n + 1:09d}")


def the_three_views(files: list[bytes], order: list[int]) -> tuple[set[str], set[str], set[str]]:
    """CLP07s of the claims in force as the store, triage and the counters see them; the store
    imports the files in ``order``."""
    results = [read_835(data, file=f"{i}.835") for i, data in enumerate(files)]
    assert all(r.ok for r in results), [r.findings for r in results]
    remits = sorted(
        (rem for r in results for rem in r.remittances), key=lambda r: r.notice_date or date.min
    )
    counters = {c.payer_claim_id for c in current_claims(c for r in remits for c in r.claims)}
    triaged = {item.payer_claim_id for item in triage(results, None, TODAY).items}
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for i in order:
            path = Path(tmp) / f"{i}.835"
            path.write_bytes(files[i])
            paths.append(path)
        with Store.open(str(Path(tmp) / "recoup.db")) as store:
            assert pipeline.import_paths(store, paths, today=TODAY).ok
            current = {c.payer_claim_id for c in store.claims() if c.state == "current"}
            stored = {r.payer_claim_id for r in store.denials(DenialQuery(today=TODAY)).rows}
    assert stored == triaged  # the stored worklist is triage's
    return current, triaged, counters


def test_a_reversal_with_a_new_payer_claim_number_closes_the_denials() -> None:
    """BP-1021's two CO-119 lines ($185) are taken back by a reversal numbered anew."""
    reversal = [
        "LX*1",
        "CLP*BP-1021*22*-185.00*0.00*0.00*12*SHP2026050100099*11*1",
        "NM1*QC*1*RIVERA*ANA****MI*SHP7781204",
        "SVC*HC:97110:GP*-120.00*0.00**2",
        "DTM*472*20260224",
        "CAS*CO*119*-120.00",
        "SVC*HC:97140:GP*-65.00*0.00**1",
        "DTM*472*20260224",
        "CAS*CO*119*-65.00",
    ]
    body = header(paid="0.00", when="20260501", trace="EFT0501001", handling="H") + reversal
    files = [original_file(), interchange(transaction(body), control="000000501")]
    with tempfile.TemporaryDirectory() as tmp:
        paths = [Path(tmp) / "a.835", Path(tmp) / "b.835"]
        for path, data in zip(paths, files, strict=True):
            path.write_bytes(data)
        with Store.open(str(Path(tmp) / "recoup.db")) as store:
            first = pipeline.import_paths(store, paths[:1], today=TODAY)
            assert first.refresh is not None and first.refresh.new == 2
            second = pipeline.import_paths(store, paths[1:], today=TODAY)
            assert second.refresh is not None and second.refresh.closed_elsewhere == 2
            assert store.denials(DenialQuery(today=TODAY)).total == 0
            states = {c.payer_claim_id: c.state for c in store.claims()}
            assert states["SHP2026030400021"] == "reversed"
    results = [read_835(data) for data in files]
    assert not triage(results, None, TODAY).items
    claims = [c for r in results for rem in r.remittances for c in rem.claims]
    assert "SHP2026030400021" not in {c.payer_claim_id for c in current_claims(claims)}
    (link,) = pair_reversals(claims)
    assert link.reversal.payer_claim_id == "SHP2026050100099" and link.correction is None


EVENT = st.sampled_from(["reverse same", "reverse new", "correct named", "correct plain"])


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(events=st.lists(EVENT, min_size=1, max_size=4), seed=st.integers(0, 10_000))
def test_the_store_triage_and_the_counters_agree_on_any_history(
    events: list[str], seed: int
) -> None:
    bodies = [claim("1", "ICN0")]
    latest = "ICN0"
    for n, event in enumerate(events, start=1):
        if event.startswith("reverse"):
            number = latest if event == "reverse same" else f"ICN{n}R"
            bodies.append(claim("22", number))
        else:
            number = f"ICN{n}"
            bodies.append(claim("1", number, f8=latest if event == "correct named" else ""))
            latest = number
    files = [remittance(n, body) for n, body in enumerate(bodies)]
    order = list(range(len(files)))
    random.Random(seed).shuffle(order)
    store_view, triage_view, counter_view = the_three_views(files, order)
    assert store_view == counter_view
    assert triage_view == counter_view
