"""The store: remittances, claims with their lineage, and practice data, in SQLite or PostgreSQL.

    >>> from recoup.store import Store
    >>> with Store.open() as store:  # ./recoup.db, or $RECOUP_DATABASE_URL  # doctest: +SKIP
    ...     store.import_path(Path("examples/brightpath-pt"))

One repository API (:class:`Store`) over SQLAlchemy Core; the schema is kept by Alembic
migrations shipped in the package and applied on open. See :mod:`recoup.store.engine` for
where the store lives and how writers are serialised, :mod:`recoup.store.remits` for what makes
an import idempotent, :mod:`recoup.store.lineage` for reversal links,
:mod:`recoup.store.worklist` for the stored worklist (triage from the store, refresh),
:mod:`recoup.store.worklist_query` for paging it and recording what was done,
:mod:`recoup.store.kpis` for the figures and :mod:`recoup.store.accounts` for users, login
limits and the audit log.
"""

from recoup.store.accounts import ROLES, AuditEntry, User
from recoup.store.denial_rows import OUTCOMES, SORTS, STATUSES, DenialRow, UnknownDenial
from recoup.store.engine import ENV_VAR, StoreError, display_url, resolve_url
from recoup.store.kpis import Kpis, RateRow
from recoup.store.practices import TableChanges
from recoup.store.queries import ClaimHistory, ClaimView, LineView
from recoup.store.repository import ImportResult, Store
from recoup.store.worklist import RefreshResult
from recoup.store.worklist_query import DenialPage, DenialQuery

__all__ = [
    "ENV_VAR",
    "OUTCOMES",
    "ROLES",
    "SORTS",
    "STATUSES",
    "AuditEntry",
    "ClaimHistory",
    "ClaimView",
    "DenialPage",
    "DenialQuery",
    "DenialRow",
    "ImportResult",
    "Kpis",
    "LineView",
    "RateRow",
    "RefreshResult",
    "Store",
    "StoreError",
    "TableChanges",
    "UnknownDenial",
    "User",
    "display_url",
    "resolve_url",
]
