"""Times the FP8 GEMM (row-scaled e4m3 x @ w.T into bf16) under the
schedules of programs.FP8_SWEEP_SCHEDULES against torch._scaled_mm in one
process: the sweep behind the FP8 default (`run.py --only fp8` is the
benchmark).

    python bench/build.py --sweep   # here
    python bench/sweep_fp8.py [build/bench-artifacts]   # on the GPU

Each schedule's artifact runs at the FP8 rows' shapes: checked against a
float64 reference first, then timed like `run.py` (rotating inputs, CUDA
events, median). One line per schedule and shape. SWEEP_SHAPES=64x8192x8192,...
picks the shapes (MxNxK) instead of the FP8 rows'.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import FP8_SHAPES, ROOT, copies_for, cuda_torch, fp8_inputs, rel_err, time_ms  # noqa: E402


def main(argv) -> int:
    torch = cuda_torch()
    if torch is None:
        return 0
    artifacts = Path(argv[1] if len(argv) > 1 else ROOT / "build" / "bench-artifacts")
    sys.path.insert(0, str(ROOT / "python"))  # the source tree: no build, no MLIR
    import tessera.runtime as runtime  # numpy + cupy only

    names = sorted(p.name for p in artifacts.iterdir()
                   if p.is_dir() and p.name.startswith("fp8sweep_"))
    failures = 0
    shapes = FP8_SHAPES
    if os.environ.get("SWEEP_SHAPES"):  # e.g. "16x8192x8192,64x8192x8192"
        shapes = [tuple(int(x) for x in s.split("x"))
                  for s in os.environ["SWEEP_SHAPES"].split(",")]
    for M, N, K in shapes:
        sets = copies_for(M * K + N * K)
        A, W, sa, sb, ref = fp8_inputs(torch, M, N, K, "row", sets)
        C = torch.empty(M, N, device="cuda", dtype=torch.bfloat16)
        peer = time_ms(torch, lambda i: torch._scaled_mm(
            A[i], W[i].t(), scale_a=sa, scale_b=sb, out_dtype=torch.bfloat16), sets)
        flops = 2 * M * N * K
        print(f"e4m3 row-scaled {M}x{N}x{K}: _scaled_mm {flops / peer / 1e9:7.1f} TFLOP/s",
              flush=True)
        for name in names:
            program = runtime.load(artifacts / name)
            C.fill_(float("nan"))
            program(A[0], W[0], sa, sb, out=[C])
            e = rel_err(torch, C, ref)
            ok = e < 1e-2
            failures += not ok
            ms = time_ms(torch, lambda i: program(A[i], W[i], sa, sb, out=[C]), sets)
            print(f"  {name:28s} {flops / ms / 1e9:7.1f} TFLOP/s  {peer / ms:5.2f}x _scaled_mm"
                  f"  err {e:.1e} {'ok' if ok else 'FAIL'}", flush=True)
        del A, W, C, ref
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
