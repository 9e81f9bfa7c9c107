"""Reading a batch of files on several processes gives the same totals as one by one."""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

from recoup.batch import summarize_file, summarize_files
from recoup.x12 import read_835

sys.path.insert(0, str(Path(__file__).parents[1] / "benchmarks"))
from generate_835 import generate


def test_batch_over_two_processes_matches_reading_each_file(tmp_path: Path) -> None:
    paths = []
    for i in range(4):
        path = tmp_path / f"part-{i}.835"
        generate(path, 300 + i, seed=i, per_transaction=100)
        paths.append(path)
    summaries = summarize_files(paths, workers=2)
    assert [s.file for s in summaries] == [str(p) for p in paths]
    for path, summary in zip(paths, summaries, strict=True):
        claims = list(read_835(path).claims)
        assert summary.claims == len(claims)
        assert summary.paid == sum((c.paid for c in claims), Decimal(0))
        assert summary.billed == sum((c.charge for c in claims), Decimal(0))
        assert summary.ok and summary.findings == ()
        assert summary.denied_lines > 0  # the generator plants CO-119, CO-97 and CO-50 lines
    assert summaries == summarize_files(paths, workers=1)


def test_unreadable_file_is_a_finding(tmp_path: Path) -> None:
    summary = summarize_file(tmp_path / "missing.835")
    assert not summary.ok
    assert summary.findings[0].code == "file.unreadable"
