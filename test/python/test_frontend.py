"""The tracing front end: @tessera.function, Tensor annotations, shape
errors at the user's line, numerics policies, and runs on the CPU path."""

import inspect
import math
import re
import traceback

import numpy as np
import pytest

import tessera
from tessera import Tensor, bf16, f16, f32


def _line_of(fn, text):
    """The source line number of `text` inside function `fn`."""
    lines, start = inspect.getsourcelines(fn)
    for offset, line in enumerate(lines):
        if text in line:
            return start + offset
    raise AssertionError(text)


def test_importing_tessera_loads_no_mlir():
    import subprocess
    import sys

    code = ("import sys, tessera; t = tessera.Tensor['B', 4, tessera.f32]; "
            "print(any(m.startswith('tessera._mlir_libs') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={**__import__("os").environ,
                              "PYTHONPATH": __import__("os").path.dirname(
                                  __import__("os").path.dirname(tessera.__file__))})
    assert out.stdout.strip() == "False", out.stderr


def test_annotations():
    spec = Tensor["B", "S", 768, "?", bf16]
    assert spec.dims == ("B", "S", 768, None) and spec.dtype is bf16
    assert spec.mlir_type() == "tensor<?x?x768x?xbf16>"
    # Without an element type: the numerics policy's storage type, later
    # (test_default_dtype.py).
    assert Tensor["B", 4].dtype is None and repr(Tensor["B", 4]) == "Tensor['B', 4]"
    with pytest.raises(TypeError, match="takes dims and an element type"):
        Tensor[()]
    with pytest.raises(TypeError, match="must be an int, a symbol string or '\\?'"):
        Tensor[1.5, f32]


def test_trace_carries_user_locations():
    @tessera.function
    def f(x: Tensor["N", f32]) -> Tensor["N", f32]:
        y = tessera.exp(x)
        return y * y

    text = f.mlir
    assert "tessera_graph.exp" in text and "tessera_graph.mul" in text
    exp_line = _line_of(f._fn, "tessera.exp(x)")
    mul_line = _line_of(f._fn, "return y * y")
    assert f'{__file__}":{exp_line}' in text
    assert f'{__file__}":{mul_line}' in text


def test_shape_error_names_shapes_dimension_and_points_at_user_line():
    @tessera.function
    def bad(x: Tensor["B", "S", "D", f32], y: Tensor["B", "K", "D", f32]) -> Tensor["B", "S", "D", f32]:
        return x + y

    with pytest.raises(tessera.ShapeError) as info:
        bad.mlir
    assert str(info.value) == ("add: shape mismatch in dimension 1: S vs K "
                               "(shapes [B, S, D] and [B, K, D])")
    frames = traceback.extract_tb(info.value.__traceback__)
    user = [fr for fr in frames if fr.filename == __file__]
    assert user[-1].lineno == _line_of(bad._fn, "return x + y")


def test_matmul_and_attention_shape_errors():
    @tessera.function
    def mm(a: Tensor["M", 768, f32], b: Tensor[512, "N", f32]) -> Tensor["M", "N", f32]:
        return a @ b

    with pytest.raises(tessera.ShapeError, match=r"matmul: contraction dimension "
                       r"mismatch: 768 vs 512 \(shapes \[M, 768\] and \[512, N\]\)"):
        mm.mlir

    @tessera.function
    def att(q: Tensor["S", 64, f16], k: Tensor["S", 128, f16]) -> Tensor["S", 64, f16]:
        return tessera.attention(q, k, k)

    with pytest.raises(tessera.ShapeError, match="head dimension of q and k mismatch: 64 vs 128"):
        att.mlir


def test_dims_normalized_and_checked():
    @tessera.function
    def f(x: Tensor["B", "D", f32]) -> Tensor["B", f32]:
        return tessera.softmax(x, dim=-1).sum(dim=-1)

    assert "dim = 1" in f.mlir and "dims = [1]" in f.mlir

    @tessera.function
    def g(x: Tensor["B", "D", f32]) -> Tensor["B", f32]:
        return x.sum(dim=2)

    with pytest.raises(tessera.ShapeError, match="sum: dimension 2 is out of range "
                       "for a tensor of rank 2"):
        g.mlir


