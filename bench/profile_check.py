"""tessera.profile against bench/run.py's own figures, on the GPU machine:
profiles bench artifacts at the benchmark's shapes and compares each
kernel's rate with the row of a bench.json written in the same device call
(issue: within 10%).

    python bench/run.py --only gemm,attention,norms      # writes $OUT/bench.json
    python bench/profile_check.py [build/bench-artifacts] [$OUT/bench.json]

Also prints the device's ceilings (measured and cached by tessera.profile)
and writes a roofline chart to $OUT/profile_roofline.png.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]

#: (artifact, input shapes, dtype, bench group, bench row, unit): the rows
#: compared ("T": TFLOP/s, "G": GB/s).
CASES = [
    ("gemm_f16", [(4096, 4096), (4096, 4096)], "float16", "gemm", "fp16 4096x4096x4096", "T"),
    ("gemm_f16", [(8192, 1024), (1024, 8192)], "float16", "gemm", "fp16 8192x8192x1024", "T"),
    ("attention_d128_f16", [(4, 32, 4096, 128)] * 3, "float16", "attention",
     "fp16 B4 H32 S4096 D128", "T"),
    ("attention_d64_causal_f16", [(4, 32, 4096, 64)] * 3, "float16", "attention",
     "fp16 B4 H32 S4096 D64 causal", "T"),
    ("softmax_f16", [(16384, 8192)], "float16", "memory", "softmax fp16 16384x8192", "G"),
]


def main(argv) -> int:
    try:
        import cupy as cp

        cp.cuda.runtime.getDeviceCount()
    except Exception as e:  # noqa: BLE001 - no CuPy, no GPU
        print(f"SKIP: no GPU ({type(e).__name__})")
        return 0
    sys.path.insert(0, str(ROOT / "python"))  # the source tree: no build, no MLIR
    import tessera.runtime as runtime
    from tessera.profiling import KernelProfile, Profile, ceilings

    artifacts = Path(argv[1] if len(argv) > 1 else ROOT / "build" / "bench-artifacts")
    bench = {}
    if len(argv) > 2 and Path(argv[2]).is_file():
        for row in json.loads(Path(argv[2]).read_text())["rows"]:
            bench[(row.get("group"), row["name"])] = row["tessera"].get("rate")
    peaks = ceilings()
    print(f"ceilings on {peaks['device']}: {peaks['tflops']:.1f} TFLOP/s (cuBLAS f16 "
          f"8192^3), {peaks['gbps']:.0f} GB/s (copy)")
    rng = np.random.default_rng(0)
    rows, failures = [], 0
    for name, shapes, dtype, group, row, unit in CASES:
        program = runtime.load(artifacts / name)
        arrays = [cp.asarray(rng.standard_normal(s, dtype=np.float32).astype(dtype))
                  for s in shapes]
        costs = program.profile(*arrays, repeats=20, warmup=3)
        ms = sum(c["ms"] for c in costs if c["ms"] is not None)
        flops = sum(c["flops"] or 0 for c in costs)
        nbytes = sum(c["bytes"] for c in costs if c["ms"] is not None)
        if unit == "T":
            # (attention's flops count the causal triangle exactly; bench/run.py
            # counts half the square)
            rate = flops / (ms * 1e-3) / 1e12
        else:
            rate = nbytes / (ms * 1e-3) / 1e9
        ref = bench.get((group, row))
        ratio = rate / ref if ref else None
        ok = ratio is None or abs(ratio - 1) <= 0.10
        failures += not ok
        print(f"{name:28s} {row:32s} profile {rate:8.1f}{unit}  bench "
              f"{(format(ref, '8.1f') + unit) if ref else '       -'}  "
              f"{(format(ratio, '.3f')) if ratio else '-':>6s} {'ok' if ok else 'OFF by >10%'}")
        for c in costs:
            rows.append(KernelProfile(f"{name}:{c['name'].split('_k')[-1]}", c["ms"],
                                      c["flops"], c["bytes"]))
    report = Profile(peaks["device"], rows, peaks["tflops"], peaks["gbps"])
    print(report)
    out = os.environ.get("OUT")
    if out:
        try:
            print(f"roofline: {report.plot(Path(out) / 'profile_roofline.png')}")
        except ImportError as e:
            print(f"(no roofline chart: {e})")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
