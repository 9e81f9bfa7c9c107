from decimal import Decimal

from recoup.records import Adjustment, ClaimPayment, Person, Procedure, ServiceLine

def build(
    segs: list[str],
    number: int,
    line_starts: list[int],
    header_number: str,
    sep: str,
    procedures: dict[str, Procedure],
    /,
) -> ClaimPayment | None: ...
def configure(
    claim: type[ClaimPayment],
    line: type[ServiceLine],
    adjustment: type[Adjustment],
    person: type[Person],
    decimal: type[Decimal],
    zero: Decimal,
    /,
) -> None: ...
def gather(
    segments: list[str], start: int, claim: list[str], line_starts: list[int], sep: str, /
) -> int: ...