def test_reshape_with_two_unknown_dims_is_refused():
    @tessera.function
    def f(x: Tensor["S", "D", f32]) -> Tensor["S", "D", f32]:
        return tessera.reshape(x, ("S", "D"))

    with pytest.raises(tessera.ShapeError, match=r"reshape: at most one dimension of the "
                       r"target \[S, D\] may be unknown"):
        f.mlir


def test_dtype_mismatch_needs_a_policy():
    @tessera.function
    def f(x: Tensor["N", bf16], y: Tensor["N", f32]) -> Tensor["N", bf16]:
        return x * y

    with pytest.raises(TypeError, match="mul: dtype mismatch: bf16 vs f32"):
        f.mlir

    @tessera.function
    def g(x: Tensor["N", bf16], y: Tensor["N", f32]) -> Tensor["N", bf16]:
        with tessera.numerics(storage=bf16, compute=f32):
            return x * y

    assert ("#tessera_graph.numerics<storage = bf16, compute = f32>" in g.mlir)
    x = np.arange(8).astype(tessera.bf16.numpy)
    y = np.full(8, 0.5, np.float32)
    np.testing.assert_array_equal(g(x, y).astype(np.float32), np.arange(8) * 0.5)


def test_function_level_policy_bf16_matmul_accumulates_in_f32():
    @tessera.function(numerics=dict(storage=bf16, accumulate=f32))
    def mm(a: Tensor["M", "K", bf16], b: Tensor["K", "N", bf16]) -> Tensor["M", "N", bf16]:
        return a @ b

    assert "attributes {tessera_graph.numerics = #tessera_graph.numerics<storage = bf16, accumulate = f32>}" in mm.mlir
    rng = np.random.default_rng()
    a = rng.standard_normal((64, 777)).astype(bf16.numpy)
    b = rng.standard_normal((777, 33)).astype(bf16.numpy)
    ref = a.astype(np.float64) @ b.astype(np.float64)
    got = mm(a, b).astype(np.float64)
    assert np.all(np.abs(got - ref) <= 2**-8 * np.abs(ref) + 1e-3)


def test_arguments_are_checked_against_annotations():
    @tessera.function
    def f(x: Tensor["B", 4, f32], y: Tensor["B", 4, f32]) -> Tensor["B", 4, f32]:
        return x + y

    ok = np.ones((3, 4), np.float32)
    np.testing.assert_array_equal(f(ok, ok), 2 * ok)
    with pytest.raises(TypeError, match="argument 'y': expected dtype f32, got float64"):
        f(ok, np.ones((3, 4)))
    with pytest.raises(ValueError, match=r"argument 'x': dimension 1 must be 4, got 5"):
        f(np.ones((3, 5), np.float32), ok)
    with pytest.raises(ValueError, match=r"argument 'y': dimension 0 \(B\) is 2, but B is 3 "
                       r"from argument 'x' dimension 0"):
        f(ok, np.ones((2, 4), np.float32))
    with pytest.raises(ValueError, match=r"argument 'x': expected rank 2"):
        f(np.ones(4, np.float32), ok)
    with pytest.raises(TypeError, match="takes 2 arguments, got 1"):
        f(ok)
    with pytest.raises(TypeError, match="argument 'y': expected an array of dtype f32, got list"):
        f(ok, [[1.0] * 4] * 3)


def test_transformer_block_on_cpu_matches_numpy():
    @tessera.function
    def block(x: Tensor["S", 64, f32], w1: Tensor[64, "F", f32], b1: Tensor["F", f32],
              w2: Tensor["F", 64, f32]) -> Tensor["S", 64, f32]:
        h = tessera.gelu(tessera.layer_norm(x) @ w1 + b1)
        y = x + h @ w2
        q = tessera.reshape(y, (1, -1, 64))
        return x + tessera.reshape(tessera.attention(q, q, q, causal=True), (-1, 64))

    rng = np.random.default_rng()
    S, D, F = 37, 64, 99
    x = rng.standard_normal((S, D)).astype(np.float32)
    w1 = (rng.standard_normal((D, F)) / 8).astype(np.float32)
    b1 = rng.standard_normal(F).astype(np.float32)
    w2 = (rng.standard_normal((F, D)) / 8).astype(np.float32)
    got = block(x, w1, b1, w2)

    x64 = x.astype(np.float64)
    n = (x64 - x64.mean(1, keepdims=True)) / np.sqrt(x64.var(1, keepdims=True) + 1e-5)
    a = n @ w1 + b1
    h = 0.5 * a * (1 + np.vectorize(math.erf)(a / math.sqrt(2)))
    y = x64 + h @ w2
    q = y.reshape(1, S, 64)
    s = q @ q.transpose(0, 2, 1) / 8.0
    s = np.where(np.arange(S)[None, :] > np.arange(S)[:, None], -np.inf, s)
    p = np.exp(s - s.max(-1, keepdims=True))
    ref = x64 + ((p / p.sum(-1, keepdims=True)) @ q).reshape(S, D)
    np.testing.assert_allclose(got, ref, rtol=1e-4, atol=1e-4)


