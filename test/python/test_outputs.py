"""Functions with several outputs (tuple returns): traced into a Graph IR
function of several results, run on the CPU path (a tuple of arrays back),
compiled for GPUs (one plan output per result; the device run is
test/gpu/run_kernels.py's check_multiple_outputs)."""

import numpy as np
import pytest

import tessera
from tessera import Tensor, f16, f32


@tessera.function
def stats(x: Tensor["B", "N", f32]) -> tuple:
    return tessera.softmax(x, dim=1), x.max(1, keepdim=True), (x * 2.0).astype(f16)


@pytest.mark.parametrize("b, n", [(5, 7), (1, 1000), (33, 129)])
def test_tuple_returns_on_the_cpu(b, n):
    x = np.random.default_rng(b * n).standard_normal((b, n)).astype(np.float32)
    s, m, h = stats(x)
    x64 = x.astype(np.float64)
    e = np.exp(x64 - x64.max(1, keepdims=True))
    assert np.allclose(s, e / e.sum(1, keepdims=True), atol=1e-6, rtol=1e-5)
    assert m.shape == (b, 1) and np.array_equal(m, x.max(1, keepdims=True))
    assert h.dtype == np.float16 and np.allclose(h, 2 * x64, rtol=1e-3, atol=1e-3)
    # The Graph IR function has three results.
    assert "-> (tensor<?x?xf32>, tensor<?x1xf32>, tensor<?x?xf16>)" in stats.mlir


def test_jit_on_the_cpu_returns_a_tuple(monkeypatch):
    monkeypatch.setattr("tessera.frontend.device_target", lambda: None)
    monkeypatch.delenv("TESSERA_TARGET", raising=False)
    jitted = tessera.jit(stats._fn)
    out = jitted(np.ones((2, 3), np.float32))
    assert isinstance(out, tuple) and len(out) == 3


@pytest.mark.parametrize("target", ["sm_90", "gfx942"])
def test_gpu_plans_have_an_output_per_result(target):
    art = tessera.compile(stats, target=target)
    outputs = art.plan["outputs"]
    assert [o["name"] for o in outputs] == ["out0", "out1", "out2"]
    assert [o["dtype"] for o in outputs] == ["f32", "f32", "f16"]


def _traced_error(fn, error, match):
    with pytest.raises(error, match=match):
        tessera.function(fn).mlir


def test_returns_that_are_not_tensors_are_refused():
    def empty(x: Tensor["N", f32]):
        return ()

    def number(x: Tensor["N", f32]):
        return x, 1.0

    def twice(x: Tensor["N", f32]):
        y = x + 1.0
        return y, y
    _traced_error(empty, TypeError, r"empty returns an empty tuple; a function returns one "
                                    r"tensor or a tuple of them")
    _traced_error(number, TypeError, r"number must return a tensor or a tuple of tensors; "
                                     r"got float \(element 1\)")
    _traced_error(twice, ValueError, r"twice returns the same tensor as elements 0 and 1; "
                                     r"return it once")
