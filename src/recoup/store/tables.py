"""The store's tables (SQLAlchemy Core). The migrations in ``migrations/versions`` create them.

Money is exact: ``NUMERIC`` without a fixed scale on PostgreSQL (the digits the source had),
text on SQLite (whose NUMERIC is a float). Both read back as ``Decimal`` through :class:`Money`;
sums are made in Python, never in SQL on SQLite.

::

    source_files ─< remittances ─< claims ─< service_lines ─< adjustments
         └──────────< claim_sources >──┘ (every file that carried a claim)
    claims.reverses_id / reversed_by_id / follows_id: reversal lineage (see lineage.py)

    source_files ─── file_contents (the 835's bytes, zlib: what triage re-reads)
    source_files ─< sent_claims ─< sent_claim_lines: the 837P claims sent (see sent.py)

    practices ─< payers, patients, coverages, benefits, authorizations, visits, waivers, documents

    denials: the worklist, one row per denial (practice_key, denial_id), triage fields + workflow
    denials ─< denial_notes (notes and calls); calendar_feeds: one secret feed per user
    users, audit_log, login_attempts, web_sessions: accounts for server mode (see accounts.py)
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    Time,
    TypeDecorator,
    UniqueConstraint,
    false,
)
from sqlalchemy.types import TypeEngine

__all__ = ["PRACTICE_TABLES", "Money", "metadata"]


class Money(TypeDecorator[Decimal]):
    """An exact amount: NUMERIC on PostgreSQL, text on SQLite; ``Decimal`` in Python."""

    impl = Numeric
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(40))
        return dialect.type_descriptor(Numeric(asdecimal=True))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        if not isinstance(value, Decimal):
            raise TypeError(f"money must be a Decimal, not {type(value).__name__}")
        return str(value) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return value if isinstance(value, Decimal) else Decimal(str(value))


metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


# 64-bit ids on PostgreSQL (a billing company's years of remittances); SQLite's INTEGER is 64-bit.
ID = BigInteger().with_variant(Integer(), "sqlite")


def _id() -> Column[int]:
    return Column("id", ID, primary_key=True)


source_files = Table(
    "source_files",
    metadata,
    _id(),
    Column("sha256", String(64), nullable=False, unique=True),
    Column("kind", String(16), nullable=False),  # "835" or "practice"
    Column("name", Text, nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("imported_at", DateTime(timezone=True), nullable=False),
)

# The bytes of each imported 835, so the store can triage again without the original files.
# Files imported before migration 0002 have no row here: importing them again adds it.
file_contents = Table(
    "file_contents",
    metadata,
    Column("source_file_id", ForeignKey("source_files.id"), primary_key=True),
    Column("compression", String(16), nullable=False),  # "zlib"
    Column("data", LargeBinary, nullable=False),
)

remittances = Table(
    "remittances",
    metadata,
    _id(),
    Column("source_file_id", ForeignKey("source_files.id"), nullable=False),
    Column("remittance_key", String(64), nullable=False, unique=True),
    Column("payer_key", Text, nullable=False),
    Column("payer_id", Text, nullable=False),
    Column("payer_name", Text, nullable=False),
    Column("payee_id", Text, nullable=False),
    Column("payee_name", Text, nullable=False),
    Column("trace_number", Text, nullable=False),
    Column("trace_originator", Text, nullable=False),
    Column("handling_code", String(4), nullable=False),
    Column("credit_debit", String(4), nullable=False),
    Column("payment_method", String(8), nullable=False),
    Column("payment_amount", Money, nullable=False),
    Column("payment_date", Date),
    Column("production_date", Date),
    Column("control_number", Text, nullable=False),
    Column("segment", Integer, nullable=False),
    # a later copy of the same check (payer + TRN02) with other content replaced this one: its
    # claims no longer count (recoup.resends; migration 0009)
    Column("superseded_by_id", ForeignKey("remittances.id")),
)

claims = Table(
    "claims",
    metadata,
    _id(),
    Column("remittance_id", ForeignKey("remittances.id"), nullable=False),
    Column("claim_key", String(64), nullable=False, unique=True),
    Column("content_hash", String(64), nullable=False),
    Column("payer_key", Text, nullable=False),
    Column("payer_name", Text, nullable=False),
    Column("trace_number", Text, nullable=False),
    Column("patient_control_number", Text, nullable=False),  # CLP01
    Column("payer_claim_id", Text, nullable=False),  # CLP07
    Column("original_reference", Text, nullable=False),  # REF*F8
    Column("status", String(4), nullable=False),  # CLP02
    Column("charge", Money, nullable=False),
    Column("paid", Money, nullable=False),
    Column("patient_responsibility", Money),
    Column("denied", Money, nullable=False),
    Column("denial_codes", Text, nullable=False),  # "CO-119 CO-97"
    Column("filing_indicator", String(4), nullable=False),
    Column("frequency", String(4), nullable=False),
    Column("patient_name", Text, nullable=False),
    Column("member_id", Text, nullable=False),
    Column("service_date", Date),
    Column("notice_date", Date),
    Column("segment", Integer, nullable=False),
    Column("detail", Text, nullable=False),  # the whole ClaimPayment as JSON
    Column("lineage", String(16), nullable=False),  # original, reversal, correction
    Column("reverses_id", ForeignKey("claims.id")),
    Column("reversed_by_id", ForeignKey("claims.id")),
    Column("follows_id", ForeignKey("claims.id")),  # a correction: the reversal before it
    Index(None, "payer_key", "patient_control_number"),
    Index(None, "patient_control_number"),
    Index(None, "payer_claim_id"),
)

claim_sources = Table(
    "claim_sources",
    metadata,
    Column("claim_id", ForeignKey("claims.id"), primary_key=True),
    Column("source_file_id", ForeignKey("source_files.id"), primary_key=True),
    Column("segment", Integer, primary_key=True),
    Column("remittance_id", ForeignKey("remittances.id"), nullable=False),
)

service_lines = Table(
    "service_lines",
    metadata,
    _id(),
    Column("claim_id", ForeignKey("claims.id"), nullable=False, index=True),
    Column("position", Integer, nullable=False),
    Column("qualifier", String(4), nullable=False),
    Column("procedure_code", Text, nullable=False),
    Column("modifiers", Text, nullable=False),
    Column("charge", Money, nullable=False),
    Column("paid", Money, nullable=False),
    Column("units", Money),
    Column("allowed", Money),
    Column("service_date", Date),
    Column("control_number", Text, nullable=False),
    Column("remarks", Text, nullable=False),
)

adjustments = Table(
    "adjustments",
    metadata,
    _id(),
    Column("claim_id", ForeignKey("claims.id"), nullable=False, index=True),
    Column("line_id", ForeignKey("service_lines.id")),  # None: a claim-level CAS
    Column("position", Integer, nullable=False),
    Column("group_code", String(4), nullable=False),
    Column("reason_code", String(8), nullable=False),
    Column("amount", Money, nullable=False),
    Column("quantity", Money),
)

# Provider-level adjustments (PLB pairs) of each stored remittance: takebacks (WO, 72, FB),
# interest (L6) and the rest; ``claim_id`` is the claim the reference names when one is found
# (recoup.takebacks has the rules; ``link_rule`` says which matched).
provider_adjustments = Table(
    "provider_adjustments",
    metadata,
    _id(),
    Column("remittance_id", ForeignKey("remittances.id"), nullable=False, index=True),
    Column("position", Integer, nullable=False),  # 1-based among the remittance's PLB pairs
    Column("provider_id", Text, nullable=False),  # PLB01
    Column("fiscal_period_end", Date),  # PLB02
    Column("reason_code", String(8), nullable=False),  # PLB03-1
    Column("reference", Text, nullable=False),  # PLB03-2
    Column("amount", Money, nullable=False),  # positive lowers the check
    Column("segment", Integer, nullable=False),
    Column("claim_id", ForeignKey("claims.id"), index=True),
    Column("link_rule", String(16), nullable=False),  # clp07, clp07_prefix, clp01, trace, ""
)

practices = Table(
    "practices",
    metadata,
    _id(),
    Column("practice_key", Text, nullable=False, unique=True),  # NPI, else the name
    Column("name", Text, nullable=False),
    Column("npi", Text, nullable=False),
    Column("tax_id", Text, nullable=False),
    Column("address", Text, nullable=False),
    Column("phone", Text, nullable=False),
    Column("signer_name", Text, nullable=False),
    Column("signer_title", Text, nullable=False),
    Column("folder", Text),  # where the folder was last imported from (letters read records/)
    # practice.toml [x12] strict: this practice's 835 imports are read with --strict (0009)
    Column("x12_strict", Boolean, nullable=False, server_default=false()),
)


def _practice_table(name: str, *columns: Column[Any]) -> Table:
    """A table of practice rows, each known by ``row_key``: the ids the practice gave it."""
    return Table(
        name,
        metadata,
        _id(),
        Column("practice_id", ForeignKey("practices.id"), nullable=False),
        Column("row_key", Text, nullable=False),
        Column("source_row", Integer),  # the row in its file (header = 1), for evidence
        *columns,
        UniqueConstraint("practice_id", "row_key"),
    )


payers = _practice_table(
    "payers",
    Column("payer_id", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("payer_type", String(32)),
    Column("appeal_address", Text, nullable=False),
    Column("appeal_days", Integer),
    # the payer's decision settings (state, correction_form, co_member_billing, corrected-claim
    # window) as JSON, migration 0007: triage from the store decides as triage from the folder
    Column("settings", Text, nullable=False, server_default="{}"),
)
patients = _practice_table(
    "patients",
    Column("patient_id", Text, nullable=False),
    Column("first_name", Text, nullable=False),
    Column("last_name", Text, nullable=False),
    Column("birth_date", Date),
    Column("account_number", Text, nullable=False),
)
coverages = _practice_table(
    "coverages",
    Column("patient_id", Text, nullable=False),
    Column("payer_id", Text, nullable=False),
    Column("payer_name", Text, nullable=False),
    Column("payer_type", String(32), nullable=False),
    Column("rank", Integer, nullable=False),
    Column("member_id", Text, nullable=False),
    Column("group_number", Text, nullable=False),
    Column("plan_name", Text, nullable=False),
    Column("plan_year_start", String(5)),  # MM-DD
    Column("effective_date", Date),
    Column("end_date", Date),
)
benefits = _practice_table(
    "benefits",
    Column("patient_id", Text, nullable=False),
    Column("payer_id", Text, nullable=False),
    Column("benefit", Text, nullable=False),
    Column("limit_amount", Money, nullable=False),
    Column("unit", String(16), nullable=False),
    Column("period", String(32), nullable=False),
    Column("counts_codes", Text, nullable=False),
    Column("excludes_codes", Text, nullable=False),
    Column("used_elsewhere", Money, nullable=False),
    Column("as_of", Date),
)
authorizations = _practice_table(
    "authorizations",
    Column("patient_id", Text, nullable=False),
    Column("payer_id", Text, nullable=False),
    Column("auth_number", Text, nullable=False),
    Column("codes", Text, nullable=False),
    Column("units", Money, nullable=False),
    Column("unit", String(16), nullable=False),
    Column("per", String(16), nullable=False),
    Column("start_date", Date, nullable=False),
    Column("end_date", Date, nullable=False),
)
visits = _practice_table(
    "visits",
    Column("patient_id", Text, nullable=False),
    Column("claim_id", Text, nullable=False, index=True),
    Column("line", Integer, nullable=False),
    Column("service_date", Date, nullable=False),
    Column("code", Text, nullable=False),
    Column("modifiers", Text, nullable=False),
    Column("units", Money, nullable=False),
    Column("charge", Money, nullable=False),
    Column("start_time", Time),
    Column("end_time", Time),
    Column("rendering_provider", Text, nullable=False),
    Column("supervising_provider", Text, nullable=False),
    Column("note_ref", Text, nullable=False),
)
waivers = _practice_table(
    "waivers",
    Column("patient_id", Text, nullable=False),
    Column("payer_id", Text, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("signed_date", Date, nullable=False),
    Column("codes", Text, nullable=False),
    Column("valid_through", Date),
)
documents = _practice_table(
    "documents",
    Column("file_name", Text, nullable=False),
    Column("patient_id", Text, nullable=False),
    Column("service_date", Date),
    Column("kind", Text, nullable=False),
)

# fee_schedules/<payer_id>.csv, migration 0010: the contracted rates underpayments are found by
fee_schedules = _practice_table(
    "fee_schedules",
    Column("payer_id", Text, nullable=False),
    Column("code", Text, nullable=False),
    Column("modifiers", Text, nullable=False),
    Column("allowed", Money, nullable=False),
    Column("valid_from", Date),
    Column("valid_to", Date),
)

# payments.csv, migration 0016: what patients actually paid (the patient collection KPI)
patient_payments = _practice_table(
    "patient_payments",
    Column("paid_on", Date, nullable=False),
    Column("patient_id", Text, nullable=False),
    Column("claim_id", Text, nullable=False, index=True),
    Column("amount", Money, nullable=False),
    Column("method", String(16), nullable=False),
    Column("reference", Text, nullable=False),
)

PRACTICE_TABLES = (
    payers,
    patients,
    coverages,
    benefits,
    authorizations,
    visits,
    waivers,
    documents,
    fee_schedules,
    patient_payments,
)

# The worklist: one row per denial, keyed by the practice and the triage's denial id. The triage
# columns are rewritten by every refresh; the workflow columns (status ... updated_at) are the
# biller's and survive it. ``sort_deadline`` (the deadline, else 9999-12-31) and
# ``amount_cents`` (the denied amount in whole cents) exist for indexed sorting, filtering and
# exact integer totals; ``denied_amount`` keeps the exact amount.
denials = Table(
    "denials",
    metadata,
    _id(),
    Column("practice_key", Text, nullable=False),  # "" = no practice on file
    Column("denial_id", Text, nullable=False),
    Column("patient_account", Text, nullable=False),  # CLP01
    Column("payer_claim_id", Text, nullable=False),  # CLP07
    Column("payer_id", Text, nullable=False),
    Column("payer_name", Text, nullable=False),
    Column("patient_name", Text, nullable=False),
    Column("patient_id", Text),
    Column("service_date", Date),
    Column("notice_date", Date),
    Column("code", Text),  # procedure; None for a claim-level denial
    Column("modifiers", Text, nullable=False),
    Column("group_code", String(4), nullable=False),
    Column("reason_code", String(8), nullable=False),
    Column("remark_codes", Text, nullable=False),
    Column("denied_amount", Money, nullable=False),
    Column("amount_cents", BigInteger, nullable=False),
    Column("category", Text, nullable=False),
    Column("lane", String(32), nullable=False),
    Column("reasons", Text, nullable=False),  # JSON list of sentences
    Column("evidence", Text, nullable=False),  # JSON list of {source, fact}
    Column("action", Text, nullable=False),
    Column("missing", Text, nullable=False),  # JSON list
    Column("deadline", Date),
    Column("sort_deadline", Date, nullable=False),
    Column("deadline_basis", Text, nullable=False),
    Column("rule", Text, nullable=False),
    Column("file", Text, nullable=False),
    Column("triage_hash", String(64), nullable=False),
    Column("triaged_on", Date, nullable=False),  # the "today" of the refresh that wrote it
    Column("first_seen", DateTime(timezone=True), nullable=False),
    Column("status", String(16), nullable=False),  # open, sent, closed
    Column("sent_date", Date),
    Column("sent_channel", Text),
    Column("outcome", String(32)),
    Column("outcome_amount", Money),
    Column("outcome_date", Date),
    Column("closed_by", Text),  # a username, or "remittance" when a later remittance closed it
    Column("updated_at", DateTime(timezone=True), nullable=False),
    # lower-cased text the patient and free-text filters search (see worklist.search_values)
    Column("search_patient", Text, nullable=False, server_default=""),
    Column("search_all", Text, nullable=False, server_default=""),
    Column("neg_amount_cents", BigInteger, nullable=False, server_default="0"),  # the order key
    # the team's work on it (migration 0011, see teamwork.py): the biller's, kept by refreshes
    Column("assigned_to", Text),  # a username; None = unassigned
    Column("follow_up_on", Date),  # "call back on"
    Column("work_status", String(16), nullable=False, server_default="new"),
    Column("write_off_reason", String(32)),  # a WRITE_OFF_REASONS code
    # outcomes and appeal levels (migration 0015, see outcomes.py)
    Column("appeal_level", Integer, nullable=False, server_default="1"),
    Column("payer_type", String(32)),  # triage's payer type: picks the next appeal level
    Column("outcome_source", Text),  # JSON: the remittance that paid the denied line
    Column("outcome_reference", Text),  # the payer's decision reference, as entered
    UniqueConstraint("practice_key", "denial_id"),
    # each index also holds lane and amount_cents, so the totals of a filtered page are read
    # from the index alone
    Index(None, "status", "sort_deadline", "amount_cents", "lane"),
    Index(None, "status", "sort_deadline", "neg_amount_cents", "id"),
    Index(None, "status", "payer_name", "sort_deadline", "neg_amount_cents", "id"),
    Index(None, "patient_name", "patient_account", "sort_deadline", "id"),
    Index(None, "status", "lane", "amount_cents", "search_patient"),
    Index(None, "status", "lane", "amount_cents", "search_all"),
    Index(None, "status", "amount_cents", "lane"),
    Index(None, "status", "lane", "amount_cents"),
    Index(None, "status", "payer_name", "lane", "amount_cents"),
    Index(None, "status", "reason_code", "lane", "amount_cents"),
    Index(None, "status", "code", "lane", "amount_cents"),
    Index(None, "patient_account"),
    Index(None, "notice_date"),
    Index(None, "outcome_date"),
    Index(None, "assigned_to", "sort_deadline"),
    Index(None, "follow_up_on"),
)

# Notes and the call log on a denial (migration 0011): newest first on the denial page.
denial_notes = Table(
    "denial_notes",
    metadata,
    _id(),
    Column("denial_row_id", ForeignKey("denials.id"), nullable=False, index=True),
    Column("author", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("kind", String(16), nullable=False),  # note, call
    Column("contact", Text, nullable=False),  # whom the biller spoke to ("" for a note)
    Column("reference", Text, nullable=False),  # the payer's call reference number
    Column("text", Text, nullable=False),
)

# Every step of a denial's history (migration 0015): sent, decided, level opened, paid by a
# remittance, undone. ``before`` keeps the row's workflow columns before the step (JSON), so an
# outcome can be undone; ``undone_at`` marks a step taken back.
denial_events = Table(
    "denial_events",
    metadata,
    _id(),
    Column("denial_row_id", ForeignKey("denials.id"), nullable=False, index=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("on", Date),  # the day it happened (sent, decided, paid)
    Column("kind", String(24), nullable=False),  # sent, decision, level_opened, paid, undone
    Column("level", Integer, nullable=False),
    Column("outcome", String(32)),
    Column("amount", Money),
    Column("reference", Text, nullable=False),
    Column("deadline", Date),
    Column("detail", Text, nullable=False),
    Column("username", Text, nullable=False),
    Column("before", Text),
    Column("undone_at", DateTime(timezone=True)),
)

# Each user's secret calendar feed (GET /calendar/{token}.ics): only the token's SHA-256 is kept.
calendar_feeds = Table(
    "calendar_feeds",
    metadata,
    Column("username", Text, primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

users = Table(
    "users",
    metadata,
    _id(),
    Column("username", Text, nullable=False, unique=True),
    Column("password_hash", Text, nullable=False),  # argon2id
    Column("role", String(16), nullable=False),  # admin, biller, readonly
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("disabled", Boolean, nullable=False),
    Column("email", Text),  # where reminders go (migration 0011)
)

# Practices whose worklist an import changed and no refresh has caught up with yet: written in
# the import's transaction, cleared in the refresh's, so a refresh that was stopped (or never
# ran) is finished the next time the worklist is read (recoup.pipeline.catch_up).
pending_refreshes = Table(
    "pending_refreshes",
    metadata,
    Column("practice_key", Text, primary_key=True),  # "" = remittances of no known practice
    Column("since", DateTime(timezone=True), nullable=False),
)

# Who viewed or changed which patient's data: ids only, never names or clinical text.
audit_log = Table(
    "audit_log",
    metadata,
    _id(),
    Column("at", DateTime(timezone=True), nullable=False, index=True),
    Column("username", Text, nullable=False),
    Column("action", Text, nullable=False),
    Column("patient_id", Text, index=True),
    Column("denial_id", Text),
    Column("detail", Text, nullable=False),
)

login_attempts = Table(
    "login_attempts",
    metadata,
    _id(),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("username", Text, nullable=False),
    Column("remote", Text, nullable=False),
    Column("ok", Boolean, nullable=False),
    Index(None, "username", "at"),
    Index(None, "remote", "at"),
)


# -- web sessions (migration 0004) ---------------------------------------------------------------
# One row per sign-in, so that sign-out, a password change or disabling the account ends it on
# every worker process at once (a signed cookie alone stays good until it expires). The cookie
# carries a random session id; the row keeps only its SHA-256, so reading the table gives no
# usable cookie.
web_sessions = Table(
    "web_sessions",
    metadata,
    _id(),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("username", Text, nullable=False, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False, index=True),
    Column("revoked_at", DateTime(timezone=True)),
)

# -- practice access (migration 0014) ------------------------------------------------------------
# The practices a user of a billing company may see in multi-user mode; "*" is every practice.
# Administrators see every practice whatever this holds; a user with no row sees none.
user_practices = Table(
    "user_practices",
    metadata,
    _id(),
    Column("username", Text, nullable=False),
    Column("practice_key", Text, nullable=False),  # a practice's key (NPI, else name), or "*"
    UniqueConstraint("username", "practice_key"),
)

from recoup.store import ncci as _ncci  # noqa: E402, F401  (its tables join metadata)
from recoup.store import sent as _sent  # noqa: E402, F401  (sent_claims, sent_claim_lines: 0008)