def test_unannotated_argument():
    def f(x):
        return x

    with pytest.raises(TypeError, match=r"argument 'x' of .*f needs a tessera.Tensor\[...\] "
                       r"or tessera.Static\[...\] annotation"):
        tessera.function(f)


def test_var_std_linear_match_numpy():
    @tessera.function
    def stats(x: Tensor["B", "S", 12, f32]) -> Tensor["B", 12, f32]:
        # symbolic (S) and static (12) reduced dims, both corrections
        return x.var(1) + tessera.reshape(tessera.std(x, (0, 1), correction=0), (1, 12)) \
            + x.var(-1, correction=2, keepdim=True).mean(1)

    @tessera.function
    def lin(x: Tensor["S", 12, f32], w: Tensor[7, 12, f32], b: Tensor[7, f32]) -> Tensor["S", 7, f32]:
        return tessera.linear(x, w, b) + tessera.linear(x, w)

    rng = np.random.default_rng()
    x = rng.standard_normal((3, 37, 12)).astype(np.float32)
    x64 = x.astype(np.float64)
    ref = (x64.var(1, ddof=1) + x64.std((0, 1), ddof=0, keepdims=True)[0]
           + x64.var(-1, ddof=2, keepdims=True).mean(1))
    np.testing.assert_allclose(stats(x), ref, rtol=1e-5, atol=1e-5)
    a = rng.standard_normal((29, 12)).astype(np.float32)
    w = rng.standard_normal((7, 12)).astype(np.float32)
    b = rng.standard_normal(7).astype(np.float32)
    a64, w64 = a.astype(np.float64), w.astype(np.float64)
    np.testing.assert_allclose(lin(a, w, b), 2 * (a64 @ w64.T) + b, rtol=1e-5, atol=1e-5)


def test_var_std_linear_errors_and_gpu_compile():
    with pytest.raises(ValueError, match=r"var: correction must be a number >= 0, got -1"):
        @tessera.function
        def bad(x: Tensor["S", 4, f32]) -> Tensor[4, f32]:
            return x.var(0, correction=-1)

        bad.mlir

    with pytest.raises(tessera.ShapeError, match="contraction dimension mismatch: 12 vs 8"):
        @tessera.function
        def wrong(x: Tensor["S", 12, f32], w: Tensor[7, 8, f32]) -> Tensor["S", 7, f32]:
            return tessera.linear(x, w)

        wrong.mlir

    @tessera.function
    def f(x: Tensor["S", 64, f32], w: Tensor[32, 64, f32]) -> Tensor["S", 32, f32]:
        return tessera.linear(x, w) / (x.std(1, keepdim=True) + 1.0)

    for target in ("sm_90", "gfx942"):
        artifact = tessera.compile(f, target=target, use_cache=False)
        assert artifact.binary and artifact.plan["kernels"]


