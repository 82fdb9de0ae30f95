"""The artifact format: a directory holding `plan.json` and the files it names.

Every artifact, CPU or GPU, has a plan:

    {"format": 1, "target": "sm_90", "vendor": "nvidia", "entry": "f",
     "binary": "kernels.ptx",
     "inputs": [{"name": "x", "dims": ["S", 64], "dtype": "f16"}, ...],
     ...}

`dims` are literal sizes, symbols (the same symbol is the same size across
the inputs) or null ("?"); `dtype` is the MLIR spelling of the element type.
GPU plans add what the launcher needs (tessera.runtime.gpu documents it);
`vendor` ("nvidia" or "amd") is written by the compiler, so the runtime never
derives it from the chip name. Sizes elsewhere in a plan (grids, output
dims, launch conditions) are expressions over the symbols, parsed here once
and evaluated per launch.

Pure Python: needs numpy only (ml_dtypes for bf16 and f8).
"""

from __future__ import annotations

import ast
import json
import operator
from pathlib import Path
from typing import Dict

import numpy as np

__all__ = ["PLAN_FILE", "FORMAT", "read_plan", "plan_bytes", "numpy_dtype",
           "compile_extent", "eval_extent"]

PLAN_FILE = "plan.json"
#: The plan format this runtime reads (the `format` entry).
FORMAT = 1


def read_plan(path) -> dict:
    """The plan of the artifact directory `path`; refuses a directory without
    one and plans of another format."""
    path = Path(path)
    try:
        plan = json.loads((path / PLAN_FILE).read_text())
    except OSError as e:
        raise FileNotFoundError(f"{path} is not a Tessera artifact (no {PLAN_FILE})") from e
    if plan.get("format") != FORMAT:
        raise ValueError(f"{path}: plan format {plan.get('format')!r} is not supported "
                         f"(this runtime reads format {FORMAT})")
    return plan


def plan_bytes(plan: dict) -> bytes:
    """The contents of `plan.json` (one spelling for every writer: saved
    artifacts and cache entries compare byte for byte)."""
    return (json.dumps(plan, indent=1) + "\n").encode()


#: numpy dtypes of the plan's element types (MLIR spelling); "ml_dtypes."
#: names need the ml_dtypes package, imported only when used.
_NUMPY_DTYPES = {
    "f64": "float64", "f32": "float32", "f16": "float16", "bf16": "ml_dtypes.bfloat16",
    "f8E4M3FN": "ml_dtypes.float8_e4m3fn", "f8E5M2": "ml_dtypes.float8_e5m2",
    "i64": "int64", "i32": "int32", "i8": "int8", "i1": "bool",
}


def numpy_dtype(name: str) -> np.dtype:
    """The numpy dtype of an element type in MLIR spelling ("f32", "bf16",
    "i1", ...)."""
    numpy_name = _NUMPY_DTYPES.get(name)
    if numpy_name is None:
        raise TypeError(f"no numpy dtype for element type {name}")
    if numpy_name.startswith("ml_dtypes."):
        import ml_dtypes

        return np.dtype(getattr(ml_dtypes, numpy_name.split(".", 1)[1]))
    return np.dtype(numpy_name)


_BINOPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
           ast.FloorDiv: operator.floordiv}
_FUNCS = {"ceil_div": lambda a, b: -(-a // b), "min": min, "max": max}


def compile_extent(expr: str):
    """Parses a size expression once into a function of the bound symbols;
    anything but integers, symbols, + - * //, ceil_div, min and max is
    rejected here, at load time (a plan is data, never code)."""
    def build(node):
        if isinstance(node, ast.Expression):
            return build(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, int):
            value = node.value
            return lambda sizes: value
        if isinstance(node, ast.Name):
            name = node.id

            def lookup(sizes):
                try:
                    return sizes[name]  # (a mapping may compute it: multiprocessors)
                except KeyError:
                    raise ValueError(f"grid expression {expr!r}: unknown symbol "
                                     f"{name!r}") from None
            return lookup
        if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
            op, left, right = _BINOPS[type(node.op)], build(node.left), build(node.right)
            return lambda sizes: op(left(sizes), right(sizes))
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id in _FUNCS and not node.keywords):
            fn, args = _FUNCS[node.func.id], [build(a) for a in node.args]
            return lambda sizes: fn(*(a(sizes) for a in args))
        raise ValueError(f"grid expression {expr!r}: unsupported syntax")
    return build(ast.parse(str(expr), mode="eval"))


def eval_extent(expr: str, sizes: Dict[str, int]) -> int:
    """Evaluates a size expression over bound symbols, safely."""
    return int(compile_extent(expr)(sizes))
