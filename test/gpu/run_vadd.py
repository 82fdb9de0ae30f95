"""The demo's vadd artifact on an NVIDIA GPU through tessera.runtime.gpu.

    python test/gpu/run_vadd.py build/demo/vadd

Needs only numpy and cupy (torch, when present, for the zero-copy checks):
compile with `make demo` where the toolchain is, carry build/demo. Prints a
SKIP line and exits 0 without a GPU. Checks: every element against float64
on ragged sizes with poisoned outputs, argument errors, streams, torch and
DLPack inputs without copies, and the launch overhead over a raw
cupy.RawKernel launch of the same kernel.
"""

import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                "python", "tessera", "runtime"))
import gpu as tessera_gpu  # noqa: E402  (MLIR-free runtime, imported standalone)


def main(path):
    try:
        import cupy as cp

        cp.cuda.runtime.getDeviceCount()
    except Exception as e:
        print(f"SKIP: no CUDA device ({type(e).__name__}: {e})")
        return 0

    program = tessera_gpu.load(path)
    rng = np.random.default_rng()
    passed = failed = 0

    def report(name, ok, detail=""):
        nonlocal passed, failed
        passed += ok
        failed += not ok
        print(f"{name:<44} {'PASS' if ok else 'FAIL'} {detail}")

    for n in (1, 255, 1000, 1_000_003):
        a = rng.standard_normal(n, dtype=np.float32)
        b = rng.standard_normal(n, dtype=np.float32)
        c = cp.full(n, cp.nan, dtype=cp.float32)  # poisoned
        program(cp.asarray(a), cp.asarray(b), out=[c])
        ref = a.astype(np.float64) + b
        got = cp.asnumpy(c)
        bad = int(np.count_nonzero(~np.isclose(got, ref, rtol=1e-6, atol=1e-6)))
        report(f"vadd n={n} (cupy, every element)", bad == 0,
               f"max|err|={np.abs(got - ref).max():.2e}")

    a = rng.standard_normal(4097, dtype=np.float32)
    got = program(a, a)  # numpy in, numpy out
    report("numpy in/out (copied)", isinstance(got, np.ndarray) and np.allclose(got, 2 * a))

    s = cp.cuda.Stream(non_blocking=True)
    x = cp.asarray(a)
    y = program(x, x, stream=s)
    s.synchronize()
    report("explicit stream", bool(cp.allclose(y, 2 * x)))

    for name, call, exc, text in [
        ("wrong dtype -> TypeError", lambda: program(x.astype(cp.float64), x), TypeError,
         "argument 'a': expected dtype float32, got float64"),
        ("inconsistent N -> ValueError", lambda: program(x, x[:10]), ValueError,
         "argument 'b': dimension 0 (N) is 10, but N is 4097 from argument 'a'"),
        ("rank -> ValueError", lambda: program(x.reshape(1, -1), x.reshape(1, -1)), ValueError,
         "argument 'a': expected rank 1"),
        ("non-contiguous -> ValueError", lambda: program(x[::2], x[::2]), ValueError,
         "argument 'a': must be C-contiguous"),
    ]:
        try:
            call()
            report(name, False, "no error")
        except exc as e:
            report(name, text in str(e), repr(str(e)))

    try:
        import torch

        t = torch.randn(100_000, device="cuda")
        out = torch.empty_like(t)
        program(t, t, out=[out])  # __cuda_array_interface__: no copies
        report("torch tensors (zero-copy, out=)", bool(torch.allclose(out, 2 * t)))

        class OnlyDLPack:  # an object the runtime can reach only through DLPack
            def __init__(self, t):
                self.t, self.shape, self.dtype = t, tuple(t.shape), t.dtype

            def __dlpack__(self, **kw):
                return self.t.__dlpack__(**kw)

            def __dlpack_device__(self):
                return self.t.__dlpack_device__()

        d = program(OnlyDLPack(t), OnlyDLPack(t))
        report("DLPack-only inputs (zero-copy)", bool(cp.allclose(d, cp.asarray(2 * t))))
    except ImportError:
        print("torch not installed: zero-copy checks skipped")

    # Launch overhead: tessera's checked launch vs a raw RawKernel launch.
    n = 1 << 10
    x = cp.ones(n, cp.float32)
    outc = cp.empty_like(x)
    raw = cp.RawModule(path=program._binary_path.as_posix()).get_function("vadd")
    args = (x, x, np.int64(0), np.int64(n), np.int64(1)) * 2 + (
        outc, outc, np.int64(0), np.int64(n), np.int64(1), np.int64(n))
    for _ in range(200):
        raw((4,), (256,), args)
        program(x, x, out=[outc])
    cp.cuda.Device().synchronize()
    reps = 5000
    t0 = time.perf_counter()
    for _ in range(reps):
        raw((4,), (256,), args)
    cp.cuda.Device().synchronize()
    t_raw = (time.perf_counter() - t0) / reps * 1e6
    t0 = time.perf_counter()
    for _ in range(reps):
        program(x, x, out=[outc])
    cp.cuda.Device().synchronize()
    t_tessera = (time.perf_counter() - t0) / reps * 1e6
    print(f"launch: raw RawKernel {t_raw:.2f} us, tessera {t_tessera:.2f} us, "
          f"overhead {t_tessera - t_raw:.2f} us per launch")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "build/demo/vadd"))