def test_matmul_with_transposed_operand_compiles_for_gpus():
    """`x @ w.T` traces a transpose; the schedule stage folds it into the
    matmul (transpose_rhs), which the GPU kernels read directly (on sm_90
    wgmma, K-major boxes of w's rows, with split_k = auto's summing kernel)."""
    @tessera.function
    def nt(x: Tensor["M", "K", f16], w: Tensor["N", "K", f16]) -> Tensor["M", "N", f16]:
        return x @ w.T

    assert "tessera_graph.transpose" in nt.mlir
    # (on sm_90 the default's, then its row classes' kernels, M <= 16 and
    # M <= 64: decode shapes, chosen at launch; then the split's sum)
    hopper = ["nt_k0_matmul_wgmma", "nt_k1_matmul_wgmma", "nt_k2_matmul_wgmma",
              "nt_k3_matmul_splitk"]
    for target, kernels in (("sm_90", hopper),
                            ("gfx942", ["nt_k0_matmul"])):
        artifact = tessera.compile(nt, target=target, use_cache=False)
        assert [k["name"] for k in artifact.plan["kernels"]] == kernels
        schedule = artifact.mlir("schedule")
        assert "transpose_rhs" in schedule and "tessera_graph.transpose" not in schedule
    rng = np.random.default_rng()
    x = rng.standard_normal((33, 16)).astype(np.float16)
    w = rng.standard_normal((21, 16)).astype(np.float16)
    np.testing.assert_allclose(nt(x, w).astype(np.float64),
                               x.astype(np.float64) @ w.astype(np.float64).T,
                               rtol=2e-3, atol=2e-2)


def test_scaled_fp8_matmul_on_the_cpu_path_and_wgmma():
    """tessera.matmul(a, b, scale_a=, scale_b=, out_dtype=): an f8 product
    kept in f32 (`out = f32`), scaled per row and column, rounded once to
    bf16; on sm_90 one wgmma kernel of k32 e4m3 instructions with the scales
    and the cast as its epilogue (and split-K's summing kernel)."""
    ml_dtypes = pytest.importorskip("ml_dtypes")
    e4m3 = tessera.f8e4m3

    @tessera.function
    def mm(a: Tensor["M", "K", e4m3], w: Tensor["N", "K", e4m3], sa: Tensor["M", 1, f32],
           sb: Tensor[1, "N", f32]) -> Tensor["M", "N", bf16]:
        return tessera.matmul(a, w, transpose_b=True, scale_a=sa, scale_b=sb, out_dtype=bf16)

    assert re.search(r"tessera_graph.matmul .* transpose_rhs out = f32 .*-> tensor<\?x\?xf32>",
                     mm.mlir)
    rng = np.random.default_rng()
    m, n, k = 37, 45, 96
    a = rng.standard_normal((m, k)).astype(ml_dtypes.float8_e4m3fn)
    w = rng.standard_normal((n, k)).astype(ml_dtypes.float8_e4m3fn)
    sa = rng.uniform(0.25, 2.0, (m, 1)).astype(np.float32)
    sb = rng.uniform(0.25, 2.0, (1, n)).astype(np.float32)
    got = mm(a, w, sa, sb)
    assert got.dtype == ml_dtypes.bfloat16
    ref = (a.astype(np.float64) @ w.astype(np.float64).T) * sa * sb
    # one bf16 rounding of an f32 sum of exact f8 products
    np.testing.assert_allclose(got.astype(np.float64), ref, rtol=2.0 ** -8, atol=1e-3)

    artifact = tessera.compile(mm, target="sm_90", use_cache=False)
    # (and the two f8 row classes' kernels: M <= 16 and M <= 128)
    assert [kk["name"] for kk in artifact.plan["kernels"]] == [
        "mm_k0_matmul_wgmma", "mm_k1_matmul_wgmma", "mm_k2_matmul_wgmma",
        "mm_k3_matmul_splitk"]
    assert "wgmma.mma_async.sync.aligned.m64n256k32.f32.e4m3.e4m3" in artifact.ptx

    # w stored [K, N]: tessera-schedule-layout transposes it for wgmma (a
    # kernel of its own) rather than leaving the matmul to the SIMT kernel
    @tessera.function
    def mm_kn(a: Tensor["M", "K", e4m3], w: Tensor["K", "N", e4m3], sa: Tensor["M", 1, f32],
              sb: Tensor[1, "N", f32]) -> Tensor["M", "N", bf16]:
        return tessera.matmul(a, w, scale_a=sa, scale_b=sb, out_dtype=bf16)

    w_kn = np.ascontiguousarray(w.T)
    np.testing.assert_allclose(mm_kn(a, w_kn, sa, sb).astype(np.float64), ref,
                               rtol=2.0 ** -8, atol=1e-3)
    artifact = tessera.compile(mm_kn, target="sm_90", use_cache=False)
    assert [kk["name"] for kk in artifact.plan["kernels"]] == [
        "mm_kn_k0_transpose", "mm_kn_k1_transpose", "mm_kn_k2_matmul_wgmma",
        "mm_kn_k3_matmul_wgmma", "mm_kn_k4_matmul_wgmma", "mm_kn_k5_matmul_splitk"]

    # per-tensor scales as Python numbers; f8 results come back as f8 arrays
    @tessera.function
    def plain(a: Tensor["M", "K", e4m3], w: Tensor["N", "K", e4m3]) -> Tensor["M", "N", e4m3]:
        return tessera.matmul(a, w, transpose_b=True)

    @tessera.function
    def by_numbers(a: Tensor["M", "K", e4m3], w: Tensor["N", "K", e4m3]) -> Tensor["M", "N", f32]:
        return tessera.matmul(a, w, transpose_b=True, scale_a=0.5, scale_b=3.0, out_dtype=f32)

    product = a.astype(np.float64) @ w.astype(np.float64).T
    assert plain(a, w).dtype == ml_dtypes.float8_e4m3fn
    np.testing.assert_allclose(plain(a, w).astype(np.float64), product, rtol=2.0 ** -4, atol=2e-2)
    np.testing.assert_allclose(by_numbers(a, w), 1.5 * product, rtol=1e-5, atol=1e-4)


