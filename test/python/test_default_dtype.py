"""Tensor["B", "D"] without an element type: the function's numerics
policy's storage type is the argument's (numerics=, a defined policy's
name, or the policy active where the function is decorated); without one
it is an error that says what to write."""

import ml_dtypes
import numpy as np
import pytest

import tessera
from tessera import Tensor, bf16, f16, f32


def test_the_policy_storage_type_is_the_arguments():
    @tessera.function(numerics=dict(storage=bf16, compute=f32))
    def scale(x: Tensor["B", "D"], w: Tensor["D"]) -> Tensor["B", "D"]:
        return x * w

    assert [spec.dtype for _, spec in scale.specs] == [bf16, bf16]
    assert "tensor<?x?xbf16>" in scale.mlir
    x = np.random.default_rng(0).standard_normal((3, 5)).astype(ml_dtypes.bfloat16)
    w = np.random.default_rng(1).standard_normal(5).astype(ml_dtypes.bfloat16)
    ref = x.astype(np.float64) * w.astype(np.float64)
    assert np.allclose(scale(x, w).astype(np.float64), ref, rtol=1e-2, atol=1e-2)


def test_a_named_or_active_policy_gives_it_too():
    tessera.numerics.policy("half-storage", storage=f16)

    @tessera.function(numerics="half-storage")
    def named(x: Tensor["N"]) -> Tensor["N"]:
        return x + 1.0

    with tessera.numerics(storage=f16):
        @tessera.function
        def active(x: Tensor["N"], y: Tensor["N", f32]) -> Tensor["N", f32]:
            return x.astype(f32) + y

    assert named.specs[0][1].dtype == f16
    assert [s.dtype for _, s in active.specs] == [f16, f32]  # an explicit type stays


def test_without_a_policy_it_is_an_error():
    def f(x: Tensor["B", "D"]) -> Tensor["B", "D"]:
        return x

    with pytest.raises(TypeError, match=r"argument 'x' of .*f: Tensor\['B', 'D'\] has no "
                                        r"element type, and no numerics policy gives one: end "
                                        r"the annotation with one"):
        tessera.function(f)
    with pytest.raises(tessera.KernelError, match=r"argument 'x' is Tensor\['N'\], without an "
                                                  r"element type"):
        @tessera.kernel
        def k(x: Tensor["N"]):
            pass
