"""Compile time per benchmark program, two builds side by side: each round
compiles every program (programs.py) once with each build's package, in a
fresh process per build, alternating; prints the median per program and
the ratio (no disk cache: build_gpu_artifacts compiles every time).

    python bench/compile_time.py OLD_PACKAGES NEW_PACKAGES [--rounds 3] [--target sm_90]

OLD_PACKAGES / NEW_PACKAGES: a build's python_packages directory (a copy of
an older build's, for the old one).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

_CHILD = """
import json, sys, tempfile
sys.path.insert(0, {bench!r})
from programs import PROGRAMS
from tessera.compiler import build_gpu_artifacts
with tempfile.TemporaryDirectory() as d:
    index = build_gpu_artifacts(PROGRAMS, {target!r}, d, log=None)
print(json.dumps({{n: v["compile_s"] for n, v in index.items()}}))
"""


def compile_all(packages: str, target: str) -> dict:
    env = dict(os.environ, PYTHONPATH=packages)
    out = subprocess.run([sys.executable, "-c", _CHILD.format(bench=str(HERE), target=target)],
                         env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("old")
    parser.add_argument("new")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--target", default="sm_90")
    args = parser.parse_args(argv)
    times = {"old": {}, "new": {}}
    for _ in range(args.rounds):
        for which in ("old", "new"):
            for name, s in compile_all(getattr(args, which), args.target).items():
                times[which].setdefault(name, []).append(s)
    print(f"{'program':34s} {'old s':>7s} {'new s':>7s} {'new/old':>8s}")
    total = {"old": 0.0, "new": 0.0}
    for name in sorted(times["new"]):
        old = statistics.median(times["old"].get(name, [float("nan")]))
        new = statistics.median(times["new"][name])
        total["old"] += old
        total["new"] += new
        print(f"{name:34s} {old:7.3f} {new:7.3f} {new / old:8.2f}")
    print(f"{'total':34s} {total['old']:7.3f} {total['new']:7.3f} "
          f"{total['new'] / total['old']:8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
