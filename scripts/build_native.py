"""Compile the 835 reader's hot modules to C with mypyc (part of mypy, from the package registry),
and build the hand-written segment splitter ``src/recoup/x12/_segsplit.c`` and claim builder
``src/recoup/x12/_claim835.c`` with the same compiler.

The same typed Python source runs interpreted when no compiled module is present, so this step
is an accelerator, never a requirement: if it fails (no C compiler, say), recoup still works,
about 4.6 times slower. See benchmarks/README.md for the measurements behind the choice.

    python scripts/build_native.py          # build next to the sources (src/recoup/x12/*.so)
    python scripts/build_native.py --clean  # remove the compiled modules
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"
MODULES = ["tokens", "envelope", "claims835", "header835", "reader835"]
GROUP = "recoup.x12._native"  # keeps mypyc's shared library inside the package


def clean() -> None:
    for path in (SRC / "recoup" / "x12").glob("*.so"):
        path.unlink()
    shutil.rmtree(ROOT / "build" / "native", ignore_errors=True)


def build() -> int:
    clean()
    try:
        from mypyc.build import mypycify
        from setuptools import Extension, setup
    except ImportError as exc:
        print(f"build_native: mypyc is not installed ({exc}); using the pure-Python reader")
        return 0
    paths = [f"recoup/x12/{name}.py" for name in MODULES]
    build_dir = ROOT / "build" / "native"
    os.chdir(SRC)
    try:
        setup(
            name="recoup-native",
            ext_modules=[
                *mypycify(paths, group_name=GROUP, opt_level="3", target_dir=str(build_dir)),
                # The segment splitter, hand-written C (tokens.py works without it too).
                Extension(
                    "recoup.x12._segsplit",
                    ["recoup/x12/_segsplit.c"],
                    extra_compile_args=["-O2"],
                ),
                # The claim builder's fast path, hand-written C (claims835.py works without it).
                Extension(
                    "recoup.x12._claim835",
                    ["recoup/x12/_claim835.c"],
                    extra_compile_args=["-O2"],
                ),
            ],
            script_args=[
                "--quiet", "build_ext", "--inplace",
                "--build-temp", str(build_dir / "temp"),
                "--build-lib", str(build_dir / "lib"),
            ],
        )  # fmt: skip
    except (Exception, SystemExit) as exc:  # a failed C build must not stop the install
        print(f"build_native: compiling failed ({exc}); using the pure-Python reader")
        clean()
        return 0
    print(f"build_native: compiled {', '.join(MODULES)}, _segsplit.c and _claim835.c")
    return 0


if __name__ == "__main__":
    sys.exit(clean() or 0 if "--clean" in sys.argv else build())
