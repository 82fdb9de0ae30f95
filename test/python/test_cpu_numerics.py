"""Every Graph IR op through tessera-lower-to-cpu and the ExecutionEngine,
against a float64 numpy reference on random inputs with ragged shapes.

The seed is fresh per run (printed on failure); set TESSERA_TEST_SEED to
replay one.
"""

import math
import os

import ml_dtypes
import numpy as np
import pytest

from tessera import ir
from tessera.cpu import CPUModule

SEED = int(os.environ.get("TESSERA_TEST_SEED", np.random.SeedSequence().entropy % 2**32))
BF16 = ml_dtypes.bfloat16
TOL = {np.float32: (2e-5, 2e-5), np.float16: (2e-3, 2e-3), BF16: (1.6e-2, 1.6e-2)}
MLIR_TYPE = {np.float32: "f32", np.float16: "f16", BF16: "bf16", np.int32: "i32",
             np.int8: "i8", np.bool_: "i1"}


@pytest.fixture
def rng(request):
    # One stream per test, derived from the run's seed and the test's name.
    return np.random.default_rng([SEED, abs(hash(request.node.name)) % 2**32])


def ttype(shape, dtype):
    dims = "x".join("?" if d is None else str(d) for d in shape)
    elem = MLIR_TYPE[dtype]
    return f"tensor<{dims}x{elem}>" if shape else f"tensor<{elem}>"


def run(body, args, arg_types, result_type):
    """Compiles `func @f(args) -> result { body }` and runs it."""
    params = ", ".join(f"%a{i}: {t}" for i, t in enumerate(arg_types))
    src = (f"func.func @f({params}) -> {result_type} {{\n{body}\n"
           f"  return %r : {result_type}\n}}")
    with ir.Context():
        return CPUModule(src)("f", *args)


def check(got, ref, dtype=np.float32, tol=None):
    rtol, atol = tol or TOL[dtype]
    got64 = np.asarray(got).astype(np.float64)
    assert got64.shape == np.shape(ref), (got64.shape, np.shape(ref))
    assert np.all(np.isfinite(got64) == np.isfinite(ref)), f"seed {SEED}: non-finite mismatch"
    err = np.abs(got64 - ref)
    bound = atol + rtol * np.abs(ref)
    bad = np.argwhere(~(err <= bound) & np.isfinite(ref))
    assert bad.size == 0, (f"seed {SEED}: {len(bad)} elements off, first at {bad[0]}: "
                           f"got {got64[tuple(bad[0])]}, want {ref[tuple(bad[0])]}")


def randn(rng, shape, dtype=np.float32):
    return rng.standard_normal(shape).astype(dtype)


#===--- Elementwise -------------------------------------------------------===#

BINARY = {
    "add": np.add, "sub": np.subtract, "mul": np.multiply, "div": np.divide,
    "max": np.maximum, "min": np.minimum, "pow": np.power,
}
BROADCAST_CASES = [
    ((37, 1000), (37, 1000)),
    ((37, 1000), (1000,)),
    ((4, 1, 8), (3, 1)),
    ((1, 999), (37, 1)),
]


@pytest.mark.parametrize("op", sorted(BINARY))
@pytest.mark.parametrize("shapes", BROADCAST_CASES, ids=str)
def test_binary(rng, op, shapes):
    a, b = randn(rng, shapes[0]), randn(rng, shapes[1])
    if op == "div":
        b = (np.abs(b) + 0.5) * np.sign(b + 1e-3)
    if op == "pow":
        a = np.abs(a) + 0.1
    out_shape = np.broadcast_shapes(*shapes)
    types = [ttype(s, np.float32) for s in shapes]
    got = run(f"  %r = tessera_graph.{op} %a0, %a1 : {types[0]}, {types[1]} -> "
              f"{ttype(out_shape, np.float32)}", [a, b], types, ttype(out_shape, np.float32))
    check(got, BINARY[op](a.astype(np.float64), b.astype(np.float64)), tol=(1e-5, 1e-5))


def test_binary_dynamic_shapes(rng):
    a, b = randn(rng, (37, 1000)), randn(rng, (1, 1000))
    t = ttype((None, None), np.float32)
    got = run(f"  %r = tessera_graph.add %a0, %a1 : {t}, tensor<1x?xf32> -> {t}",
              [a, b], [t, "tensor<1x?xf32>"], t)
    check(got, a.astype(np.float64) + b)


def test_binary_bf16_under_policy_computes_in_f32(rng):
    a = randn(rng, (37, 100), BF16)
    b = randn(rng, (37, 100))
    policy = "{tessera_graph.numerics = #tessera_graph.numerics<storage = bf16, compute = f32>}"
    got = run(f"  %r = tessera_graph.mul %a0, %a1 {policy} : tensor<37x100xbf16>, "
              f"tensor<37x100xf32> -> tensor<37x100xbf16>",
              [a, b], ["tensor<37x100xbf16>", "tensor<37x100xf32>"], "tensor<37x100xbf16>")
    ref = (a.astype(np.float32) * b).astype(BF16).astype(np.float64)
    check(got, ref, tol=(0, 0))  # exactly the f32 product rounded once to bf16


