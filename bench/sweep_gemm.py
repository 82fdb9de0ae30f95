"""Times GEMM artifacts of several schedules against cuBLAS in one process
(the schedule sweep behind the defaults; `run.py` is the benchmark).

    python bench/build.py --sweep   # here
    python bench/sweep_gemm.py [build/bench-artifacts] [PROGRAM_PREFIX ...]   # on the GPU

SWEEP_SHAPES=16x8192x8192,... picks the shapes (MxNxK) instead of SHAPES.

Each program (default: every `gemm_*` artifact) runs at a few square,
flat and ragged shapes: checked against a float64 reference first, then
timed like `run.py` (rotating inputs, CUDA events, median). Prints one line
per program and shape: TFLOP/s, ratio to cuBLAS, relative error.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import ROOT, cuda_torch, copies_for, rel_err, time_ms  # noqa: E402

SHAPES = [(4096, 4096, 4096), (8192, 8192, 8192), (8192, 8192, 1024), (4000, 4000, 4000),
          (1000, 1000, 776), (16, 8192, 8192), (64, 8192, 8192)]


def main(argv) -> int:
    torch = cuda_torch()
    if torch is None:
        return 0
    artifacts = Path(argv[1] if len(argv) > 1 else ROOT / "build" / "bench-artifacts")
    prefixes = argv[2:] or ["gemm_"]
    sys.path.insert(0, str(ROOT / "python"))  # the source tree: no build, no MLIR
    import tessera.runtime as runtime  # numpy + cupy only

    names = sorted(p.name for p in artifacts.iterdir()
                   if p.is_dir() and any(p.name.startswith(x) for x in prefixes)
                   and p.name.startswith("gemm_") and "gelu" not in p.name)
    failures = 0
    shapes = SHAPES
    if os.environ.get("SWEEP_SHAPES"):  # e.g. "16x8192x8192,64x8192x8192"
        shapes = [tuple(int(x) for x in s.split("x"))
                  for s in os.environ["SWEEP_SHAPES"].split(",")]
    for M, N, K in shapes:
        for dtype in (torch.float16, torch.bfloat16):
            tname = "f16" if dtype == torch.float16 else "bf16"
            sets = copies_for((M * K + K * N) * 2)
            A = [torch.randn(M, K, device="cuda", dtype=dtype) for _ in range(sets)]
            B = [torch.randn(K, N, device="cuda", dtype=dtype) for _ in range(sets)]
            C = torch.empty(M, N, device="cuda", dtype=dtype)
            ref = A[0].double() @ B[0].double()
            cublas = time_ms(torch, lambda i: torch.matmul(A[i], B[i], out=C), sets)
            flops = 2 * M * N * K
            print(f"{tname} {M}x{N}x{K}: cuBLAS {flops / cublas / 1e9:7.1f} TFLOP/s", flush=True)
            for name in names:
                if not name.startswith(f"gemm_{tname}"):
                    continue
                program = runtime.load(artifacts / name)
                C.fill_(float("nan"))
                program(A[0], B[0], out=[C])
                e = rel_err(torch, C, ref)
                ok = e < (1e-2 if dtype == torch.bfloat16 else 2e-3)
                failures += not ok
                ms = time_ms(torch, lambda i: program(A[i], B[i], out=[C]), sets)
                tma = program.tensor_map_counts()
                print(f"  {name:34s} {flops / ms / 1e9:7.1f} TFLOP/s  {cublas / ms:5.2f}x cuBLAS"
                      f"  err {e:.1e} {'ok' if ok else 'FAIL'}  tma {tma['encoded']}/"
                      f"{tma['encoded'] + tma['refused']}", flush=True)
            del A, B, C, ref
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
