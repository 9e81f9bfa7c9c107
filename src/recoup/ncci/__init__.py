"""NCCI procedure-to-procedure (PTP) edits, kept as versioned data rather than code.

The CMS quarterly practitioner file is the authority; recoup ships only a small illustrative table
(see ``data/meta.toml``) so the bundling rule has something to stand on until a practice loads the
current CMS file with :func:`load_cms_ptp`.
"""

from recoup.ncci.ptp import (
    BUNDLED_SOURCE,
    PtpEdit,
    PtpTable,
    bundled_meta,
    bundled_table,
    load_cms_ptp,
    parse_cms_ptp,
)

__all__ = [
    "BUNDLED_SOURCE",
    "PtpEdit",
    "PtpTable",
    "bundled_meta",
    "bundled_table",
    "load_cms_ptp",
    "parse_cms_ptp",
]
