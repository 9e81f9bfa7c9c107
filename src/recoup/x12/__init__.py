"""X12 EDI: delimiters and segments, the 835 remittance reader and writer, the 271 reader.

The practice's outgoing 837P claims: ``read_837`` / ``Reader837`` and ``write_837``.

The reader's hot modules may be compiled with mypyc, and the segment splitter and claim builder
built from ``_segsplit.c`` and ``_claim835.c`` (``scripts/build_native.py``, run by ``make``);
``COMPILED`` says whether the mypyc modules are. A compiled module older than its source would
run stale code, so importing warns about it (and the test suite refuses to run).
"""

import warnings
from pathlib import Path

from recoup.x12 import claims835 as _claims835
from recoup.x12.claims837 import Claim837, ClaimBatch, ServiceLine837
from recoup.x12.reader271 import Read271, benefit_limits, read_271
from recoup.x12.reader835 import ParseResult, Reader835, iter_claims, read_835, read_835_file
from recoup.x12.reader837 import Read837, Reader837, read_837, read_837_file
from recoup.x12.tokens import DEFAULT_DELIMITERS, Delimiters
from recoup.x12.writer837 import write_837

__all__ = [
    "COMPILED",
    "DEFAULT_DELIMITERS",
    "Claim837",
    "ClaimBatch",
    "Delimiters",
    "ParseResult",
    "Read271",
    "Read837",
    "Reader835",
    "Reader837",
    "ServiceLine837",
    "benefit_limits",
    "iter_claims",
    "read_271",
    "read_835",
    "read_835_file",
    "read_837",
    "read_837_file",
    "stale_compiled_modules",
    "write_837",
]

COMPILED = not str(getattr(_claims835, "__file__", "")).endswith(".py")


def stale_compiled_modules() -> list[str]:
    """Compiled modules whose Python source changed after they were built."""
    here = Path(__file__).parent
    stale = []
    for compiled in here.glob("*.so"):
        stem = compiled.name.split(".", 1)[0]
        for source in (here / f"{stem}.py", here / f"{stem}.c"):
            if source.exists() and source.stat().st_mtime > compiled.stat().st_mtime:
                stale.append(source.name)
    return stale


if _stale := stale_compiled_modules():
    warnings.warn(
        f"the compiled 835 reader is older than {', '.join(_stale)}; run `make install` "
        "(or scripts/build_native.py --clean) so the edited source is used",
        RuntimeWarning,
        stacklevel=2,
    )
