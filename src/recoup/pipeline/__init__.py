"""The pipeline: the one place that runs recoup's sequence of work, top to bottom.

    read remittances ─┐
    practice folder  ─┼─> triage ─> keep (the store) ─> the stored worklist ─> packets
    clinical records ─┘

Every face (the CLI commands, the web routes, the cluster batch) calls these functions; none
assembles the steps itself. Each step is a plain function of its inputs and ``today`` (never the
machine's clock): the same inputs on the same day give the same worklist.

* :mod:`.files` — remittance files and a practice folder, without a store (``recoup triage``);
* :mod:`.stored` — imports into the store with exactly one worklist refresh per batch, the
  refresh itself, the stored worklist, one work item, one claim's items;
* :mod:`.packets` — appeal packets from work items, with each practice's clinical records
  read once and cached by modification time;
* :mod:`.claims` — the corrected or secondary 837P a packet's decisions call for.
"""

from recoup.pipeline.claims import CLAIM_LANES, claim_for, originals_for
from recoup.pipeline.files import RemittanceFiles, read_remittances, triage_files
from recoup.pipeline.packets import (
    PacketReport,
    claim_packet,
    clinical_records,
    packets,
    write_packets,
)
from recoup.pipeline.stored import (
    BatchImport,
    ImportBatch,
    catch_up,
    claim_items,
    import_batch,
    import_paths,
    refresh_worklist,
    stored_worklist,
    work_item,
)

__all__ = [
    "CLAIM_LANES",
    "BatchImport",
    "ImportBatch",
    "PacketReport",
    "RemittanceFiles",
    "catch_up",
    "claim_for",
    "claim_items",
    "claim_packet",
    "clinical_records",
    "import_batch",
    "import_paths",
    "originals_for",
    "packets",
    "read_remittances",
    "refresh_worklist",
    "stored_worklist",
    "triage_files",
    "work_item",
    "write_packets",
]
