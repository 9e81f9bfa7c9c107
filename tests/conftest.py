"""Suite-wide checks and fixtures."""

from __future__ import annotations

import pytest


def pytest_sessionstart(session: pytest.Session) -> None:
    from recoup.x12 import stale_compiled_modules

    stale = stale_compiled_modules()
    if stale:
        raise pytest.UsageError(
            f"the compiled 835 reader is older than {', '.join(stale)}: the tests would run "
            "stale code. Run `make install` first."
        )