erf = np.vectorize(math.erf)
UNARY = {
    "neg": np.negative, "abs": np.abs, "exp": np.exp, "log": np.log,
    "sqrt": np.sqrt, "rsqrt": lambda x: 1 / np.sqrt(x), "tanh": np.tanh,
    "sigmoid": lambda x: 1 / (1 + np.exp(-x)), "relu": lambda x: np.maximum(x, 0),
    "silu": lambda x: x / (1 + np.exp(-x)),
    "gelu": lambda x: 0.5 * x * (1 + erf(x / math.sqrt(2))),
}
POSITIVE = {"log", "sqrt", "rsqrt"}


@pytest.mark.parametrize("op", sorted(UNARY))
@pytest.mark.parametrize("dtype", [np.float32, np.float16, BF16], ids=["f32", "f16", "bf16"])
def test_unary(rng, op, dtype):
    x = randn(rng, (37, 1000))
    if op in POSITIVE:
        x = np.abs(x) + 0.05
    x = x.astype(dtype)
    t = ttype((37, 1000), dtype)
    got = run(f"  %r = tessera_graph.{op} %a0 : {t}", [x], [t], t)
    ref = UNARY[op](x.astype(np.float64))
    if dtype is not np.float32:
        # Computed in f32, rounded once to the storage type.
        ref = ref.astype(dtype).astype(np.float64)
        check(got, ref, tol=(np.finfo(dtype).eps, 1e-6) if dtype is np.float16 else (2**-7, 1e-6))
    else:
        check(got, ref)


def test_gelu_tanh(rng):
    x = randn(rng, (37, 1000))
    t = ttype((37, 1000), np.float32)
    got = run(f"  %r = tessera_graph.gelu %a0 approximate = tanh : {t}", [x], [t], t)
    x64 = x.astype(np.float64)
    check(got, 0.5 * x64 * (1 + np.tanh(math.sqrt(2 / math.pi) * (x64 + 0.044715 * x64**3))))


def test_integer_elementwise(rng):
    a = rng.integers(-100, 100, (37, 99)).astype(np.int32)
    b = rng.integers(-100, 100, (99,)).astype(np.int32)
    t = ttype((37, 99), np.int32)
    got = run(f"  %s = tessera_graph.max %a0, %a1 : {t}, tensor<99xi32> -> {t}\n"
              f"  %r = tessera_graph.relu %s : {t}",
              [a, b], [t, "tensor<99xi32>"], t)
    np.testing.assert_array_equal(got, np.maximum(np.maximum(a, b), 0))


#===--- Casts and select --------------------------------------------------===#

def test_cast_float_narrowing(rng):
    x = randn(rng, (37, 1000)) * 100
    for dst, ref in ((BF16, x.astype(BF16)), (np.float16, x.astype(np.float16))):
        t_in, t_out = ttype((37, 1000), np.float32), ttype((37, 1000), dst)
        got = run(f"  %r = tessera_graph.cast %a0 : {t_in} -> {t_out}", [x], [t_in], t_out)
        np.testing.assert_array_equal(got.view(np.uint16), ref.view(np.uint16))


def test_cast_toward_zero(rng):
    x = randn(rng, (1000,))
    got = run("  %r = tessera_graph.cast %a0 rounding = toward_zero : tensor<1000xf32> -> tensor<1000xbf16>",
              [x], ["tensor<1000xf32>"], "tensor<1000xbf16>")
    # Truncating the low 16 bits of an f32 is rounding toward zero to bf16.
    truncated = (x.view(np.uint32) & 0xFFFF0000).view(np.float32)
    np.testing.assert_array_equal(got.astype(np.float32), truncated)


def test_cast_saturate(rng):
    x = (randn(rng, (1000,)) * 1e5).astype(np.float32)
    got = run("  %r = tessera_graph.cast %a0 saturate : tensor<1000xf32> -> tensor<1000xf16>",
              [x], ["tensor<1000xf32>"], "tensor<1000xf16>")
    np.testing.assert_array_equal(got, np.clip(x, -65504, 65504).astype(np.float16))
    got = run("  %r = tessera_graph.cast %a0 saturate : tensor<1000xf32> -> tensor<1000xi8>",
              [x / 1e3], ["tensor<1000xf32>"], "tensor<1000xi8>")
    np.testing.assert_array_equal(got, np.clip(np.round(x / 1e3), -128, 127).astype(np.int8))


