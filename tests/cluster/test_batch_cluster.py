"""``recoup batch`` on a real ``distributed.LocalCluster`` (2 worker processes).

The batch (generated 835s, the public samples in tests/data/era and the example practices'
remittances) must give the same claims, totals and denial lanes as the single-process path
(``read_835_file`` then ``triage`` per file, in this process), a rerun must do nothing, and
killing a worker mid-batch must still complete the batch with no row twice.
"""

from __future__ import annotations

import hashlib
import os
import signal
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("distributed")

from distributed import Client, LocalCluster

from recoup.cluster import BatchTally, TaskResult, expand_sources, read_table, run_batch
from recoup.cluster.practices import PracticeMap, read_practice_map
from recoup.practice import read_practice
from recoup.triage import triage
from recoup.x12 import read_835_file

sys.path.insert(0, str(Path(__file__).parents[2] / "benchmarks"))
from generate_835 import generate

pytestmark = pytest.mark.slow

ROOT = Path(__file__).parents[2]
TODAY = date(2026, 11, 23)


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        Client(cluster) as connected,
    ):
        yield connected


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[str], PracticeMap]:
    generated = tmp_path_factory.mktemp("generated")
    for i in range(6):  # big enough that a worker is mid-file when the first result lands
        generate(generated / f"day-{i}.835", 1000, seed=100 + i, per_transaction=500)
    (generated / "not-an-835.835").write_text("hello, this is no remittance\n")
    practice_map = generated / "practices.toml"
    practice_map.write_text(
        f'[npi]\n1730496282 = "{ROOT / "examples" / "little-steps-aba"}"\n'
        f'[glob]\n"*/brightpath-pt/*" = "{ROOT / "examples" / "brightpath-pt"}"\n'
    )
    practices, problems = read_practice_map(practice_map)
    assert problems == []
    sources = [
        str(generated),
        str(ROOT / "tests" / "data" / "era"),
        str(ROOT / "examples/*/remittances"),
    ]
    return sources, practices


def _single_process(names: list[str], practices: PracticeMap) -> dict[str, Any]:
    """What the CLI's path gives, file by file, in this process."""
    claims: Counter[tuple[Any, ...]] = Counter()
    denials: Counter[tuple[Any, ...]] = Counter()
    rejected = set()
    for name in names:
        result = read_835_file(name)
        if not result.ok or not result.remittances:
            rejected.add(name)
            continue
        sha = hashlib.sha256(Path(name).read_bytes()).hexdigest()
        payees = tuple(r.payee.id for r in result.remittances)
        folder = practices.folder_for(name, payees)
        practice = read_practice(folder)[0] if folder else None
        worklist = triage([result], practice, TODAY)
        for claim in result.claims:
            claims[(sha, claim.patient_control_number, claim.status, claim.charge, claim.paid)] += 1
        for part, items in (("denial", worklist.items), ("patient_share", worklist.patient_share)):
            for item in items:
                key = (sha, item.denial_id, part, item.lane, item.denied_amount, item.deadline.date)
                denials[key] += 1
    return {"claims": claims, "denials": denials, "rejected": rejected}


def _dataset(out: Path) -> dict[str, Any]:
    rows = read_table(out, "claims").to_pylist()
    claims = Counter(
        (r["file_sha256"], r["patient_control_number"], r["status"], r["charge"], r["paid"])
        for r in rows
    )
    denials = Counter(
        (
            r["file_sha256"],
            r["denial_id"],
            r["part"],
            r["lane"],
            r["denied_amount"],
            r["deadline"],
        )
        for r in read_table(out, "denials").to_pylist()
    )
    segments = Counter((r["file_sha256"], r["segment"]) for r in rows)
    return {"claims": claims, "denials": denials, "segments": segments}


def _parts(out: Path) -> list[str]:
    return sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())


def test_batch_matches_single_process_and_a_rerun_does_nothing(
    client: Client, inputs: tuple[list[str], PracticeMap], tmp_path: Path
) -> None:
    sources, practices = inputs
    listing = expand_sources(sources)
    names = [s.name for s in listing.files]
    assert listing.missing == () and len(names) == 6 + 1 + 9 + 12
    out = tmp_path / "out"
    tally = run_batch(client, listing.files, out, practices, TODAY)
    expected = _single_process(names, practices)
    got = _dataset(out)
    assert got["claims"] == expected["claims"]
    assert sum(expected["claims"].values()) > 6000  # 6 x 1,000 generated, and the samples
    assert got["denials"] == expected["denials"]
    lanes = Counter(key[3] for key in expected["denials"])
    assert len(lanes) >= 3  # several lanes, so the comparison is not trivially one lane
    assert {name for name, _ in tally.failures} == expected["rejected"]
    assert str(Path(sources[0]) / "not-an-835.835") in expected["rejected"]
    assert tally.done == len(names) - len(expected["rejected"])
    assert tally.claims == sum(expected["claims"].values())
    denied = sum((k[4] for k in expected["denials"] if k[2] == "denial"), Decimal(0))
    assert tally.denied == denied
    # money is exact decimal in Parquet, never float
    assert str(read_table(out, "claims").schema.field("charge").type) == "decimal128(18, 2)"
    # the files table keeps each file's bytes as an import would
    files = read_table(out, "files").to_pylist()
    import zlib

    for row in files:
        assert hashlib.sha256(zlib.decompress(row["data"])).hexdigest() == row["sha256"]
    # a rerun reads nothing and writes nothing
    before = _parts(out)
    manifest = (out / "_manifest.jsonl").read_text()
    again = run_batch(client, listing.files, out, practices, TODAY)
    assert (again.skipped, again.done, again.failures) == (len(names), 0, [])
    assert _parts(out) == before
    assert (out / "_manifest.jsonl").read_text() == manifest


