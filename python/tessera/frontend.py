"""Tracing Python functions into Graph IR, and running them on the CPU path.

    @tessera.function
    def block(x: Tensor["B", "D", f32], w: Tensor["D", "H", f32]) -> Tensor["B", "H", f32]:
        return tessera.gelu(tessera.layer_norm(x) @ w)

    block.mlir          # the Graph IR
    block(x, w)         # traced once per dtype signature, run on the CPU

Shapes are checked while tracing, symbolically: a mismatch raises
`ShapeError` naming both shapes and the dimension, from the user's line, and
every op carries that line as its location.
"""

from __future__ import annotations

import dataclasses
import copy
import functools
import inspect
import os
import threading
from typing import Dict, List, Optional, Sequence, Tuple, Union

import numpy as np

from . import compiler, ir
from ._traceback import user_frames
from .dialects import func as func_d
from .dialects import tessera_graph as tg
from .runtime import Signature, device_target, dtype_of
from .types import DType, Dim, StaticSpec, TensorSpec, DTYPES

__all__ = ["ShapeError", "TracedTensor", "Function", "function", "jit",
           "numerics", "matmul", "softmax", "log_softmax", "layer_norm",
           "rms_norm", "attention", "relu", "gelu", "silu", "sigmoid", "tanh",
           "exp", "log", "sqrt", "rsqrt", "neg", "abs", "maximum", "minimum",
           "where", "cast", "sum", "mean", "max", "min", "transpose",
           "reshape", "broadcast_to", "concat", "constant"]

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


class ShapeError(ValueError):
    """Shapes that cannot go together, found while tracing."""


#===--- Trace state -------------------------------------------------------===#

_state = threading.local()


def _policies() -> List["Policy"]:
    if not hasattr(_state, "policies"):
        _state.policies = []
    return _state.policies


def _policy_text(storage=None, compute=None, accumulate=None, rounding=None,
                 saturate=None, denormals=None) -> str:
    entries = []
    for key, value in (("storage", storage), ("compute", compute),
                       ("accumulate", accumulate)):
        if value is not None:
            entries.append(f"{key} = {value.mlir}")
    if rounding is not None:
        entries.append(f"rounding = {rounding}")
    if saturate is not None:
        entries.append(f"saturate = {'true' if saturate else 'false'}")
    if denormals is not None:
        entries.append(f"denormals = {denormals}")
    return f"#tessera_graph.numerics<{', '.join(entries)}>"


_POLICY_FIELDS = ("storage", "compute", "accumulate", "rounding", "saturate", "denormals")


@dataclasses.dataclass(frozen=True)
class Policy:
    """A numerics policy: storage, compute and accumulation types, rounding
    ("nearest", "stochastic", "toward_zero"), saturation and denormals
    ("preserve", "flush"); unset fields are None. Named ones come from
    `tessera.numerics.policy(name, ...)`. A policy is a context manager (ops
    traced inside carry it) and a `numerics=` argument of `@tessera.function`
    and `@tessera.jit`; nested policies resolve innermost-first, field by
    field."""

    storage: Optional[DType] = None
    compute: Optional[DType] = None
    accumulate: Optional[DType] = None
    rounding: Optional[str] = None
    saturate: Optional[bool] = None
    denormals: Optional[str] = None
    name: Optional[str] = dataclasses.field(default=None, compare=False)

    def __post_init__(self):
        for key in ("storage", "compute", "accumulate"):
            value = getattr(self, key)
            if value is not None and not isinstance(value, DType):
                raise TypeError(f"numerics: {key} must be a tessera dtype (tessera.f32, "
                                f"...), got {value!r}")
        if self.rounding not in (None, "nearest", "stochastic", "toward_zero"):
            raise ValueError(f"rounding must be nearest, stochastic or toward_zero, "
                             f"got {self.rounding!r}")
        if self.denormals not in (None, "preserve", "flush"):
            raise ValueError(f"denormals must be preserve or flush, got {self.denormals!r}")
        if self.saturate is not None and not isinstance(self.saturate, bool):
            raise TypeError(f"numerics: saturate must be True or False, got {self.saturate!r}")

    def fields(self) -> dict:
        return {key: getattr(self, key) for key in _POLICY_FIELDS}

    def text(self) -> str:
        """The policy as Graph IR's `#tessera_graph.numerics` attribute."""
        return _policy_text(**self.fields())

    def over(self, outer: "Policy") -> "Policy":
        """This policy's fields, and `outer`'s where this one leaves them unset."""
        merged = {key: value if value is not None else getattr(outer, key)
                  for key, value in self.fields().items()}
        return Policy(**merged, name=self.name)

    def __enter__(self) -> "Policy":
        _policies().append(self)
        return self

    def __exit__(self, *exc) -> None:
        _policies().pop()


def _current_policy() -> Optional[Policy]:
    """The policy of an op traced now: the nested ones, innermost-first."""
    policy = None
    for p in _policies():
        policy = p if policy is None else p.over(policy)
    return policy


class _Numerics:
    """`tessera.numerics`: `tessera.numerics(storage=..., compute=...)` or
    `tessera.numerics("training")` is a policy (a context manager);
    `tessera.numerics.policy(name, ...)` defines a named one once."""

    Policy = Policy

    def __init__(self):
        self._named: Dict[str, Policy] = {}
        self._lock = threading.Lock()

    def __call__(self, policy=None, **fields) -> Policy:
        return self.resolve(policy, **fields)

    def policy(self, name: str, **fields) -> Policy:
        """Defines the policy `name` (once: a second definition must say the
        same) and returns it."""
        if not isinstance(name, str) or not name:
            raise TypeError(f"numerics.policy: the name must be a non-empty string, "
                            f"got {name!r}")
        unknown = sorted(set(fields) - set(_POLICY_FIELDS))
        if unknown:
            raise TypeError(f"numerics.policy: unknown fields {unknown}; the fields are "
                            f"{', '.join(_POLICY_FIELDS)}")
        new = Policy(**fields, name=name)
        with self._lock:
            old = self._named.setdefault(name, new)
        if old != new:
            raise ValueError(f"numerics policy {name!r} is already defined as "
                             f"{old.text()}; it cannot become {new.text()}")
        return old

    def get(self, name: str) -> Policy:
        """The named policy `name`."""
        if name not in self._named:
            known = ", ".join(sorted(self._named)) or "none yet"
            raise ValueError(f"no numerics policy named {name!r} (defined: {known}); "
                             f"define it with tessera.numerics.policy({name!r}, ...)")
        return self._named[name]

    def resolve(self, policy=None, **fields) -> Policy:
        """A Policy from a Policy, a defined name, a dict of fields or
        keyword fields (which override the others')."""
        unknown = sorted(set(fields) - set(_POLICY_FIELDS))
        if unknown:
            raise TypeError(f"numerics: unknown fields {unknown}; the fields are "
                            f"{', '.join(_POLICY_FIELDS)}")
        if policy is None:
            return Policy(**fields)
        if isinstance(policy, str):
            policy = self.get(policy)
        elif isinstance(policy, dict):
            policy = self.resolve(None, **policy)
        elif not isinstance(policy, Policy):
            raise TypeError(f"numerics: expected a Policy, a policy name or a dict of "
                            f"fields, got {type(policy).__name__}")
        return dataclasses.replace(policy, **fields) if fields else policy


