"""Compiles every case of cases.py and dsl_cases.py for a GPU into an artifact directory
(plan.json + kernels.ptx): the step that needs Tessera's compiler, run on
this machine before the artifacts travel to the GPU machine.

    python test/gpu/build_artifacts.py [--target sm_90] [-o build/gpu-artifacts]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cases import CASES, MULTI_OUTPUT_CASES, SCHEDULES  # noqa: E402
from dsl_cases import DSL_CASES  # noqa: E402
from tessera.compiler import build_gpu_artifacts  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--target", default="sm_90")
    parser.add_argument("-o", "--output", default="build/gpu-artifacts")
    args = parser.parse_args(argv)
    build_gpu_artifacts({name: (case[0], SCHEDULES.get(name)) for name, case in CASES.items()},
                        args.target, args.output)
    build_gpu_artifacts({name: (case[0], None) for name, case in MULTI_OUTPUT_CASES.items()},
                        args.target, args.output)
    # The @tessera.kernel programs (dsl_cases.py).
    for name, (kernel, constants, *_rest) in DSL_CASES.items():
        constants = dict(constants)
        grid = constants.pop("grid", None)
        kernel.compile(args.target, grid=grid, **constants).save(Path(args.output) / name)
        print(f"{name:30s} {kernel.__name__} (@tessera.kernel)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
