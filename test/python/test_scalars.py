"""Runtime scalars: `eps: float`, `k: int`, `s: tessera.f16` arguments are
rank-0 tensors of that dtype (f32, i32, the given one), passed as Python
numbers (or 0-d arrays); the value is not part of the trace, so new values
reuse the compiled artifact. On GPUs they travel as 0-d (one-element)
buffers so far, not as kernel parameters; the GPU side is checked here by
compiling (the plan's inputs) only: no device run has launched such a
program yet."""

import numpy as np
import pytest

import tessera
from tessera import Tensor, f16, f32


@tessera.function
def affine(x: Tensor["N", f32], scale: float, shift: int, bias: tessera.f16) -> Tensor["N", f32]:
    return x * scale + shift.astype(f32) + bias.astype(f32)


@pytest.mark.parametrize("scale, shift, bias", [(2.5, 3, 0.5), (-1.0, 0, -7.25)])
def test_scalars_on_the_cpu_path(scale, shift, bias):
    x = np.random.default_rng(0).standard_normal(37).astype(np.float32)
    got = affine(x, scale, shift, bias)
    assert np.allclose(got, x.astype(np.float64) * scale + shift + bias, rtol=1e-6, atol=1e-6)
    # A 0-d array is taken as it is; keywords work.
    again = affine(x, np.array(scale, np.float32), shift=shift, bias=bias)
    assert np.array_equal(again, got)


def test_scalars_are_rank0_arguments_of_their_dtype():
    assert [(n, s.dims, s.dtype) for n, s in affine.specs][1:] == [
        ("scale", (), f32), ("shift", (), tessera.i32), ("bias", (), f16)]
    art = tessera.compile(affine, target="sm_90")
    assert [(i["name"], i["dims"], i["dtype"]) for i in art.plan["inputs"]][1:] == [
        ("scale", [], "f32"), ("shift", [], "i32"), ("bias", [], "f16")]


def test_scalar_errors():
    def flag(x: Tensor["N", f32], on: bool) -> Tensor["N", f32]:
        return x

    with pytest.raises(TypeError, match=r"argument 'on' of .*flag: a bool is a compile-time "
                                        r"flag: annotate it tessera.Static\[bool\]"):
        tessera.function(flag)
    with pytest.raises(TypeError, match=r"argument 'scale' is a runtime scalar \(f32\); got str"):
        affine(np.ones(3, np.float32), "2", 1, 0.5)
