"""Random Tessera programs, written through the Python API, with a NumPy
float64 reference of each (issue 15's generator).

    program = generate(seed)
    program.source          # a module: one @tessera.function named `f`
    program.inputs(rng)     # random inputs at ragged sizes
    program.reference(*xs)  # float64 NumPy

A program is a chain of 2 to 6 steps over 1 to 3 inputs (rank 1 to 3, the
same symbolic dims, some inputs missing leading dims or with a 1 for
NumPy broadcasting), each step one of: an elementwise unary op, a binary op
with another input or a Python scalar, a reduction over the last dim
(keepdim, so later steps still broadcast), softmax or log_softmax, a
layer_norm or rms_norm, a where over a bool input, a matmul against a
square weight input, a cast to f16 and back, and the ops that move
elements: a binary op with a transposed input, a flatten and reshape back,
a roll (slices and a concat), a take of a permutation along the last dim
(with some indices negative), a comparison into where, a dropout with a
seed, a broadcast_to of a reduced value, a cumsum along the last dim, a
mean over the leading dim (keepdim), an argmax of the input; every fourth
program (seeds 3, 7, 11, ...) in f64, every eighth (seeds 1, 9, 17, ...) in
f16, the rest in f32. Every target compiles
them (the CPU path, sm_90,
gfx942).

The device half (test/gpu/random_programs_gpu.py) runs the sm_90 artifacts
of the same programs on the same inputs and compares with the CPU path.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path
from dataclasses import dataclass, field
from typing import Callable, List

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "gpu"))
import cases  # noqa: E402  (numpy only: the device cases' references)


def _gelu(x):
    from math import erf
    return 0.5 * x * (1.0 + np.vectorize(erf)(x / math.sqrt(2.0)))


def _softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


#: name -> (Tessera expression over `a`, float64 reference)
UNARY = {
    "relu": ("tessera.relu({a})", lambda a: np.maximum(a, 0.0)),
    "gelu": ("tessera.gelu({a})", _gelu),
    "silu": ("tessera.silu({a})", lambda a: a / (1.0 + np.exp(-a))),
    "sigmoid": ("tessera.sigmoid({a})", lambda a: 1.0 / (1.0 + np.exp(-a))),
    "tanh": ("tessera.tanh({a})", np.tanh),
    "neg": ("-{a}", lambda a: -a),
    "abs": ("tessera.abs({a})", np.abs),
    "exp": ("tessera.exp(tessera.tanh({a}))", lambda a: np.exp(np.tanh(a))),
    "log": ("tessera.log(tessera.abs({a}) + 1.0)", lambda a: np.log(np.abs(a) + 1.0)),
    # (away from 0, where the square root turns f32 rounding into 1e-4)
    "sqrt": ("tessera.sqrt(tessera.abs({a}) + 0.5)", lambda a: np.sqrt(np.abs(a) + 0.5)),
    "rsqrt": ("tessera.rsqrt(tessera.abs({a}) + 1.0)", lambda a: 1.0 / np.sqrt(np.abs(a) + 1.0)),
    "softmax": ("tessera.softmax({a})", _softmax),
    "log_softmax": ("tessera.log_softmax({a})", lambda a: np.log(_softmax(a))),
    "rms_norm": ("tessera.rms_norm({a})",
                 lambda a: a / np.sqrt((a * a).mean(axis=-1, keepdims=True) + 1e-5)),
    "layer_norm": ("tessera.layer_norm({a})",
                   lambda a: (a - a.mean(axis=-1, keepdims=True))
                   / np.sqrt(a.var(axis=-1, keepdims=True) + 1e-5)),
    "sum": ("tessera.sum({a}, dim=-1, keepdim=True)", lambda a: a.sum(axis=-1, keepdims=True)),
    "mean": ("tessera.mean({a}, dim=-1, keepdim=True)", lambda a: a.mean(axis=-1, keepdims=True)),
    "max": ("tessera.max({a}, dim=-1, keepdim=True)", lambda a: a.max(axis=-1, keepdims=True)),
    # (torch's correction: n - 1; a last dim of 1 divides by 0 as torch does)
    "var": ("tessera.var({a}, dim=-1, keepdim=True)",
            lambda a: a.var(axis=-1, keepdims=True, ddof=1) if a.shape[-1] > 1
            else np.full(a.shape, np.nan)),
    "std": ("tessera.std({a}, dim=-1, keepdim=True, correction=0)",
            lambda a: a.std(axis=-1, keepdims=True)),
    "f16": ("tessera.cast(tessera.cast({a}, tessera.f16), tessera.f32)",
            lambda a: a.astype(np.float16).astype(np.float64)),
}
#: name -> (Tessera expression over `a` and `b`, float64 reference)
BINARY = {
    "add": ("{a} + {b}", np.add),
    "sub": ("{a} - {b}", np.subtract),
    "mul": ("{a} * {b}", np.multiply),
    "maximum": ("tessera.maximum({a}, {b})", np.maximum),
    "minimum": ("tessera.minimum({a}, {b})", np.minimum),
}


@dataclass
class Program:
    """One generated program: its source, inputs and reference."""

    seed: int
    source: str
    #: (name, shape with symbols, dtype) of each input
    args: List[tuple]
    steps: List[str]
    reference: Callable = field(repr=False)
    dims: dict = field(default_factory=dict)
    #: tolerance (relative to the output's scale)
    tolerance: float = 1e-4

    def inputs(self, rng):
        """Random inputs at the program's (ragged) sizes."""
        out = []
        for _, shape, dtype in self.args:
            concrete = tuple(self.dims[d] if isinstance(d, str) else d for d in shape)
            if dtype == "bool_":
                out.append(rng.random(concrete) < 0.5)
            elif dtype == "i32":
                # a permutation of the last dim, a third of it negative
                n = concrete[-1]
                perm = rng.permutation(n)
                out.append(np.where(rng.random(n) < 0.3, perm - n, perm).astype(np.int32))
            else:
                out.append(rng.standard_normal(concrete).astype(
                    {"f64": np.float64, "f16": np.float16}.get(dtype, np.float32)))
        return out


