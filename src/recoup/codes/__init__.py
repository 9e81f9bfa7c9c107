"""Denial codes explained: CARCs, RARCs and group codes, in recoup's own words.

The tables are versioned data files in ``recoup/codes/data`` (each with its source and list
date in ``meta.toml``). The official X12 wording is not shipped; a user can import the lists
they downloaded (:func:`import_official`) and it is shown beside ours.

    >>> from recoup.codes import explain, category_of
    >>> explain("CO", "119", ["N362"]).category
    'benefit_maximum'
    >>> category_of("97")
    'bundling'
"""

from recoup.codes.explain import (
    UNKNOWN_CATEGORY,
    CodeRef,
    Explanation,
    RemarkExplanation,
    category_of,
    explain,
    explain_remark,
    lookup,
    parse_code,
    search,
)
from recoup.codes.official import (
    ImportResult,
    OfficialText,
    data_home,
    import_official,
    load_official,
    official_store_path,
)
from recoup.codes.tables import (
    CARC,
    RARC,
    Advice,
    Category,
    CodeEntry,
    CodeTables,
    GroupCode,
    TableInfo,
    code_tables,
    load_tables,
)

__all__ = [
    "CARC",
    "RARC",
    "UNKNOWN_CATEGORY",
    "Advice",
    "Category",
    "CodeEntry",
    "CodeRef",
    "CodeTables",
    "Explanation",
    "GroupCode",
    "ImportResult",
    "OfficialText",
    "RemarkExplanation",
    "TableInfo",
    "category_of",
    "code_tables",
    "data_home",
    "explain",
    "explain_remark",
    "import_official",
    "load_official",
    "load_tables",
    "lookup",
    "official_store_path",
    "parse_code",
    "search",
]