numerics = _Numerics()


def _user_location() -> ir.Location:
    """The location of the innermost caller outside the tessera package."""
    frame = inspect.currentframe()
    while frame is not None:
        filename = os.path.abspath(frame.f_code.co_filename)
        if not filename.startswith(_PACKAGE_DIR + os.sep):
            return ir.Location.file(filename, frame.f_lineno, 1)
        frame = frame.f_back
    return ir.Location.unknown()


def _finish(op_result: ir.Value) -> ir.Value:
    """Attaches the current numerics policy to the op of `op_result`."""
    policy = _current_policy()
    if policy is not None:
        op_result.owner.attributes["tessera_graph.numerics"] = ir.Attribute.parse(
            policy.text())
    return op_result


#===--- Symbolic shapes ---------------------------------------------------===#

def _fmt(shape: Sequence[Dim]) -> str:
    return "[" + ", ".join("?" if d is None else str(d) for d in shape) + "]"


def _broadcast(a: Sequence[Dim], b: Sequence[Dim], what: str) -> Tuple[Dim, ...]:
    rank = len(a) if len(a) > len(b) else len(b)
    out: List[Dim] = []
    for k in range(rank):
        i, j = len(a) - rank + k, len(b) - rank + k
        x = a[i] if i >= 0 else 1
        y = b[j] if j >= 0 else 1
        if x == y:
            out.append(x)
        elif x == 1:
            out.append(y)
        elif y == 1:
            out.append(x)
        elif x is None and isinstance(y, str) or y is None and isinstance(x, str):
            # An unknown size against a symbol: equal by assumption (the
            # compiled code checks it at run time); keep the symbol.
            out.append(x if x is not None else y)
        else:
            raise ShapeError(f"{what}: shape mismatch in dimension {k}: "
                             f"{'?' if x is None else x} vs {'?' if y is None else y} "
                             f"(shapes {_fmt(a)} and {_fmt(b)})")
    return tuple(out)


def _norm_dim(dim: int, rank: int, what: str) -> int:
    if not -rank <= dim < rank:
        raise ShapeError(f"{what}: dimension {dim} is out of range for a tensor "
                         f"of rank {rank}")
    return dim % rank


def _mlir_shape(shape: Sequence[Dim]) -> List[int]:
    dynamic = ir.ShapedType.get_dynamic_size()
    return [d if isinstance(d, int) else dynamic for d in shape]


#===--- Traced tensors ----------------------------------------------------===#

class TracedTensor:
    """A tensor value while tracing: an MLIR value with a symbolic shape."""

    def __init__(self, value: ir.Value, shape: Tuple[Dim, ...], dtype: DType):
        self.value, self.shape, self.dtype = value, tuple(shape), dtype

    @property
    def ndim(self) -> int:
        return len(self.shape)

    def __repr__(self) -> str:
        return f"TracedTensor({_fmt(self.shape)}, {self.dtype!r})"

    # Arithmetic: NumPy broadcasting, scalars become constants.
    def __add__(self, other): return _binary("add", self, other)
    def __radd__(self, other): return _binary("add", other, self)
    def __sub__(self, other): return _binary("sub", self, other)
    def __rsub__(self, other): return _binary("sub", other, self)
    def __mul__(self, other): return _binary("mul", self, other)
    def __rmul__(self, other): return _binary("mul", other, self)
    def __truediv__(self, other): return _binary("div", self, other)
    def __rtruediv__(self, other): return _binary("div", other, self)
    def __pow__(self, other): return _binary("pow", self, other)
    def __neg__(self): return neg(self)
    def __matmul__(self, other): return matmul(self, other)
    # Comparisons: bool tensors (where's condition). == and != stay Python's
    # (identity; tensors are hashed): tessera.equal / tessera.not_equal.
    def __lt__(self, other): return _compare("lt", self, other)
    def __le__(self, other): return _compare("le", self, other)
    def __gt__(self, other): return _compare("gt", self, other)
    def __ge__(self, other): return _compare("ge", self, other)

    def sum(self, dim=None, keepdim=False): return sum(self, dim, keepdim)
    def mean(self, dim=None, keepdim=False): return mean(self, dim, keepdim)
    def var(self, dim=None, correction=1, keepdim=False):
        return var(self, dim, correction, keepdim)
    def std(self, dim=None, correction=1, keepdim=False):
        return std(self, dim, correction, keepdim)
    def max(self, dim=None, keepdim=False): return max(self, dim, keepdim)
    def min(self, dim=None, keepdim=False): return min(self, dim, keepdim)
    def astype(self, dtype, **kw): return cast(self, dtype, **kw)
    def transpose(self, *perm): return transpose(self, perm)
    def reshape(self, *shape): return reshape(self, shape)
    def __getitem__(self, key): return _getitem(self, key)
    def cumsum(self, dim): return cumsum(self, dim)
    def argmax(self, dim, keepdim=False): return argmax(self, dim, keepdim)
    def argmin(self, dim, keepdim=False): return argmin(self, dim, keepdim)

    @property
    def T(self):
        perm = list(range(self.ndim))
        perm[-2:] = perm[-1], perm[-2]
        return transpose(self, perm)


def constant(value, dtype: Optional[DType] = None) -> TracedTensor:
    """A constant tensor of `value` (a NumPy array, or anything np.asarray
    takes) in the program: `dtype` (default: the array's, which must be one
    of Tessera's), its shape static. On GPUs, kernels embed splats and small
    ones (up to 64 elements in elementwise kernels); the others are buffers
    the launch plan carries."""
    array = np.asarray(value)
    if dtype is None:
        matches = [d for d in DTYPES.values() if d.numpy == array.dtype]
        if not matches:
            raise TypeError(f"constant: no Tessera dtype for {array.dtype} "
                            f"(pass dtype=, e.g. tessera.f32)")
        dtype = matches[0]
    element = ir.Type.parse(dtype.mlir)
    tensor_type = ir.RankedTensorType.get(list(array.shape), element)
    data = np.ascontiguousarray(array.astype(dtype.numpy))
    if dtype.mlir == "i1" and data.ndim:  # (MLIR takes i1 data bit-packed)
        data = np.packbits(data.reshape(-1), bitorder="little")
    attr = ir.DenseElementsAttr.get(data, type=tensor_type) if data.ndim else \
        ir.DenseElementsAttr.get_splat(tensor_type, _scalar_attr(element, data[()], dtype))
    return TracedTensor(tg.constant(attr, loc=_user_location()), tuple(array.shape), dtype)


def _scalar_attr(element, value, dtype: DType):
    return ir.FloatAttr.get(element, float(value)) if dtype.is_float \
        else ir.IntegerAttr.get(element, int(value))


