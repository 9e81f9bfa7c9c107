"""Adapters that run *other* X12 835 parsers, so ours can be measured against them.

Nothing here is used by recoup itself. Each ``parse_<name>(path)`` runs one peer library's
full parse of an 835 file to that library's own records (tables, objects or models) and
returns ``(claim payments, sum of CLP03 total charge, sum of CLP04 paid)`` read from those
records, never from a re-split of the text. A benchmark can time the call and check the
three numbers against recoup's; ``available()`` says which peers import in the running
interpreter.

The peers are installed in a separate virtual environment, not in the project's: ``make bench``
creates ``.venv-peers`` with pinned versions (see the Makefile), and one adapter is run with
``.venv-peers/bin/python benchmarks/peers.py NAME FILE...``.

Known limits of the peers at the pinned versions (seen on shared/corpus/era and a synthetic
file):

- oxedi 0.6.0: reads its tables through Arrow, so this adapter needs pyarrow (its ``pandas``
  extra). Raises ``ParseError`` for input that does not start with ISA (a bare ST...SE
  fragment); anything else parses, problems come back as diagnostics.
- edi-835-parser 1.8.0: splits on a hard-coded ``~`` and on ``*`` or ``|``, ignoring the ISA
  delimiters; amounts are floats (converted here through ``repr``). Raises when BPR16 is
  missing (``IndexError``) or not a valid date (``ValueError``), and when the file ends inside
  a claim without an SE (``AttributeError`` on ``None.__next__``).
- pyx12 4.0.0: needs a file that starts with ISA (else ``X12Error``); reads text as ASCII.
  The map-driven reader of ``parse_pyx12`` finds no 2100 loop, silently, when the claims are
  not under an LX (loop 2000), and does not yield the last claim when the stream ends inside
  it (no SE). ``X12Reader`` (``pyx12_claim_totals``) has no map and needs neither, but stops
  silently at the first empty segment (``~~``), dropping the rest of the file.
- linuxforhealth-x12 0.57.0: imports ``pydantic.BaseSettings``, so it needs pydantic 1.x. It
  yields a model only at a transaction's SE and raises pydantic's ``ValidationError`` for a
  transaction that breaks one of its rules, so one bad claim loses the whole transaction. It
  rejects every 835 with a PER segment in loop 1000A (it builds that loop's ``per_segment``
  as a single segment, not a list), raises ``KeyError`` when CLP comes without LX, and needs
  a file that starts with ISA (``ValueError``).
"""

from __future__ import annotations

import importlib
import resource
import sys
import time
import warnings
from collections.abc import Callable
from decimal import Decimal
from typing import Any

Totals = tuple[int, Decimal, Decimal]
"""Claim payments (CLP segments), sum of CLP03 (total charge), sum of CLP04 (paid)."""


def _amount(value: Any, what: str) -> Decimal:
    """A CLP amount as a ``Decimal``; an absent amount is an error, not zero."""
    if value is None or value == "":
        raise ValueError(f"{what} is missing")
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        # repr gives the shortest text that reads back as the same float: "800.0" for 800.00.
        return Decimal(repr(value))
    return Decimal(str(value))


def parse_oxedi(path: str) -> Totals:
    """oxedi (Rust): ``parse_file`` to its typed tables, then the ``claims`` table.

    ``claims.charge_amount`` is CLP03 and ``claims.payment_amount`` is CLP04, both
    decimal128(38, 2); one row per CLP segment.
    """
    import oxedi
    import pyarrow as pa
    import pyarrow.compute as pc

    result = oxedi.parse_file(path)
    claims = pa.table(result.tables["claims"])
    charge = pc.sum(claims["charge_amount"]).as_py()
    paid = pc.sum(claims["payment_amount"]).as_py()
    return (
        claims.num_rows,
        Decimal(0) if charge is None else _amount(charge, "sum of CLP03"),
        Decimal(0) if paid is None else _amount(paid, "sum of CLP04"),
    )


