"""f8 casts and stochastic rounding on the GPU against the CPU path, value
for value: f32 -> f8E4M3FN and f8E5M2 (round to nearest even, with and
without saturation, and toward zero), f32 -> f16, bf16 and f8E4M3FN
rounded stochastically (each element's random draw a hash of its indices),
over normal values at many scales, subnormals, the overflow boundary,
infinities and NaNs; f8 -> f32 over all 256 bit patterns; an f8 matmul;
stochastic rounding in matmul epilogues (the SIMT kernel's and wgmma's).

Here (with Tessera's compiler):

    python test/gpu/f8_casts_gpu.py build DIR

compiles each cast for sm_90 (DIR/<name>/) and saves its input and the CPU
path's output (DIR/f8.npz). On the GPU machine (torch, CuPy, ml_dtypes):

    python test/gpu/f8_casts_gpu.py run DIR

runs the artifacts on torch tensors (torch has the f8 dtypes CuPy lacks) and
compares the values exactly (NaN where NaN, zeros of the same sign); exit
status 1 on any difference.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]

#: name -> (input MLIR type, output MLIR type, cast attributes)
CASTS = {
    "to_e4m3": ("f32", "f8E4M3FN", ""),
    "to_e4m3_saturate": ("f32", "f8E4M3FN", " saturate"),
    "to_e4m3_toward_zero": ("f32", "f8E4M3FN", " rounding = toward_zero"),
    "to_e5m2": ("f32", "f8E5M2", ""),
    "to_e5m2_saturate": ("f32", "f8E5M2", " saturate"),
    # stochastic rounding: a hash of each element's indices, the same
    # stream on every target
    "to_f16_stochastic": ("f32", "f16", " rounding = stochastic"),
    "to_bf16_stochastic": ("f32", "bf16", " rounding = stochastic"),
    "to_e4m3_stochastic": ("f32", "f8E4M3FN", " rounding = stochastic"),
    "from_e4m3": ("f8E4M3FN", "f32", ""),
    "from_e5m2": ("f8E5M2", "f32", ""),
}


MATMUL = """
func.func @main(%a: tensor<?x?xf8E4M3FN>, %b: tensor<?x?xf8E4M3FN>) -> tensor<?x?xf8E4M3FN> {
  %c = tessera_graph.matmul %a, %b : tensor<?x?xf8E4M3FN>, tensor<?x?xf8E4M3FN> -> tensor<?x?xf8E4M3FN>
  return %c : tensor<?x?xf8E4M3FN>
}"""


#: Stochastic rounding in matmul epilogues: name -> (operand type, output
#: type, shapes (M, K, N)). Integer inputs in [-8, 8]: the f32 sums are
#: exact on both paths, so the rounded values must be equal.
SR_MATMULS = {
    "matmul_sr_e4m3": ("f32", "f8E4M3FN", (129, 64, 77)),       # the SIMT kernel
    "matmul_sr_bf16_wgmma": ("f16", "bf16", (200, 128, 264)),   # wgmma's epilogue
}


#: Stochastic rounding of reductions' outputs (row and column kernels):
#: name -> (Graph IR body over %x, input shape, input dtype, whether the
#: computed values are exact on both paths). Exact ones (sums of small
#: integers) must equal the CPU path's values; the others (exp, rsqrt:
#: the GPU's approximations differ from the CPU's in the last bits of f32)
#: may flip a rounding where those bits decide it, rarely.
_SR = "attributes {tessera_graph.numerics = #tessera_graph.numerics<storage = bf16, rounding = stochastic>}"
SR_REDUCTIONS = {
    "reduce_rows_sr_bf16": (
        "%r = tessera_graph.reduce sum %x dims = [2] keepdim : tensor<?x?x?xbf16> -> "
        "tensor<?x?x1xbf16>", (7, 41, 300), True, "tensor<?x?x1xbf16>"),
    "reduce_columns_sr_bf16": (
        "%r = tessera_graph.reduce sum %x dims = [0] : tensor<?x?x?xbf16> -> tensor<?x?xbf16>",
        (300, 5, 77), True, "tensor<?x?xbf16>"),
    "reduce_columns_keepdim_sr_bf16": (
        "%r = tessera_graph.reduce sum %x dims = [0] keepdim : tensor<?x?x?xbf16> -> "
        "tensor<1x?x?xbf16>", (300, 5, 77), True, "tensor<1x?x?xbf16>"),
    "softmax_sr_bf16": (
        "%r = tessera_graph.softmax %x dim = 2 : tensor<?x?x?xbf16>", (3, 37, 300), False,
        "tensor<?x?x?xbf16>"),
    "layer_norm_sr_bf16": (
        "%r = tessera_graph.layer_norm %x : tensor<?x?x?xbf16>", (3, 37, 300), False,
        "tensor<?x?x?xbf16>"),
}


#: Stochastic rounding of attention's output (the wgmma kernel), on inputs
#: that make its values exact on both paths: queries of zeros (every key
#: weighs 1/256: 256 keys) and values integers (exact in f16), so that each output
#: is a sum of integers over 256.
SR_ATTENTION = ("attention_sr_f16", (2, 3, 200, 256, 64))


def _sr_attention_source(nearest=False):
    t = "tensor<?x?x?x64xf16>"
    attrs = _SR.replace("bf16", "f16")
    if nearest:
        attrs = attrs.replace("stochastic", "nearest")
    return (f"func.func @main(%q: {t}, %k: {t}, %v: {t}) -> {t} {attrs} {{\n"
            f"  %r = tessera_graph.attention %q, %k, %v : {t}, {t}, {t} -> {t}\n"
            f"  return %r : {t}\n}}")


def _sr_reduction_source(body, result, nearest=False):
    attrs = _SR.replace("stochastic", "nearest") if nearest else _SR
    return (f"func.func @main(%x: tensor<?x?x?xbf16>) -> {result} {attrs} {{\n"
            f"  {body}\n  return %r : {result}\n}}")


def _sr_matmul_source(src, dst):
    t = f"tensor<?x?x{src}>"
    out = "" if src == "f32" else " out = f32"
    return (f"func.func @main(%a: {t}, %b: {t}) -> tensor<?x?x{dst}> {{\n"
            f"  %m = tessera_graph.matmul %a, %b{out} : {t}, {t} -> tensor<?x?xf32>\n"
            f"  %c = tessera_graph.cast %m rounding = stochastic : tensor<?x?xf32> -> "
            f"tensor<?x?x{dst}>\n"
            f"  return %c : tensor<?x?x{dst}>\n}}")


def _source(src, dst, attrs):
    return (f"func.func @main(%x: tensor<?x?x{src}>) -> tensor<?x?x{dst}> {{\n"
            f"  %c = tessera_graph.cast %x{attrs} : tensor<?x?x{src}> -> tensor<?x?x{dst}>\n"
            f"  return %c : tensor<?x?x{dst}>\n}}")


def _f32_inputs():
    rng = np.random.default_rng(8)
    scales = np.exp2(rng.integers(-24, 20, 60000)).astype(np.float32)
    x = (rng.standard_normal(60000).astype(np.float32) * scales)
    specials = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 448.0, 464.0, 480.0, 57344.0,
                         61440.0, 65536.0, 2.0 ** -9, 2.0 ** -10, 2.0 ** -16, 2.0 ** -17,
                         1e-30, -1e-30], np.float32)
    # 60034 values: 331 rows of 181 (ragged), the rest dropped from the
    # random ones
    values = np.concatenate([specials, -specials, x])
    return values[:331 * 181].reshape(331, 181)


def build(directory: Path) -> int:
    import ml_dtypes
    from tessera import ir
    from tessera.compiler import compile_graph_for_gpu
    from tessera.cpu import CPUModule

    directory.mkdir(parents=True, exist_ok=True)
    x32 = _f32_inputs()
    bits = np.arange(256, dtype=np.uint8).reshape(16, 16)
    f8 = {"f8E4M3FN": ml_dtypes.float8_e4m3fn, "f8E5M2": ml_dtypes.float8_e5m2}
    saved = {}
    for name, (src, dst, attrs) in CASTS.items():
        text = _source(src, dst, attrs)
        with ir.Context():
            compile_graph_for_gpu(ir.Module.parse(text), "sm_90").save(directory / name)
        if src == "f32":
            # The CPU path's f8 values, read back through f32 (exact):
            # cast there and back (the CPU path returns no f8 arrays).
            back = (f"func.func @main(%x: tensor<?x?xf32>) -> tensor<?x?xf32> {{\n"
                    f"  %c = tessera_graph.cast %x{attrs} : tensor<?x?xf32> -> "
                    f"tensor<?x?x{dst}>\n"
                    f"  %b = tessera_graph.cast %c : tensor<?x?x{dst}> -> tensor<?x?xf32>\n"
                    f"  return %b : tensor<?x?xf32>\n}}")
            with ir.Context():
                saved[f"out_{name}"] = np.asarray(CPUModule(back)("main", x32))
            saved[f"in_{name}"] = x32
        else:
            # (the CPU path's f8 -> f32 decoding is ml_dtypes': test_cpu_numerics)
            saved[f"in_{name}"] = bits
            saved[f"out_{name}"] = bits.view(f8[src]).astype(np.float32)
    # An f8 matmul (the SIMT kernel: f8 loads, f32 accumulation, one
    # rounding to f8): finite random values.
    rng = np.random.default_rng(9)
    a = rng.standard_normal((129, 77)).astype(f8["f8E4M3FN"])
    b = rng.standard_normal((77, 65)).astype(f8["f8E4M3FN"])
    with ir.Context():
        compile_graph_for_gpu(ir.Module.parse(MATMUL), "sm_90").save(directory / "matmul_e4m3")
    saved["a_matmul"], saved["b_matmul"] = a.view(np.uint8), b.view(np.uint8)
    saved["ref_matmul"] = a.astype(np.float64) @ b.astype(np.float64)
    # Stochastic rounding in matmul epilogues: the CPU path's values.
    numpy_of = {"f32": np.float32, "f16": np.float16}
    for name, (src, dst, (m, k, n)) in SR_MATMULS.items():
        text = _sr_matmul_source(src, dst)
        with ir.Context():
            compile_graph_for_gpu(ir.Module.parse(text), "sm_90").save(directory / name)
        a = rng.integers(-8, 9, (m, k)).astype(numpy_of[src])
        b = rng.integers(-8, 9, (k, n)).astype(numpy_of[src])
        with ir.Context():
            got = np.asarray(CPUModule(text)("main", a, b))
        saved[f"a_{name}"], saved[f"b_{name}"] = a, b
        saved[f"out_{name}"] = got.astype(np.float32)
    # Stochastic rounding of reductions' outputs: the CPU path's values,
    # and its round-to-nearest ones (the GPU's must differ from those).
    for name, (body, shape, exact, result) in SR_REDUCTIONS.items():
        with ir.Context():
            compile_graph_for_gpu(ir.Module.parse(_sr_reduction_source(body, result)),
                                  "sm_90").save(directory / name)
        x = (rng.integers(-100, 101, shape) if exact else rng.standard_normal(shape))
        x = x.astype(ml_dtypes.bfloat16)
        for key, nearest in (("out", False), ("nearest", True)):
            with ir.Context():
                got = CPUModule(_sr_reduction_source(body, result, nearest))("main", x)
            saved[f"{key}_{name}"] = np.asarray(got).astype(np.float32)
        saved[f"x_{name}"] = x.view(np.uint16)
    name, (batch, heads, sq, sk, d) = SR_ATTENTION
    with ir.Context():
        compile_graph_for_gpu(ir.Module.parse(_sr_attention_source()),
                              "sm_90").save(directory / name)
    q = np.zeros((batch, heads, sq, d), np.float16)
    k = rng.standard_normal((batch, heads, sk, d)).astype(np.float16)
    v = rng.integers(-2000, 2001, (batch, heads, sk, d)).astype(np.float16)
    for key, nearest in (("out", False), ("nearest", True)):
        with ir.Context():
            got = CPUModule(_sr_attention_source(nearest))("main", q, k, v)
        saved[f"{key}_{name}"] = np.asarray(got).astype(np.float32)
    saved[f"q_{name}"], saved[f"k_{name}"], saved[f"v_{name}"] = q, k, v
    np.savez(directory / "f8.npz", **saved)
    print(f"{len(CASTS)} f8 casts built for sm_90 with their CPU-path results")
    return 0


def cuda_torch_and_runtime():
    """(torch, tessera.runtime from the source tree), or None after printing
    why not (no CUDA torch: the device scripts' SKIP)."""
    try:
        import torch

        assert torch.cuda.is_available()
    except Exception as e:  # noqa: BLE001
        print(f"SKIP: no CUDA torch ({type(e).__name__}: {e})")
        return None
    sys.path.insert(0, str(ROOT / "python"))
    import tessera.runtime as runtime

    return torch, runtime


def run(directory: Path) -> int:
    found = cuda_torch_and_runtime()
    if found is None:
        return 0
    torch, runtime = found

    tdtype = {"f32": torch.float32, "f16": torch.float16, "bf16": torch.bfloat16,
              "f8E4M3FN": torch.float8_e4m3fn, "f8E5M2": torch.float8_e5m2}
    data = np.load(directory / "f8.npz")
    bad = 0
    for name, (src, dst, _) in CASTS.items():
        x = torch.from_numpy(np.ascontiguousarray(data[f"in_{name}"])).cuda()
        if src != "f32":
            x = x.view(tdtype[src])
        want = data[f"out_{name}"]
        out = torch.empty(want.shape, dtype=tdtype[dst], device="cuda")
        runtime.load(directory / name)(x, out=[out])
        torch.cuda.synchronize()
        if dst != "f32":  # the f8 values, read as f32 (exact)
            got = out.float().cpu().numpy()
        else:
            got = out.cpu().numpy()
        # equal, NaN where NaN (a NaN's sign and payload may differ: the
        # hardware's conversions give the canonical NaN), zeros of one sign
        nan = np.isnan(got) & np.isnan(want)
        same = nan | ((got == want) & (np.signbit(got) == np.signbit(want)))
        bad += int((~same).sum())
        print(f"{name:22s} {want.size:6d} values  {int((~same).sum())} differ from the CPU path")
        xs = data[f"in_{name}"]
        for at in np.argwhere(~same)[:4]:
            at = tuple(at)
            print(f"    at {at}: input {xs[at]!r}, GPU {got[at]!r}, CPU {want[at]!r}")
    # the matmul: within one f8 rounding (3 mantissa bits) of float64
    a = torch.from_numpy(data["a_matmul"]).cuda().view(torch.float8_e4m3fn)
    b = torch.from_numpy(data["b_matmul"]).cuda().view(torch.float8_e4m3fn)
    ref = data["ref_matmul"]
    out = torch.empty(ref.shape, dtype=torch.float8_e4m3fn, device="cuda")
    runtime.load(directory / "matmul_e4m3")(a, b, out=[out])
    got = out.float().cpu().numpy().astype(np.float64)
    off = int((np.abs(got - ref) > 2.0 ** -4 * np.abs(ref) + 2.0 ** -9).sum())
    bad += off
    print(f"{'matmul_e4m3':22s} {ref.size:6d} values  {off} off by more than one f8 rounding")
    # stochastic rounding in matmul epilogues: the CPU path's values exactly
    for name, (src, dst, _) in SR_MATMULS.items():
        a = torch.from_numpy(data[f"a_{name}"]).cuda()
        b = torch.from_numpy(data[f"b_{name}"]).cuda()
        want = data[f"out_{name}"]
        out = torch.empty(want.shape, dtype=tdtype[dst], device="cuda")
        runtime.load(directory / name)(a, b, out=[out])
        got = out.float().cpu().numpy()
        # (sums past e4m3's 448 are NaN on both paths)
        differ = int((~((got == want) | (np.isnan(got) & np.isnan(want)))).sum())
        bad += differ
        print(f"{name:22s} {want.size:6d} values  {differ} differ from the CPU path")
    # stochastic rounding of reductions' outputs
    for name, (_, _, exact, _) in SR_REDUCTIONS.items():
        x = torch.from_numpy(data[f"x_{name}"].astype(np.int16)).cuda().view(torch.bfloat16)
        want, nearest = data[f"out_{name}"], data[f"nearest_{name}"]
        out = torch.empty(want.shape, dtype=torch.bfloat16, device="cuda")
        runtime.load(directory / name)(x, out=[out])
        got = out.float().cpu().numpy()
        differ = int((got != want).sum())
        rounded = int((want != nearest).sum())  # where SR left nearest
        # exact: every value; else at most 1% (flips where f32's last bits
        # decide), and each within one bf16 step of the CPU's
        step = np.abs(want) * 2.0 ** -7 + 1e-30
        ok = (differ == 0 if exact else differ <= want.size // 100 and
              bool(np.all(np.abs(got - want) <= step)))
        ok &= rounded > want.size // 10  # stochastic, not nearest, on the CPU
        bad += not ok
        print(f"{name:30s} {want.size:6d} values  {differ} differ from the CPU path "
              f"({'exact' if exact else 'approximate'} math; SR left nearest at {rounded})"
              f"  {'PASS' if ok else 'FAIL'}")
    # stochastic rounding of attention's output: exact values, so every
    # one equals the CPU path's
    name = SR_ATTENTION[0]
    q, k, v = (torch.from_numpy(data[f"{x}_{name}"]).cuda() for x in "qkv")
    want, nearest = data[f"out_{name}"], data[f"nearest_{name}"]
    out = torch.empty(want.shape, dtype=torch.float16, device="cuda")
    runtime.load(directory / name)(q, k, v, out=[out])
    got = out.float().cpu().numpy()
    differ, rounded = int((got != want).sum()), int((want != nearest).sum())
    ok = differ == 0 and rounded > want.size // 10
    bad += not ok
    print(f"{name:30s} {want.size:6d} values  {differ} differ from the CPU path (exact math; "
          f"SR left nearest at {rounded})  {'PASS' if ok else 'FAIL'}")
    print(f"f8 casts on {torch.cuda.get_device_name(0)}: "
          f"{'every check passes' if not bad else f'{bad} values or checks fail'}")
    return 1 if bad else 0


def main(argv) -> int:
    mode, directory = argv[1], Path(argv[2])
    return build(directory) if mode == "build" else run(directory)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