def test_matmul_out_dtype_keeps_the_product_wider():
    """out_dtype: an f16 product kept in f32 (accumulated in f32, rounded
    once to f32), an i8 one in i32 (accumulated in i32: no wraparound in
    i8); on every target."""
    @tessera.function
    def wide(a: Tensor["M", "K", f16], b: Tensor["K", "N", f16]) -> Tensor["M", "N", f32]:
        return tessera.matmul(a, b, out_dtype=f32)

    @tessera.function
    def ints(a: Tensor["M", "K", tessera.i8], b: Tensor["K", "N", tessera.i8]) -> Tensor["M", "N", tessera.i32]:
        return tessera.matmul(a, b, out_dtype=tessera.i32)

    rng = np.random.default_rng()
    a = rng.standard_normal((33, 70)).astype(np.float16)
    b = rng.standard_normal((70, 41)).astype(np.float16)
    got = wide(a, b)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, a.astype(np.float64) @ b.astype(np.float64), rtol=1e-5,
                               atol=1e-4)
    ai = rng.integers(-100, 100, (33, 70)).astype(np.int8)
    bi = rng.integers(-100, 100, (70, 41)).astype(np.int8)
    np.testing.assert_array_equal(ints(ai, bi), ai.astype(np.int64) @ bi.astype(np.int64))
    for target in ("sm_90", "sm_80", "gfx942"):
        for fn in (wide, ints):
            assert tessera.compile(fn, target=target, use_cache=False).plan["kernels"]


def test_numpy_constants_in_programs():
    """tessera.constant(array) and NumPy arrays as operands (of the other
    operand's dtype, as Python numbers are): the CPU path's values, and on
    GPUs kernels that embed small ones and buffers the plan carries for the
    others (300 elements here)."""
    w = np.linspace(-2.0, 2.0, 300)
    mask = np.array([[True, False, True], [False, True, True]])

    @tessera.function
    def scale(x: Tensor["B", 300, f32]) -> Tensor["B", 300, f32]:
        return x * w + tessera.constant(np.arange(300, dtype=np.float32))

    @tessera.function
    def masked(x: Tensor[2, 3, f16]) -> Tensor[2, 3, f16]:
        return tessera.where(tessera.constant(mask), x * np.array([1.0, 2.0, 3.0]), 0.0)

    rng = np.random.default_rng()
    x = rng.standard_normal((7, 300)).astype(np.float32)
    np.testing.assert_allclose(scale(x), x * w.astype(np.float32) + np.arange(300),
                               rtol=1e-6, atol=1e-5)
    h = rng.standard_normal((2, 3)).astype(np.float16)
    np.testing.assert_array_equal(masked(h), np.where(mask, h * np.array([1, 2, 3], np.float16), 0))
    art = tessera.compile(scale, target="sm_90", use_cache=False)
    assert [c["dims"] for c in art.plan["constants"]] == [[300], [300]]
    assert "constants" not in tessera.compile(masked, target="sm_90", use_cache=False).plan
    with pytest.raises(TypeError, match=r"constant: no Tessera dtype for complex128 "
                                        r"\(pass dtype=, e.g. tessera.f32\)"):
        @tessera.function
        def bad(x: Tensor[2, f32]) -> Tensor[2, f32]:
            return x + tessera.constant(np.array([1j, 2j]))
        bad.mlir


