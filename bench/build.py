"""Compiles every benchmark program (programs.py) into an artifact directory
(plan.json + kernels.ptx), on this machine, before they travel to the GPU.

    python bench/build.py [--target sm_90] [-o build/bench-artifacts]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from programs import PROGRAMS  # noqa: E402
from tessera import ir  # noqa: E402
from tessera.compiler import compile_graph_for_gpu  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--target", default="sm_90")
    parser.add_argument("-o", "--output", default="build/bench-artifacts")
    args = parser.parse_args(argv)
    out = Path(args.output)
    out.mkdir(parents=True, exist_ok=True)
    index = {}
    for name, source in PROGRAMS.items():
        start = time.perf_counter()
        with ir.Context():
            artifact = compile_graph_for_gpu(ir.Module.parse(source), args.target)
        artifact.save(out / name)
        seconds = time.perf_counter() - start
        index[name] = {"kernels": [k["name"] for k in artifact.plan["kernels"]],
                       "compile_s": round(seconds, 3)}
        print(f"{name:28s} {seconds * 1e3:7.1f} ms  {index[name]['kernels']}")
    (out / "index.json").write_text(json.dumps(index, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