def test_cast_int_to_float(rng):
    x = rng.integers(-2**20, 2**20, (37, 100)).astype(np.int32)
    got = run("  %r = tessera_graph.cast %a0 : tensor<37x100xi32> -> tensor<37x100xf32>",
              [x], ["tensor<37x100xi32>"], "tensor<37x100xf32>")
    np.testing.assert_array_equal(got, x.astype(np.float32))


def test_select(rng):
    c = rng.random((37, 1)) > 0.5
    a, b = randn(rng, (37, 1000)), randn(rng, (1000,))
    t = ttype((37, 1000), np.float32)
    got = run(f"  %r = tessera_graph.select %a0, %a1, %a2 : tensor<37x1xi1>, {t}, tensor<1000xf32> -> {t}",
              [c, a, b], ["tensor<37x1xi1>", t, "tensor<1000xf32>"], t)
    np.testing.assert_array_equal(got, np.where(c, a, b))


#===--- Matmul ------------------------------------------------------------===#

MATMUL_CASES = [
    # lhs shape, rhs shape, transpose_lhs, transpose_rhs
    ((100, 77), (77, 131), False, False),
    ((77, 100), (131, 77), True, True),
    ((3, 45, 17), (3, 17, 29), False, False),
    ((2, 1, 33, 17), (3, 29, 17), False, True),
]


@pytest.mark.parametrize("case", MATMUL_CASES, ids=str)
def test_matmul(rng, case):
    ls, rs, tl, tr = case
    a, b = randn(rng, ls), randn(rng, rs)
    a64 = np.swapaxes(a, -1, -2) if tl else a
    b64 = np.swapaxes(b, -1, -2) if tr else b
    ref = np.matmul(a64.astype(np.float64), b64.astype(np.float64))
    flags = (" transpose_lhs" if tl else "") + (" transpose_rhs" if tr else "")
    types = [ttype(ls, np.float32), ttype(rs, np.float32)]
    out = ttype(ref.shape, np.float32)
    got = run(f"  %r = tessera_graph.matmul %a0, %a1{flags} : {types[0]}, {types[1]} -> {out}",
              [a, b], types, out)
    check(got, ref, tol=(1e-4, 1e-4))


def test_matmul_dynamic(rng):
    a, b = randn(rng, (100, 77)), randn(rng, (77, 131))
    t = "tensor<?x?xf32>"
    got = run(f"  %r = tessera_graph.matmul %a0, %a1 : {t}, {t} -> {t}", [a, b], [t, t], t)
    check(got, a.astype(np.float64) @ b, tol=(1e-4, 1e-4))


def test_matmul_bf16_accumulates_in_f32(rng):
    # K = 777 sums in bf16 would lose ~3 digits; accumulated in f32 and rounded
    # once, the result is within one bf16 rounding of the exact product.
    a, b = randn(rng, (64, 777), BF16), randn(rng, (777, 50), BF16)
    ref = a.astype(np.float64) @ b.astype(np.float64)
    got = run("  %r = tessera_graph.matmul %a0, %a1 acc = f32 : tensor<64x777xbf16>, "
              "tensor<777x50xbf16> -> tensor<64x50xbf16>",
              [a, b], ["tensor<64x777xbf16>", "tensor<777x50xbf16>"], "tensor<64x50xbf16>")
    check(got, ref, tol=(2**-8, 1e-3))
    # The same through a function-level policy instead of the op's attribute.
    params = "%a0: tensor<64x777xbf16>, %a1: tensor<777x50xbf16>"
    src = (f"func.func @f({params}) -> tensor<64x50xbf16> attributes "
           "{tessera_graph.numerics = #tessera_graph.numerics<storage = bf16, accumulate = f32>} {\n"
           "  %r = tessera_graph.matmul %a0, %a1 : tensor<64x777xbf16>, tensor<777x50xbf16> -> tensor<64x50xbf16>\n"
           "  return %r : tensor<64x50xbf16>\n}")
    with ir.Context():
        got2 = CPUModule(src)("f", a, b)
    check(got2, ref, tol=(2**-8, 1e-3))


#===--- Reductions and normalizations -------------------------------------===#

REDUCE = {"sum": np.sum, "max": np.max, "min": np.min, "mean": np.mean}


@pytest.mark.parametrize("kind", sorted(REDUCE))
@pytest.mark.parametrize("shape,dims,keepdim", [
    ((37, 1000), (1,), False),
    ((37, 1000), (0,), True),
    ((4, 5, 6), (0, 2), False),
    ((4, 5, 6), (0, 1, 2), True),
    ((37, 1000), (0, 1), False),
], ids=str)
def test_reduce(rng, kind, shape, dims, keepdim):
    x = randn(rng, shape)
    ref = REDUCE[kind](x.astype(np.float64), axis=dims, keepdims=keepdim)
    t_in, t_out = ttype(shape, np.float32), ttype(ref.shape, np.float32)
    kd = " keepdim" if keepdim else ""
    got = run(f"  %r = tessera_graph.reduce {kind} %a0 dims = {list(dims)}{kd} : {t_in} -> {t_out}",
              [x], [t_in], t_out)
    check(got, ref, tol=(1e-5, 1e-4))


