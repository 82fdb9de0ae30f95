"""Compiles every benchmark program (programs.py) into an artifact directory
(plan.json + kernels.ptx), on this machine, before they travel to the GPU.

    python bench/build.py [--target sm_90] [-o build/bench-artifacts] [--sweep]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from programs import PROGRAMS, SWEEP  # noqa: E402
from tessera.compiler import build_gpu_artifacts  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--target", default="sm_90")
    parser.add_argument("-o", "--output", default="build/bench-artifacts")
    parser.add_argument("--sweep", action="store_true",
                        help="also the GEMM and attention programs under the sweeps' schedules (sweep_gemm.py, sweep_attention.py)")
    parser.add_argument("--no-dsl", action="store_true",
                        help="skip the @tessera.kernel programs (bench/dsl.py)")
    args = parser.parse_args(argv)
    programs = dict(PROGRAMS)
    if args.sweep:
        programs.update(SWEEP)
    build_gpu_artifacts(programs, args.target, args.output)
    if not args.no_dsl:
        import dsl

        dsl.build(Path(args.output), args.target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
