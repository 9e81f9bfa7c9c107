"""The pure-Python reader (used when the compiled modules are absent) reads the same records.

``make`` compiles the reader's hot modules with mypyc. This test copies the package without any
compiled module, reads the corpus and the example remittances with that copy in a separate
interpreter, and compares the records with those read here.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from recoup.jsonout import to_jsonable
from recoup.x12 import read_835

ROOT = Path(__file__).parents[2]
FILES = sorted((ROOT / "tests" / "data" / "era").glob("*.835")) + sorted(
    (ROOT / "examples").glob("*/remittances/*.835")
)

SCRIPT = """
import json, sys
from recoup.jsonout import to_jsonable
from recoup.x12 import COMPILED, read_835
assert not COMPILED
out = {p: to_jsonable(list(read_835(p))[1:3]) for p in sys.argv[1:]}
print(json.dumps(out))
"""


def test_pure_python_reader_reads_the_same(tmp_path: Path) -> None:
    shutil.copytree(
        ROOT / "src" / "recoup", tmp_path / "recoup", ignore=shutil.ignore_patterns("*.so")
    )
    env = dict(os.environ, PYTHONPATH=str(tmp_path))
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT, *map(str, FILES)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    theirs = json.loads(proc.stdout)
    for path in FILES:
        mine = json.loads(json.dumps(to_jsonable(list(read_835(str(path)))[1:3])))
        assert theirs[str(path)] == mine, path
