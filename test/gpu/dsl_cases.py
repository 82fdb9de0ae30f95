"""@tessera.kernel programs run on the GPU (run_kernels.py): each a kernel,
its argument shapes and dtypes, the index of the argument it writes, and a
float64 reference of that argument from the others. The kernels are also
the interpreter's tests (test/python/test_kernel_dsl.py); importing this
file needs no MLIR."""

from __future__ import annotations

import numpy as np

import tessera
from tessera import Tensor, f16, f32


@tessera.kernel
def vector_add(a: Tensor["N", f32], b: Tensor["N", f32], c: Tensor["N", f32]):
    idx = tessera.program_id(0) * tessera.block_size(0) + tessera.thread_id(0)
    c[idx] = a[idx] + b[idx]


@tessera.kernel(num_warps=8)
def gelu_or_gather(x: Tensor["N", f16], y: Tensor["N", f16],
                   BLOCK: tessera.constexpr = 1024):
    offs = tessera.program_id(0) * BLOCK + tessera.arange(0, BLOCK)
    v = x[offs]
    odd = x[2 * offs + 1]  # computed offsets: a gather, zero past the end
    g = 0.5 * v * (1.0 + tessera.tanh(0.7978846 * (v + 0.044715 * v * v * v)))
    y[offs] = tessera.where(v > 0.0, g, tessera.maximum(odd, -v))


def gelu_or_gather_reference(x, y):
    n = x.shape[0]
    odd = np.zeros(n)
    inside = 2 * np.arange(n) + 1 < n
    odd[inside] = x[2 * np.arange(n)[inside] + 1]
    g = 0.5 * x * (1.0 + np.tanh(0.7978846 * (x + 0.044715 * x ** 3)))
    return np.where(x > 0, g, np.maximum(odd, -x))


