"""Argument checking: the one checker of every path.

A compiled program's inputs are the plan's `inputs` (name, dims, dtype) plus,
for GPU programs, launch conditions (`checks`: pairs of size expressions the
Graph IR verifier assumed equal). The front end checks a call against its
annotations in the same form before compiling, the CPU path against the
lowered function's types, the GPU runtime against the plan: all through
`Signature`, so a wrong argument reads the same everywhere and raises
before anything runs.

Pure Python: needs numpy only. Arrays are anything with `.shape` and
`.dtype`: numpy, CuPy, torch tensors.
"""

from __future__ import annotations

from typing import Dict, Optional, Sequence

import numpy as np

from .plan import compile_extent, numpy_dtype

__all__ = ["Signature", "dtype_of"]


def dtype_of(array) -> Optional[np.dtype]:
    """The numpy dtype of a numpy, CuPy or torch array (None if it has no
    dtype)."""
    dtype = getattr(array, "dtype", None)
    if dtype is None:
        return None
    try:
        return np.dtype(dtype)
    except TypeError:  # torch dtypes: torch.float32 -> float32
        name = str(dtype).replace("torch.", "")
        if name in ("bfloat16", "float8_e4m3fn", "float8_e5m2"):
            import ml_dtypes  # (the numpy dtypes of torch's narrow floats)

            return np.dtype(getattr(ml_dtypes, name))
        return np.dtype(name)


def scalar_value(name: str, dtype_name: str, dtype: np.dtype, value):
    """A runtime scalar argument as a NumPy scalar of `dtype`: from a Python
    number, a NumPy scalar or a 0-d array (a device array's value is read
    back: a synchronization). Floats take ints and floats; ints take ints;
    anything else raises TypeError naming the argument."""
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"argument '{name}': a runtime scalar of type {dtype_name}, got a "
                        f"bool (a flag is a tessera.Static[bool] argument)")
    if getattr(value, "shape", None) == () and hasattr(value, "item"):
        value = value.item()
    if isinstance(value, (int, np.integer)) or (
            isinstance(value, (float, np.floating)) and dtype.kind == "f"):
        # (checked here: NumPy before 2 wraps an integer out of range)
        if dtype.kind in "iu" and not (
                np.iinfo(dtype).min <= int(value) <= np.iinfo(dtype).max):
            shown = (str(int(value)) if abs(int(value)) < 10**40 else
                     f"an integer of {int(value).bit_length()} bits")
            raise ValueError(f"argument '{name}': {shown} does not fit a runtime scalar of "
                             f"type {dtype_name}")
        try:
            return dtype.type(value)
        except OverflowError:  # (a float or an int too large for a float type)
            raise ValueError(f"argument '{name}': a value too large for a runtime scalar "
                             f"of type {dtype_name}") from None
    raise TypeError(f"argument '{name}': expected a {dtype_name} number (a runtime scalar), "
                    f"got {type(value).__name__}")


class Signature:
    """The inputs of a program, checked by `bind`.

    `inputs`: `[{"name": ..., "dims": [...], "dtype": ...}]` as in a plan
    (dims: int, symbol or None for "?"; dtype in MLIR spelling); `checks`:
    the plan's launch conditions, `[{"equal": [expr, expr], "reason": ...}]`.
    """

    def __init__(self, what: str, inputs: Sequence[dict], checks: Sequence[dict] = ()):
        self.what = what
        self.inputs = [(a["name"], tuple(a["dims"]), a["dtype"], numpy_dtype(a["dtype"]))
                       for a in inputs]
        #: Runtime scalars (plan inputs with "scalar": true): given as Python
        #: numbers, NumPy scalars or 0-d arrays.
        self.scalars = [bool(a.get("scalar", False)) for a in inputs]
        self._checks = [(c["equal"][0], compile_extent(c["equal"][0]),
                         c["equal"][1], compile_extent(c["equal"][1]), c.get("reason", ""))
                        for c in checks]

    def bind(self, arrays: Sequence) -> Dict[str, int]:
        """Checks `arrays`: their count, dtypes, ranks, literal sizes, each
        symbol bound to one size, then the launch conditions. Returns the
        symbols' sizes; raises TypeError (count, dtype) or ValueError
        (shapes) naming the argument."""
        if len(arrays) != len(self.inputs):
            raise TypeError(f"{self.what} takes {len(self.inputs)} arguments, "
                            f"got {len(arrays)}")
        bound: Dict[str, tuple] = {}  # symbol -> (size, argument, dimension)
        for (name, dims, dtype_name, dtype), scalar, array in zip(self.inputs, self.scalars,
                                                                  arrays):
            if scalar:
                scalar_value(name, dtype_name, dtype, array)
                continue
            got = dtype_of(array)
            if got is None:
                raise TypeError(f"argument '{name}': expected an array of dtype "
                                f"{dtype_name}, got {type(array).__name__}")
            if got != dtype:
                raise TypeError(f"argument '{name}': expected dtype {dtype_name}, got {got}")
            shape = tuple(array.shape)
            if len(shape) != len(dims):
                raise ValueError(f"argument '{name}': expected rank {len(dims)}, "
                                 f"got shape {shape}")
            for i, (dim, size) in enumerate(zip(dims, shape)):
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
        sizes = {dim: size for dim, (size, _, _) in bound.items()}
        for a_text, a_fn, b_text, b_fn, reason in self._checks:
            a, b = int(a_fn(sizes)), int(b_fn(sizes))
            if a != b:
                raise ValueError(f"{self._where(b_text, bound)} is {b}, but "
                                 f"{self._where(a_text, bound)} is {a}: they must be "
                                 f"equal ({reason})")
        return sizes

    @staticmethod
    def _where(expr: str, bound) -> str:
        """A launch condition's side: the argument dimension of a symbol,
        else the expression itself."""
        if expr in bound:
            _, name, i = bound[expr]
            return f"argument '{name}' dimension {i} ({expr})"
        return expr
