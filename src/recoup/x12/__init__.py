"""X12 EDI: delimiters and segments, the 835 remittance reader and writer."""

from recoup.x12.reader835 import ParseResult, Reader835, iter_claims, read_835, read_835_file
from recoup.x12.tokens import DEFAULT_DELIMITERS, Delimiters

__all__ = [
    "DEFAULT_DELIMITERS",
    "Delimiters",
    "ParseResult",
    "Reader835",
    "iter_claims",
    "read_835",
    "read_835_file",
]
