"""Row softmax written with @tessera.kernel: a block takes 64 rows whole
(BN >= the row length, a power of two), the row max and sum are row
reductions, the padding past the row's end reads -inf so that it adds
nothing.

    python examples/kernels/softmax.py
"""

import numpy as np

import tessera
from tessera import Tensor, constexpr, f32


@tessera.kernel
def softmax(x: Tensor["M", "N", f32], y: Tensor["M", "N", f32], BN: constexpr):
    r0 = tessera.program_id(0) * 64
    t = tessera.load(x[r0:r0 + 64, 0:BN], other=float("-inf"))
    e = tessera.exp(t - tessera.max(t, axis=1, keepdims=True))
    y[r0:r0 + 64, 0:BN] = e / tessera.sum(e, axis=1, keepdims=True)


def launch(x, y):
    BN = max(16, 1 << (x.shape[1] - 1).bit_length())
    softmax[(-(-x.shape[0] // 64),)](x, y, BN=BN)


def reference(x):
    x = np.asarray(x, np.float64)
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def main():
    rng = np.random.default_rng(0)
    for m, n in ((1000, 100), (77, 250)):
        x = rng.standard_normal((m, n)).astype(np.float32)
        y = np.zeros_like(x)
        launch(x, y)
        err = np.abs(y - reference(x)).max()
        print(f"softmax {m}x{n}: max error {err:.1e}")
        assert err < 1e-5


if __name__ == "__main__":
    main()