def test_scaled_matmul_errors():
    e4m3 = tessera.f8e4m3
    with pytest.raises(tessera.ShapeError, match=r"matmul: scale_a has shape \[M\]; it takes "
                       r"\[\], \[1\], \[1, 1\], \[M, 1\]"):
        @tessera.function
        def rows_as_vector(a: Tensor["M", "K", e4m3], w: Tensor["N", "K", e4m3],
                           s: Tensor["M", f32]) -> Tensor["M", "N", bf16]:
            return tessera.matmul(a, w, transpose_b=True, scale_a=s, out_dtype=bf16)
        rows_as_vector.mlir
    with pytest.raises(TypeError, match="matmul: scale_b must be f32, got f16"):
        @tessera.function
        def half_scale(a: Tensor["M", "K", e4m3], w: Tensor["N", "K", e4m3],
                       s: Tensor[1, f16]) -> Tensor["M", "N", bf16]:
            return tessera.matmul(a, w, transpose_b=True, scale_b=s, out_dtype=bf16)
        half_scale.mlir
    with pytest.raises(TypeError, match="matmul: out_dtype i32 for f16 operands"):
        @tessera.function
        def int_out(a: Tensor["M", "K", f16], w: Tensor["K", "N", f16]) -> Tensor["M", "N", f16]:
            return tessera.matmul(a, w, out_dtype=tessera.i32)
        int_out.mlir


def test_leading_ellipsis_dims():
    """'...' stands for any number of leading dims, the same ones in every
    argument that has it; calls trace once per number."""
    @tessera.function
    def norm(x: Tensor["...", "D", f32], w: Tensor["D", f32]) -> Tensor["...", "D", f32]:
        return tessera.layer_norm(x) * w

    rng = np.random.default_rng()
    w = rng.standard_normal(16).astype(np.float32)
    for shape in [(16,), (5, 16), (2, 3, 16)]:
        x = rng.standard_normal(shape).astype(np.float32)
        x64 = x.astype(np.float64)
        ref = (x64 - x64.mean(-1, keepdims=True)) / np.sqrt(x64.var(-1, keepdims=True) + 1e-5)
        np.testing.assert_allclose(norm(x, w), ref * w, rtol=1e-5, atol=1e-5)
    assert sorted(norm._specializations) == [(0, ()), (1, ()), (2, ())]
    with pytest.raises(TypeError, match=r"norm has '...' dims, so its Graph IR depends on "
                                        r"how many: use norm.specialize\(n\)"):
        norm.mlir
    special = norm.specialize(2)
    assert special is norm.specialize(2) and not special.variadic
    artifact = tessera.compile(special, target="sm_90", use_cache=False)
    assert artifact.plan["inputs"][0]["dims"] == ["_lead0", "_lead1", "D"]

    @tessera.jit(target="cpu")
    def add(x: Tensor["...", 4, f32], y: Tensor["...", 4, f32]) -> Tensor["...", 4, f32]:
        return x + y

    a = rng.standard_normal((3, 2, 4)).astype(np.float32)
    np.testing.assert_allclose(add(a, a), 2 * a)
    with pytest.raises(ValueError, match=r"argument 'y': '...' stands for 2 leading dims "
                                         r"here but 1 in argument 'x'"):
        add(a[0], a)
    with pytest.raises(ValueError, match=r"argument 'y': dimension 0 \(_lead0\) is 3, but "
                                         r"_lead0 is 2"):
        add(a[0], a[:, 0])
    with pytest.raises(ValueError, match=r"argument 'x': expected at least 1 dims"):
        add(np.float32(1.0), a)