def test_reduce_f16_sums_in_f32(rng):
    x = randn(rng, (8, 4096), np.float16)
    got = run("  %r = tessera_graph.reduce sum %a0 dims = [1] : tensor<8x4096xf16> -> tensor<8xf16>",
              [x], ["tensor<8x4096xf16>"], "tensor<8xf16>")
    ref = x.astype(np.float64).sum(1)
    check(got, ref.astype(np.float16).astype(np.float64), tol=(2e-3, 2e-3))


@pytest.mark.parametrize("op", ["softmax", "log_softmax"])
@pytest.mark.parametrize("dim", [0, 1])
def test_softmax(rng, op, dim):
    x = randn(rng, (37, 1023)) * 4
    x64 = x.astype(np.float64)
    shifted = x64 - x64.max(dim, keepdims=True)
    lse = np.log(np.exp(shifted).sum(dim, keepdims=True))
    ref = np.exp(shifted - lse) if op == "softmax" else shifted - lse
    t = ttype((37, 1023), np.float32)
    got = run(f"  %r = tessera_graph.{op} %a0 dim = {dim} : {t}", [x], [t], t)
    # log_softmax subtracts two f32 values of magnitude ~|x|: absolute error.
    check(got, ref, tol=(1e-5, 1e-6) if op == "softmax" else (1e-5, 2e-5))


def test_softmax_bf16(rng):
    x = randn(rng, (37, 1000), BF16)
    x64 = x.astype(np.float64)
    e = np.exp(x64 - x64.max(1, keepdims=True))
    got = run("  %r = tessera_graph.softmax %a0 dim = 1 : tensor<37x1000xbf16>",
              [x], ["tensor<37x1000xbf16>"], "tensor<37x1000xbf16>")
    check(got, e / e.sum(1, keepdims=True), dtype=BF16)


@pytest.mark.parametrize("weighted", [False, True])
def test_layer_norm(rng, weighted):
    x, w, b = randn(rng, (37, 1000)) * 3 + 1, randn(rng, (1000,)), randn(rng, (1000,))
    x64 = x.astype(np.float64)
    ref = (x64 - x64.mean(1, keepdims=True)) / np.sqrt(x64.var(1, keepdims=True) + 1e-5)
    t = ttype((37, 1000), np.float32)
    if weighted:
        ref = ref * w + b
        body = (f"  %r = tessera_graph.layer_norm %a0 weight(%a1 : tensor<1000xf32>) "
                f"bias(%a2 : tensor<1000xf32>) : {t}")
        got = run(body, [x, w, b], [t, "tensor<1000xf32>", "tensor<1000xf32>"], t)
    else:
        got = run(f"  %r = tessera_graph.layer_norm %a0 : {t}", [x], [t], t)
    check(got, ref, tol=(1e-4, 1e-4))


def test_rms_norm(rng):
    x, w = randn(rng, (37, 1000)), randn(rng, (1000,))
    x64 = x.astype(np.float64)
    ref = x64 / np.sqrt((x64**2).mean(1, keepdims=True) + 1e-6) * w
    t = ttype((37, 1000), np.float32)
    got = run(f"  %r = tessera_graph.rms_norm %a0 weight(%a1 : tensor<1000xf32>) epsilon = 1.0e-6 : {t}",
              [x, w], [t, "tensor<1000xf32>"], t)
    check(got, ref, tol=(1e-4, 1e-5))


def test_layer_norm_bf16(rng):
    x = randn(rng, (37, 1000), BF16)
    x64 = x.astype(np.float64)
    ref = (x64 - x64.mean(1, keepdims=True)) / np.sqrt(x64.var(1, keepdims=True) + 1e-5)
    got = run("  %r = tessera_graph.layer_norm %a0 : tensor<37x1000xbf16>",
              [x], ["tensor<37x1000xbf16>"], "tensor<37x1000xbf16>")
    check(got, ref, dtype=BF16)


#===--- Shape manipulation ------------------------------------------------===#

def test_transpose(rng):
    x = randn(rng, (3, 37, 100))
    got = run("  %r = tessera_graph.transpose %a0 permutation = [2, 0, 1] : tensor<3x37x100xf32> -> tensor<100x3x37xf32>",
              [x], ["tensor<3x37x100xf32>"], "tensor<100x3x37xf32>")
    np.testing.assert_array_equal(got, np.transpose(x, (2, 0, 1)))


def test_reshape_dynamic(rng):
    x = randn(rng, (37, 12, 64))
    got = run("  %r = tessera_graph.reshape %a0 : tensor<?x12x64xf32> -> tensor<?x768xf32>",
              [x], ["tensor<?x12x64xf32>"], "tensor<?x768xf32>")
    np.testing.assert_array_equal(got, x.reshape(37, 768))