@tessera.kernel
def matmul(a: Tensor["M", "K", f16], b: Tensor["K", "N", f16], c: Tensor["M", "N", f16],
           BM: tessera.constexpr = 128, BN: tessera.constexpr = 128,
           BK: tessera.constexpr = 32):
    # Performance-tuning-guide's tile matmul: a block per BM x BN tile of c,
    # K in BK steps through shared memory (3 stages) onto the tensor cores.
    pid = tessera.program_id(0)
    n_tiles = (c.shape[1] + BN - 1) // BN
    m0 = (pid // n_tiles) * BM
    n0 = (pid % n_tiles) * BN
    acc = tessera.zeros((BM, BN), tessera.f32)
    for k in tessera.range(0, a.shape[1], BK, stages=3):
        acc = tessera.dot(a[m0:m0 + BM, k:k + BK], b[k:k + BK, n0:n0 + BN], acc)
    c[m0:m0 + BM, n0:n0 + BN] = acc


@tessera.kernel
def first_block_doubles(x: Tensor["N", f32], y: Tensor["N", f32]):
    # An if on a scalar (the block's id): the first block doubles, the others add one.
    offs = tessera.program_id(0) * 128 + tessera.arange(0, 128)
    v = x[offs]
    if tessera.program_id(0) == 0:
        v = v * 2.0
    else:
        v = v + 1.0
    y[offs] = v


def matmul_grid(m: int, n: int, bm: int = 128, bn: int = 128):
    return (-(-m // bm) * -(-n // bn),)


#: name: (kernel, constants, shapes, dtypes, written argument, reference,
#: (atol, rtol)).
DSL_CASES = {
    "dsl_vector_add": (vector_add, {}, [(100003,)] * 3, ["float32"] * 3, 2,
                       lambda a, b, c: a + b, (1e-6, 1e-6)),
    "dsl_gelu_or_gather": (gelu_or_gather, {"BLOCK": 1024}, [(30001,)] * 2,
                           ["float16"] * 2, 1, gelu_or_gather_reference, (2e-2, 2e-2)),
    "dsl_first_block_doubles": (first_block_doubles, {}, [(1000,)] * 2, ["float32"] * 2,
                                1, lambda x, y: np.where(np.arange(x.shape[0]) < 128,
                                                         2 * x, x + 1), (1e-6, 1e-6)),
    # Ragged M, N and K (K a multiple of 8: 16-byte rows for the copies).
    "dsl_matmul": (matmul, {"grid": matmul_grid(1000, 520)},
                   [(1000, 264), (264, 520), (1000, 520)], ["float16"] * 3, 2,
                   lambda a, b, c: a @ b, (4e-2, 4e-3)),
}


@tessera.kernel
def softmax_rows(x: Tensor["M", "N", f32], y: Tensor["M", "N", f32],
                 BN: tessera.constexpr = 128):
    # Rows of up to BN columns, 64 rows a block: -inf past the row's end,
    # then the row max and sum (reductions along the rows).
    r0 = tessera.program_id(0) * 64
    v = tessera.load(x[r0:r0 + 64, 0:BN], other=float("-inf"))
    e = tessera.exp(v - tessera.max(v, axis=1, keepdims=True))
    y[r0:r0 + 64, 0:BN] = e / tessera.sum(e, axis=1, keepdims=True)


def softmax_rows_reference(x, y):
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


DSL_CASES["dsl_softmax_rows"] = (softmax_rows, {"grid": (-(-1000 // 64),)},
                                 [(1000, 100), (1000, 100)], ["float32"] * 2, 1,
                                 softmax_rows_reference, (1e-5, 1e-5))


@tessera.kernel
def matmul_shared(a: Tensor["M", "K", f16], b: Tensor["K", "N", f16], c: Tensor["M", "N", f16]):
    # The migration guide's form: explicit shared buffers, asynchronous
    # copies, a wait and a barrier, then the dot; a barrier before the next
    # copies overwrite the buffers the dot read.
    pid = tessera.program_id(0)
    n_tiles = (c.shape[1] + 63) // 64
    m0 = (pid // n_tiles) * 64
    n0 = (pid % n_tiles) * 64
    As = tessera.shared.alloc[tessera.f16](64, 32)
    Bs = tessera.shared.alloc[tessera.f16](32, 64)
    acc = tessera.zeros((64, 64), tessera.f32)
    for k in tessera.range(0, a.shape[1], 32):
        tessera.barrier()
        tessera.copy_async(a[m0:m0 + 64, k:k + 32], As)
        tessera.copy_async(b[k:k + 32, n0:n0 + 64], Bs)
        tessera.wait_group(0)
        tessera.barrier()
        acc = tessera.dot(As, Bs, acc)
    c[m0:m0 + 64, n0:n0 + 64] = acc


DSL_CASES["dsl_matmul_shared"] = (matmul_shared, {"grid": matmul_grid(300, 200, 64, 64)},
                                  [(300, 136), (136, 200), (300, 200)], ["float16"] * 3, 2,
                                  lambda a, b, c: a @ b, (4e-2, 4e-3))


# The examples (examples/kernels/): the migration guide's vector_add as
# written, the autotuned GEMM (one configuration: autotuning needs a
# compiler), softmax, layer_norm and FlashAttention, D 64 and 128, causal
# and not, at ragged sizes.
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "examples" / "kernels"))
import attention as _attention  # noqa: E402
import layer_norm as _layer_norm  # noqa: E402
import matmul as _matmul  # noqa: E402
import softmax as _softmax  # noqa: E402
import vector_add as _vector_add  # noqa: E402

DSL_CASES["dsl_example_vector_add"] = (_vector_add.vector_add, {}, [(5003,)] * 3,
                                       ["float32"] * 3, 2, lambda a, b, c: a + b, (1e-6, 1e-6))
_GEMM = {"BLOCK_M": 128, "BLOCK_N": 128, "BLOCK_K": 32, "num_stages": 3, "GROUP_M": 8}
DSL_CASES["dsl_example_matmul"] = (
    _matmul.matmul, {"grid": _matmul.grid(300, 200)(_GEMM), **_GEMM},
    [(300, 136), (136, 200), (300, 200)], ["float16"] * 3, 2, lambda a, b, c: a @ b,
    (4e-2, 4e-3))
# The Hopper form (sm_90): 128 x 256 x 64 tiles on two warpgroups run on
# TMA and wgmma where the tensor maps encode (16-byte rows), else on the
# mma.sync variant of the same kernel (K = 135: rows of 270 bytes, with the
# runtime's pitched copies off), or on TMA over pitched copies (on).
_WGMMA = {"BLOCK_M": 128, "BLOCK_N": 256, "BLOCK_K": 64, "num_stages": 4, "num_warps": 8,
          "GROUP_M": 2}
for _name, _k in (("dsl_example_matmul_wgmma", 136), ("dsl_example_matmul_wgmma_fallback", 135),
                  ("dsl_example_matmul_wgmma_pitched", 135)):
    DSL_CASES[_name] = (
        _matmul.matmul, {"grid": _matmul.grid(300, 520)(_WGMMA), **_WGMMA},
        [(300, _k), (_k, 520), (300, 520)], ["float16"] * 3, 2, lambda a, b, c: a @ b,
        (4e-2, 4e-3))
DSL_CASES["dsl_example_softmax"] = (
    _softmax.softmax, {"grid": (-(-1000 // 64),), "BN": 128}, [(1000, 100)] * 2,
    ["float32"] * 2, 1, lambda x, y: _softmax.reference(x), (1e-5, 1e-5))
DSL_CASES["dsl_example_layer_norm"] = (
    _layer_norm.layer_norm, {"grid": (-(-777 // 64),), "BN": 256},
    [(777, 250), (250,), (250,), (777, 250)], ["float32"] * 4, 3,
    lambda x, w, b, y: _layer_norm.reference(x, w, b), (1e-4, 1e-4))
for _d, _causal in ((64, False), (64, True), (128, False), (128, True)):
    _s = 333 if _d == 64 else 200
    DSL_CASES[f"dsl_example_attention_d{_d}{'_causal' if _causal else ''}"] = (
        _attention.attention,
        {"grid": _attention.grid(np.zeros((6, _s, _d))), "D": _d, "causal": _causal,
         "BN": 64 if _d == 64 else 128},
        [(6, _s, _d)] * 4, ["float16"] * 4, 3,
        (lambda causal: lambda q, k, v, o: _attention.reference(q, k, v, causal))(_causal),
        (2e-2, 2e-2))
