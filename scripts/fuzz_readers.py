"""Mutation fuzzing of recoup's readers: no input may make a reader raise.

    python scripts/fuzz_readers.py --seconds 600            # all targets, ten minutes
    python scripts/fuzz_readers.py --seconds 60 --target 835 --target 271

Seeds are the project's own files: the 835s and 271s of tests/data and of examples/*/remittances
and eligibility, the practice CSV/TOML files of examples/brightpath-pt, and its clinical records.
Each input is a seed changed a few times (bytes replaced with separators, digits that are not
ASCII digits and control bytes; pieces deleted, repeated or spliced from another seed; oversized
numbers and huge elements inserted). Targets:

- ``835``: ``recoup.x12.read_835`` on the mutated bytes;
- ``271``: ``recoup.x12.read_271``;
- ``practice``: ``recoup.practice.read_practice`` on a copy of examples/brightpath-pt with one
  file mutated;
- ``records``: ``recoup.records_text.read_records`` on that copy with one record file (or the
  records index) mutated.

It prints, per target, the inputs tried, the crashes (each input saved in ``--out`` with its
traceback) and the slowest input (also saved). The exit status is 1 when anything crashed.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from recoup.practice import read_practice  # noqa: E402
from recoup.records_text import read_records  # noqa: E402
from recoup.x12 import read_271, read_835  # noqa: E402

PRACTICE = ROOT / "examples" / "brightpath-pt"
TOKENS = [
    b"~", b"*", b":", b"^", b"|", b">", b"\r\n", b"\n    ", b"\x00", b"\xff", b"\xb2", b"\xb9",
    b"9" * 5000, b"1" * 5001, b"x" * 20_000, b"-", b".", b"ISA*", b"ST*835*1~", b"SE*1*1~",
    b"CLP*", b"SVC*HC:", b"CAS*CO*45*", b"LS*2120~", b"HL*1**20*1~", b",", b'"', b"\xef\xbb\xbf",
    b"2026-13-45", b"99999999999999999999", b"-0", b"1e999", b"NaN", b"\t",
]  # fmt: skip


def mutate(data: bytes, rng: random.Random, others: list[bytes]) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 6)):
        if not out:
            out += rng.choice(TOKENS)
            continue
        pos = rng.randrange(len(out))
        kind = rng.random()
        if kind < 0.3:
            out[pos] = rng.choice(b'*~:^|>,"0123456789.- \r\n\t\x00\xb2\xb9\xbc\xff')
        elif kind < 0.55:
            out[pos:pos] = rng.choice(TOKENS)
        elif kind < 0.7:
            del out[pos : pos + rng.randint(1, 80)]
        elif kind < 0.85:
            end = min(len(out), pos + rng.randint(1, 300))
            out[pos:pos] = out[pos:end] * rng.randint(1, 30)
        elif kind < 0.95 and others:
            donor = rng.choice(others)
            start = rng.randrange(len(donor)) if donor else 0
            out[pos:pos] = donor[start : start + rng.randint(1, 400)]
        else:
            del out[pos:]
    return bytes(out)


@dataclass
class Stats:
    tried: int = 0
    seconds: float = 0.0
    crashes: list[str] = field(default_factory=list)
    slowest: tuple[float, str] = (0.0, "")


class Target:
    """One reader with its seeds; ``run`` reads one mutated input."""

    def __init__(self, name: str, seeds: list[Path], out: Path) -> None:
        self.name = name
        self.seeds = seeds
        self.datas = [p.read_bytes() for p in seeds]
        self.out = out
        self.stats = Stats()

    def prepare(self, rng: random.Random) -> tuple[bytes, Callable[[], object], str]:
        raise NotImplementedError

    def save(self, kind: str, label: str, data: bytes, note: str) -> str:
        folder = self.out / self.name
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{kind}-{self.stats.tried:06d}-{label}"
        path.write_bytes(data)
        if note:
            path.with_name(path.name + ".txt").write_text(note)
        return str(path)

    def one(self, rng: random.Random) -> None:
        data, call, label = self.prepare(rng)
        self.stats.tried += 1
        start = time.perf_counter()
        try:
            call()
        except Exception:
            where = self.save("crash", label, data, traceback.format_exc())
            self.stats.crashes.append(where)
        took = time.perf_counter() - start
        self.stats.seconds += took
        if took > self.stats.slowest[0]:
            old = self.stats.slowest[1]
            if old:
                Path(old).unlink(missing_ok=True)
            where = self.save("slowest", label, data, "")
            self.stats.slowest = (took, where)


class X12Target(Target):
    def __init__(self, name: str, seeds: list[Path], out: Path, read: Callable[..., object]):
        super().__init__(name, seeds, out)
        self.read = read

    def prepare(self, rng: random.Random) -> tuple[bytes, Callable[[], object], str]:
        i = rng.randrange(len(self.datas))
        data = mutate(self.datas[i], rng, self.datas)
        return data, lambda: self.read(data, file="fuzz"), self.seeds[i].name


class FolderTarget(Target):
    """Mutates one file of a copy of the example practice; restores it after each input."""

    def __init__(self, name: str, files: list[str], out: Path, work: Path) -> None:
        super().__init__(name, [PRACTICE / f for f in files], out)
        self.files = files
        self.work = work

    def prepare(self, rng: random.Random) -> tuple[bytes, Callable[[], object], str]:
        i = rng.randrange(len(self.datas))
        for name, original in zip(self.files, self.datas, strict=True):
            (self.work / name).write_bytes(original)
        data = mutate(self.datas[i], rng, self.datas)
        (self.work / self.files[i]).write_bytes(data)
        return data, self.call, self.files[i].replace("/", "_")

    def call(self) -> object:
        practice, _ = read_practice(self.work)
        if self.name == "records" and practice is not None:
            return read_records(practice)
        return practice


def targets(names: list[str], out: Path, work: Path) -> list[Target]:
    data = ROOT / "tests" / "data"
    examples = ROOT / "examples"
    found: list[Target] = []
    if "835" in names:
        seeds = sorted((data / "era").glob("*.835")) + sorted(examples.glob("*/remittances/*"))
        found.append(X12Target("835", seeds, out, read_835))
    if "271" in names:
        seeds = sorted((data / "271").glob("*.271")) + sorted(examples.glob("*/eligibility/*"))
        found.append(X12Target("271", seeds, out, read_271))
    if "practice" in names:
        files = sorted(p.name for p in PRACTICE.iterdir() if p.suffix in (".csv", ".toml"))
        found.append(FolderTarget("practice", files, out, work))
    if "records" in names:
        files = sorted(f"records/{p.name}" for p in (PRACTICE / "records").iterdir() if p.is_file())
        found.append(FolderTarget("records", files, out, work))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60, help="how long to run (default 60)")
    parser.add_argument(
        "--target",
        action="append",
        choices=["835", "271", "practice", "records"],
        help="a reader to fuzz (repeatable; default all four)",
    )
    parser.add_argument("--out", type=Path, default=Path("fuzz-out"), help="where inputs go")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "practice"
        shutil.copytree(PRACTICE, work)
        chosen = targets(args.target or ["835", "271", "practice", "records"], args.out, work)
        started = time.perf_counter()
        deadline = started + args.seconds
        while time.perf_counter() < deadline:
            for target in chosen:
                target.one(rng)
        elapsed = time.perf_counter() - started
    print(f"fuzz_readers: {elapsed:.0f} s, seed {args.seed}")
    crashed = False
    for target in chosen:
        s = target.stats
        crashed = crashed or bool(s.crashes)
        print(
            f"  {target.name:9} {s.tried:7,} inputs in {s.seconds:6.1f} s, "
            f"{len(s.crashes)} crashes, slowest {s.slowest[0] * 1000:.0f} ms ({s.slowest[1]})"
        )
        for where in s.crashes[:10]:
            last = Path(where + ".txt").read_text().strip().splitlines()[-1]
            print(f"      crash: {where}: {last if len(last) < 160 else last[:150] + '...'}")
    return 1 if crashed else 0


if __name__ == "__main__":
    sys.exit(main())
