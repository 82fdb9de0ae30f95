"""Quick GEMM timing of the tensor-core artifacts against torch (device)."""
import sys, importlib.util
from pathlib import Path
import numpy as np, cupy as cp, torch
ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("rt", ROOT / "python/tessera/runtime/gpu.py")
rt = importlib.util.module_from_spec(spec); spec.loader.exec_module(rt)
art = Path(sys.argv[1])

def bench(fn, n=20):
    for _ in range(3): fn()
    s, e = cp.cuda.Event(), cp.cuda.Event(); ts = []
    for _ in range(n):
        s.record(); fn(); e.record(); e.synchronize(); ts.append(cp.cuda.get_elapsed_time(s, e))
    return float(np.median(ts))

for M, N, K in [(4096, 4096, 4096), (8192, 8192, 8192), (1000, 999, 777)]:
    a = torch.randn(M, K, device="cuda", dtype=torch.float16)
    w = torch.randn(K, N, device="cuda", dtype=torch.float16)
    b = torch.randn(N, device="cuda", dtype=torch.float16)
    prog = rt.load(art / "matmul_f16_tc_lhsT_aligned")
    aT = a.t().contiguous()
    out = torch.empty(M, N, device="cuda", dtype=torch.float16)
    A, W, O = cp.asarray(aT), cp.asarray(w), cp.asarray(out)
    t_tc = bench(lambda: prog(A, W, out=[O])) if (M % 8 == 0) else float("nan")
    p2 = rt.load(art / "matmul_bias_gelu_f16_tc")
    A2, B2 = cp.asarray(a), cp.asarray(b)
    t_tc2 = bench(lambda: p2(A2, W, B2, out=[O]))
    t_torch = bench(lambda: torch.matmul(a, w))
    t_torch2 = bench(lambda: torch.nn.functional.gelu(torch.addmm(b, a, w)))
    fl = 2 * M * N * K / 1e9
    print(f"{M}x{N}x{K}: tessera aT@w {fl/t_tc:.0f} TFLOP/s, tessera a@w+b gelu {fl/t_tc2:.0f}, "
          f"torch a@w {fl/t_torch:.0f}, torch addmm+gelu {fl/t_torch2:.0f}")