def test_reshape_static(rng):
    x = randn(rng, (4, 3, 8))
    got = run("  %r = tessera_graph.reshape %a0 : tensor<4x3x8xf32> -> tensor<2x48xf32>",
              [x], ["tensor<4x3x8xf32>"], "tensor<2x48xf32>")
    np.testing.assert_array_equal(got, x.reshape(2, 48))


def test_broadcast_to(rng):
    x = randn(rng, (1, 999))
    got = run("  %r = tessera_graph.broadcast_to %a0 : tensor<1x999xf32> -> tensor<5x37x999xf32>",
              [x], ["tensor<1x999xf32>"], "tensor<5x37x999xf32>")
    np.testing.assert_array_equal(got, np.broadcast_to(x, (5, 37, 999)))


def test_concat(rng):
    a, b, c = randn(rng, (37, 3)), randn(rng, (37, 1000)), randn(rng, (37, 1))
    got = run("  %r = tessera_graph.concat %a0, %a1, %a2 dim = 1 : tensor<37x3xf32>, "
              "tensor<?x1000xf32>, tensor<37x1xf32> -> tensor<37x1004xf32>",
              [a, b, c], ["tensor<37x3xf32>", "tensor<?x1000xf32>", "tensor<37x1xf32>"],
              "tensor<37x1004xf32>")
    np.testing.assert_array_equal(got, np.concatenate([a, b, c], 1))


def test_slice(rng):
    x = randn(rng, (37, 1000))
    got = run("  %r = tessera_graph.slice %a0 offsets = [3, 1] sizes = [10, 333] strides = [3, 3] : "
              "tensor<37x1000xf32> -> tensor<10x333xf32>", [x], ["tensor<37x1000xf32>"],
              "tensor<10x333xf32>")
    np.testing.assert_array_equal(got, x[3:3 + 30:3, 1:1 + 999:3])


def test_constant_and_folding():
    got = run("  %c = tessera_graph.constant dense<[[1.0, -2.0, 3.5]]> : tensor<1x3xf32>\n"
              "  %r = tessera_graph.mul %c, %a0 : tensor<1x3xf32>, tensor<3xf32> -> tensor<1x3xf32>",
              [np.array([2.0, 3.0, 4.0], np.float32)], ["tensor<3xf32>"], "tensor<1x3xf32>")
    np.testing.assert_array_equal(got, [[2.0, -6.0, 14.0]])


#===--- Attention ---------------------------------------------------------===#

def attention_ref(q, k, v, scale, causal, mask=None):
    q, k, v = (t.astype(np.float64) for t in (q, k, v))
    s = q @ np.swapaxes(k, -1, -2) * scale
    if mask is not None:
        s = s + mask.astype(np.float64)
    if causal:
        sq, sk = s.shape[-2:]
        s = np.where(np.arange(sk)[None, :] > np.arange(sq)[:, None], -np.inf, s)
    s = s - s.max(-1, keepdims=True)
    p = np.exp(s)
    return (p / p.sum(-1, keepdims=True)) @ v


@pytest.mark.parametrize("causal", [False, True], ids=["full", "causal"])
@pytest.mark.parametrize("dtype", [np.float32, np.float16], ids=["f32", "f16"])
def test_attention(rng, causal, dtype):
    q = randn(rng, (2, 3, 100, 64), dtype)
    k = randn(rng, (2, 3, 77, 64), dtype)
    v = randn(rng, (2, 3, 77, 32), dtype)
    types = [ttype(t.shape, dtype) for t in (q, k, v)]
    out = ttype((2, 3, 100, 32), dtype)
    flag = " causal" if causal else ""
    got = run(f"  %r = tessera_graph.attention %a0, %a1, %a2{flag} : {types[0]}, {types[1]}, "
              f"{types[2]} -> {out}", [q, k, v], types, out)
    ref = attention_ref(q, k, v, 1 / math.sqrt(64), causal)
    check(got, ref, dtype=dtype, tol=(1e-5, 1e-5) if dtype is np.float32 else (2e-3, 2e-3))


def test_attention_mask_and_scale(rng):
    q, k, v = randn(rng, (3, 37, 16)), randn(rng, (3, 50, 16)), randn(rng, (3, 50, 16))
    mask = randn(rng, (37, 50))
    t = [ttype(x.shape, np.float32) for x in (q, k, v)]
    got = run(f"  %r = tessera_graph.attention %a0, %a1, %a2 mask(%a3 : tensor<37x50xf32>) "
              f"scale = 0.3 causal : {t[0]}, {t[1]}, {t[2]} -> tensor<3x37x16xf32>",
              [q, k, v, mask], t + ["tensor<37x50xf32>"], "tensor<3x37x16xf32>")
    check(got, attention_ref(q, k, v, 0.3, True, mask), tol=(1e-5, 1e-5))


#===--- The CPU runner's own checks ---------------------------------------===#