def _as_traced(x, like: TracedTensor) -> TracedTensor:
    if isinstance(x, TracedTensor):
        return x
    if isinstance(x, np.ndarray):  # a constant of the other operand's dtype
        return constant(x, like.dtype)
    if isinstance(x, (int, float)):
        element = ir.Type.parse(like.dtype.mlir)
        tensor_type = ir.RankedTensorType.get([], element)
        value = float(x) if like.dtype.is_float else int(x)
        attr = ir.DenseElementsAttr.get_splat(
            tensor_type, ir.FloatAttr.get(element, value) if like.dtype.is_float
            else ir.IntegerAttr.get(element, value))
        return TracedTensor(tg.constant(attr, loc=_user_location()), (), like.dtype)
    raise TypeError(f"cannot use {type(x).__name__} as a tensor operand")


def _binary(kind: str, a, b) -> TracedTensor:
    a = _as_traced(a, b) if not isinstance(a, TracedTensor) else a
    b = _as_traced(b, a)
    policy = _current_policy()
    if a.dtype != b.dtype and policy is None:
        raise TypeError(f"{kind}: dtype mismatch: {a.dtype.name} vs {b.dtype.name} "
                        "(cast one, or trace under tessera.numerics(compute=...))")
    shape = _broadcast(a.shape, b.shape, kind)
    if policy is not None:
        # The policy must be on the op when it is built: inference accepts
        # mixed element types only under a compute type.
        op = ir.Operation.create(
            f"tessera_graph.{kind}", operands=[a.value, b.value],
            attributes={"tessera_graph.numerics": ir.Attribute.parse(policy.text())},
            loc=_user_location(), infer_type=True)
        result = op.result
    else:
        result = getattr(tg, kind)(a.value, b.value, loc=_user_location())
    dtype = DTYPES[str(ir.RankedTensorType(result.type).element_type)]
    return TracedTensor(result, shape, dtype)


def _compare(predicate: str, a, b) -> TracedTensor:
    """`a predicate b` elementwise: a bool tensor (NumPy broadcasting; a
    Python scalar becomes a constant of the other operand's dtype)."""
    a = _as_traced(a, b) if not isinstance(a, TracedTensor) else a
    b = _as_traced(b, a)
    if a.dtype != b.dtype:
        raise TypeError(f"compare {predicate}: dtype mismatch: {a.dtype.name} vs "
                        f"{b.dtype.name} (cast one)")
    shape = _broadcast(a.shape, b.shape, f"compare {predicate}")
    result = _finish(tg.compare(getattr(tg.ComparePredicate, predicate), a.value, b.value,
                                loc=_user_location()))
    return TracedTensor(result, shape, DTYPES["i1"])


def equal(a, b) -> TracedTensor:
    """`a == b` elementwise, a bool tensor (the `==` operator stays Python's)."""
    return _compare("eq", a, b)


def not_equal(a, b) -> TracedTensor:
    """`a != b` elementwise, a bool tensor (NaN != anything)."""
    return _compare("ne", a, b)


def _unary(kind: str, x: TracedTensor, **attrs) -> TracedTensor:
    result = _finish(getattr(tg, kind)(x.value, loc=_user_location(), **attrs))
    return TracedTensor(result, x.shape, x.dtype)


def neg(x): return _unary("neg", x)
def abs(x): return _unary("abs", x)  # noqa: A001
def exp(x): return _unary("exp", x)
def log(x): return _unary("log", x)
def sqrt(x): return _unary("sqrt", x)
def rsqrt(x): return _unary("rsqrt", x)
def tanh(x): return _unary("tanh", x)
def sigmoid(x): return _unary("sigmoid", x)
def relu(x): return _unary("relu", x)
def silu(x): return _unary("silu", x)
def maximum(a, b): return _binary("max", a, b)
def minimum(a, b): return _binary("min", a, b)


def gelu(x: TracedTensor, approximate: str = "erf") -> TracedTensor:
    if approximate not in ("erf", "tanh"):
        raise ValueError(f"gelu approximate must be 'erf' or 'tanh', got {approximate!r}")
    return _unary("gelu", x, approximate=getattr(tg.GeluApproximation, approximate))


def where(condition: TracedTensor, a, b) -> TracedTensor:
    """`a` where `condition` holds, else `b` (NumPy broadcasting); one of `a`
    and `b` may be a Python scalar, of the other's dtype."""
    if not isinstance(a, TracedTensor) and not isinstance(b, TracedTensor):
        raise TypeError("where: at least one of a and b must be a tensor (the other "
                        "may be a Python scalar)")
    a = _as_traced(a, b) if not isinstance(a, TracedTensor) else a
    b = _as_traced(b, a)
    if a.dtype != b.dtype:
        raise TypeError(f"where: dtype mismatch: {a.dtype.name} vs {b.dtype.name}")
    shape = _broadcast(condition.shape, _broadcast(a.shape, b.shape, "where"), "where")
    result = _finish(tg.select(condition.value, a.value, b.value, loc=_user_location()))
    return TracedTensor(result, shape, a.dtype)


def cast(x: TracedTensor, dtype: DType, rounding: str = "nearest",
         saturate: bool = False) -> TracedTensor:
    result_type = ir.RankedTensorType.get(_mlir_shape(x.shape), ir.Type.parse(dtype.mlir))
    result = _finish(tg.cast(result_type, x.value,
                             rounding=getattr(tg.RoundingMode, rounding),
                             saturate=saturate or None, loc=_user_location()))
    return TracedTensor(result, x.shape, dtype)


