"""Checks on a GPU that a program's runtime scalars are right on every
launch path: Python floats and ints (packed by the native launcher), NumPy
scalars (the Python prepared path) and 0-d CuPy arrays (the slow path,
which reads their value), each against a float64 reference on fresh
inputs, several calls each (the first prepares).

    python test/gpu/launch_paths.py [build/gpu-artifacts]

Needs numpy and cupy and the GPU cases' artifacts (scalars_f16_f32).
Without a GPU it prints SKIP and exits 0.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from device import gpu_runtime  # noqa: E402


def main(argv) -> int:
    found = gpu_runtime(argv, "gpu-artifacts")
    if found is None:
        return 0
    cp, rt, artifacts = found
    program = rt.load(artifacts / "scalars_f16_f32")  # (x * h) * s + b, h f16, s f32
    rng = np.random.default_rng(11)
    failures = 0
    kinds = {
        "Python numbers": lambda h, s: (h, s),
        "NumPy scalars": lambda h, s: (np.float16(h), np.float32(s)),
        "0-d CuPy arrays": lambda h, s: (cp.asarray(np.array(h, np.float16)),
                                         cp.asarray(np.array(s, np.float32))),
    }
    for kind, make in kinds.items():
        worst = 0.0
        for h, s in ((2.0, 0.5), (-3, 1.5), (0.1, -2.0), (7.25, 3), (-0.5, 1e-3)):
            x = rng.standard_normal((37, 53)).astype(np.float16)
            b = rng.standard_normal(53).astype(np.float32)
            y = program(cp.asarray(x), *make(h, s), cp.asarray(b))
            ref = (x.astype(np.float64) * float(np.float16(h))).astype(np.float16).astype(
                np.float64) * float(np.float32(s)) + b
            err = float(np.max(np.abs(cp.asnumpy(y) - ref) / (1e-3 + 1e-3 * np.abs(ref))))
            worst = max(worst, err)
        ok = worst <= 1.0
        failures += not ok
        print(f"{'PASS' if ok else 'FAIL'}  runtime scalars as {kind}: worst err/bound {worst:.3f}")
    status = rt.gpu.native_launcher_status()
    print(f"native launcher: {status}; entries built: "
          f"{sum(p[7] is not None for p in program._prepared.values())}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