def test_runner_rejects_wrong_arguments(rng):
    src = ("func.func @f(%a: tensor<4x?xf32>) -> tensor<4x?xf32> {\n"
           "  %r = tessera_graph.exp %a : tensor<4x?xf32>\n  return %r : tensor<4x?xf32>\n}")
    with ir.Context():
        kernel = CPUModule(src)
    with pytest.raises(TypeError, match="expected dtype f32, got float64"):
        kernel("f", np.ones((4, 3)))
    with pytest.raises(ValueError, match=r"argument 'arg0': dimension 0 must be 4, got 5"):
        kernel("f", np.ones((5, 3), np.float32))
    with pytest.raises(TypeError, match="takes 1 arguments, got 2"):
        kernel("f", np.ones((4, 3), np.float32), np.ones((4, 3), np.float32))
    with pytest.raises(KeyError, match="no function @g"):
        kernel("g")
    np.testing.assert_allclose(kernel("f", np.zeros((4, 3), np.float32)), 1.0)


#===--- Fused groups through the CPU path ---------------------------------===#

def test_fused_block_matches_unfused(rng):
    """tessera-graph-fuse then the CPU pipeline: the groups lower to the same
    numbers as the ops they hold."""
    from tessera.passmanager import PassManager

    src = """
func.func @f(%x: tensor<37x64xf32>, %w: tensor<64x99xf32>, %b: tensor<99xf32>) -> tensor<37x99xf32> {
  %n = tessera_graph.layer_norm %x : tensor<37x64xf32>
  %m = tessera_graph.matmul %n, %w : tensor<37x64xf32>, tensor<64x99xf32> -> tensor<37x99xf32>
  %a = tessera_graph.add %m, %b : tensor<37x99xf32>, tensor<99xf32> -> tensor<37x99xf32>
  %g = tessera_graph.gelu %a : tensor<37x99xf32>
  %e = tessera_graph.mul %g, %g : tensor<37x99xf32>, tensor<37x99xf32> -> tensor<37x99xf32>
  %s = tessera_graph.softmax %e dim = 1 : tensor<37x99xf32>
  return %s : tensor<37x99xf32>
}"""
    x, w, b = randn(rng, (37, 64)), randn(rng, (64, 99)) / 8, randn(rng, (99,))
    with ir.Context():
        module = ir.Module.parse(src)
        PassManager.parse("builtin.module(tessera-graph-fuse)").run(module.operation)
        assert str(module).count("tessera_graph.fused") == 1  # matmul+add+gelu+mul
        got = CPUModule(module)("f", x, w, b)
    x64 = x.astype(np.float64)
    n = (x64 - x64.mean(1, keepdims=True)) / np.sqrt(x64.var(1, keepdims=True) + 1e-5)
    a = n @ w + b
    g = 0.5 * a * (1 + erf(a / math.sqrt(2)))
    e = g * g
    p = np.exp(e - e.max(1, keepdims=True))
    check(got, p / p.sum(1, keepdims=True), tol=(1e-4, 1e-5))


#===--- Numerics policies -------------------------------------------------===#

def test_policy_rounding_saturation_and_denormals(rng):
    """A policy's rounding, saturate and denormals entries govern how results
    are stored."""
    x = (randn(rng, (1000,)) * 100).astype(BF16)
    y = randn(rng, (1000,))
    # Toward zero: the f32 sum's low 16 bits dropped.
    pol = "{tessera_graph.numerics = #tessera_graph.numerics<storage = bf16, compute = f32, rounding = toward_zero>}"
    got = run(f"  %r = tessera_graph.add %a0, %a1 {pol} : tensor<1000xbf16>, tensor<1000xf32> -> tensor<1000xbf16>",
              [x, y], ["tensor<1000xbf16>", "tensor<1000xf32>"], "tensor<1000xbf16>")
    want = ((x.astype(np.float32) + y).view(np.uint32) & 0xFFFF0000).view(np.float32)
    np.testing.assert_array_equal(got.astype(np.float32), want)
    # Saturate: an f16 product that overflows clamps to the largest finite.
    big = np.array([300.0, -300.0, 2.0], np.float16)
    pol = "{tessera_graph.numerics = #tessera_graph.numerics<storage = f16, saturate = true>}"
    got = run(f"  %r = tessera_graph.mul %a0, %a0 {pol} : tensor<3xf16>, tensor<3xf16> -> tensor<3xf16>",
              [big], ["tensor<3xf16>"], "tensor<3xf16>")
    np.testing.assert_array_equal(got, np.array([65504, 65504, 4], np.float16))
    # Flush: exp(-100) is an f32 denormal, exp(-87) is not.
    pol = "{tessera_graph.numerics = #tessera_graph.numerics<denormals = flush>}"
    v = np.array([-100.0, -87.0, 0.0], np.float32)
    got = run(f"  %r = tessera_graph.exp %a0 {pol} : tensor<3xf32>", [v], ["tensor<3xf32>"],
              "tensor<3xf32>")
    assert got[0] == 0.0 and got[1] > 0 and got[2] == 1.0
    plain = run("  %r = tessera_graph.exp %a0 : tensor<3xf32>", [v], ["tensor<3xf32>"], "tensor<3xf32>")
    assert 0 < plain[0] < np.finfo(np.float32).tiny  # unflushed: a denormal


