"""Comparisons (`<`, `<=`, `>`, `>=`, tessera.equal, tessera.not_equal):
bool tensors with NumPy broadcasting and NumPy's NaN rules, Python scalars
as constants of the other operand's dtype, a condition for tessera.where;
on the CPU path against NumPy. GPUs compile them into elementwise kernels
(the device run is test/gpu/cases.py's where_compare_f16)."""

import numpy as np
import pytest

import tessera
from tessera import Tensor, f32, i32
from tessera.compiler import compile as compile_fn


@tessera.function
def masks(x: Tensor["N", "D", f32], y: Tensor["D", f32]):
    return (x < y, x <= 0.5, x > y, x >= 0.5, tessera.equal(x, y), tessera.not_equal(x, 1.0),
            tessera.where(x > 0.0, x, 0.0))


@tessera.function
def int_masks(a: Tensor["N", i32], b: Tensor["N", i32]):
    return a < b, tessera.equal(a, b), 3 <= a


def test_float_comparisons_match_numpy_nans_included():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((6, 9)).astype(np.float32)
    y = rng.standard_normal(9).astype(np.float32)
    x[2] = y          # equal rows
    x[0, 0] = np.nan  # NaN: false but for !=
    x[1, 3] = 1.0
    got = masks(x, y)
    want = (x < y, x <= 0.5, x > y, x >= 0.5, x == y, x != 1.0, np.where(x > 0.0, x, 0.0))
    for g, w in zip(got, want):
        assert g.dtype == w.dtype and g.shape == w.shape
        np.testing.assert_array_equal(g, w)
    assert got[5][0, 0] and not any(g[0, 0] for g in got[:5])


def test_integer_comparisons_are_signed():
    a = np.array([-3, -1, 0, 2, 3, 7], np.int32)
    b = np.array([-2, -1, 1, 2, 4, -7], np.int32)
    lt, eq, ge3 = int_masks(a, b)
    np.testing.assert_array_equal(lt, a < b)
    np.testing.assert_array_equal(eq, a == b)
    np.testing.assert_array_equal(ge3, 3 <= a)


def test_dtype_mismatch_is_an_error():
    @tessera.function
    def bad(x: Tensor["N", f32], y: Tensor["N", tessera.f16]):
        return x < y

    with pytest.raises(TypeError, match=r"compare lt: dtype mismatch: f32 vs f16 \(cast one\)"):
        bad(np.zeros(3, np.float32), np.zeros(3, np.float16))


def test_equality_operators_stay_pythons():
    """== and != keep identity semantics (traced tensors are hashed and
    compared in the tracer's bookkeeping); tessera.equal is the op."""
    seen = []

    @tessera.function
    def f(x: Tensor["N", f32]):
        seen.append(x == x)
        return x

    f(np.zeros(2, np.float32))
    assert seen == [True]


@pytest.mark.parametrize("target", ["sm_90", "gfx942"])
def test_comparisons_compile_for_gpus(target):
    art = compile_fn(masks, target=target)
    # bool outputs; the where's comparison fused into its kernel
    assert [o["dtype"] for o in art.plan["outputs"]] == ["i1"] * 6 + ["f32"]
    assert len(art.plan["kernels"]) == 7
