"""The migration guide's first kernel, as written there (up to the imports
and the `ts` alias): one element per thread, the bounds check of CUDA (the
stores are masked at the tensor's end anyway), and a launch whose grid
Tessera reads from the indexing: ceil(N / block).

    python examples/kernels/vector_add.py
"""

import numpy as np

import tessera as ts


@ts.kernel
def vector_add(a: ts.Tensor["N", ts.f32],
               b: ts.Tensor["N", ts.f32],
               c: ts.Tensor["N", ts.f32]):
    """Vector addition in Tessera."""
    idx = ts.program_id(0) * ts.block_size(0) + ts.thread_id(0)

    if idx < a.shape[0]:
        c[idx] = a[idx] + b[idx]


# Automatic launch configuration - Tessera handles block/grid sizing
def launch_vector_add(a, b, c):
    vector_add(a, b, c)


def main():
    rng = np.random.default_rng(0)
    for n in (1, 1000, 4097):
        a, b = rng.standard_normal(n, np.float32), rng.standard_normal(n, np.float32)
        c = np.zeros(n, np.float32)
        launch_vector_add(a, b, c)
        err = np.abs(c - (a.astype(np.float64) + b)).max()
        print(f"vector_add N={n}: max error {err:.1e}")
        assert err < 1e-6


if __name__ == "__main__":
    main()