def test_policy_governs_matmul_reduce_and_norm_outputs(rng):
    """Not only elementwise math: a matmul's, a reduction's and a norm's
    outputs are stored the way their policy says."""
    a = np.full((2, 64), 40.0, np.float16)
    b = np.full((64, 2), 40.0, np.float16)  # each output is 102400 > 65504
    sat = "{tessera_graph.numerics = #tessera_graph.numerics<storage = f16, saturate = true>}"
    got = run(f"  %r = tessera_graph.matmul %a0, %a1 {sat} : tensor<2x64xf16>, tensor<64x2xf16> -> tensor<2x2xf16>",
              [a, b], ["tensor<2x64xf16>", "tensor<64x2xf16>"], "tensor<2x2xf16>")
    np.testing.assert_array_equal(got, np.full((2, 2), 65504, np.float16))
    plain = run("  %r = tessera_graph.matmul %a0, %a1 : tensor<2x64xf16>, tensor<64x2xf16> -> tensor<2x2xf16>",
                [a, b], ["tensor<2x64xf16>", "tensor<64x2xf16>"], "tensor<2x2xf16>")
    assert np.all(np.isinf(plain))
    x = np.full((3, 4000), 30.0, np.float16)  # row sums 120000
    got = run(f"  %r = tessera_graph.reduce sum %a0 dims = [1] {sat} : tensor<3x4000xf16> -> tensor<3xf16>",
              [x], ["tensor<3x4000xf16>"], "tensor<3xf16>")
    np.testing.assert_array_equal(got, np.full((3,), 65504, np.float16))
    # Toward zero on a layer norm's bf16 output: never above nearest's magnitude.
    v = randn(rng, (5, 333)).astype(BF16)
    tz = "{tessera_graph.numerics = #tessera_graph.numerics<rounding = toward_zero>}"
    near = run("  %r = tessera_graph.layer_norm %a0 : tensor<5x333xbf16>", [v],
               ["tensor<5x333xbf16>"], "tensor<5x333xbf16>").astype(np.float64)
    down = run(f"  %r = tessera_graph.layer_norm %a0 {tz} : tensor<5x333xbf16>", [v],
               ["tensor<5x333xbf16>"], "tensor<5x333xbf16>").astype(np.float64)
    assert np.all(np.abs(down) <= np.abs(near)) and np.any(down != near)


def test_stochastic_rounding_is_unbiased_and_picks_neighbours():
    # 1 + 2^-9 lies a quarter of the way from 1 to the next bf16 (1 + 2^-7):
    # stochastic rounding picks one of the two, the upper about 25% of the
    # time, so the mean stays at x; nearest would always give 1.
    n = 200_000
    x = np.full((n,), 1 + 2**-9, np.float32)
    got = run("  %r = tessera_graph.cast %a0 rounding = stochastic : tensor<200000xf32> -> tensor<200000xbf16>",
              [x], ["tensor<200000xf32>"], "tensor<200000xbf16>").astype(np.float64)
    lo, hi = 1.0, 1 + 2**-7
    assert set(np.unique(got)) <= {lo, hi}
    frac_up = np.mean(got == hi)
    assert abs(frac_up - 0.25) < 0.01, frac_up
    # To f16 (ulp 2^-10 at 1): -(1 + 2^-12) rounds to -1 or -(1 + 2^-10); 1.5
    # is exact and stays.
    y = np.concatenate([np.full((1000,), -(1 + 2**-12), np.float32),
                        np.full((1000,), 1.5, np.float32)])
    got = run("  %r = tessera_graph.cast %a0 rounding = stochastic : tensor<2000xf32> -> tensor<2000xf16>",
              [y], ["tensor<2000xf32>"], "tensor<2000xf16>").astype(np.float64)
    assert set(np.unique(got[:1000])) <= {-1.0, -(1 + 2**-10)}
    assert np.all(got[1000:] == 1.5)