def test_leading_ellipsis_annotation_errors():
    with pytest.raises(TypeError, match=r"'...' \(any leading dims\) must come first"):
        Tensor["B", "...", f32]
    with pytest.raises(TypeError, match=r"symbols starting with '_lead' name the dims of "
                                        r"a '...'"):
        Tensor["_lead0", f32]
    assert Tensor[..., "D", f32] == Tensor["...", "D", f32]
    with pytest.raises(ValueError, match=r"the number of leading dims must be an int >= 0"):
        @tessera.function
        def f(x: Tensor["...", f32]) -> Tensor["...", f32]:
            return x

        f.specialize(-1)


def test_f64_runs_on_the_cpu_path_and_compiles_for_gpus():
    from tessera import f64

    @tessera.function
    def f(x: Tensor["S", "D", f64], w: Tensor["D", "F", f64]) -> Tensor["S", "F", f64]:
        return tessera.softmax(x @ w) * x.std(1, keepdim=True)

    rng = np.random.default_rng()
    x, w = rng.standard_normal((9, 5)), rng.standard_normal((5, 4))
    s = x @ w
    p = np.exp(s - s.max(1, keepdims=True))
    ref = p / p.sum(1, keepdims=True) * x.std(1, ddof=1, keepdims=True)
    got = f(x, w)
    assert got.dtype == np.float64
    np.testing.assert_allclose(got, ref, rtol=1e-12, atol=1e-12)
    # The GPU targets compile it too (run on the device by test/gpu/cases.py's
    # f64 cases): f64 math through the vendor's library, no refusal.
    for chip in ("sm_90", "gfx942"):
        assert tessera.compile(f, target=chip, use_cache=False).plan["kernels"]


def test_where_with_a_python_scalar():
    from tessera import bool_

    @tessera.function
    def f(c: Tensor["S", 8, bool_], x: Tensor["S", 8, f32]) -> Tensor["S", 8, f32]:
        return tessera.where(c, x, 0.0) + tessera.where(c, -1.0, x)

    rng = np.random.default_rng()
    c = rng.standard_normal((5, 8)) > 0
    x = rng.standard_normal((5, 8)).astype(np.float32)
    np.testing.assert_allclose(f(c, x), np.where(c, x, 0) + np.where(c, -1, x))
    for target in ("sm_90", "gfx942"):
        assert tessera.compile(f, target=target, use_cache=False).plan["kernels"]
    with pytest.raises(TypeError, match="where: at least one of a and b must be a tensor"):
        @tessera.function
        def g(c: Tensor["S", bool_]) -> Tensor["S", f32]:
            return tessera.where(c, 1.0, 0.0)

        g.mlir


def test_var_edge_cases():
    from tessera import i32

    @tessera.function
    def over(x: Tensor["S", 2, f32]) -> Tensor["S", f32]:
        return x.var(1, correction=3)            # n - correction < 0: inf, as torch

    @tessera.function
    def over_symbolic(x: Tensor["S", "D", f32]) -> Tensor["S", f32]:
        return x.var(1, correction=3)

    x = np.array([[1.0, 2.0], [3.0, 5.0]], np.float32)
    assert np.all(np.isinf(over(x))) and np.all(np.isinf(over_symbolic(x)))
    with pytest.raises(TypeError, match=r"var: needs a floating-point tensor, got i32"):
        @tessera.function
        def ints(x: Tensor["S", i32]) -> Tensor[i32]:
            return x.var()

        ints.mlir

    @tessera.function
    def lead(x: Tensor["...", f32]) -> Tensor["...", f32]:
        return x

    with pytest.raises(TypeError, match=r"argument 'x': expected an array of dtype f32, got list"):
        lead([1.0, 2.0])


