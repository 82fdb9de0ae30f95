"""Runs the demo's vadd PTX on an NVIDIA GPU with CuPy and checks every element.

    python test/gpu/run_vadd.py build/demo/vadd.ptx

Needs only numpy and cupy (no MLIR): compile with `make demo` on a machine
with the toolchain, carry the PTX. Exits 0 with a SKIP line when no GPU or no
CuPy is present.
"""

import sys

import numpy as np


def main(path):
    try:
        import cupy as cp

        cp.cuda.runtime.getDeviceCount()
    except Exception as e:  # no CuPy or no GPU: nothing to run here
        print(f"SKIP: no CUDA device ({type(e).__name__}: {e})")
        return 0

    kernel = cp.RawModule(path=path).get_function("vadd")
    rng = np.random.default_rng()
    failures = 0
    for n in (1, 255, 1000, 1_000_003):  # ragged sizes: partial last blocks
        a = rng.standard_normal(n, dtype=np.float32)
        b = rng.standard_normal(n, dtype=np.float32)
        da, db = cp.asarray(a), cp.asarray(b)
        # Poison the output and leave a guard element after it.
        dc = cp.full(n + 1, cp.nan, dtype=cp.float32)
        args = []
        # The default (non-bare-pointer) ABI: each memref<?xf32> is its
        # descriptor expanded: allocated ptr, aligned ptr, offset, size, stride.
        for arr, size in ((da, n), (db, n), (dc, n)):
            args += [arr, arr, np.int64(0), np.int64(size), np.int64(1)]
        args.append(np.int64(n))
        block = 256
        kernel(((n + block - 1) // block,), (block,), tuple(args))
        cp.cuda.Device().synchronize()
        out = cp.asnumpy(dc)
        ref = a.astype(np.float64) + b.astype(np.float64)
        err = np.abs(out[:n] - ref).max() if n else 0.0
        bad = int(np.count_nonzero(~np.isclose(out[:n], ref, rtol=1e-6, atol=1e-6)))
        guard_ok = bool(np.isnan(out[n]))
        ok = bad == 0 and guard_ok
        failures += not ok
        print(f"vadd n={n:>9}: max|err|={err:.3e} mismatches={bad} "
              f"guard untouched={guard_ok} -> {'PASS' if ok else 'FAIL'}")
    print(f"{4 - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "build/demo/vadd.ptx"))
