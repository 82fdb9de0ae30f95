"""The CPU path: Graph IR -> LLVM (tessera-lower-to-cpu) -> ExecutionEngine.

    with ir.Context():
        kernel = CPUModule(module_text)
        out = kernel("f", np.ones((4, 8), np.float32))

Each public function of the module returns ranked tensors; numpy arrays
are passed as memrefs without copies, and each result comes back as a numpy
array that owns its memory (a tuple of them for several results).
"""

from __future__ import annotations

import ctypes
import os
from typing import Optional, Sequence

import numpy as np

from . import ir
from ._mlir_runtime import np_to_memref  # upstream MLIR's `runtime` package
from .execution_engine import ExecutionEngine
from .passmanager import PassManager
from .runtime import Signature
from .runtime import numpy_dtype as _numpy_dtype

__all__ = ["CPUModule", "numpy_dtype", "RUNTIME_LIBRARY"]

#: MLIR's C runner utilities (memrefCopy for strided copies, ...), from
#: Debian's libmlir-22-dev; override with TESSERA_MLIR_RUNNER_UTILS.
RUNTIME_LIBRARY = os.environ.get(
    "TESSERA_MLIR_RUNNER_UTILS", "/usr/lib/llvm-22/lib/libmlir_c_runner_utils.so")


def numpy_dtype(element: ir.Type) -> np.dtype:
    """The numpy dtype of an MLIR element type."""
    return _numpy_dtype(str(element))


def _carrier(dtype: np.dtype) -> np.dtype:
    """The dtype whose memrefs carry `dtype`'s elements: itself, or (for the
    ml_dtypes types upstream's np_to_memref has no ctype for, such as
    float8_e4m3fn) the unsigned integer of its width, holding its bits."""
    try:
        np_to_memref.as_ctype(dtype)
        return dtype
    except NotImplementedError:
        return np.dtype(f"uint{8 * dtype.itemsize}")


class CPUModule:
    """A Graph IR module compiled for the host CPU."""

    def __init__(self, module: "ir.Module | str", opt_level: int = 2,
                 shared_libs: Optional[Sequence[str]] = None, lowered: bool = False,
                 signatures: Optional[dict] = None):
        """`module`: Graph IR, or with `lowered` the output of
        tessera-lower-to-cpu, whose `signatures` (name -> (input type strings,
        result type strings)) must then be given."""
        if isinstance(module, str):
            module = ir.Module.parse(module)
        if lowered:
            if signatures is None:
                raise ValueError("a lowered module needs its signatures")
            self._signatures = {
                name: ([ir.RankedTensorType(ir.Type.parse(t)) for t in ins],
                       [ir.RankedTensorType(ir.Type.parse(t)) for t in outs])
                for name, (ins, outs) in signatures.items()}
        else:
            self._signatures = self.signatures_of(module)
            PassManager.parse("builtin.module(tessera-lower-to-cpu)").run(module.operation)
        self.llvm_ir = str(module)
        self._checkers = {}  # name -> Signature, on first call
        libs = list(shared_libs or [])
        if not os.path.exists(RUNTIME_LIBRARY):
            raise FileNotFoundError(
                f"MLIR runner utilities not found at {RUNTIME_LIBRARY} (package "
                "libmlir-22-dev); set TESSERA_MLIR_RUNNER_UTILS to their path")
        libs.append(RUNTIME_LIBRARY)
        self._engine = ExecutionEngine(module, opt_level=opt_level, shared_libs=libs)

    @staticmethod
    def signatures_of(module: "ir.Module") -> dict:
        """name -> (input tensor types, result tensor types) of the functions."""
        signatures = {}
        for op in module.body.operations:
            if op.operation.name != "func.func":
                continue
            fn_type = ir.FunctionType(ir.TypeAttr(op.attributes["function_type"]).value)
            name = ir.StringAttr(op.attributes["sym_name"]).value
            signatures[name] = ([ir.RankedTensorType(t) for t in fn_type.inputs],
                                [ir.RankedTensorType(t) for t in fn_type.results])
        return signatures

    def __call__(self, name: str, *args: np.ndarray) -> np.ndarray:
        if name not in self._signatures:
            raise KeyError(f"no function @{name} in the module")
        inputs, results = self._signatures[name]
        if not results:
            raise ValueError(f"@{name} returns nothing; it must return a tensor")
        if name not in self._checkers:
            dynamic = ir.ShapedType.get_dynamic_size()
            self._checkers[name] = Signature(f"@{name}", [
                {"name": f"arg{i}", "dims": [None if d == dynamic else d for d in t.shape],
                 "dtype": str(t.element_type)} for i, t in enumerate(inputs)])
        self._checkers[name].bind(args)
        arrays = [np.ascontiguousarray(a) for a in args]
        arrays = [a.view(_carrier(a.dtype)) for a in arrays]
        # One result comes back in its memref descriptor; several in a
        # struct of them (the C interface's return value).
        types = []
        for result in results:
            ctype = np_to_memref.as_ctype(_carrier(numpy_dtype(result.element_type)))
            types.append(np_to_memref.make_zero_d_memref_descriptor(ctype) if result.rank == 0
                         else np_to_memref.make_nd_memref_descriptor(result.rank, ctype))
        if len(results) == 1:
            holder = types[0]()
            descriptors = [holder]
        else:
            struct = type("Results", (ctypes.Structure,),
                          {"_fields_": [(f"r{i}", t) for i, t in enumerate(types)]})
            holder = struct()
            descriptors = [getattr(holder, f"r{i}") for i in range(len(types))]
        out = ctypes.pointer(ctypes.pointer(holder))
        pointers = [ctypes.pointer(ctypes.pointer(
            np_to_memref.get_ranked_memref_descriptor(a))) for a in arrays]
        self._engine.invoke(name, out, *pointers)
        values = []
        for result, descriptor in zip(results, descriptors):
            dtype = numpy_dtype(result.element_type)
            carrier = _carrier(dtype)
            if result.rank == 0:
                ctype = np_to_memref.as_ctype(carrier)
                value = ctypes.cast(descriptor.aligned, ctypes.POINTER(ctype))[descriptor.offset]
                values.append(np.array(value, dtype=carrier).view(dtype))
            else:
                values.append(np.array(np_to_memref.ranked_memref_to_numpy(
                    ctypes.pointer(descriptor)), copy=True).view(dtype))
        return values[0] if len(values) == 1 else tuple(values)
