"""The tiled GEMM of the performance-tuning guide, autotuned: block tiles,
pipeline depth and the blocks' order are chosen per (M, N, K) by timing the
candidates on the GPU (persisted in the cache); the product is `tessera.dot`
on boxes of A and B in a pipelined loop (tensor cores: wgmma fed by TMA on
Hopper where the configuration fits it, else mma.sync; mfma on AMD).

    python examples/kernels/matmul.py
"""

import numpy as np

import tessera as ts
from tessera import Tensor, f16


@ts.kernel.autotune(
    space={"BLOCK_M": [128], "BLOCK_N": [128, 256], "BLOCK_K": [32, 64],
           "num_warps": [4, 8], "num_stages": [3, 4], "GROUP_M": [8, 16]},
    key=["M", "N", "K"],
    budget_seconds=120,
)
def matmul(A: Tensor["M", "K", f16], B: Tensor["K", "N", f16], C: Tensor["M", "N", f16]):
    BLOCK_M = ts.autotune.get_param("BLOCK_M")
    BLOCK_N = ts.autotune.get_param("BLOCK_N")
    BLOCK_K = ts.autotune.get_param("BLOCK_K")
    GROUP_M = ts.autotune.get_param("GROUP_M")
    # Blocks in groups of GROUP_M rows of tiles, column by column inside a
    # group: the blocks running at once share rows of A and columns of B
    # in L2.
    pid = ts.program_id(0)
    tiles_m = (C.shape[0] + BLOCK_M - 1) // BLOCK_M
    tiles_n = (C.shape[1] + BLOCK_N - 1) // BLOCK_N
    first_m = pid // (GROUP_M * tiles_n) * GROUP_M
    rows = ts.minimum(tiles_m - first_m, GROUP_M)
    m0 = (first_m + pid % (GROUP_M * tiles_n) % rows) * BLOCK_M
    n0 = pid % (GROUP_M * tiles_n) // rows * BLOCK_N
    acc = ts.zeros((BLOCK_M, BLOCK_N), ts.f32)
    for k in ts.range(0, A.shape[1], BLOCK_K, stages=ts.autotune.get_param("num_stages")):
        acc = ts.dot(A[m0:m0 + BLOCK_M, k:k + BLOCK_K], B[k:k + BLOCK_K, n0:n0 + BLOCK_N], acc)
    C[m0:m0 + BLOCK_M, n0:n0 + BLOCK_N] = acc


def grid(M, N):
    """A block per BLOCK_M x BLOCK_N tile of C (the chosen configuration's)."""
    return lambda p: (-(-M // p["BLOCK_M"]) * -(-N // p["BLOCK_N"]),)


def launch(a, b, c):
    matmul[grid(a.shape[0], b.shape[1])](a, b, c)


def main():
    rng = np.random.default_rng(0)
    for m, n, k in ((300, 200, 136), (129, 65, 48)):
        a = rng.standard_normal((m, k)).astype(np.float16)
        b = rng.standard_normal((k, n)).astype(np.float16)
        c = np.zeros((m, n), np.float16)
        launch(a, b, c)
        ref = a.astype(np.float64) @ b.astype(np.float64)
        err = np.abs(c - ref).max() / np.abs(ref).max()
        print(f"matmul {m}x{n}x{k}: max relative error {err:.1e}")
        assert err < 4e-3


if __name__ == "__main__":
    main()