def matmul(a: TracedTensor, b: TracedTensor, transpose_a: bool = False,
           transpose_b: bool = False, acc: Optional[DType] = None,
           out_dtype: Optional[DType] = None, scale_a=None,
           scale_b=None) -> TracedTensor:
    """`a @ b` over the last two dims (leading dims broadcast), after
    transposing `a` or `b` (`transpose_a`, `transpose_b`).

    `acc` is the accumulation type (default: the numerics policy's, else f32
    for narrow floats); `out_dtype` the result's (default: the operands').
    `scale_a` and `scale_b` (f32) scale the product before its one rounding
    to `out_dtype`, as torch._scaled_mm does for FP8: per tensor (shape ()
    or (1,)), per row of `a` ((M, 1)) and per column of the result ((1, N)
    or (N,)). On Hopper, f8 operands run on wgmma where `b` is [N, K] in
    memory (`transpose_b=True`, i.e. `a @ w.T`)."""
    if a.ndim < 2 or b.ndim < 2:
        raise ShapeError(f"matmul: operands need rank 2 or more, got shapes "
                         f"{_fmt(a.shape)} and {_fmt(b.shape)}")
    m, k1 = (a.shape[-1], a.shape[-2]) if transpose_a else (a.shape[-2], a.shape[-1])
    k2, n = (b.shape[-1], b.shape[-2]) if transpose_b else (b.shape[-2], b.shape[-1])
    if k1 != k2 and None not in (k1, k2) and not (isinstance(k1, int) and
                                                  isinstance(k2, int) and k1 == k2):
        raise ShapeError(f"matmul: contraction dimension mismatch: {k1} vs {k2} "
                         f"(shapes {_fmt(a.shape)} and {_fmt(b.shape)})")
    if a.dtype != b.dtype:
        raise TypeError(f"matmul: dtype mismatch: {a.dtype.name} vs {b.dtype.name}")
    out = out_dtype or a.dtype
    if out.is_float != a.dtype.is_float:
        raise TypeError(f"matmul: out_dtype {out.name} for {a.dtype.name} operands: "
                        "float operands give a float result, integer ones an integer")
    scaled = scale_a is not None or scale_b is not None
    if scaled and not a.dtype.is_float:
        raise TypeError(f"matmul: scale_a and scale_b scale float products, not "
                        f"{a.dtype.name} ones")
    batch = _broadcast(a.shape[:-2], b.shape[:-2], "matmul batch")
    # Scaled, the product stays f32 until the scales are applied.
    product_type = DTYPES["f32"] if scaled else out
    result = _finish(tg.matmul(
        a.value, b.value, transpose_lhs=transpose_a or None,
        transpose_rhs=transpose_b or None,
        acc=ir.TypeAttr.get(ir.Type.parse(acc.mlir)) if acc else None,
        out=(ir.TypeAttr.get(ir.Type.parse(product_type.mlir))
             if product_type != a.dtype else None),
        loc=_user_location()))
    y = TracedTensor(result, batch + (m, n), product_type)
    if not scaled:
        return y
    for name, scale, allowed in (("scale_a", scale_a, ((), (1,), (1, 1), (m, 1))),
                                 ("scale_b", scale_b, ((), (1,), (1, 1), (1, n), (n,)))):
        if scale is None:
            continue
        if isinstance(scale, (int, float)):
            y = y * float(scale)
            continue
        if not isinstance(scale, TracedTensor):
            raise TypeError(f"matmul: {name} must be a tensor or a Python number, "
                            f"got {type(scale).__name__}")
        if scale.dtype != DTYPES["f32"]:
            raise TypeError(f"matmul: {name} must be f32, got {scale.dtype.name}")
        if tuple(scale.shape) not in allowed:
            raise ShapeError(f"matmul: {name} has shape {_fmt(scale.shape)}; it takes "
                             + ", ".join(_fmt(s) for s in allowed))
        y = y * scale
    return y if out == product_type else cast(y, out)


def _reduce(kind: str, x: TracedTensor, dim, keepdim: bool) -> TracedTensor:
    dims = _reduced_dims(x, dim, kind)
    result = _finish(tg.reduce(getattr(tg.ReduceKind, kind), x.value, dims,
                               keepdim=keepdim or None, loc=_user_location()))
    shape = tuple(1 if i in dims else s for i, s in enumerate(x.shape)
                  if keepdim or i not in dims)
    return TracedTensor(result, shape, x.dtype)


def sum(x, dim=None, keepdim=False): return _reduce("sum", x, dim, keepdim)  # noqa: A001
def mean(x, dim=None, keepdim=False): return _reduce("mean", x, dim, keepdim)
def max(x, dim=None, keepdim=False): return _reduce("max", x, dim, keepdim)  # noqa: A001
def min(x, dim=None, keepdim=False): return _reduce("min", x, dim, keepdim)  # noqa: A001


def _reduced_dims(x: TracedTensor, dim, what: str) -> List[int]:
    dims = list(range(x.ndim)) if dim is None else (
        [dim] if isinstance(dim, int) else list(dim))
    return sorted({_norm_dim(d, x.ndim, what) for d in dims})


def var(x: TracedTensor, dim=None, correction=1, keepdim: bool = False) -> TracedTensor:
    """The variance along `dim` (an int, a sequence, or every dim when None),
    as `torch.var`: the squared deviations from the mean summed and divided
    by n - correction (1: the sample variance, 0: the population's)."""
    if isinstance(correction, bool) or not isinstance(correction, (int, float)) \
            or correction < 0:
        raise ValueError(f"var: correction must be a number >= 0, got {correction!r}")
    if not x.dtype.is_float:
        raise TypeError(f"var: needs a floating-point tensor, got {x.dtype.name} "
                        "(cast it first)")
    dims = _reduced_dims(x, dim, "var")
    deviation = x - mean(x, dims, keepdim=True)
    squares = deviation * deviation
    if correction == 0:
        return mean(squares, dims, keepdim)
    sizes = [x.shape[d] for d in dims]
    if all(isinstance(s, int) for s in sizes):
        count = 1
        for s in sizes:
            count *= s
        # As torch: n - correction at least 0 (a variance of inf or nan).
        return sum(squares, dims, keepdim) / float(_builtins.max(count - correction, 0))
    # Symbolic sizes: the count is summed too (ones where the squares are;
    # nan where a square is inf or nan, whose variance is inf or nan anyway).
    count = sum(squares * 0.0 + 1.0, dims, keepdim)
    return sum(squares, dims, keepdim) / maximum(count - float(correction), 0.0)


def std(x: TracedTensor, dim=None, correction=1, keepdim: bool = False) -> TracedTensor:
    """The standard deviation, `sqrt(var(...))`, as `torch.std`."""
    return sqrt(var(x, dim, correction, keepdim))


def linear(x: TracedTensor, weight: TracedTensor,
           bias: Optional[TracedTensor] = None) -> TracedTensor:
    """`x @ weight.T + bias`, as `torch.nn.functional.linear`: `weight` is
    [out_features, in_features], `bias` (optional) [out_features]."""
    y = matmul(x, weight, transpose_b=True)
    return y if bias is None else y + bias


def softmax(x: TracedTensor, dim: int = -1) -> TracedTensor:
    return _unary("softmax", x, dim=_norm_dim(dim, x.ndim, "softmax"))


def log_softmax(x: TracedTensor, dim: int = -1) -> TracedTensor:
    return _unary("log_softmax", x, dim=_norm_dim(dim, x.ndim, "log_softmax"))


def _check_vector(what: str, x: TracedTensor, v: Optional[TracedTensor]):
    if v is not None and (v.ndim != 1 or (v.shape[0] != x.shape[-1] and
                                           None not in (v.shape[0], x.shape[-1]))):
        raise ShapeError(f"{what}: shape mismatch in dimension 0: {_fmt(v.shape)} "
                         f"vs the normalized dimension {x.shape[-1]} of {_fmt(x.shape)}")


def layer_norm(x: TracedTensor, weight: Optional[TracedTensor] = None,
               bias: Optional[TracedTensor] = None, eps: float = 1e-5) -> TracedTensor:
    _check_vector("layer_norm weight", x, weight)
    _check_vector("layer_norm bias", x, bias)
    result = _finish(tg.layer_norm(x.value, weight=weight.value if weight else None,
                                   bias=bias.value if bias else None,
                                   epsilon=ir.FloatAttr.get_f64(eps), loc=_user_location()))
    return TracedTensor(result, x.shape, x.dtype)


