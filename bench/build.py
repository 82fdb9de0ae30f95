"""Compiles every benchmark program (programs.py) into an artifact directory
(plan.json + kernels.ptx), on this machine, before they travel to the GPU.

    python bench/build.py [--target sm_90] [-o build/bench-artifacts]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from programs import PROGRAMS, SCHEDULES  # noqa: E402
from tessera.compiler import build_gpu_artifacts  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--target", default="sm_90")
    parser.add_argument("-o", "--output", default="build/bench-artifacts")
    args = parser.parse_args(argv)
    build_gpu_artifacts({name: (source, SCHEDULES.get(name)) for name, source in PROGRAMS.items()},
                        args.target, args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