def _dropout(a, p, seed):
    """tessera_graph.dropout (test/gpu/cases.py's reference)."""
    return cases.dropout(a, p, seed)


def _take(a, ids):
    """take along the last dim (test/gpu/cases.py's reference)."""
    return cases.take(a, ids, -1)


def generate(seed: int) -> Program:
    rng = np.random.default_rng(seed)
    rank = int(rng.integers(1, 4))
    symbols = ["N", "M", "D"][3 - rank:]
    # Ragged sizes: odd, not multiples of the tile sizes.
    dims = {s: int(rng.choice([1, 3, 7, 33, 129, 250, 1001])) for s in symbols}
    dims[symbols[-1]] = int(rng.choice([5, 17, 64, 100, 333]))
    # At most 2^18 elements (float64 references; the device run carries
    # the CPU results).
    while math.prod(dims.values()) > 1 << 18:
        largest = max(symbols[:-1], key=lambda s: dims[s])
        dims[largest] = (dims[largest] + 1) // 4 + 2
    # Sometimes a static last dim: reshapes and slices with an end need one.
    static_last = rng.random() < 0.4
    if static_last:
        symbols[-1] = dims.pop(symbols[-1])
    full = list(symbols)
    # Every fourth program computes in f64 (the GPU's f64 kernels and the
    # vendor's math library), every eighth in f16 (each op's result rounded
    # to f16, on both paths); the rest in f32. Drawn from the seed, not the
    # generator, so that the f32 programs stay what they were.
    dtype = "f64" if seed % 4 == 3 else "f16" if seed % 8 == 1 else "f32"
    args = [("x", full, dtype)]
    sources, refs = {"x": "x"}, {}
    # Other inputs: fewer leading dims, or a 1 (NumPy broadcasting).
    for name in ("y", "z")[:int(rng.integers(0, 3))]:
        shape = list(full)
        if rank > 1 and rng.random() < 0.3:
            shape = shape[1:]
        elif rng.random() < 0.3:
            shape[int(rng.integers(0, len(shape)))] = 1
        args.append((name, shape, dtype))
    use_where = rng.random() < 0.2
    if use_where:
        args.append(("c", full, "bool_"))
    use_matmul = rank >= 2 and rng.random() < 0.15
    if use_matmul:
        args.append(("w", [symbols[-1], symbols[-1]], dtype))
    use_transpose = rank >= 2 and rng.random() < 0.4
    if use_transpose:
        args.append(("t", full[:-2] + [full[-1], full[-2]], dtype))
    use_take = rng.random() < 0.25
    if use_take:
        args.append(("p", [symbols[-1]], "i32"))

    expr = "x"
    steps = []
    ops = []  # (kind, name, operand) to replay in the reference
    shape_is_full = True  # a reduction leaves a trailing 1
    for _ in range(int(rng.integers(2, 7))):
        choice = rng.random()
        if choice < 0.45:
            names = [n for n in UNARY if shape_is_full or n not in
                     ("softmax", "log_softmax", "rms_norm", "layer_norm", "sum", "mean", "max",
                      "var", "std")]
            if full[-1] in (1,) or dims.get(full[-1]) == 1:
                names = [n for n in names if n != "var"]  # (n - 1 = 0)
            name = str(rng.choice(names))
            expr = UNARY[name][0].format(a=f"({expr})").replace("tessera.f32",
                                                                f"tessera.{dtype}")
            ops.append(("unary", name, None))
            if name in ("sum", "mean", "max", "var", "std"):
                shape_is_full = False
        elif choice < 0.85:
            name = str(rng.choice(list(BINARY)))
            others = [a[0] for a in args if a[2] == dtype and a[0] not in ("x", "w", "t")]
            if others and rng.random() < 0.6:
                other = str(rng.choice(others))
            else:
                other = repr(float(rng.choice([0.5, 2.0, -1.5, 3.0])))
            if rng.random() < 0.5:
                expr = BINARY[name][0].format(a=f"({expr})", b=other)
                ops.append(("binary", name, other))
            else:
                expr = BINARY[name][0].format(a=other, b=f"({expr})")
                ops.append(("rbinary", name, other))
        elif use_where and choice < 0.93:
            expr = f"tessera.where(c, ({expr}), 0.0)"
            ops.append(("where", None, None))
        elif use_matmul and shape_is_full and choice < 0.95:
            if rng.random() < 0.5:
                expr = f"({expr}) @ w"
                ops.append(("matmul", None, None))
            else:
                expr = f"tessera.linear(({expr}), w)"
                ops.append(("linear", "linear", None))
        elif choice < 0.99:
            moves = ["compare", "dropout", "cumsum", "argmax"]
            if use_transpose:
                moves.append("transpose")
            if use_take and shape_is_full:
                moves.append("take")
            if static_last and rank == 2:
                moves.append("flatten")
            if rank >= 2:
                moves.append("mean0")
            if static_last:
                moves.append("roll")
                if not shape_is_full:
                    moves.append("broadcast")
            name = str(rng.choice(moves))
            other = repr(float(rng.choice([0.5, -0.25, 1.0])))
            if name == "compare":
                expr = f"tessera.where(({expr}) > {other}, ({expr}), -({expr}))"
            elif name == "dropout":
                other = str(int(rng.integers(0, 2 ** 32)))
                expr = f"tessera.dropout(({expr}), 0.25, {other})"
            elif name == "transpose":
                perm = list(range(rank - 2)) + [rank - 1, rank - 2]
                expr = f"({expr}) + tessera.transpose(t, {perm})"
            elif name == "take":
                expr = f"tessera.take(({expr}), p, dim=-1)"
            elif name == "cumsum":
                expr = f"tessera.cumsum(({expr}), -1)"
            elif name == "mean0":
                # over the leading dim (a column kernel), kept: it broadcasts
                expr = f"tessera.mean(({expr}), dim=0, keepdim=True)"
            elif name == "argmax":
                # of the input itself: ties (and so the index) cannot differ
                # between targets' roundings
                expr = (f"({expr}) + tessera.cast(tessera.argmax(x, -1, keepdim=True), "
                        f"tessera.{dtype}) * 0.01")
            elif name == "flatten":
                last = full[-1] if shape_is_full else 1
                expr = (f"tessera.reshape(tessera.relu(tessera.reshape(({expr}), (-1,))) "
                        f"* 2.0, (-1, {last}))")
            elif name == "roll":
                last = full[-1] if shape_is_full else 1
                expr = (f"tessera.concat([({expr})[..., 1:], ({expr})[..., 0:1]], dim=-1)"
                        if last > 1 else expr)
            elif name == "broadcast":
                shape = tuple(full)
                expr = f"tessera.broadcast_to(({expr}), {shape!r})"
                shape_is_full = True
            ops.append(("move", name, other))
        else:
            name = str(rng.choice(["relu", "tanh", "abs"]))
            expr = UNARY[name][0].format(a=f"({expr})")
            ops.append(("unary", name, None))
        steps.append(ops[-1][1] or ops[-1][0])

    annotations = ", ".join(
        f"{n}: Tensor[{', '.join(repr(d) if isinstance(d, str) else str(d) for d in s)}, "
        f"tessera.{t}]" for n, s, t in args)
    source = (f"import tessera\nfrom tessera import Tensor\n\n\n@tessera.function\n"
              f"def f({annotations}):\n    return {expr}\n")
    names = [a[0] for a in args]

    def reference(*values):
        env = {n: (v.astype(np.float64) if v.dtype != bool else v)
               for n, v in zip(names, values)}
        out = env["x"]
        for kind, name, other in ops:
            operand = None
            if other is not None and kind != "move":
                operand = env[other] if other in env else float(other)
            if kind == "move" and name == "compare":
                operand = float(other)
            if kind == "unary":
                out = UNARY[name][1](out)
            elif kind == "binary":
                out = BINARY[name][1](out, operand)
            elif kind == "rbinary":
                out = BINARY[name][1](operand, out)
            elif kind == "where":
                out = np.where(env["c"], out, 0.0)
            elif kind == "matmul":
                out = out @ env["w"]
            elif kind == "linear":
                out = out @ env["w"].T
            elif name == "compare":
                out = np.where(out > operand, out, -out)
            elif name == "dropout":
                out = _dropout(out, 0.25, int(other))
            elif name == "transpose":
                out = out + np.swapaxes(env["t"], -1, -2)
            elif name == "take":
                out = _take(out, env["p"])
            elif name == "cumsum":
                out = np.cumsum(out, axis=-1)
            elif name == "mean0":
                out = out.mean(axis=0, keepdims=True)
            elif name == "argmax":
                out = out + np.argmax(env["x"], axis=-1)[..., None] * 0.01
            elif name == "flatten":
                out = np.maximum(out, 0.0) * 2.0
            elif name == "roll":
                out = np.roll(out, -1, axis=-1)
            elif name == "broadcast":
                out = np.broadcast_to(out, np.broadcast_shapes(out.shape, env["x"].shape))
        return out

    casts = sum(1 for _, name, _ in ops if name == "f16")
    return Program(seed, source, args, steps, reference, dims,
                   tolerance=(1e-2 if dtype == "f16" else 2e-3 if casts
                              else 1e-4 if dtype == "f32" else 1e-9))