def parse_edi_835_parser(path: str) -> Totals:
    """edi-835-parser: ``parse`` to ``TransactionSets``, then each claim loop's CLP object.

    It warns once per segment id it does not handle; those warnings are silenced here.
    """
    import edi_835_parser

    count = 0
    charge = Decimal(0)
    paid = Decimal(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        transaction_sets = edi_835_parser.parse(path)
    for transaction_set in transaction_sets:
        for claim in transaction_set.claims:
            count += 1
            charge += _amount(claim.claim.charge_amount, "CLP03")
            paid += _amount(claim.claim.paid_amount, "CLP04")
    return count, charge, paid


def parse_pyx12(path: str) -> Totals:
    """pyx12: the map-driven ``X12ContextReader``, one tree per 2100 claim payment loop.

    This walks every segment through the 835 implementation-guide map (loop placement and
    segment checks), which is pyx12's full parse; the errors go to a null error handler.
    """
    import pyx12.error_handler
    import pyx12.params
    import pyx12.x12context

    count = 0
    charge = Decimal(0)
    paid = Decimal(0)
    params = pyx12.params.ParamsBase()
    errh = pyx12.error_handler.errh_null()
    with pyx12.x12context.X12ContextReader(params, errh, path) as reader:
        for node in reader.iter_segments("2100"):
            if node.id != "2100":
                continue
            count += 1
            charge += _amount(node.get_value("CLP03"), "CLP03")
            paid += _amount(node.get_value("CLP04"), "CLP04")
    return count, charge, paid


def pyx12_claim_totals(path: str) -> list[tuple[str, Decimal, Decimal]]:
    """Per claim payment, in file order: (CLP01, CLP03, CLP04), read by pyx12 alone.

    Uses pyx12's segment reader ``pyx12.x12file.X12Reader``, which takes the delimiters from
    the ISA segment and splits each segment into pyx12 ``Segment`` objects; no map is needed.
    Meant for a differential test against recoup. Raises ``pyx12.errors.X12Error`` for a file
    that does not start with ISA.
    """
    import pyx12.x12file

    claims: list[tuple[str, Decimal, Decimal]] = []
    with pyx12.x12file.X12Reader(path) as reader:
        for segment in reader:
            if segment.get_seg_id() != "CLP":
                continue
            claims.append(
                (
                    segment.get_value("CLP01") or "",
                    _amount(segment.get_value("CLP03"), "CLP03"),
                    _amount(segment.get_value("CLP04"), "CLP04"),
                )
            )
    return claims


def parse_linuxforhealth_x12(path: str) -> Totals:
    """LinuxForHealth x12: ``X12ModelReader`` to pydantic 835 models, then loop 2000/2100.

    Needs pydantic 1.x. Raises pydantic's ``ValidationError`` for a transaction it rejects.
    """
    from linuxforhealth.x12.io import X12ModelReader

    count = 0
    charge = Decimal(0)
    paid = Decimal(0)
    with X12ModelReader(path) as reader:
        for model in reader.models():
            for loop_2000 in getattr(model, "loop_2000", None) or []:
                for loop_2100 in loop_2000.loop_2100:
                    clp = loop_2100.clp_segment
                    count += 1
                    charge += _amount(clp.total_claim_charge_amount, "CLP03")
                    paid += _amount(clp.claim_payment_amount, "CLP04")
    return count, charge, paid


PEERS: dict[str, Callable[[str], Totals]] = {
    "oxedi": parse_oxedi,
    "edi-835-parser": parse_edi_835_parser,
    "pyx12": parse_pyx12,
    "linuxforhealth-x12": parse_linuxforhealth_x12,
}

_REQUIRES: dict[str, tuple[str, ...]] = {
    "oxedi": ("oxedi", "pyarrow", "pyarrow.compute"),
    "edi-835-parser": ("edi_835_parser",),
    "pyx12": ("pyx12.x12context", "pyx12.x12file"),
    "linuxforhealth-x12": ("linuxforhealth.x12.io",),
}


def available() -> dict[str, Callable[[str], Totals]]:
    """The adapters of ``PEERS`` whose libraries import in the current interpreter."""
    found: dict[str, Callable[[str], Totals]] = {}
    for name, adapter in PEERS.items():
        try:
            for module in _REQUIRES[name]:
                importlib.import_module(module)
        except Exception:  # ImportError, or e.g. pydantic's error for the wrong major version
            continue
        found[name] = adapter
    return found


def _peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str]) -> int:
    """``peers.py NAME FILE...``: run one adapter on each file, print totals and timing."""
    if len(argv) < 2:
        print(f"usage: peers.py {{{','.join(PEERS)}}} FILE...", file=sys.stderr)
        print(f"available here: {', '.join(available()) or 'none'}", file=sys.stderr)
        return 2
    adapter = PEERS[argv[0]]
    for path in argv[1:]:
        start = time.perf_counter()
        try:
            count, charge, paid = adapter(path)
        except Exception as error:
            message = " | ".join(str(error).split("\n"))[:300]
            print(f"{path}\tERROR {type(error).__name__}: {message}")
            continue
        seconds = time.perf_counter() - start
        print(f"{path}\t{count}\t{charge}\t{paid}\t{seconds:.3f}s\tpeak {_peak_rss_mb():.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
