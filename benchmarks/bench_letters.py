"""Time appeal packets: Markdown + DOCX for 1,000 denials, PDF for 100.

    .venv/bin/python benchmarks/bench_letters.py [--letters 1000] [--pdfs 100]

Two workloads, each timed letter by letter (median, 95th percentile, worst):

- generated: a remittance from benchmarks/generate_835.py with a practice folder holding every
  claim (bench_triage.write_practice: 20-visit caps, no clinical records), triaged, then one
  packet per claim and lane, the first ``--letters`` of them;
- examples: the two example practices' packets (with their clinical records, exhibits, clinical
  passages and merged-PDF enclosures), built round-robin until ``--letters`` letters.

"Markdown" is build_packet (facts, exhibits, template, fact check); "DOCX" and "PDF" render that
Markdown. Records are read once per practice, as the CLI does.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import date
from itertools import cycle, islice
from pathlib import Path

from bench_triage import write_practice
from generate_835 import generate
from recoup.letters import build_packet, packets_for
from recoup.letters.docx_out import docx_bytes
from recoup.letters.pdf_out import pdf_bytes
from recoup.practice import read_practice
from recoup.records_text import RecordSet, read_records
from recoup.triage import WorkItem, triage
from recoup.x12 import read_835_file

TODAY = date(2026, 11, 23)
ROOT = Path(__file__).resolve().parents[1]


def _ms(samples: Sequence[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    return (
        f"median {statistics.median(ordered) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms, "
        f"max {ordered[-1] * 1000:.1f} ms"
    )


def _time(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def run(label: str, groups: Sequence[tuple[list[WorkItem], RecordSet | None]], pdfs: int) -> None:
    md_s, docx_s, both_s, pdf_s = [], [], [], []
    lanes: dict[str, int] = {}
    for i, (group, records) in enumerate(groups):
        start = time.perf_counter()
        packet = build_packet(group, records, TODAY)
        md_s.append(time.perf_counter() - start)
        docx_s.append(_time(lambda p=packet: docx_bytes(p.markdown)))
        both_s.append(md_s[-1] + docx_s[-1])
        if i < pdfs:
            pdf_s.append(_time(lambda p=packet: pdf_bytes(p.markdown, p.title)))
        lanes[packet.lane] = lanes.get(packet.lane, 0) + 1
    mix = ", ".join(f"{k} {v}" for k, v in sorted(lanes.items()))
    print(f"{label}: {len(groups)} letters ({mix})")
    print(f"  Markdown (compose + fact check): {_ms(md_s)}")
    print(f"  DOCX render:                     {_ms(docx_s)}")
    print(f"  Markdown + DOCX:                 {_ms(both_s)}; total {sum(both_s):.1f} s")
    print(f"  PDF render ({len(pdf_s)} letters):       {_ms(pdf_s)}")


def generated(letters: int, tmp: Path) -> list[tuple[list[WorkItem], RecordSet | None]]:
    era = tmp / "bench.835"
    generate(era, max(letters * 8, 2000))  # about one packet in six claims
    result = read_835_file(era)
    write_practice(tmp / "practice", result, sum(1 for _ in result.claims))
    practice, findings = read_practice(tmp / "practice")
    assert practice is not None, findings
    records = read_records(practice)
    worklist = triage([result], practice, TODAY)
    return [(g, records) for g in packets_for(worklist.items)[:letters]]


def examples(letters: int) -> list[tuple[list[WorkItem], RecordSet | None]]:
    pool = []
    for name in ("brightpath-pt", "little-steps-aba"):
        folder = ROOT / "examples" / name
        practice, findings = read_practice(folder)
        assert practice is not None, findings
        results = [read_835_file(p) for p in sorted((folder / "remittances").glob("*.835"))]
        records = read_records(practice)
        pool += [(g, records) for g in packets_for(triage(results, practice, TODAY).items)]
    return list(islice(cycle(pool), letters))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=1000)
    parser.add_argument("--pdfs", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        run("generated", generated(args.letters, Path(tmp)), args.pdfs)
    run("examples", examples(args.letters), args.pdfs)


if __name__ == "__main__":
    main()