def check(seed: int, targets=("sm_90", "gfx942")):
    """Compiles program `seed` for the CPU path and `targets`, runs it on the
    CPU path and compares with its float64 reference; None if all is well,
    else what went wrong (a string)."""
    from tessera.compiler import compile as compile_fn

    program = generate(seed)
    namespace: dict = {}
    try:
        exec(compile(program.source, f"<random program {seed}>", "exec",  # noqa: S102
                     dont_inherit=True), namespace)
        fn = namespace["f"]
        inputs = program.inputs(np.random.default_rng(seed))
        out = np.asarray(compile_fn(fn, target="cpu")(*inputs), np.float64)
    except Exception as e:  # noqa: BLE001 - the failure is the result
        return f"seed {seed} ({' '.join(program.steps)}): CPU path: {type(e).__name__}: {e}"
    ref = program.reference(*inputs)
    if out.shape != ref.shape:
        return f"seed {seed}: shape {out.shape}, reference {ref.shape}\n{program.source}"
    scale = max(1.0, float(np.max(np.abs(ref)))) if ref.size else 1.0
    err = float(np.max(np.abs(out - ref))) if ref.size else 0.0
    if not err <= program.tolerance * scale:
        return f"seed {seed}: max|err| {err:.3g} over {scale:.3g}\n{program.source}"
    for target in targets:
        try:
            compile_fn(fn, target=target)
        except Exception as e:  # noqa: BLE001
            return (f"seed {seed} ({' '.join(program.steps)}): {target}: "
                    f"{type(e).__name__}: {e}\n{program.source}")
    return None
