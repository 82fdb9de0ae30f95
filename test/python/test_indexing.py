"""x[...] on traced tensors: ints, slices with positive steps and one
'...', as NumPy indexes (a tessera_graph.slice, then the dims indexed by an
int dropped), checked against NumPy on the CPU path; what cannot be checked
while tracing is refused by name."""

import sys
from pathlib import Path

import numpy as np
import pytest

import tessera
from tessera import Tensor, f16, f32

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "gpu"))
from cases import dropout_mask  # noqa: E402  (numpy only)


@tessera.function
def symbolic(x: Tensor["S", 64, f32]) -> tuple:
    return x[:, :16], x[2:, ::3], x[..., 5], x[1:, -1], x[:], x[0]


@tessera.function
def literal(x: Tensor[6, 10, f16]) -> tuple:
    return x[1, 2:9:2], x[-2:], x[:, -3], x[4:2], x[-100:100, 7:]


@pytest.mark.parametrize("s", [1, 3, 50])
def test_symbolic_dims_index_as_numpy(s):
    x = np.random.default_rng(s).standard_normal((s, 64)).astype(np.float32)
    expected = (x[:, :16], x[2:, ::3], x[..., 5], x[1:, -1], x[:], x[0])
    for got, ref in zip(symbolic(x), expected):
        assert got.shape == ref.shape and np.array_equal(got, ref)


def test_literal_dims_index_as_numpy():
    x = np.random.default_rng(0).standard_normal((6, 10)).astype(np.float16)
    expected = (x[1, 2:9:2], x[-2:], x[:, -3], x[4:2], x[-100:100, 7:])
    for got, ref in zip(literal(x), expected):
        assert got.shape == ref.shape and np.array_equal(got, ref)
    # The Graph IR: slices (sizes -1: to the end of a symbolic dim).
    assert "sizes = [-1, 16]" in symbolic.mlir


@pytest.mark.parametrize("key, error, match", [
    ((slice(None), None), TypeError, r"x\[\.\.\., None\] \(a new dim\) is not supported"),
    ((Ellipsis, Ellipsis), IndexError, r"only one '\.\.\.'"),
    ((0, 0, 0), IndexError, r"too many indices for a tensor of rank 2: 3"),
    ((slice(None), 64), IndexError, r"index 64 is out of range for dimension 1 of size 64"),
    ((-1,), IndexError, r"index -1 counts from the end of dimension 0, whose size \(S\) is "
                        r"not known while tracing"),
    ((slice(None, None, -1),), IndexError, r"dimension 0: a step of -1; steps are positive"),
    ((slice(0, 4),), IndexError, r"dimension 0: 0:4 on a dim whose size \(S\) is not known "
                                 r"while tracing: only a: \(from a non-negative start to the "
                                 r"end\) can be checked"),
    ((1.5,), TypeError, r"index 1.5 for dimension 0: tensors are indexed by ints and slices"),
])
def test_indices_that_cannot_be_checked_are_refused(key, error, match):
    def f(x: Tensor["S", 64, f32]) -> Tensor["S", 64, f32]:
        return x[key]
    with pytest.raises(error, match=match):
        tessera.function(f).mlir


@pytest.mark.parametrize("target", ["sm_90", "gfx942"])
def test_slices_compile_for_gpus(target):
    @tessera.function
    def head(x: Tensor["S", 64, f32]) -> Tensor["S", 16, f32]:
        return x[:, :16] * 2.0
    art = tessera.compile(head, target=target)
    # the slice and the scaling in one elementwise kernel
    assert [k["name"] for k in art.plan["kernels"]] == ["head_k0_elementwise"]


from tessera import i32  # noqa: E402


def _clipped(idx, n):
    return np.clip(np.where(idx < 0, idx + n, idx), 0, n - 1)


@tessera.function
def lookup(ids: Tensor["B", "S", i32], table: Tensor["V", 16, f16]) -> Tensor["B", "S", 16, f16]:
    return tessera.embedding(ids, table)


@tessera.function
def columns(x: Tensor["R", "C", f32], idx: Tensor["K", i32]) -> Tensor["R", "K", f32]:
    return tessera.take(x, idx, dim=-1)


@pytest.mark.parametrize("v, b, s", [(50, 3, 7), (1, 1, 1), (1000, 2, 129)])
def test_embedding_and_take_as_numpy_with_clamped_indices(v, b, s):
    rng = np.random.default_rng(v)
    table = rng.standard_normal((v, 16)).astype(np.float16)
    ids = rng.integers(-v - 3, v + 3, (b, s)).astype(np.int32)  # some out of range
    assert np.array_equal(lookup(ids, table), table[_clipped(ids, v)])
    x = rng.standard_normal((4, v)).astype(np.float32)
    idx = rng.integers(-v, 2 * v, (s,)).astype(np.int32)
    assert np.array_equal(columns(x, idx), x[:, _clipped(idx, v)])


def test_take_errors():
    def float_ids(x: Tensor["N", 4, f32], i: Tensor["K", f32]) -> Tensor["K", 4, f32]:
        return tessera.take(x, i)

    def flat_table(ids: Tensor["K", i32], t: Tensor["V", f32]) -> Tensor["K", f32]:
        return tessera.embedding(ids, t)
    with pytest.raises(TypeError, match=r"take: indices are an i32 tensor"):
        tessera.function(float_ids).mlir
    with pytest.raises(tessera.ShapeError, match=r"embedding: the table is a 2-d tensor"):
        tessera.function(flat_table).mlir
    # gathers of the indices and the table in an elementwise kernel
    for target in ("sm_90", "gfx942"):
        assert tessera.compile(lookup, target=target).plan["kernels"]