def rms_norm(x: TracedTensor, weight: Optional[TracedTensor] = None,
             eps: float = 1e-5) -> TracedTensor:
    _check_vector("rms_norm weight", x, weight)
    result = _finish(tg.rms_norm(x.value, weight=weight.value if weight else None,
                                 epsilon=ir.FloatAttr.get_f64(eps), loc=_user_location()))
    return TracedTensor(result, x.shape, x.dtype)


def attention(q: TracedTensor, k: TracedTensor, v: TracedTensor, causal: bool = False,
              scale: Optional[float] = None, mask: Optional[TracedTensor] = None) -> TracedTensor:
    if not q.ndim == k.ndim == v.ndim or q.ndim < 2:
        raise ShapeError(f"attention: q, k and v need the same rank >= 2, got shapes "
                         f"{_fmt(q.shape)}, {_fmt(k.shape)} and {_fmt(v.shape)}")
    for what, x, y in (("head dimension of q and k", q.shape[-1], k.shape[-1]),
                       ("sequence dimension of k and v", k.shape[-2], v.shape[-2])):
        if x != y and None not in (x, y):
            raise ShapeError(f"attention: {what} mismatch: {x} vs {y} (shapes "
                             f"{_fmt(q.shape)}, {_fmt(k.shape)} and {_fmt(v.shape)})")
    result = _finish(tg.attention(
        q.value, k.value, v.value, mask=mask.value if mask else None,
        scale=ir.FloatAttr.get_f64(scale) if scale is not None else None,
        causal=causal or None, loc=_user_location()))
    return TracedTensor(result, q.shape[:-1] + (v.shape[-1],), q.dtype)


def transpose(x: TracedTensor, perm: Sequence[int]) -> TracedTensor:
    perm = [_norm_dim(p, x.ndim, "transpose") for p in perm]
    if sorted(perm) != list(range(x.ndim)):
        raise ShapeError(f"transpose: {perm} is not a permutation of the dimensions "
                         f"of {_fmt(x.shape)}")
    result = _finish(tg.transpose(x.value, perm, loc=_user_location()))
    return TracedTensor(result, tuple(x.shape[p] for p in perm), x.dtype)


def reshape(x: TracedTensor, shape: Sequence[Dim]) -> TracedTensor:
    shape = tuple(None if d in (-1, "?") else d for d in shape)
    if len([d for d in shape if not isinstance(d, int)]) > 1:
        raise ShapeError(f"reshape: at most one dimension of the target "
                         f"{_fmt(shape)} may be unknown (-1, '?' or a symbol)")
    result_type = ir.RankedTensorType.get(_mlir_shape(shape), ir.Type.parse(x.dtype.mlir))
    result = _finish(tg.reshape(result_type, x.value, loc=_user_location()))
    return TracedTensor(result, shape, x.dtype)


