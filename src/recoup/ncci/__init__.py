"""NCCI procedure-to-procedure (PTP) edits and medically unlikely edits (MUE), kept as versioned
data rather than code.

The CMS quarterly practitioner files are the authority: ``recoup ncci import`` loads the ones the
practice downloaded (text, CSV or Excel) into the store as quarterly editions
(:mod:`recoup.store.ncci`), and :func:`ptp_table_for` / :func:`mue_table_for` give the table in
force on a date of service with its name. recoup ships only a small illustrative PTP table (see
``data/meta.toml``), used when no CMS quarter is loaded, and no MUE table (unknown, not
unlimited).
"""

from recoup.ncci.editions import (
    NO_MUE_SOURCE,
    Edition,
    EditionSet,
    detect_quarter,
    editions_of,
    forget,
    mue_table_for,
    parse_quarter,
    ptp_table_for,
    quarter_start,
    store_in_force,
    use_store,
)
from recoup.ncci.mue import MAI_MEANINGS, MueTable, MueValue, load_cms_mue, parse_mue_rows
from recoup.ncci.ptp import (
    BUNDLED_SOURCE,
    BYPASS_MODIFIERS,
    PtpEdit,
    PtpTable,
    bundled_meta,
    bundled_table,
    load_cms_ptp,
    parse_cms_ptp,
    parse_ptp_rows,
)

__all__ = [
    "BUNDLED_SOURCE",
    "BYPASS_MODIFIERS",
    "MAI_MEANINGS",
    "NO_MUE_SOURCE",
    "Edition",
    "EditionSet",
    "MueTable",
    "MueValue",
    "PtpEdit",
    "PtpTable",
    "bundled_meta",
    "bundled_table",
    "detect_quarter",
    "editions_of",
    "forget",
    "load_cms_mue",
    "load_cms_ptp",
    "mue_table_for",
    "parse_cms_ptp",
    "parse_mue_rows",
    "parse_ptp_rows",
    "parse_quarter",
    "ptp_table_for",
    "quarter_start",
    "store_in_force",
    "use_store",
]
