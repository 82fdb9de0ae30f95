"""FlashAttention forward (FlashAttention-2's online softmax) written with
@tessera.kernel: one block per 128 query rows of one (batch, head), key
blocks of BN streamed through a pipelined loop, both products on tensor
cores, the ragged end and the causal diagonal masked only in the key
blocks that reach them.

    python examples/kernels/attention.py      # checks against float64
"""

import math

import numpy as np

import tessera
from tessera import Tensor, constexpr, f16


@tessera.kernel(num_warps=8)
def attention(q: Tensor["BH", "S", "D", f16], k: Tensor["BH", "S", "D", f16],
              v: Tensor["BH", "S", "D", f16], o: Tensor["BH", "S", "D", f16],
              D: constexpr, causal: constexpr = False, BM: constexpr = 128,
              BN: constexpr = 64, STAGES: constexpr = 2):
    bh = tessera.program_id(1)
    q0 = tessera.program_id(0) * BM
    S = q.shape[1]
    qa = tessera.load(q[bh, q0:q0 + BM, 0:D])        # this block's queries
    m = tessera.full((BM, 1), float("-inf"), tessera.f32)
    l = tessera.full((BM, 1), 0.0, tessera.f32)
    acc = tessera.zeros((BM, D), tessera.f32)
    end = S
    if causal:                                        # no key past the last row
        end = tessera.minimum(S, q0 + BM)
    for j in tessera.range(0, end, BN, stages=STAGES):
        s = tessera.dot(qa, tessera.trans(k[bh, j:j + BN, 0:D]),
                        tessera.zeros((BM, BN), tessera.f32)) * (1.0 / math.sqrt(D))
        if j + BN > S or (causal and j + BN > q0 + 1):
            cols = (j + tessera.arange(0, BN))[None, :]
            out = cols >= S
            if causal:   # (index tiles made where used: not held across the loop)
                out = out | (cols > (q0 + tessera.arange(0, BM))[:, None])
            s = tessera.where(out, float("-inf"), s)
        m_new = tessera.maximum(m, tessera.max(s, axis=1, keepdims=True))
        alpha = tessera.exp(m - m_new)
        p = tessera.exp(s - m_new)
        l = l * alpha + tessera.sum(p, axis=1, keepdims=True)
        acc = tessera.dot(tessera.cast(p, tessera.f16), v[bh, j:j + BN, 0:D], acc * alpha)
        m = m_new
    o[bh, q0:q0 + BM, 0:D] = acc / l


def grid(q, BM=128):
    """One block per BM query rows, by (batch x head)."""
    return (math.ceil(q.shape[1] / BM), q.shape[0])


def launch(q, k, v, o, causal=False):
    """o = attention(q, k, v) for [BH, S, D] arrays (D 64 or 128)."""
    D = q.shape[2]
    attention[grid(q)](q, k, v, o, D=D, causal=causal, BN=64 if D <= 64 else 128)


def reference(q, k, v, causal=False):
    q, k, v = (np.asarray(x, np.float64) for x in (q, k, v))
    s = q @ k.transpose(0, 2, 1) / math.sqrt(q.shape[2])
    if causal:
        n = s.shape[1]
        s = np.where(np.tril(np.ones((n, s.shape[2]), bool)), s, -np.inf)
    p = np.exp(s - s.max(-1, keepdims=True))
    return (p / p.sum(-1, keepdims=True)) @ v


def main():
    rng = np.random.default_rng(0)
    for bh, s, d, causal in ((3, 200, 64, False), (2, 131, 128, True)):
        q, k, v = (rng.standard_normal((bh, s, d)).astype(np.float16) for _ in range(3))
        o = np.zeros_like(q)
        launch(q, k, v, o, causal)
        err = np.abs(o - reference(q, k, v, causal)).max()
        print(f"attention BH={bh} S={s} D={d} causal={causal}: max error {err:.2e}")
        assert err < 2e-2


if __name__ == "__main__":
    main()