def _getitem(x: TracedTensor, key) -> TracedTensor:
    """`x[...]` with ints, slices (positive steps) and one `...`: a
    `tessera_graph.slice`, then the dims indexed by an int dropped. On a dim
    whose size is a symbol only `a:` (to the end, any step) and ints from
    the start can be checked while tracing; a window with an end there is
    refused (it could run past the size the call brings)."""
    import operator

    key = key if isinstance(key, tuple) else (key,)
    if any(k is None for k in key):
        raise TypeError("x[..., None] (a new dim) is not supported; use x.reshape(...)")
    if builtins_sum(k is Ellipsis for k in key) > 1:
        raise IndexError("an index can have only one '...'")
    given = [k for k in key if k is not Ellipsis]
    if len(given) > x.ndim:
        raise IndexError(f"too many indices for a tensor of rank {x.ndim}: {len(given)}")
    fill = (slice(None),) * (x.ndim - len(given))
    if Ellipsis in key:
        at = key.index(Ellipsis)
        key = key[:at] + fill + key[at + 1:]
    else:
        key = tuple(key) + fill
    offsets, sizes, strides, shape, drop = [], [], [], [], []
    for d, (k, dim) in enumerate(zip(key, x.shape)):
        if not isinstance(k, slice):
            if isinstance(k, bool) or not hasattr(k, "__index__"):
                raise TypeError(f"index {k!r} for dimension {d}: tensors are indexed by "
                                f"ints and slices here (indexing by a tensor is not "
                                f"supported yet)")
            i = operator.index(k)
            if isinstance(dim, int):
                if not -dim <= i < dim:
                    raise IndexError(f"index {i} is out of range for dimension {d} of "
                                     f"size {dim}")
                i %= dim
            elif i < 0:
                raise IndexError(f"index {i} counts from the end of dimension {d}, whose "
                                 f"size ({_fmt((dim,))[1:-1]}) is not known while tracing")
            offsets.append(i)
            sizes.append(1)
            strides.append(1)
            shape.append(1)
            drop.append(d)
            continue
        step = 1 if k.step is None else operator.index(k.step)
        if step <= 0:
            raise IndexError(f"dimension {d}: a step of {step}; steps are positive "
                             f"(reversing is not supported yet)")
        if isinstance(dim, int):
            lo, hi, _ = k.indices(dim)
            count = builtins_max(0, -(-(hi - lo) // step))
            offsets.append(builtins_min(lo, dim))
            sizes.append(count)
            shape.append(count)
        else:
            start = 0 if k.start is None else operator.index(k.start)
            if start < 0 or k.stop is not None:
                raise IndexError(
                    f"dimension {d}: {start if k.start is not None else ''}:"
                    f"{'' if k.stop is None else k.stop} on a dim whose size "
                    f"({_fmt((dim,))[1:-1]}) is not known while tracing: only a:"
                    f" (from a non-negative start to the end) can be checked; give "
                    f"the dim a literal size to slice it otherwise")
            offsets.append(start)
            sizes.append(-1)
            shape.append(dim if start == 0 and step == 1 else None)
        strides.append(step)
    if all(o == 0 for o in offsets) and all(st == 1 for st in strides) and \
            tuple(shape) == tuple(x.shape):
        return x  # the whole tensor
    result = _finish(tg.slice(x.value, offsets, sizes, strides, loc=_user_location()))
    out = TracedTensor(result, tuple(shape), x.dtype)
    if not drop:
        return out
    rest = tuple(s for d, s in enumerate(shape) if d not in drop)
    if len([s for s in rest if not isinstance(s, int)]) <= 1:
        return reshape(out, rest) if rest else reshape(out, ())
    # (Several unknown dims remain, which reshape cannot take: the size-1
    # dims summed away, exactly.)
    return _reduce("sum", out, drop, False)


def dropout(x: TracedTensor, p: float, seed: int) -> TracedTensor:
    """Zeroes each element with probability `p` and scales the others by
    `1 / (1 - p)`, with the mask a hash of the element's position and
    `seed` (an explicit int in [0, 2^32)): the same seed gives the same
    mask on every target and run (the scheme: tessera_graph.dropout's
    documentation)."""
    if not isinstance(p, (int, float)) or isinstance(p, bool) or not 0.0 <= p < 1.0:
        raise ValueError(f"dropout: p is a probability in [0, 1), got {p!r}")
    if not isinstance(seed, int) or isinstance(seed, bool) or not 0 <= seed < 2 ** 32:
        raise ValueError(f"dropout: seed is an int in [0, 2**32), got {seed!r} (an "
                         f"explicit seed: the mask is a function of it)")
    if not x.dtype.is_float:
        raise TypeError(f"dropout: takes a float tensor, got {x.dtype.mlir}")
    result = _finish(tg.dropout(x.value, float(p), seed, loc=_user_location()))
    return TracedTensor(result, x.shape, x.dtype)


def cumsum(x: TracedTensor, dim: int) -> TracedTensor:
    """Running sums along `dim`, as `numpy.cumsum(x, axis=dim)` (the same
    dtype; f16/bf16 add in f32 and round once per element)."""
    if x.ndim == 0:
        raise ShapeError("cumsum: needs a tensor of rank 1 or more")
    if not isinstance(dim, int) or isinstance(dim, bool):
        raise TypeError(f"cumsum: dim is one int (the flattened form of NumPy's "
                        f"axis=None is not supported), got {dim!r}")
    dim = _norm_dim(dim, x.ndim, "cumsum")
    return TracedTensor(_finish(tg.cumsum(x.value, dim, loc=_user_location())),
                        x.shape, x.dtype)


def _arg_reduce(kind: str, x: TracedTensor, dim: int, keepdim: bool) -> TracedTensor:
    if x.ndim == 0:
        raise ShapeError(f"{kind}: needs a tensor of rank 1 or more")
    if not isinstance(dim, int) or isinstance(dim, bool):
        raise TypeError(f"{kind}: dim is one int (the flattened form of NumPy's "
                        f"axis=None is not supported), got {dim!r}")
    dim = _norm_dim(dim, x.ndim, kind)
    result = _finish(getattr(tg, kind)(x.value, dim, keepdim=keepdim or None,
                                       loc=_user_location()))
    shape = tuple(1 if i == dim else s for i, s in enumerate(x.shape)
                  if keepdim or i != dim)
    return TracedTensor(result, shape, DTYPES["i32"])


def argmax(x: TracedTensor, dim: int, keepdim: bool = False) -> TracedTensor:
    """The i32 index of the maximum along `dim` (the first of equal ones,
    the first NaN where there is one), as `numpy.argmax(x, axis=dim)`."""
    return _arg_reduce("argmax", x, dim, keepdim)


def argmin(x: TracedTensor, dim: int, keepdim: bool = False) -> TracedTensor:
    """The i32 index of the minimum along `dim`, as `numpy.argmin`."""
    return _arg_reduce("argmin", x, dim, keepdim)


def take(x: TracedTensor, indices: TracedTensor, dim: int = 0) -> TracedTensor:
    """`numpy.take(x, indices, axis=dim)`: the slices of `x` along `dim` at
    `indices` (an i32 tensor of any shape, which replaces that dim in the
    result's shape). A negative index counts from the end once; one still
    out of range is clamped into it (never a read out of bounds)."""
    if not isinstance(indices, TracedTensor) or indices.dtype.mlir != "i32":
        got = indices.dtype.mlir if isinstance(indices, TracedTensor) else type(indices).__name__
        raise TypeError(f"take: indices are an i32 tensor (Tensor[..., tessera.i32]), "
                        f"got {got}")
    if x.ndim == 0:
        raise ShapeError("take: takes from a tensor of rank 1 or more")
    dim = _norm_dim(dim, x.ndim, "take")
    result = _finish(tg.take(x.value, indices.value, dim, loc=_user_location()))
    shape = x.shape[:dim] + indices.shape + x.shape[dim + 1:]
    return TracedTensor(result, shape, x.dtype)


def embedding(ids: TracedTensor, table: TracedTensor) -> TracedTensor:
    """`torch.nn.functional.embedding(ids, table)`: the rows of the 2-d
    `table` at the i32 `ids` (any shape), `take(table, ids, 0)`."""
    if not isinstance(table, TracedTensor) or table.ndim != 2:
        raise ShapeError(f"embedding: the table is a 2-d tensor [rows, dim], got "
                         f"{_fmt(table.shape) if isinstance(table, TracedTensor) else table!r}")
    return take(table, ids, 0)


def broadcast_to(x: TracedTensor, shape: Sequence[Dim]) -> TracedTensor:
    shape = tuple(shape)
    if _broadcast(x.shape, shape, "broadcast_to") != shape:
        raise ShapeError(f"broadcast_to: {_fmt(x.shape)} does not broadcast to {_fmt(shape)}")
    result_type = ir.RankedTensorType.get(_mlir_shape(shape), ir.Type.parse(x.dtype.mlir))
    result = _finish(tg.broadcast_to(result_type, x.value, loc=_user_location()))
    return TracedTensor(result, shape, x.dtype)


def concat(xs: Sequence[TracedTensor], dim: int = 0) -> TracedTensor:
    first = xs[0]
    dim = _norm_dim(dim, first.ndim, "concat")
    for x in xs[1:]:
        for i, (p, q) in enumerate(zip(first.shape, x.shape)):
            if i != dim and p != q and None not in (p, q):
                raise ShapeError(f"concat: shape mismatch in dimension {i}: {p} vs {q} "
                                 f"(shapes {_fmt(first.shape)} and {_fmt(x.shape)})")
    result = _finish(tg.concat([x.value for x in xs], dim, loc=_user_location()))
    sizes = [x.shape[dim] for x in xs]
    total = builtins_sum(sizes) if all(isinstance(s, int) for s in sizes) else None
    shape = first.shape[:dim] + (total,) + first.shape[dim + 1:]
    return TracedTensor(result, shape, first.dtype)


import builtins as _builtins  # noqa: E402  (`sum` above shadows the builtin)

builtins_sum = _builtins.sum
builtins_max = _builtins.max
builtins_min = _builtins.min


#===--- Functions ---------------------------------------------------------===#

class Function:
    """A Python function over `Tensor[...]` arguments, traced to Graph IR."""

    def __init__(self, fn, numerics_policy=None):
        functools.update_wrapper(self, fn)
        self._fn = fn
        self._policy = None if numerics_policy is None else numerics.resolve(numerics_policy)
        self._python_signature = inspect.signature(fn)
        specs: List[Tuple[str, TensorSpec]] = []
        #: Static arguments (`Static[bool]`, ...): fixed at trace time.
        self.statics: Dict[str, StaticSpec] = {}
        # Annotations without an element type take the policy's storage
        # type: the function's numerics=, else the one active where it is
        # decorated.
        policy = self._policy or _current_policy()
        storage = policy.storage if policy is not None else None
        #: Runtime scalars (`eps: float`, `scale: tessera.f32`): rank-0
        #: tensor arguments; calls pass Python numbers.
        self.scalars: Dict[str, DType] = {}
        for name, param in self._python_signature.parameters.items():
            annotation = param.annotation
            if annotation in (float, int) or isinstance(annotation, DType):
                dtype = annotation if isinstance(annotation, DType) else \
                    DTYPES["f32" if annotation is float else "i32"]
                self.scalars[name] = dtype
                specs.append((name, TensorSpec((), dtype)))
                continue
            if annotation is bool:
                raise TypeError(f"argument '{name}' of {fn.__qualname__}: a bool is a "
                                f"compile-time flag: annotate it tessera.Static[bool]")
            if isinstance(param.annotation, StaticSpec):
                self.statics[name] = param.annotation
            elif isinstance(param.annotation, TensorSpec):
                spec = param.annotation
                if spec.dtype is None:
                    if storage is None:
                        raise TypeError(
                            f"argument '{name}' of {fn.__qualname__}: {spec!r} has no "
                            f"element type, and no numerics policy gives one: end the "
                            f"annotation with one (Tensor[..., tessera.f32]), or give "
                            f"the function numerics=dict(storage=...)")
                    spec = spec.with_dtype(storage)
                specs.append((name, spec))
            else:
                raise TypeError(f"argument '{name}' of {fn.__qualname__} needs a "
                                "tessera.Tensor[...] or tessera.Static[...] annotation")
        #: The static arguments' values this function is specialized for.
        self._static_values: Dict[str, object] = {}
        self._set_specs(specs)
        self._specializations: Dict[tuple, "Function"] = {}

    def _set_specs(self, specs: List[Tuple[str, TensorSpec]]) -> None:
        self.specs = specs
        #: True if an annotation starts with "...": the function is traced
        #: once per number of leading dims (`specialize`).
        self.variadic = any(spec.variadic for _, spec in specs)
        #: Checks calls against the annotations before anything compiles
        #: (None while "..." leaves the ranks open).
        self.signature = None if self.variadic else Signature(
            self._fn.__qualname__, [spec.plan_entry(name) for name, spec in specs])
        self._compiled = None
        self._text: Optional[str] = None

    @property
    def _open_statics(self) -> List[str]:
        return [name for name in self.statics if name not in self._static_values]

    @property
    def generic(self) -> bool:
        """True while "..." dims or static arguments are open: the function
        traces only once `specialize`d (calls do that by themselves)."""
        return self.variadic or bool(self._open_statics)

    def specialize(self, leading: Optional[int] = None, **statics) -> "Function":
        """This function with its "..." standing for `leading` dims (symbols
        `_lead0`, `_lead1`, ...) and its static arguments fixed to `statics`:
        a function of tensors of fixed ranks, which traces and compiles
        (`tessera.compile(f.specialize(2, causal=True), ...)`). Calls do this
        by themselves."""
        qualname = self._fn.__qualname__
        if self.variadic:
            if isinstance(leading, bool) or not isinstance(leading, int) or leading < 0:
                raise ValueError(f"{qualname}.specialize: the number of leading dims "
                                 f"must be an int >= 0, got {leading!r}")
        elif leading is not None:
            raise TypeError(f"{qualname}.specialize: {qualname} has no '...' dims, so "
                            f"there is no number of leading dims to give")
        for name in statics:
            if name not in self.statics:
                raise TypeError(f"{qualname}.specialize: {name!r} is not a static "
                                f"argument (those are: {', '.join(self.statics) or 'none'})")
            if name in self._static_values:
                raise TypeError(f"{qualname}.specialize: static argument {name!r} is "
                                f"fixed already ({self._static_values[name]!r})")
        missing = [name for name in self._open_statics if name not in statics]
        if missing:
            raise TypeError(f"{qualname}.specialize: give the static arguments "
                            f"{', '.join(missing)}")
        values = {name: self.statics[name].check(name, v) for name, v in statics.items()}
        if not self.variadic and not values:
            return self
        key = (leading, tuple(sorted(values.items())))
        special = self._specializations.get(key)
        if special is None:
            special = copy.copy(self)
            special._static_values = {**self._static_values, **values}
            special._set_specs([(name, spec.specialize(leading or 0))
                                for name, spec in self.specs])
            special._specializations = {}
            special._reset()
            self._specializations[key] = special
        return special

    def _split(self, args, kwargs):
        """The call's tensors (in annotation order) and its open static
        arguments' values."""
        if not self.statics and not kwargs:
            return list(args), {}  # the argument checker names count errors
        qualname = self._fn.__qualname__
        try:
            bound = self._python_signature.bind_partial(*args, **kwargs)
        except TypeError as error:
            raise TypeError(f"{qualname}: {error}") from None
        missing = [name for name in self._python_signature.parameters
                   if name not in bound.arguments and name not in self._static_values]
        if missing:
            raise TypeError(f"{qualname}: missing arguments {', '.join(missing)}")
        tensors, statics = [], {}
        for name, value in bound.arguments.items():
            if name in self.statics:
                if name in self._static_values:
                    raise TypeError(f"{self._fn.__qualname__}: static argument "
                                    f"{name!r} is fixed already "
                                    f"({self._static_values[name]!r})")
                statics[name] = value
            else:
                tensors.append(value)
        return tensors, statics

    def _specialized_for(self, args, kwargs):
        """The specialization a call needs, and its tensors (runtime scalars
        given as Python numbers made 0-d arrays of their dtype)."""
        tensors, statics = self._split(args, kwargs)
        if self.scalars:
            tensors = [self._scalar(name, value) if name in self.scalars else value
                       for (name, _), value in zip(self.specs, tensors)] + \
                tensors[len(self.specs):]
        leading = self._leading(tensors) if self.variadic else None
        return self.specialize(leading, **statics), tensors

    def _reset(self) -> None:
        """Forgets what was compiled (a specialization starts afresh)."""

    def _scalar(self, name: str, value):
        """A runtime scalar's value as the 0-d array its kernels take."""
        if isinstance(value, (bool, np.bool_)) or not isinstance(
                value, (int, float, np.integer, np.floating)):
            if getattr(value, "shape", None) == ():
                return value  # a 0-d array (numpy, cupy, torch) as it is
            raise TypeError(f"{self._fn.__qualname__}: argument '{name}' is a runtime "
                            f"scalar ({self.scalars[name].mlir}); got "
                            f"{type(value).__name__}")
        return np.array(value, dtype=self.scalars[name].numpy)

    def _leading(self, arrays) -> int:
        """How many dims the "..." stands for in this call: the same in
        every argument annotated with it."""
        if len(arrays) != len(self.specs):
            raise TypeError(f"{self._fn.__qualname__} takes {len(self.specs)} "
                            f"arguments, got {len(arrays)}")
        leading, first = None, None
        for (name, spec), array in zip(self.specs, arrays):
            if not spec.variadic:
                continue
            if dtype_of(array) is None:
                raise TypeError(f"argument '{name}': expected an array of dtype "
                                f"{spec.dtype.mlir}, got {type(array).__name__}")
            shape = tuple(array.shape)
            rest = spec.rank - 1
            if len(shape) < rest:
                raise ValueError(f"argument '{name}': expected at least {rest} dims "
                                 f"('...' and {rest} more), got shape {shape}")
            if leading is None:
                leading, first = len(shape) - rest, name
            elif len(shape) - rest != leading:
                raise ValueError(f"argument '{name}': '...' stands for "
                                 f"{len(shape) - rest} leading dims here but "
                                 f"{leading} in argument '{first}' (shape {shape})")
        return leading

    def _trace(self) -> str:
        code = self._fn.__code__
        with ir.Context(), ir.Location.file(code.co_filename, code.co_firstlineno, 1):
            module = ir.Module.create()
            arg_types = [ir.Type.parse(spec.mlir_type()) for _, spec in self.specs]
            with ir.InsertionPoint(module.body):
                fn_op = func_d.FuncOp(self._fn.__name__, ir.FunctionType.get(arg_types, []))
                if self._policy is not None:
                    fn_op.attributes["tessera_graph.numerics"] = ir.Attribute.parse(
                        self._policy.text())
                # Argument names and symbolic dims, for the GPU launch plan:
                # the runtime's errors then name the user's arguments and dims.
                i64 = ir.IntegerType.get_signless(64)
                # Runtime scalars are marked: GPU kernels take their values
                # as parameters.
                def arg_attrs(name, spec):
                    attrs = {
                        "tessera.name": ir.StringAttr.get(name),
                        "tessera.dims": ir.ArrayAttr.get([
                            ir.StringAttr.get(d) if isinstance(d, str)
                            else ir.IntegerAttr.get(i64, -1 if d is None else d)
                            for d in spec.dims]),
                    }
                    if name in self.scalars:
                        attrs["tessera.scalar"] = ir.UnitAttr.get()
                    return ir.DictAttr.get(attrs)
                fn_op.attributes["arg_attrs"] = ir.ArrayAttr.get(
                    [arg_attrs(name, spec) for name, spec in self.specs])
                block = fn_op.add_entry_block()
                with ir.InsertionPoint(block):
                    args = {name: TracedTensor(v, spec.dims, spec.dtype)
                            for v, (name, spec) in zip(block.arguments, self.specs)}
                    out = self._fn(**args, **self._static_values)
                    outs = list(out) if isinstance(out, tuple) else [out]
                    if not outs:
                        raise TypeError(f"{self._fn.__qualname__} returns an empty tuple; "
                                        f"a function returns one tensor or a tuple of them")
                    for i, o in enumerate(outs):
                        if not isinstance(o, TracedTensor):
                            what = "" if not isinstance(out, tuple) else f" (element {i})"
                            raise TypeError(f"{self._fn.__qualname__} must return a tensor "
                                            f"or a tuple of tensors; got "
                                            f"{type(o).__name__}{what}")
                    for i, o in enumerate(outs):
                        for j in range(i):
                            if outs[j].value == o.value:
                                raise ValueError(
                                    f"{self._fn.__qualname__} returns the same tensor as "
                                    f"elements {j} and {i}; return it once (each output "
                                    f"is a buffer of its own)")
                    func_d.ReturnOp([o.value for o in outs])
                fn_op.attributes["function_type"] = ir.TypeAttr.get(
                    ir.FunctionType.get(arg_types, [o.value.type for o in outs]))
            module.operation.verify()
            return str(module.operation.get_asm(enable_debug_info=True))

    @property
    @user_frames
    def mlir(self) -> str:
        """The Graph IR of the function (with source locations)."""
        if self.variadic:
            name = self._fn.__name__
            raise TypeError(f"{self._fn.__qualname__} has '...' dims, so its Graph IR "
                            f"depends on how many: use {name}.specialize(n) (e.g. "
                            f"tessera.compile({name}.specialize(2), ...)), or call it")
        if self._open_statics:
            name, open_ = self._fn.__name__, self._open_statics
            raise TypeError(f"{self._fn.__qualname__} has static arguments "
                            f"({', '.join(open_)}), so its Graph IR depends on their "
                            f"values: use {name}.specialize({open_[0]}=...), or call it")
        if self._text is None:
            self._text = self._trace()
        return self._text

    @user_frames
    def __call__(self, *args, **kwargs):
        """Compiles for the CPU on first use (memory, then disk cache) and
        runs on numpy arrays."""
        special, arrays = self._specialized_for(args, kwargs)
        if special is not self:
            return special(*arrays)
        self.signature.bind(arrays)
        if self._compiled is None:
            self._compiled = compiler.compile(self, target="cpu")
        return self._compiled(*arrays)


@user_frames
def function(fn=None, *, numerics=None):
    """Decorator: trace `fn` to Graph IR. `numerics` (a Policy, a defined
    policy's name, or a dict of its fields) applies a policy to the whole
    function."""
    if fn is None:
        return user_frames(lambda f: Function(f, numerics))
    return Function(fn, numerics)


class JitFunction(Function):
    """`@tessera.jit`: a traced function compiled on its first call for the
    machine it runs on (the GPU CuPy sees, else the CPU path), once per
    argument signature (dtypes, ranks) and target, then launched. Kernels
    are shape-generic, so new sizes reuse the compiled artifact; compiled
    artifacts also persist in the disk cache."""

    def __init__(self, fn, numerics_policy=None,
                 target: Optional[str] = None, schedule: Optional[dict] = None):
        super().__init__(fn, numerics_policy)
        self._target, self._schedule = target, schedule
        self._artifacts: Dict[tuple, object] = {}

    def _reset(self) -> None:
        self._artifacts = {}

    @property
    def target(self) -> str:
        """`target=`, else $TESSERA_TARGET, else the GPU CuPy sees, else cpu."""
        if self._target:
            return self._target
        env = os.environ.get("TESSERA_TARGET")
        if env:
            return env
        return device_target() or "cpu"

    @user_frames
    def __call__(self, *args, **kwargs):
        # Keywords that are not arguments of the function are launch options.
        params = self._python_signature.parameters
        launch = {k: v for k, v in kwargs.items() if k not in params}
        special, arrays = self._specialized_for(
            args, {k: v for k, v in kwargs.items() if k in params})
        if special is not self:
            return special(*arrays, **launch)
        target = self.target
        if target == "cpu" and launch:
            raise TypeError(f"{self._fn.__qualname__}: {sorted(launch)} apply to GPU "
                            f"launches; this call runs on the CPU")
        key = (target,) + tuple((str(dtype_of(a)), len(getattr(a, "shape", ())))
                                for a in arrays)
        artifact = self._artifacts.get(key)
        if artifact is None:
            self.signature.bind(arrays)  # argument errors before compiling
            artifact = compiler.compile(self, target=target,
                                        schedule=None if target == "cpu" else self._schedule)
            self._artifacts[key] = artifact
        return artifact(*arrays, **launch)


@user_frames
def jit(fn=None, *, numerics=None, target: Optional[str] = None,
        schedule: Optional[dict] = None):
    """Decorator: trace `fn` to Graph IR; compile it on first call for the
    GPU present (else the CPU) and run it there. `target` pins a target,
    `schedule` overrides GPU kernel schedules (see `tessera.compile`)."""
    if fn is None:
        return user_frames(lambda f: JitFunction(f, numerics, target, schedule))
    return JitFunction(fn, numerics, target, schedule)