def test_killing_a_worker_mid_batch_still_completes_without_duplicates(
    client: Client, inputs: tuple[list[str], PracticeMap], tmp_path: Path
) -> None:
    sources, practices = inputs
    listing = expand_sources(sources[:1])  # the generated files: each takes a while
    pids: dict[str, int] = client.run(os.getpid)
    killed: list[str] = []

    def kill_one(tally: BatchTally, result: TaskResult | None) -> None:
        if result is None or killed:
            return
        busy = {addr: keys for addr, keys in client.processing().items() if keys}
        addr = next(iter(busy))
        killed.extend(busy[addr])
        os.kill(pids[addr], signal.SIGKILL)

    out = tmp_path / "out"
    tally = run_batch(client, listing.files, out, practices, TODAY, window=4, on_result=kill_one)
    assert killed, "no task was running when the worker was killed: the test proved nothing"
    client.wait_for_workers(2, timeout=30)  # the nanny restarted it; the next test may need two
    names = [s.name for s in listing.files]
    expected = _single_process(names, practices)
    got = _dataset(out)
    assert max(got["segments"].values()) == 1  # no claim row twice
    assert got["claims"] == expected["claims"]
    assert got["denials"] == expected["denials"]
    assert tally.done == 6 and [name for name, _ in tally.failures] == [
        str(Path(sources[0]) / "not-an-835.835")
    ]


def test_the_cli_runs_on_an_existing_scheduler_and_reports_json(
    client: Client, tmp_path: Path
) -> None:
    import json

    from typer.testing import CliRunner

    from recoup.cli import app

    (tmp_path / "map.csv").write_text(
        f"key,practice\n1548213069,{ROOT / 'examples' / 'brightpath-pt'}\n"
        f"1730496282,{ROOT / 'examples' / 'little-steps-aba'}\n"
    )
    args = [
        "batch",
        str(ROOT / "examples/*/remittances"),
        "--out",
        str(tmp_path / "out"),
        "--scheduler",
        client.scheduler.address,
        "--practice-map",
        str(tmp_path / "map.csv"),
        "--today",
        "2026-11-23",
        "--json",
    ]
    first = CliRunner().invoke(app, args)
    assert first.exit_code == 0, first.output
    summary = json.loads(first.stdout)
    assert (summary["files"], summary["done"], summary["failures"]) == (12, 12, [])
    claims = read_table(tmp_path / "out", "claims")
    assert summary["claims"] == claims.num_rows > 0
    assert set(claims.column("practice").to_pylist()) == {
        str(ROOT / "examples" / "brightpath-pt"),
        str(ROOT / "examples" / "little-steps-aba"),
    }
    again = json.loads(CliRunner().invoke(app, args).stdout)
    assert (again["skipped"], again["done"]) == (12, 0)


def test_killing_the_client_mid_batch_loses_only_the_files_in_flight(
    client: Client, inputs: tuple[list[str], PracticeMap], tmp_path: Path
) -> None:
    import subprocess
    import time

    sources, practices = inputs
    out = tmp_path / "out"
    command = [sys.executable, "-c", "from recoup.cli import main; main()", "batch", sources[0]]
    command += ["--out", str(out), "--scheduler", client.scheduler.address, "--today", "2026-11-23"]
    batch = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    manifest = out / "_manifest.jsonl"
    deadline = time.monotonic() + 90
    while batch.poll() is None and time.monotonic() < deadline:
        if manifest.exists() and manifest.read_bytes().count(b"\n") >= 1:
            batch.send_signal(signal.SIGKILL)  # the client dies with tasks in flight
            break
        time.sleep(0.02)
    batch.wait(timeout=30)
    landed = manifest.read_bytes().count(b"\n")
    listing = expand_sources(sources[:1])
    assert 1 <= landed < len(listing.files), "the client finished before it was killed"
    tally = run_batch(client, listing.files, out, practices, TODAY)
    assert tally.skipped == landed  # what landed before the crash is not done again
    assert tally.skipped + tally.done + len(tally.failures) == len(listing.files)
    expected = _single_process([s.name for s in listing.files], practices)
    got = _dataset(out)
    assert max(got["segments"].values()) == 1
    assert got["claims"] == expected["claims"]
    assert got["denials"] == expected["denials"]
