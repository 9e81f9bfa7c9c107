"""Many practices, many files: ``recoup batch`` over a Dask cluster into a Parquet dataset.

Needs the optional ``recoup[cluster]`` extra (dask, distributed, pyarrow, fsspec); the core
install never imports this package. The pieces, in the order a batch uses them:

* :mod:`recoup.cluster.sources`: SOURCE arguments to files (with size and modification stamp)
* :mod:`recoup.cluster.practices`: the practice map (payee NPI or path glob -> practice folder)
* :mod:`recoup.cluster.task`: one file read and triaged on a worker, as Arrow tables
* :mod:`recoup.cluster.tables`: the tables' schemas and how records fill them
* :mod:`recoup.cluster.dataset`: the output folder (partitioned Parquet parts, manifest)
* :mod:`recoup.cluster.run`: the cluster, the task window and the single writer
"""

from recoup.cluster.dataset import MANIFEST, Manifest, read_manifest, read_table
from recoup.cluster.practices import PracticeMap, read_practice_map
from recoup.cluster.run import BatchTally, connect, run_batch
from recoup.cluster.sources import Listing, Stamp, expand_sources
from recoup.cluster.tables import PARTITIONED, SCHEMAS
from recoup.cluster.task import DONE, FAILED, REJECTED, TaskResult, process_file

__all__ = [
    "DONE",
    "FAILED",
    "MANIFEST",
    "PARTITIONED",
    "REJECTED",
    "SCHEMAS",
    "BatchTally",
    "Listing",
    "Manifest",
    "PracticeMap",
    "Stamp",
    "TaskResult",
    "connect",
    "expand_sources",
    "process_file",
    "read_manifest",
    "read_practice_map",
    "read_table",
    "run_batch",
]
