"""Compiles every case of cases.py for a GPU into an artifact directory
(plan.json + kernels.ptx): the step that needs Tessera's compiler, run on
this machine before the artifacts travel to the GPU machine.

    python test/gpu/build_artifacts.py [--target sm_90] [-o build/gpu-artifacts]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cases import CASES  # noqa: E402
from tessera import ir  # noqa: E402
from tessera.compiler import compile_graph_for_gpu  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--target", default="sm_90")
    parser.add_argument("-o", "--output", default="build/gpu-artifacts")
    args = parser.parse_args(argv)
    out = Path(args.output)
    out.mkdir(parents=True, exist_ok=True)
    index = {}
    for name, (source, *_rest) in CASES.items():
        start = time.perf_counter()
        with ir.Context():
            module = ir.Module.parse(source)
            artifact = compile_graph_for_gpu(module, args.target)
        artifact.save(out / name)
        seconds = time.perf_counter() - start
        index[name] = {"kernels": len(artifact.plan["kernels"]),
                       "compile_s": round(seconds, 3)}
        print(f"{name:28s} {len(artifact.plan['kernels'])} kernel(s)  {seconds * 1e3:7.1f} ms")
    (out / "index.json").write_text(json.dumps(index, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