@tessera.function
def arg_stats(x: Tensor["R", "C", f32]) -> tuple:
    return x.argmax(1), tessera.argmin(x, 0, keepdim=True), tessera.argmax(x, -1, keepdim=True)


@pytest.mark.parametrize("r, c", [(1, 1), (5, 7), (33, 1000)])
def test_argmax_argmin_as_numpy(r, c):
    rng = np.random.default_rng(r * c)
    x = rng.integers(-3, 4, (r, c)).astype(np.float32)  # many ties: the first wins
    if r * c > 10:
        x[2, 5] = np.nan  # the first NaN wins, as NumPy
        x[4, 1] = np.nan
        x[4, 3] = np.nan
    a, b, k = arg_stats(x)
    assert a.dtype == np.int32 and np.array_equal(a, np.argmax(x, 1))
    assert b.shape == (1, c) and np.array_equal(b[0], np.argmin(x, 0))
    assert k.shape == (r, 1) and np.array_equal(k[:, 0], np.argmax(x, 1))


def test_argmax_errors():
    def flat(x: Tensor["N", f32]) -> Tensor["N", f32]:
        return tessera.argmax(x, None)
    with pytest.raises(TypeError, match=r"argmax: dim is one int"):
        tessera.function(flat).mlir
    # on GPUs: a loop along the dim in an elementwise kernel per output
    for target in ("sm_90", "gfx942"):
        assert tessera.compile(arg_stats, target=target).plan["kernels"]


@tessera.function
def running(x: Tensor["R", "C", f32], h: Tensor["R", "C", f16]) -> tuple:
    return x.cumsum(1), tessera.cumsum(x, 0), h.cumsum(-1)


@pytest.mark.parametrize("r, c", [(1, 1), (4, 9), (3, 2000)])
def test_cumsum_as_numpy(r, c):
    rng = np.random.default_rng(r + c)
    x = rng.standard_normal((r, c)).astype(np.float32)
    h = rng.standard_normal((r, c)).astype(np.float16)
    a, b, k = running(x, h)
    x64 = x.astype(np.float64)
    assert np.allclose(a, np.cumsum(x64, 1), atol=1e-4 * np.sqrt(c), rtol=1e-5)
    assert np.allclose(b, np.cumsum(x64, 0), atol=1e-5, rtol=1e-5)
    # f16: added in f32, rounded once per element.
    ref = np.cumsum(h.astype(np.float64), 1)
    assert k.dtype == np.float16 and np.allclose(k, ref, atol=2e-3 * np.sqrt(c), rtol=1e-3)


def test_cumsum_errors():
    def flat(x: Tensor["N", f32]) -> Tensor["N", f32]:
        return tessera.cumsum(x, None)
    with pytest.raises(TypeError, match=r"cumsum: dim is one int"):
        tessera.function(flat).mlir
    # on GPUs: a kernel walking the dim per cumsum
    for target in ("sm_90", "gfx942"):
        assert len(tessera.compile(running, target=target).plan["kernels"]) == 3


def dropout_reference(x, p, seed):
    """tessera_graph.dropout's documented mask (test/gpu/cases.py's, the
    device cases' reference too) and the values it keeps."""
    keep = dropout_mask(x.shape, p, seed)
    return np.where(keep, x.astype(np.float64) / (1 - p), 0.0), keep


@pytest.mark.parametrize("p, seed", [(0.0, 0), (0.1, 42), (0.5, 2 ** 32 - 1), (0.9, 7)])
def test_dropout_is_the_documented_mask(p, seed):
    @tessera.function
    def drop(x: Tensor["R", "C", f32], h: Tensor["R", "C", f16]) -> tuple:
        return tessera.dropout(x, p, seed), tessera.dropout(h, p, seed)

    rng = np.random.default_rng(seed % 1000)
    x = rng.standard_normal((37, 129)).astype(np.float32)
    h = rng.standard_normal((37, 129)).astype(np.float16)
    dx, dh = drop(x, h)
    ref, keep = dropout_reference(x, p, seed)
    assert np.allclose(dx, ref, rtol=1e-6, atol=0)
    ref_h, _ = dropout_reference(h, p, seed)
    assert np.allclose(dh, ref_h, rtol=1e-3, atol=0)
    assert abs(keep.mean() - (1 - p)) < 0.03  # the rate, roughly
    # The same seed: the same mask; another seed: another one.
    assert np.array_equal(drop(x, h)[0], dx)
    if p > 0:
        @tessera.function
        def other(x: Tensor["R", "C", f32]) -> Tensor["R", "C", f32]:
            return tessera.dropout(x, p, (seed + 1) % 2 ** 32)
        assert not np.array_equal(other(x) == 0, dx == 0)


def test_dropout_errors():
    def bad_p(x: Tensor["N", f32]) -> Tensor["N", f32]:
        return tessera.dropout(x, 1.0, 3)

    def no_seed(x: Tensor["N", f32]) -> Tensor["N", f32]:
        return tessera.dropout(x, 0.1, None)
    with pytest.raises(ValueError, match=r"dropout: p is a probability in \[0, 1\), got 1.0"):
        tessera.function(bad_p).mlir
    with pytest.raises(ValueError, match=r"dropout: seed is an int in \[0, 2\*\*32\), got None"):
        tessera.function(no_seed).mlir
