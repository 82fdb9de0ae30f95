"""Element types and tensor annotations of the Tessera front end.

Pure Python: importing this module loads no MLIR.

    x: tessera.Tensor["B", "S", 768, tessera.bf16]

Dimensions are literal sizes (ints), symbols (strings: the same symbol means
the same size everywhere in a function) or "?" (any size).
"""

from __future__ import annotations

import dataclasses
from typing import Tuple, Union

import numpy as np

__all__ = ["DType", "TensorSpec", "Tensor", "Dim", "f32", "f16", "bf16",
           "f8e4m3", "f8e5m2", "i32", "i8", "bool_", "DTYPES"]

#: A dimension: a literal size, a symbol, or None for "?".
Dim = Union[int, str, None]


@dataclasses.dataclass(frozen=True)
class DType:
    """An element type: its name, its MLIR spelling, its numpy dtype name."""

    name: str
    mlir: str
    numpy_name: str

    @property
    def numpy(self) -> np.dtype:
        if self.numpy_name.startswith("ml_dtypes."):
            import ml_dtypes

            return np.dtype(getattr(ml_dtypes, self.numpy_name.split(".", 1)[1]))
        return np.dtype(self.numpy_name)

    @property
    def is_float(self) -> bool:
        return self.mlir.startswith(("f", "bf"))

    def __repr__(self) -> str:
        return f"tessera.{self.name}"


f32 = DType("f32", "f32", "float32")
f16 = DType("f16", "f16", "float16")
bf16 = DType("bf16", "bf16", "ml_dtypes.bfloat16")
f8e4m3 = DType("f8e4m3", "f8E4M3FN", "ml_dtypes.float8_e4m3fn")
f8e5m2 = DType("f8e5m2", "f8E5M2", "ml_dtypes.float8_e5m2")
i32 = DType("i32", "i32", "int32")
i8 = DType("i8", "i8", "int8")
bool_ = DType("bool_", "i1", "bool")

DTYPES = {d.mlir: d for d in (f32, f16, bf16, f8e4m3, f8e5m2, i32, i8, bool_)}


@dataclasses.dataclass(frozen=True)
class TensorSpec:
    """The annotation `Tensor[dims..., dtype]`."""

    dims: Tuple[Dim, ...]
    dtype: DType

    @property
    def rank(self) -> int:
        return len(self.dims)

    def mlir_type(self) -> str:
        dims = "x".join("?" if not isinstance(d, int) else str(d) for d in self.dims)
        return f"tensor<{dims}x{self.dtype.mlir}>" if dims else f"tensor<{self.dtype.mlir}>"

    def __repr__(self) -> str:
        inner = ", ".join(repr(d) if d is not None else '"?"' for d in self.dims)
        return f"Tensor[{inner}{', ' if inner else ''}{self.dtype!r}]"


class Tensor:
    """`Tensor["B", "S", 768, tessera.bf16]`: a tensor annotation."""

    def __class_getitem__(cls, items) -> TensorSpec:
        if not isinstance(items, tuple):
            items = (items,)
        if not items or not isinstance(items[-1], DType):
            raise TypeError("Tensor[...] ends with an element type, e.g. "
                            "Tensor['B', 'S', tessera.f32]")
        dims = []
        for d in items[:-1]:
            if d == "?":
                dims.append(None)
            elif isinstance(d, bool) or not isinstance(d, (int, str)):
                raise TypeError(f"Tensor dimension {d!r} must be an int, a symbol "
                                "string or '?'")
            elif isinstance(d, int) and d < 0:
                raise TypeError(f"Tensor dimension {d} must not be negative")
            elif isinstance(d, str) and d.isdigit():
                dims.append(int(d))
            else:
                dims.append(d)
        return TensorSpec(tuple(dims), items[-1])


def check_arguments(fn_name: str, specs, arrays):
    """Checks numpy arrays against `[(name, TensorSpec)]`: count, dtype, rank,
    literal sizes, and symbols bound consistently. Returns contiguous arrays;
    raises TypeError / ValueError naming the argument."""
    if len(arrays) != len(specs):
        raise TypeError(f"{fn_name} takes {len(specs)} arguments, got {len(arrays)}")
    bound = {}
    out = []
    for (name, spec), array in zip(specs, arrays):
        array = np.asarray(array)
        if array.dtype != spec.dtype.numpy:
            raise TypeError(f"argument '{name}': expected dtype {spec.dtype.name}, "
                            f"got {array.dtype}")
        if array.ndim != spec.rank:
            raise ValueError(f"argument '{name}': expected rank {spec.rank} "
                             f"({spec!r}), got shape {array.shape}")
        for i, (dim, size) in enumerate(zip(spec.dims, array.shape)):
            if isinstance(dim, int) and dim != size:
                raise ValueError(f"argument '{name}': dimension {i} must be {dim}, "
                                 f"got {size}")
            if isinstance(dim, str):
                if dim in bound and bound[dim][0] != size:
                    size0, name0, i0 = bound[dim]
                    raise ValueError(
                        f"argument '{name}': dimension {i} ({dim}) is {size}, but "
                        f"{dim} is {size0} from argument '{name0}' dimension {i0}")
                bound.setdefault(dim, (size, name, i))
        out.append(np.ascontiguousarray(array))
    return out
