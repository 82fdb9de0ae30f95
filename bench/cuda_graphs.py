"""Captures compiled programs in CUDA graphs with no warm-up call (CuPy's
stream capture and torch.cuda.graph), replays them and checks the results
against NumPy: does a Tessera launch record into a graph? Each is captured
a second time after an eager call (`warm`: the prepared launch, through
the driver, is what records). The TMA
programs (the GEMM, attention; the GEMM at K = 777 through a pitched copy
of its lhs) pass their tensor maps by value.

    python bench/cuda_graphs.py [build/bench-artifacts]   # on the GPU
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def cases(cp):
    rng = np.random.default_rng(0)
    x = rng.standard_normal(1 << 20).astype(np.float32)
    y = rng.standard_normal(1 << 20).astype(np.float32)
    a = rng.standard_normal((1000, 1024)).astype(np.float16)
    b = rng.standard_normal((1024, 1000)).astype(np.float16)
    s = rng.standard_normal((512, 1000)).astype(np.float16)

    q, k, v = (rng.standard_normal((1, 2, 300, 64)).astype(np.float16) for _ in range(3))
    c = rng.standard_normal((1000, 777)).astype(np.float16)  # rows TMA cannot address

    def softmax(v, axis=1):
        e = np.exp(v - v.max(axis=axis, keepdims=True))
        return e / e.sum(axis=axis, keepdims=True)

    def attention():
        s = q.astype(np.float64) @ np.swapaxes(k, -1, -2) / np.sqrt(64)
        return softmax(s, -1) @ v
    return [("add_f32", [x, y], (x.shape, np.float32), lambda: x + y, 1e-6),
            ("attention_d64_f16", [q, k, v], (q.shape, np.float16), attention, 4e-3),
            ("softmax_f16", [s], (s.shape, np.float16),
             lambda: softmax(s.astype(np.float64)), 2e-3),
            ("gemm_f16", [a, b], ((1000, 1000), np.float16),
             lambda: a.astype(np.float64) @ b, 2e-2),
            ("gemm_f16", [c, b[:777]], ((1000, 1000), np.float16),
             lambda: c.astype(np.float64) @ b[:777], 2e-2)]


def main(argv) -> int:
    try:
        import cupy as cp

        cp.cuda.runtime.getDeviceCount()
    except Exception as e:  # no CuPy, no GPU
        print(f"SKIP: no GPU ({type(e).__name__}: {e})")
        return 0
    sys.path.insert(0, str(ROOT / "python"))
    import tessera.runtime as runtime

    artifacts = Path(argv[1] if len(argv) > 1 else ROOT / "build" / "bench-artifacts")
    failures = 0
    for (name, inputs, (shape, dtype), reference, tol), warm in (
            (case, warm) for case in cases(cp) for warm in (False, True)):
        label = f"{name} {'x'.join(map(str, inputs[0].shape))}" + (" warm" if warm else "")
        ref = reference()
        # CuPy: capture on a fresh program, no call before it (or one).
        program = runtime.load(artifacts / name)
        args = [cp.asarray(h) for h in inputs]
        out = cp.empty(shape, dtype)
        stream = cp.cuda.Stream(non_blocking=True)
        try:
            if warm:
                program(*args, out=[out], stream=stream)
                stream.synchronize()
            with stream:
                stream.begin_capture()
                try:
                    program(*args, out=[out], stream=stream)
                finally:
                    graph = stream.end_capture()
            out.fill(np.nan)
            graph.launch(stream)
            stream.synchronize()
            err = float(np.max(np.abs(cp.asnumpy(out).astype(np.float64) - ref)))
            ok = err <= tol * max(1.0, float(np.max(np.abs(ref))))
            print(f"cupy graph   {label:35s} replayed, max|err| {err:.2e} {'PASS' if ok else 'FAIL'}")
        except Exception as e:  # noqa: BLE001 - the reason is the result
            ok = False
            print(f"cupy graph   {label:35s} FAIL: {type(e).__name__}: {str(e).splitlines()[0]}")
        failures += not ok
        # torch.cuda.graph, on torch tensors.
        try:
            import torch
        except ImportError:
            continue
        program = runtime.load(artifacts / name)
        targs = [torch.from_numpy(h).cuda() for h in inputs]
        tout = torch.empty(shape, dtype=getattr(torch, np.dtype(dtype).name), device="cuda")
        try:
            if warm:
                program(*targs, out=[tout])
                torch.cuda.synchronize()
            g = torch.cuda.CUDAGraph()
            with torch.cuda.graph(g):
                program(*targs, out=[tout])
            tout.fill_(float("nan"))
            g.replay()
            torch.cuda.synchronize()
            err = float(np.max(np.abs(tout.double().cpu().numpy() - ref)))
            ok = err <= tol * max(1.0, float(np.max(np.abs(ref))))
            print(f"torch graph  {label:35s} replayed, max|err| {err:.2e} {'PASS' if ok else 'FAIL'}")
        except Exception as e:  # noqa: BLE001
            ok = False
            print(f"torch graph  {label:35s} FAIL: {type(e).__name__}: {str(e).splitlines()[0]}")
        failures += not ok
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
