"""layer_norm over the last dim written with @tessera.kernel: a block takes
64 rows whole (BN >= the row length); mean and variance are row
reductions (the padding masked out of the variance), the weight and bias
rows broadcast over the block's rows.

    python examples/kernels/layer_norm.py
"""

import numpy as np

import tessera
from tessera import Tensor, constexpr, f32


@tessera.kernel
def layer_norm(x: Tensor["M", "N", f32], w: Tensor["N", f32], b: Tensor["N", f32],
               y: Tensor["M", "N", f32], BN: constexpr, eps: constexpr = 1e-5):
    r0 = tessera.program_id(0) * 64
    n = x.shape[1]
    t = tessera.load(x[r0:r0 + 64, 0:BN])                  # zeros past the row's end
    mean = tessera.sum(t, axis=1, keepdims=True) / n
    d = tessera.where(tessera.arange(0, BN)[None, :] < n, t - mean, 0.0)
    rstd = 1.0 / tessera.sqrt(tessera.sum(d * d, axis=1, keepdims=True) / n + eps)
    y[r0:r0 + 64, 0:BN] = d * rstd * w[None, 0:BN] + b[None, 0:BN]


def launch(x, w, b, y, eps=1e-5):
    BN = max(16, 1 << (x.shape[1] - 1).bit_length())
    layer_norm[(-(-x.shape[0] // 64),)](x, w, b, y, BN=BN, eps=eps)


def reference(x, w, b, eps=1e-5):
    x = np.asarray(x, np.float64)
    mean = x.mean(axis=1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * w + b


def main():
    rng = np.random.default_rng(0)
    for m, n in ((1000, 100), (77, 250)):
        x = rng.standard_normal((m, n)).astype(np.float32)
        w, b = rng.standard_normal(n).astype(np.float32), rng.standard_normal(n).astype(np.float32)
        y = np.zeros_like(x)
        launch(x, w, b, y)
        err = np.abs(y - reference(x, w, b)).max()
        print(f"layer_norm {m}x{n}: max error {err:.1e}")
        assert err < 1e-4


if __name__ == "__main__":
    main()