def test_named_numerics_policies():
    """Define once, apply by name or object as a decorator argument or a
    context manager; nested policies resolve innermost-first, field by
    field, and each op's policy is in the Graph IR."""
    training = tessera.numerics.policy("test-training", storage=bf16, compute=f32,
                                       accumulate=f32)
    assert tessera.numerics.policy("test-training", storage=bf16, compute=f32,
                                   accumulate=f32) is training
    assert tessera.numerics("test-training") is training
    with pytest.raises(ValueError, match=r"numerics policy 'test-training' is already "
                                         r"defined as #tessera_graph.numerics<storage = bf16"):
        tessera.numerics.policy("test-training", storage=f16)
    with pytest.raises(ValueError, match=r"no numerics policy named 'nope' \(defined: .*"
                                         r"test-training"):
        tessera.numerics("nope")
    with pytest.raises(TypeError, match=r"numerics: unknown fields \['storag'\]"):
        tessera.numerics(storag=bf16)
    with pytest.raises(ValueError, match="rounding must be nearest, stochastic or toward_zero"):
        tessera.numerics(rounding="up")

    @tessera.function(numerics="test-training")
    def mm(a: Tensor["M", "K", bf16], b: Tensor["K", "N", bf16]) -> Tensor["M", "N", bf16]:
        return a @ b

    assert "#tessera_graph.numerics<storage = bf16, compute = f32, accumulate = f32>" \
        in mm.mlir

    @tessera.function
    def nested(x: Tensor["N", bf16], y: Tensor["N", f32]) -> Tensor["N", bf16]:
        with training:
            a = x * y                                   # the outer policy
            with tessera.numerics(rounding="stochastic"):
                b = a * y                               # its fields + stochastic
        return b

    text = nested.mlir
    assert text.count("#tessera_graph.numerics<storage = bf16, compute = f32, "
                      "accumulate = f32>") >= 1
    assert ("#tessera_graph.numerics<storage = bf16, compute = f32, accumulate = f32, "
            "rounding = stochastic>") in text
    assert tessera.numerics(training, rounding="stochastic").rounding == "stochastic"
    assert isinstance(training, tessera.Policy) and training.name == "test-training"


def test_static_arguments():
    """Static[bool/int/float] arguments are fixed at trace time: each value
    is its own specialization; kernels take only the tensors."""
    from tessera import Static

    @tessera.function
    def attn(q: Tensor["S", 16, f32], causal: Static[bool],
             scale: Static[float]) -> Tensor["S", 16, f32]:
        return tessera.attention(q, q, q, causal=causal, scale=scale)

    rng = np.random.default_rng()
    q = rng.standard_normal((9, 16)).astype(np.float32)

    def ref(causal, scale):
        q64 = q.astype(np.float64)
        s = q64 @ q64.T * scale
        if causal:
            s = np.where(np.arange(9)[None, :] > np.arange(9)[:, None], -np.inf, s)
        p = np.exp(s - s.max(1, keepdims=True))
        return p / p.sum(1, keepdims=True) @ q64

    np.testing.assert_allclose(attn(q, True, 0.25), ref(True, 0.25), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(attn(q, causal=False, scale=1), ref(False, 1.0),
                               rtol=1e-5, atol=1e-5)
    assert len(attn._specializations) == 2
    with pytest.raises(TypeError, match=r"attn has static arguments \(causal, scale\), so "
                                        r"its Graph IR depends on their values"):
        attn.mlir
    special = attn.specialize(causal=True, scale=0.5)
    assert "causal" in special.mlir and special.specs == attn.specs
    artifact = tessera.compile(special, target="sm_90", use_cache=False)
    assert [a["name"] for a in artifact.plan["inputs"]] == ["q"]
    with pytest.raises(TypeError, match=r"static argument 'causal' must be a bool, got int 1"):
        attn(q, 1, 0.5)
    with pytest.raises(TypeError, match=r"attn.specialize: give the static arguments scale"):
        attn.specialize(causal=True)
    with pytest.raises(TypeError, match=r"static argument 'causal' is fixed already \(True\)"):
        special(q, causal=False)
    with pytest.raises(TypeError, match=r"'eps' is not a static argument \(those are: "
                                        r"causal, scale\)"):
        attn.specialize(causal=True, scale=1.0, eps=1e-5)
    with pytest.raises(TypeError, match=r"Static\[...\] takes bool, int or float"):
        Static[str]

    @tessera.jit(target="cpu")
    def norm(x: Tensor["...", 8, f32], eps: Static[float]) -> Tensor["...", 8, f32]:
        return tessera.layer_norm(x, eps=eps)

    x = rng.standard_normal((2, 3, 8)).astype(np.float32)
    x64 = x.astype(np.float64)
    expect = (x64 - x64.mean(-1, keepdims=True)) / np.sqrt(x64.var(-1, keepdims=True) + 0.5)
    np.testing.assert_allclose(norm(x, eps=0.5), expect, rtol=1e-5, atol=1e-5)