def test_dynamic_size_mismatch_aborts_with_message(tmp_path):
    """Two `?` dims are assumed equal by the verifier and checked at run time:
    a mismatch stops the program with a message, never reads out of bounds."""
    import subprocess
    import sys

    script = tmp_path / "mismatch.py"
    script.write_text(
        "import numpy as np\n"
        "from tessera import ir\n"
        "from tessera.cpu import CPUModule\n"
        "src = '''func.func @f(%a: tensor<?xf32>, %b: tensor<?xf32>) -> tensor<?xf32> {\n"
        "  %r = tessera_graph.add %a, %b : tensor<?xf32>, tensor<?xf32> -> tensor<?xf32>\n"
        "  return %r : tensor<?xf32>\n}'''\n"
        "with ir.Context():\n"
        "    k = CPUModule(src)\n"
        "print(k('f', np.ones(4, np.float32), np.ones(4, np.float32)).sum(), flush=True)\n"
        "k('f', np.ones(4, np.float32), np.ones(5, np.float32))\n"
        "print('not reached', flush=True)\n")
    import tessera

    env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(tessera.__file__)))
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          env=env, timeout=120)
    assert proc.stdout.startswith("8.0")
    assert "not reached" not in proc.stdout
    assert proc.returncode != 0
    assert "broadcast: dynamic dimensions 0 of the operands differ" in proc.stdout + proc.stderr


#===--- f8 (software conversions) and integer pow -------------------------===#

F8 = {"f8E4M3FN": ml_dtypes.float8_e4m3fn, "f8E5M2": ml_dtypes.float8_e5m2}


def f8_round_trip(name, x, attrs=""):
    n = x.size
    return run(f"  %c = tessera_graph.cast %a0{attrs} : tensor<{n}xf32> -> tensor<{n}x{name}>\n"
               f"  %r = tessera_graph.cast %c : tensor<{n}x{name}> -> tensor<{n}xf32>",
               [x], [f"tensor<{n}xf32>"], f"tensor<{n}xf32>")


def same_or_both_nan(a, b):
    return np.all((a == b) | (np.isnan(a) & np.isnan(b)))


@pytest.mark.parametrize("name", sorted(F8))
def test_f8_casts_match_ml_dtypes(rng, name):
    dtype = F8[name]
    # Every binade from far below the subnormals to far above the maximum.
    x = (rng.standard_normal(20000) * np.exp2(rng.integers(-24, 20, 20000))).astype(np.float32)
    x[:5] = [np.nan, np.inf, -np.inf, 0.0, -0.0]
    assert same_or_both_nan(f8_round_trip(name, x), x.astype(dtype).astype(np.float32))
    top = float(ml_dtypes.finfo(dtype).max)
    assert same_or_both_nan(f8_round_trip(name, x, " saturate"),
                            np.clip(x, -top, top).astype(dtype).astype(np.float32))
    # Toward zero never moves away from zero and lands on an f8 value.
    finite = x[np.isfinite(x) & (np.abs(x) < top)]
    tz = f8_round_trip(name, finite, " rounding = toward_zero")
    assert np.all(np.abs(tz) <= np.abs(finite))
    assert np.all(tz.astype(dtype).astype(np.float32) == tz)


def test_f8_stochastic_is_unbiased():
    # 1.03125 is a quarter of the way from 1 to 1.125 (the next E4M3FN value).
    x = np.full((100_000,), 1.03125, np.float32)
    got = f8_round_trip("f8E4M3FN", x, " rounding = stochastic")
    assert set(np.unique(got)) <= {1.0, 1.125}
    assert abs(np.mean(got == 1.125) - 0.25) < 0.01


def test_f8_matmul_accumulates_in_f32(rng):
    a = randn(rng, (33, 64)).astype(ml_dtypes.float8_e4m3fn)
    b = randn(rng, (64, 17)).astype(ml_dtypes.float8_e4m3fn)
    ref = a.astype(np.float64) @ b.astype(np.float64)
    got = run("  %x = tessera_graph.cast %a0 : tensor<33x64xf32> -> tensor<33x64xf8E4M3FN>\n"
              "  %y = tessera_graph.cast %a1 : tensor<64x17xf32> -> tensor<64x17xf8E4M3FN>\n"
              "  %m = tessera_graph.matmul %x, %y acc = f32 : tensor<33x64xf8E4M3FN>, "
              "tensor<64x17xf8E4M3FN> -> tensor<33x17xf8E4M3FN>\n"
              "  %r = tessera_graph.cast %m : tensor<33x17xf8E4M3FN> -> tensor<33x17xf32>",
              [a.astype(np.float32), b.astype(np.float32)],
              ["tensor<33x64xf32>", "tensor<64x17xf32>"], "tensor<33x17xf32>")
    # The f32 sum of exact f8 products, rounded once to f8 (half an ulp: 2^-4).
    check(got, ref, tol=(2**-4, 2**-9))


def test_integer_pow(rng):
    a = rng.integers(-5, 6, (37, 10)).astype(np.int32)
    b = rng.integers(0, 6, (10,)).astype(np.int32)
    got = run("  %r = tessera_graph.pow %a0, %a1 : tensor<37x10xi32>, tensor<10xi32> -> tensor<37x10xi32>",
              [a, b], ["tensor<37x10xi32>", "tensor<10xi32>"], "tensor<37x10xi32>")
    np.testing.assert_array_equal(got, a ** b)
