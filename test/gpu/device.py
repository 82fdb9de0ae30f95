"""What the device scripts under test/gpu share: CuPy, and tessera.runtime
from the source tree's python/ (the GPU machine has no build and no MLIR)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def gpu_runtime(argv, artifacts: str):
    """(cupy, tessera.runtime, the artifacts directory: argv[1], else
    build/<artifacts>), or None where there is no CuPy or no GPU (then SKIP
    is printed: the script exits 0)."""
    try:
        import cupy as cp

        cp.cuda.runtime.getDeviceCount()
    except Exception as e:  # noqa: BLE001 - no CuPy, no GPU
        print(f"SKIP: no GPU ({type(e).__name__})")
        return None
    if str(ROOT / "python") not in sys.path:
        sys.path.insert(0, str(ROOT / "python"))
    import tessera.runtime as rt

    return cp, rt, Path(argv[1] if len(argv) > 1 else ROOT / "build" / artifacts)
