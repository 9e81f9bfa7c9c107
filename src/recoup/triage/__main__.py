"""``python -m recoup.triage [FILE]``: write the rules reference (docs/rules.md) or print it."""

from __future__ import annotations

import sys
from pathlib import Path

from recoup.triage.reference import rules_reference


def main(argv: list[str]) -> int:
    """Write the reference to the file named in ``argv`` (stdout when none)."""
    text = rules_reference()
    if len(argv) > 1:
        Path(argv[1]).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
