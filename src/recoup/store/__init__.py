"""The store: remittances, claims with their lineage, and practice data, in SQLite or PostgreSQL.

    >>> from recoup.store import Store
    >>> with Store.open() as store:  # ./recoup.db, or $RECOUP_DATABASE_URL  # doctest: +SKIP
    ...     store.import_path(Path("examples/brightpath-pt"))

One repository API (:class:`Store`) over SQLAlchemy Core; the schema is kept by Alembic
migrations shipped in the package and applied on open. See :mod:`recoup.store.engine` for
where the store lives and how writers are serialised, :mod:`recoup.store.remits` for what makes
an import idempotent, and :mod:`recoup.store.lineage` for reversal links.
"""

from recoup.store.engine import ENV_VAR, StoreError, display_url, resolve_url
from recoup.store.practices import TableChanges
from recoup.store.queries import ClaimHistory, ClaimView, LineView
from recoup.store.repository import ImportResult, Store

__all__ = [
    "ENV_VAR",
    "ClaimHistory",
    "ClaimView",
    "ImportResult",
    "LineView",
    "Store",
    "StoreError",
    "TableChanges",
    "display_url",
    "resolve_url",
]
