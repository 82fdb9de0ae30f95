"""FP8 GEMMs on the GPU against float64: e4m3 and e5m2 operands, the rhs
[N, K] in memory (`x @ w.T`, what 8-bit wgmma reads), f32 accumulation,
per-tensor and per-row scales applied in the epilogue, bf16, f16 and f32
outputs; ragged M and N; K not a multiple of 16 (no tensor map: the SIMT
fallback, and the runtime's pitched copies); the warp-specialized kernel;
a decode shape whose K the launch splits.

Here (with Tessera's compiler):

    python test/gpu/f8_matmul_gpu.py build DIR

compiles each case for sm_90 (DIR/<name>/) and saves the inputs (DIR/f8mm.npz).
On the GPU machine (torch, ml_dtypes):

    python test/gpu/f8_matmul_gpu.py run DIR

runs them (F8MM_CASES=a,b: only those) on torch tensors (torch has the f8
dtypes CuPy lacks), checks each output against the float64 product of the
f8 values times the scales, within the output type's rounding plus the
sum's error (f32 adds, or wgmma's: see run()), and that the kernel read its
operands through tensor maps where it should. Exit status 1 on any miss.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]

#: MLIR element types -> (ml_dtypes / numpy name, torch name)
TYPES = {"f8E4M3FN": ("float8_e4m3fn", "float8_e4m3fn"),
         "f8E5M2": ("float8_e5m2", "float8_e5m2"),
         "bf16": ("bfloat16", "bfloat16"), "f16": ("float16", "float16"),
         "f32": ("float32", "float32")}

WS = "tile = [128, 256, 128], warps = 8, stages = 3, swizzle = 16, mma = wgmma, producer_warps = 4"

#: name -> (operand type, scales: "tensor" | "row" | None, output type,
#:          (M, N, K), schedule or None, pitched copies on)
CASES = {
    "e4m3_tensor_bf16": ("f8E4M3FN", "tensor", "bf16", (1000, 999, 768), None, True),
    "e4m3_row_bf16": ("f8E4M3FN", "row", "bf16", (2048, 1536, 2048), None, True),
    "e4m3_row_bf16_ragged": ("f8E4M3FN", "row", "bf16", (777, 1001, 512), None, True),
    "e5m2_row_f16": ("f8E5M2", "row", "f16", (640, 520, 1024), None, True),
    "e4m3_f32_decode": ("f8E4M3FN", None, "f32", (16, 4096, 4096), None, True),
    "e4m3_row_bf16_ws": ("f8E4M3FN", "row", "bf16", (1000, 999, 768), WS, True),
    # K = 777: rows of 777 bytes, no tensor map; the SIMT program of the
    # same kernel (pitched copies off), then TMA over the runtime's copies.
    "e4m3_row_bf16_fallback": ("f8E4M3FN", "row", "bf16", (333, 515, 777), None, False),
    "e4m3_row_bf16_pitched": ("f8E4M3FN", "row", "bf16", (333, 515, 777), None, True),
    "e4m3_row_bf16_ws_fallback": ("f8E4M3FN", "row", "bf16", (333, 515, 777), WS, False),
    # b stored [K, N]: a transpose kernel, then the wgmma kernel
    # (tessera-schedule-layout)
    "e4m3_nn_row_bf16": ("f8E4M3FN", "row", "bf16", (1000, 999, 768), None, True),
}


def rhs_is_kn(name: str) -> bool:
    return "_nn_" in name


def source(element: str, scales, out: str, kn: bool = False) -> str:
    t = f"tensor<?x?x{element}>"
    product = "f32" if scales else out
    args = [f"%a: {t}", f"%b: {t}"]
    body = [f"  %m = tessera_graph.matmul %a, %b{'' if kn else ' transpose_rhs'}"
            f"{'' if product == element else f' out = {product}'} : {t}, {t} -> "
            f"tensor<?x?x{product}>"]
    last = "%m"
    if scales:
        sa, sb = (("tensor<1xf32>", "tensor<1xf32>") if scales == "tensor"
                  else ("tensor<?x1xf32>", "tensor<1x?xf32>"))
        args += [f"%sa: {sa}", f"%sb: {sb}"]
        body += [f"  %x = tessera_graph.mul %m, %sa : tensor<?x?xf32>, {sa} -> tensor<?x?xf32>",
                 f"  %y = tessera_graph.mul %x, %sb : tensor<?x?xf32>, {sb} -> tensor<?x?xf32>"]
        last = "%y"
        if out != "f32":
            body.append(f"  %c = tessera_graph.cast %y : tensor<?x?xf32> -> tensor<?x?x{out}>")
            last = "%c"
    return (f"func.func @main({', '.join(args)}) -> tensor<?x?x{out}> {{\n"
            + "\n".join(body) + f"\n  return {last} : tensor<?x?x{out}>\n}}")


def inputs(name):
    import ml_dtypes

    element, scales, _, (m, n, k), _, _ = CASES[name]
    rng = np.random.default_rng(abs(hash(name)) % 2**32)
    f8 = getattr(ml_dtypes, TYPES[element][0])
    a = rng.standard_normal((m, k)).astype(f8)
    b = rng.standard_normal((k, n) if rhs_is_kn(name) else (n, k)).astype(f8)
    arrays = {"a": a.view(np.uint8), "b": b.view(np.uint8)}
    if scales == "tensor":
        arrays["sa"] = np.array([0.75], np.float32)
        arrays["sb"] = np.array([1.5], np.float32)
    elif scales == "row":
        arrays["sa"] = rng.uniform(0.25, 2.0, (m, 1)).astype(np.float32)
        arrays["sb"] = rng.uniform(0.25, 2.0, (1, n)).astype(np.float32)
    return arrays


def build(directory: Path) -> int:
    from tessera import ir
    from tessera.compiler import compile_graph_for_gpu

    directory.mkdir(parents=True, exist_ok=True)
    saved = {}
    for name, (element, scales, out, _, schedule, _) in CASES.items():
        with ir.Context():
            module = ir.Module.parse(source(element, scales, out, rhs_is_kn(name)))
            artifact = compile_graph_for_gpu(
                module, "sm_90", schedule={"matmul": schedule} if schedule else None)
        artifact.save(directory / name)
        kernels = [k["name"] for k in artifact.plan["kernels"]]
        if "wgmma" not in " ".join(kernels):
            print(f"{name}: no wgmma kernel ({kernels})")
            return 1
        for key, value in inputs(name).items():
            saved[f"{name}.{key}"] = value
    np.savez(directory / "f8mm.npz", **saved)
    print(f"{len(CASES)} FP8 GEMMs built for sm_90")
    return 0


def run(directory: Path) -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from f8_casts_gpu import cuda_torch_and_runtime

    found = cuda_torch_and_runtime()
    if found is None:
        return 0
    torch, runtime = found
    import ml_dtypes

    data = np.load(directory / "f8mm.npz")
    bad = 0
    only = [x for x in os.environ.get("F8MM_CASES", "").split(",") if x]
    for name, (element, scales, out, (m, n, k), _, pitched) in CASES.items():
        if only and name not in only:
            continue
        program = runtime.load(directory / name)
        program.pitched_copies = pitched
        f8 = getattr(ml_dtypes, TYPES[element][0])
        host_a = data[f"{name}.a"].view(f8)
        host_b = data[f"{name}.b"].view(f8)
        if rhs_is_kn(name):  # (as [N, K] from here on)
            host_b = np.ascontiguousarray(host_b.T)
        ref = host_a.astype(np.float64) @ host_b.astype(np.float64).T
        args = [torch.from_numpy(data[f"{name}.{x}"]).cuda().view(getattr(torch, TYPES[element][1]))
                for x in ("a", "b")]
        if scales:
            sa, sb = data[f"{name}.sa"], data[f"{name}.sb"]
            ref = ref * sa.astype(np.float64) * sb.astype(np.float64)
            args += [torch.from_numpy(sa).cuda(), torch.from_numpy(sb).cuda()]
        result = torch.full((m, n), float("nan"), dtype=getattr(torch, TYPES[out][1]),
                            device="cuda")
        program(*args, out=[result])
        torch.cuda.synchronize()
        got = result.float().cpu().numpy().astype(np.float64)
        counts = program.tensor_map_counts()
        wgmma = counts["encoded"] > 0
        # one rounding to the output type, plus the sum's error over K
        # products, relative to the sum of their magnitudes: f32 adds
        # (the SIMT program), or wgmma's, which keep about 14 bits of each
        # instruction's sum of 32 products and the accumulator (DeepSeek-V3
        # report, section 3.3.2; what torch._scaled_mm calls fast
        # accumulation) before adding into the f32 accumulator
        half_ulp = {"bf16": 2.0 ** -8, "f16": 2.0 ** -11, "f32": 2.0 ** -24}[out]
        magnitude = np.abs(host_a.astype(np.float64)) @ np.abs(host_b.astype(np.float64)).T
        if scales:
            magnitude = magnitude * sa * sb
        per_sum = max(4 * k * 2.0 ** -24, (k / 32) * 2.0 ** -14 if wgmma else 0.0)
        bound = 1.01 * half_ulp * np.abs(ref) + per_sum * magnitude
        miss = ~(np.abs(got - ref) <= bound)
        worst = float(np.nanmax(np.abs(got - ref) / bound))
        # the path the case is about must have run: TMA (over pitched
        # copies where K is ragged), or the fallback
        path_ok = (counts["encoded"] > 0) == (k % 16 == 0 or pitched) and (
            (counts["pitched"] > 0) == (k % 16 != 0 and pitched))
        tma = "pitched copies" if counts["pitched"] else "yes" if counts["encoded"] else "no"
        bad += int(miss.sum()) + (0 if path_ok else 1)
        print(f"{name:28s} {m}x{n}x{k:<5d} {element}->{out:4s} scales {str(scales):6s} "
              f"{int(miss.sum())} of {got.size} outside the bound (worst {worst:.2f} of it)"
              f"  tensor maps: {tma}{'' if path_ok else ' (NOT THE PATH EXPECTED)'}")
    print(f"FP8 GEMMs on {torch.cuda.get_device_name(0)}: "
          f"{'all within bounds' if not bad else f'{bad} values outside'}")
    return 1 if bad else 0


def main(argv) -> int:
    mode, directory = argv[1], Path(argv[2])
    return build(directory) if mode == "build" else run(directory)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
