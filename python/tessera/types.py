"""Element types and tensor annotations of the Tessera front end.

Pure Python: importing this module loads no MLIR.

    x: tessera.Tensor["B", "S", 768, tessera.bf16]

Dimensions are literal sizes (ints), symbols (strings: the same symbol means
the same size everywhere in a function) or "?" (any size); a leading "..."
stands for any number of leading dims, the same ones in every argument that
has it (one binding per call, like a symbol).
"""

from __future__ import annotations

import dataclasses
from typing import Optional, Tuple, Union

import numpy as np

from .runtime.plan import numpy_dtype

__all__ = ["DType", "TensorSpec", "Tensor", "Static", "StaticSpec", "Dim", "ELLIPSIS", "f64", "f32", "f16", "bf16",
           "f8e4m3", "f8e5m2", "i32", "i8", "bool_", "DTYPES"]

#: A dimension: a literal size, a symbol, or None for "?".
Dim = Union[int, str, None]

#: The leading "..." of an annotation: any number of leading dims.
ELLIPSIS = "..."


def leading_symbol(i: int) -> str:
    """The symbol of the i-th dim a leading "..." stands for (the plan's and
    the errors' name for it)."""
    return f"_lead{i}"


@dataclasses.dataclass(frozen=True)
class DType:
    """An element type: its name in Tessera and its MLIR spelling (which
    plans use too)."""

    name: str
    mlir: str

    @property
    def numpy(self) -> np.dtype:
        return numpy_dtype(self.mlir)

    @property
    def is_float(self) -> bool:
        return self.mlir.startswith(("f", "bf"))

    def __repr__(self) -> str:
        return f"tessera.{self.name}"


f64 = DType("f64", "f64")
f32 = DType("f32", "f32")
f16 = DType("f16", "f16")
bf16 = DType("bf16", "bf16")
f8e4m3 = DType("f8e4m3", "f8E4M3FN")
f8e5m2 = DType("f8e5m2", "f8E5M2")
i32 = DType("i32", "i32")
i8 = DType("i8", "i8")
bool_ = DType("bool_", "i1")

DTYPES = {d.mlir: d for d in (f64, f32, f16, bf16, f8e4m3, f8e5m2, i32, i8, bool_)}


@dataclasses.dataclass(frozen=True)
class TensorSpec:
    """The annotation `Tensor[dims..., dtype]`; `dtype` is None where the
    annotation leaves it to the function's numerics policy (its storage
    type: `Tensor["B", "D"]` under `numerics=dict(storage=tessera.bf16)`)."""

    dims: Tuple[Dim, ...]
    dtype: Optional[DType]

    def with_dtype(self, dtype: DType) -> "TensorSpec":
        return TensorSpec(self.dims, dtype)

    @property
    def rank(self) -> int:
        return len(self.dims)

    @property
    def variadic(self) -> bool:
        """True if the annotation starts with "..." (any leading dims)."""
        return bool(self.dims) and self.dims[0] == ELLIPSIS

    def specialize(self, leading: int) -> "TensorSpec":
        """The annotation with its "..." as `leading` symbolic dims."""
        if not self.variadic:
            return self
        return TensorSpec(tuple(leading_symbol(i) for i in range(leading))
                          + self.dims[1:], self.dtype)

    def mlir_type(self) -> str:
        dims = "x".join("?" if not isinstance(d, int) else str(d) for d in self.dims)
        return f"tensor<{dims}x{self.dtype.mlir}>" if dims else f"tensor<{self.dtype.mlir}>"

    def plan_entry(self, name: str) -> dict:
        """The argument as a plan lists its inputs (tessera.runtime.plan)."""
        return {"name": name, "dims": list(self.dims), "dtype": self.dtype.mlir}

    def __repr__(self) -> str:
        inner = ", ".join(repr(d) if d is not None else '"?"' for d in self.dims)
        if self.dtype is None:
            return f"Tensor[{inner}]"
        return f"Tensor[{inner}{', ' if inner else ''}{self.dtype!r}]"


@dataclasses.dataclass(frozen=True)
class StaticSpec:
    """The annotation `Static[bool]` (or int, float): an argument fixed at
    trace time, not passed to kernels; each value is its own specialization
    (and compiled artifact)."""

    type: type

    def check(self, name: str, value):
        """The value as this argument holds it, or a TypeError naming it."""
        if self.type is float and isinstance(value, (int, float)) \
                and not isinstance(value, bool):
            return float(value)
        if type(value) is self.type:
            return value
        raise TypeError(f"static argument '{name}' must be a {self.type.__name__}, "
                        f"got {type(value).__name__} {value!r}")

    def __repr__(self) -> str:
        return f"Static[{self.type.__name__}]"


class Static:
    """`Static[bool]`, `Static[int]`, `Static[float]`: a compile-time argument
    (a flag, a size, an epsilon) that specializes the trace, as JAX's
    static arguments do."""

    def __class_getitem__(cls, item) -> StaticSpec:
        if item not in (bool, int, float):
            raise TypeError(f"Static[...] takes bool, int or float, got {item!r}")
        return StaticSpec(item)


class Tensor:
    """`Tensor["B", "S", 768, tessera.bf16]`: a tensor annotation. Without
    the element type (`Tensor["B", "S"]`), the function's numerics policy's
    storage type is the argument's."""

    def __class_getitem__(cls, items) -> TensorSpec:
        if not isinstance(items, tuple):
            items = (items,)
        if not items:
            raise TypeError("Tensor[...] takes dims and an element type, e.g. "
                            "Tensor['B', 'S', tessera.f32]")
        dtype = items[-1] if isinstance(items[-1], DType) else None
        dims = []
        for i, d in enumerate(items[:-1] if dtype is not None else items):
            if d == ELLIPSIS or d is Ellipsis:
                if i != 0:
                    raise TypeError("Tensor[...]: '...' (any leading dims) must come "
                                    "first, e.g. Tensor['...', 'D', tessera.f32]")
                dims.append(ELLIPSIS)
            elif isinstance(d, str) and d.startswith("_lead"):
                raise TypeError(f"Tensor dimension {d!r}: symbols starting with "
                                "'_lead' name the dims of a '...'; choose another name")
            elif d == "?":
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
        return TensorSpec(tuple(dims), dtype)
