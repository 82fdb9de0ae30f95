"""Compile time of the benchmark programs (programs.py) under two builds of
Tessera, measured alternately so that both see the same machine load.

    python bench/compile_time.py OLD_PACKAGES NEW_PACKAGES [-n ROUNDS] [PROGRAM ...]

OLD_PACKAGES and NEW_PACKAGES are copies of a build's `python_packages`
directory (e.g. `cp -rL build/python_packages /tmp/old` at each commit: -L, since the
package links its Python files to the source tree). Each
round compiles every program once under each build, each in a fresh
process, old and new in turn; the table gives each program's median over
the rounds and new/old. On a loaded machine single timings vary by tens of
percent; the medians of alternating rounds are what to compare.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

# Compiles one program (by name) and prints the seconds the compile took.
CHILD = r"""
import json, sys, time
sys.path.insert(0, sys.argv[1])
from programs import PROGRAMS
from tessera import ir
from tessera.compiler import compile_graph_for_gpu
out = {}
for name in json.loads(sys.argv[2]):
    program = PROGRAMS[name]
    source, schedule = program if isinstance(program, tuple) else (program, None)
    with ir.Context():
        module = ir.Module.parse(source)
        start = time.perf_counter()
        compile_graph_for_gpu(module, "sm_90", schedule=schedule)
        out[name] = time.perf_counter() - start
print(json.dumps(out))
"""


def run(packages: str, names: list[str]) -> dict:
    env = {"PYTHONPATH": packages, "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-c", CHILD, str(HERE), json.dumps(names)],
                            env=env, capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("old")
    parser.add_argument("new")
    parser.add_argument("programs", nargs="*")
    parser.add_argument("-n", "--rounds", type=int, default=5)
    args = parser.parse_intermixed_args(argv)
    sys.path.insert(0, str(HERE))
    from programs import PROGRAMS
    names = args.programs or list(PROGRAMS)
    times = {"old": {n: [] for n in names}, "new": {n: [] for n in names}}
    for _ in range(args.rounds):
        for which, packages in (("old", args.old), ("new", args.new)):
            for name, seconds in run(packages, names).items():
                times[which][name].append(seconds)
    print(f"{'program':34s} {'old s':>7s} {'new s':>7s} {'new/old':>8s}   "
          f"(medians of {args.rounds} alternating rounds)")
    total = {"old": 0.0, "new": 0.0}
    for name in names:
        old, new = (statistics.median(times[w][name]) for w in ("old", "new"))
        total["old"] += old
        total["new"] += new
        print(f"{name:34s} {old:7.3f} {new:7.3f} {new / old:8.2f}")
    print(f"{'total':34s} {total['old']:7.3f} {total['new']:7.3f} "
          f"{total['new'] / total['old']:8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
