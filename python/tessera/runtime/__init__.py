"""Tessera's runtime: runs compiled artifacts with numpy and CuPy, no MLIR.

Compiling needs MLIR; running must not: the GPU machine has numpy and CuPy
(and maybe torch) but no LLVM/MLIR. So this package imports only numpy, and
CuPy when it launches; never `tessera._mlir_libs`, `tessera.ir` or any other
MLIR module. With the source tree's `python/` on sys.path, `import
tessera.runtime` works on such a machine (test_runtime.py asserts it):

    sys.path.insert(0, "python")
    import tessera.runtime as runtime
    program = runtime.load("build/gpu-artifacts/add_f32")   # plan.json + PTX
    y = program(x, w)                                        # CuPy, numpy or torch

- :mod:`tessera.runtime.plan`: the artifact format (`plan.json`, element
  types, size expressions)
- :mod:`tessera.runtime.arguments`: the argument checker every path uses
- :mod:`tessera.runtime.gpu`: loading and launching GPU programs with CuPy
"""

from .arguments import Signature, dtype_of
from .gpu import GPUProgram, device_target, load
from .plan import PLAN_FILE, compile_extent, eval_extent, numpy_dtype, plan_bytes, read_plan

__all__ = ["GPUProgram", "Signature", "PLAN_FILE", "compile_extent", "device_target",
           "dtype_of", "eval_extent", "load", "numpy_dtype", "plan_bytes", "read_plan"]
