"""The Graph IR programs the benchmarks run. Every one is shape-generic
(`?` dims): the same compiled artifact serves every size of its rows,
ragged ones included, so no kernel is specialised to a benchmark shape.

Imported by `build.py` (needs Tessera's compiler) and by `run.py` (on the
GPU machine: numpy, cupy, torch, triton only), so it imports nothing.
"""

PROGRAMS = {
    "add_f32": """
func.func @main(%x: tensor<?xf32>, %y: tensor<?xf32>) -> tensor<?xf32> {
  %z = tessera_graph.add %x, %y : tensor<?xf32>, tensor<?xf32> -> tensor<?xf32>
  return %z : tensor<?xf32>
}""",
    "gemm_f16": """
func.func @main(%a: tensor<?x?xf16>, %b: tensor<?x?xf16>) -> tensor<?x?xf16> {
  %c = tessera_graph.matmul %a, %b : tensor<?x?xf16>, tensor<?x?xf16> -> tensor<?x?xf16>
  return %c : tensor<?x?xf16>
}""",
    "gemm_bf16": """
func.func @main(%a: tensor<?x?xbf16>, %b: tensor<?x?xbf16>) -> tensor<?x?xbf16> {
  %c = tessera_graph.matmul %a, %b : tensor<?x?xbf16>, tensor<?x?xbf16> -> tensor<?x?xbf16>
  return %c : tensor<?x?xbf16>
}""",
    # x @ w.T, the linear layer's orientation (w stored [N, K]).
    "gemm_f16_nt": """
func.func @main(%a: tensor<?x?xf16>, %b: tensor<?x?xf16>) -> tensor<?x?xf16> {
  %c = tessera_graph.matmul %a, %b transpose_rhs : tensor<?x?xf16>, tensor<?x?xf16> -> tensor<?x?xf16>
  return %c : tensor<?x?xf16>
}""",
    "gemm_bias_gelu_f16": """
func.func @main(%a: tensor<?x?xf16>, %b: tensor<?x?xf16>, %bias: tensor<?xf16>) -> tensor<?x?xf16> {
  %c = tessera_graph.matmul %a, %b : tensor<?x?xf16>, tensor<?x?xf16> -> tensor<?x?xf16>
  %s = tessera_graph.add %c, %bias : tensor<?x?xf16>, tensor<?xf16> -> tensor<?x?xf16>
  %g = tessera_graph.gelu %s : tensor<?x?xf16>
  return %g : tensor<?x?xf16>
}""",
    # SwiGLU's gate: silu(x @ w1) * (x @ w2), the second matmul's result an
    # operand of the first's epilogue.
    "gemm_swiglu_f16": """
func.func @main(%x: tensor<?x?xf16>, %w1: tensor<?x?xf16>, %w2: tensor<?x?xf16>) -> tensor<?x?xf16> {
  %a = tessera_graph.matmul %x, %w1 : tensor<?x?xf16>, tensor<?x?xf16> -> tensor<?x?xf16>
  %b = tessera_graph.matmul %x, %w2 : tensor<?x?xf16>, tensor<?x?xf16> -> tensor<?x?xf16>
  %s = tessera_graph.silu %a : tensor<?x?xf16>
  %m = tessera_graph.mul %s, %b : tensor<?x?xf16>, tensor<?x?xf16> -> tensor<?x?xf16>
  return %m : tensor<?x?xf16>
}""",
    # FP8 (e4m3) x @ w.T with f32 accumulation, scaled per tensor or per
    # row of x and column of the result, rounded once to bf16: what
    # torch._scaled_mm computes.
    "gemm_e4m3_tensor": """
func.func @main(%a: tensor<?x?xf8E4M3FN>, %b: tensor<?x?xf8E4M3FN>, %sa: tensor<1xf32>, %sb: tensor<1xf32>) -> tensor<?x?xbf16> {
  %m = tessera_graph.matmul %a, %b transpose_rhs out = f32 : tensor<?x?xf8E4M3FN>, tensor<?x?xf8E4M3FN> -> tensor<?x?xf32>
  %x = tessera_graph.mul %m, %sa : tensor<?x?xf32>, tensor<1xf32> -> tensor<?x?xf32>
  %y = tessera_graph.mul %x, %sb : tensor<?x?xf32>, tensor<1xf32> -> tensor<?x?xf32>
  %c = tessera_graph.cast %y : tensor<?x?xf32> -> tensor<?x?xbf16>
  return %c : tensor<?x?xbf16>
}""",
    "gemm_e4m3_row": """
func.func @main(%a: tensor<?x?xf8E4M3FN>, %b: tensor<?x?xf8E4M3FN>, %sa: tensor<?x1xf32>, %sb: tensor<1x?xf32>) -> tensor<?x?xbf16> {
  %m = tessera_graph.matmul %a, %b transpose_rhs out = f32 : tensor<?x?xf8E4M3FN>, tensor<?x?xf8E4M3FN> -> tensor<?x?xf32>
  %x = tessera_graph.mul %m, %sa : tensor<?x?xf32>, tensor<?x1xf32> -> tensor<?x?xf32>
  %y = tessera_graph.mul %x, %sb : tensor<?x?xf32>, tensor<1x?xf32> -> tensor<?x?xf32>
  %c = tessera_graph.cast %y : tensor<?x?xf32> -> tensor<?x?xbf16>
  return %c : tensor<?x?xbf16>
}""",
    "softmax_f16": """
func.func @main(%x: tensor<?x?xf16>) -> tensor<?x?xf16> {
  %y = tessera_graph.softmax %x dim = 1 : tensor<?x?xf16>
  return %y : tensor<?x?xf16>
}""",
    "layer_norm_f16": """
func.func @main(%x: tensor<?x?xf16>) -> tensor<?x?xf16> {
  %y = tessera_graph.layer_norm %x : tensor<?x?xf16>
  return %y : tensor<?x?xf16>
}""",
    "transpose_f16": """
func.func @main(%x: tensor<?x?xf16>) -> tensor<?x?xf16> {
  %t = tessera_graph.transpose %x permutation = [1, 0] : tensor<?x?xf16> -> tensor<?x?xf16>
  return %t : tensor<?x?xf16>
}""",
    "transpose_bshd_f16": """
func.func @main(%x: tensor<?x?x?x?xf16>) -> tensor<?x?x?x?xf16> {
  %t = tessera_graph.transpose %x permutation = [0, 2, 1, 3] : tensor<?x?x?x?xf16> -> tensor<?x?x?x?xf16>
  return %t : tensor<?x?x?x?xf16>
}""",
    "concat_f16": """
func.func @main(%a: tensor<?x?xf16>, %b: tensor<?x?xf16>) -> tensor<?x?xf16> {
  %c = tessera_graph.concat %a, %b dim = 1 : tensor<?x?xf16>, tensor<?x?xf16> -> tensor<?x?xf16>
  return %c : tensor<?x?xf16>
}""",
    "sum_rows_f32": """
func.func @main(%x: tensor<?x?xf32>) -> tensor<?xf32> {
  %y = tessera_graph.reduce sum %x dims = [1] : tensor<?x?xf32> -> tensor<?xf32>
  return %y : tensor<?xf32>
}""",
    "sum_columns_f32": """
func.func @main(%x: tensor<?x?xf32>) -> tensor<?xf32> {
  %y = tessera_graph.reduce sum %x dims = [0] : tensor<?x?xf32> -> tensor<?xf32>
  return %y : tensor<?xf32>
}""",
}

# The other row ops and bf16 (issue 14's norm rows): softmax_f16 and
# layer_norm_f16 above, the rest here, all without weights.
_ROW_OPS = {"softmax": "tessera_graph.softmax %x dim = 1",
            "log_softmax": "tessera_graph.log_softmax %x dim = 1",
            "layer_norm": "tessera_graph.layer_norm %x",
            "rms_norm": "tessera_graph.rms_norm %x"}
for _op, _text in _ROW_OPS.items():
    for _type in ("f16", "bf16"):
        PROGRAMS.setdefault(f"{_op}_{_type}", f"""
func.func @main(%x: tensor<?x?x{_type}>) -> tensor<?x?x{_type}> {{
  %y = {_text} : tensor<?x?x{_type}>
  return %y : tensor<?x?x{_type}>
}}""")

for _d, _type in ((64, "f16"), (128, "f16"), (64, "bf16"), (128, "bf16"),
                 (64, "f32")):  # f32: SIMT
    for _causal in (False, True):
        _t = f"tensor<?x?x?x{_d}x{_type}>"
        PROGRAMS[f"attention_d{_d}{'_causal' if _causal else ''}_{_type}"] = f"""
func.func @main(%q: {_t}, %k: {_t}, %v: {_t}) -> {_t} {{
  %o = tessera_graph.attention %q, %k, %v{' causal' if _causal else ''} : {_t}, {_t}, {_t} -> {_t}
  return %o : {_t}
}}"""


# Attention on [B, S, H, D] tensors (as models keep q, k and v): head swaps
# around it, which the kernel reads and writes through strides.
for _causal in (False, True):
    _t = "tensor<?x?x?x128xf16>"
    _swap = "permutation = [0, 2, 1, 3] : " + _t + " -> " + _t
    PROGRAMS[f"attention_bshd_d128{'_causal' if _causal else ''}_f16"] = f"""
func.func @main(%q: {_t}, %k: {_t}, %v: {_t}) -> {_t} {{
  %qt = tessera_graph.transpose %q {_swap}
  %kt = tessera_graph.transpose %k {_swap}
  %vt = tessera_graph.transpose %v {_swap}
  %o = tessera_graph.attention %qt, %kt, %vt{' causal' if _causal else ''} : {_t}, {_t}, {_t} -> {_t}
  %ot = tessera_graph.transpose %o {_swap}
  return %ot : {_t}
}}"""


#: The schedule sweep behind the GEMM default (`build.py --sweep`,
#: `sweep_gemm.py`): the GEMM programs under other schedules, by name.
SWEEP_SCHEDULES = {
    "wgmma_128x128_w4_s4": "tile = [128, 128, 64], warps = 4, stages = 4, mma = wgmma",
    "wgmma_128x256_w8_s3": "tile = [128, 256, 64], warps = 8, stages = 3, mma = wgmma",
    "wgmma_128x256_w8_s4": "tile = [128, 256, 64], warps = 8, stages = 4, mma = wgmma",
    "wgmma_128x128_w8_s4": "tile = [128, 128, 64], warps = 8, stages = 4, mma = wgmma",
    "wgmma_256x128_w8_s3": "tile = [256, 128, 64], warps = 8, stages = 3, mma = wgmma",
    "mma_sync_128x128_w4_s3": "tile = [128, 128, 64], warps = 4, stages = 3, mma = mma_sync",
    "wgmma_128x256_w8_s3_g4":
        "tile = [128, 256, 64], warps = 8, stages = 3, swizzle = 4, mma = wgmma",
    "wgmma_128x256_w8_s3_g8":
        "tile = [128, 256, 64], warps = 8, stages = 3, swizzle = 8, mma = wgmma",
    "wgmma_128x256_w8_s3_g16":
        "tile = [128, 256, 64], warps = 8, stages = 3, swizzle = 16, mma = wgmma",
    "wgmma_128x256_w8_s3_g16_split2":
        "tile = [128, 256, 64], warps = 8, stages = 3, swizzle = 16, mma = wgmma, split_k = 2",
    "wgmma_128x256_w8_s3_g16_split4":
        "tile = [128, 256, 64], warps = 8, stages = 3, swizzle = 16, mma = wgmma, split_k = 4",
    "wgmma_128x256_w8_s3_g16_split8":
        "tile = [128, 256, 64], warps = 8, stages = 3, swizzle = 16, mma = wgmma, split_k = 8",
    "wgmma_128x256_w8_s3_ws": "tile = [128, 256, 64], warps = 8, stages = 3, swizzle = 16, mma = wgmma, producer_warps = 4",
    "wgmma_128x256_w8_s4_ws": "tile = [128, 256, 64], warps = 8, stages = 4, swizzle = 16, mma = wgmma, producer_warps = 4",
    "wgmma_128x128_w4_s4_ws": "tile = [128, 128, 64], warps = 4, stages = 4, swizzle = 16, mma = wgmma, producer_warps = 4",
    "wgmma_128x256_w8_s3_default": "tile = [128, 256, 64], warps = 8, stages = 3, swizzle = 16, mma = wgmma",
    "wgmma_64x128_w4_s4_split4":
        "tile = [64, 128, 64], warps = 4, stages = 4, mma = wgmma, split_k = 4",
    # Decode shapes (M <= 64): one warpgroup's 64 rows, K split at launch
    # only where the tiles of N leave multiprocessors idle.
    "wgmma_128x256_w8_s3_auto":
        "tile = [128, 256, 64], warps = 8, stages = 3, swizzle = 16, mma = wgmma, split_k = auto",
    "wgmma_64x64_w4_s6_auto":
        "tile = [64, 64, 64], warps = 4, stages = 6, swizzle = 16, mma = wgmma, split_k = auto",
    "wgmma_64x64_w4_s8_auto":
        "tile = [64, 64, 64], warps = 4, stages = 8, swizzle = 16, mma = wgmma, split_k = auto",
    "wgmma_64x128_w4_s4_auto":
        "tile = [64, 128, 64], warps = 4, stages = 4, swizzle = 16, mma = wgmma, split_k = auto",
    "wgmma_64x128_w4_s6_auto":
        "tile = [64, 128, 64], warps = 4, stages = 6, swizzle = 16, mma = wgmma, split_k = auto",
    "wgmma_64x256_w4_s4_auto":
        "tile = [64, 256, 64], warps = 4, stages = 4, swizzle = 16, mma = wgmma, split_k = auto",
}
SWEEP = {f"gemm_{t}_{name}": (PROGRAMS[f"gemm_{t}"], {"matmul": config})
         for name, config in SWEEP_SCHEDULES.items() for t in ("f16", "bf16")}

#: The schedule sweep behind the FP8 GEMM default (`sweep_fp8.py`): the
#: row-scaled e4m3 program under other schedules (128-deep K slices: one
#: 128-byte box row of f8).
FP8_SWEEP_SCHEDULES = {
    "128x256_w8_s3": "tile = [128, 256, 128], warps = 8, stages = 3, swizzle = 16, mma = wgmma",
    "128x256_w8_s4": "tile = [128, 256, 128], warps = 8, stages = 4, swizzle = 16, mma = wgmma",
    "128x256_w8_s3_ws": "tile = [128, 256, 128], warps = 8, stages = 3, swizzle = 16, "
                        "mma = wgmma, producer_warps = 4",
    "128x256_w8_s4_ws": "tile = [128, 256, 128], warps = 8, stages = 4, swizzle = 16, "
                        "mma = wgmma, producer_warps = 4",
    "128x128_w4_s4": "tile = [128, 128, 128], warps = 4, stages = 4, swizzle = 16, mma = wgmma",
    "128x128_w8_s4": "tile = [128, 128, 128], warps = 8, stages = 4, swizzle = 16, mma = wgmma",
    "256x128_w8_s3": "tile = [256, 128, 128], warps = 8, stages = 3, swizzle = 16, mma = wgmma",
    "128x256_w8_s3_g8": "tile = [128, 256, 128], warps = 8, stages = 3, swizzle = 8, mma = wgmma",
    "128x256_w8_s4_split": "tile = [128, 256, 128], warps = 8, stages = 4, swizzle = 16, "
                           "mma = wgmma, split_k = auto",
    "128x128_w8_s4_split": "tile = [128, 128, 128], warps = 8, stages = 4, swizzle = 16, "
                           "mma = wgmma, split_k = auto",
    # Decode shapes (M <= 64): one warpgroup's 64 rows.
    "64x64_w4_s6_split": "tile = [64, 64, 128], warps = 4, stages = 6, swizzle = 16, "
                         "mma = wgmma, split_k = auto",
    "64x128_w4_s4_split": "tile = [64, 128, 128], warps = 4, stages = 4, swizzle = 16, "
                          "mma = wgmma, split_k = auto",
    "64x128_w4_s6_split": "tile = [64, 128, 128], warps = 4, stages = 6, swizzle = 16, "
                          "mma = wgmma, split_k = auto",
    "64x256_w4_s4_split": "tile = [64, 256, 128], warps = 4, stages = 4, swizzle = 16, "
                          "mma = wgmma, split_k = auto",
}
SWEEP.update({f"fp8sweep_{name}": (PROGRAMS["gemm_e4m3_row"], {"matmul": config})
              for name, config in FP8_SWEEP_SCHEDULES.items()})

#: The schedule sweep behind the attention default (`build.py --sweep`,
#: `sweep_attention.py`): the fp16 attention programs under other schedules.
ATTENTION_SWEEP_SCHEDULES = {
    "128x64_w8_s2": "tile = [128, 64], warps = 8, stages = 2, mma = mma_sync",
    "128x64_w8_s3": "tile = [128, 64], warps = 8, stages = 3, mma = mma_sync",
    "128x128_w8_s2": "tile = [128, 128], warps = 8, stages = 2, mma = mma_sync",
    "64x64_w4_s2": "tile = [64, 64], warps = 4, stages = 2, mma = mma_sync",
    "64x64_w4_s3": "tile = [64, 64], warps = 4, stages = 3, mma = mma_sync",
    "128x32_w8_s3": "tile = [128, 32], warps = 8, stages = 3, mma = mma_sync",
    # wgmma (Hopper): two warpgroups of 64 query rows, 64 or 128 keys a
    # step, TMA rings of 2 to 4 stages. (128 x 192 needs about 266
    # registers per thread; three warpgroups are 12 warps, not a power of
    # two.)
    "wg_128x128_w8_s2": "tile = [128, 128], warps = 8, stages = 2, mma = wgmma",
    "wg_128x128_w8_s3": "tile = [128, 128], warps = 8, stages = 3, mma = wgmma",
    "wg_128x64_w8_s2": "tile = [128, 64], warps = 8, stages = 2, mma = wgmma",
    "wg_128x64_w8_s3": "tile = [128, 64], warps = 8, stages = 3, mma = wgmma",
    "wg_128x64_w8_s4": "tile = [128, 64], warps = 8, stages = 4, mma = wgmma",
    # Warp-specialized: a producer warpgroup fills the K and V rings, the
    # two consumer warpgroups free each slot on its barrier.
    "ws_128x128_w8_s2": "tile = [128, 128], warps = 8, stages = 2, mma = wgmma, producer_warps = 4",
    "ws_128x128_w8_s3": "tile = [128, 128], warps = 8, stages = 3, mma = wgmma, producer_warps = 4",
    "ws_128x64_w8_s2": "tile = [128, 64], warps = 8, stages = 2, mma = wgmma, producer_warps = 4",
    "ws_128x64_w8_s3": "tile = [128, 64], warps = 8, stages = 3, mma = wgmma, producer_warps = 4",
    "ws_128x64_w8_s4": "tile = [128, 64], warps = 8, stages = 4, mma = wgmma, producer_warps = 4",
}


def _attention_sweep(schedules, dtype, head_dims):
    """The attention programs of `dtype` under each of `schedules`."""
    return {f"attention_d{d}{c}_{dtype}_{name}": (PROGRAMS[f"attention_d{d}{c}_{dtype}"],
                                                 {"attention": config})
            for name, config in schedules.items()
            for d in head_dims for c in ("", "_causal")}


SWEEP.update(_attention_sweep(ATTENTION_SWEEP_SCHEDULES, "f16", (64, 128)))

#: The SIMT attention kernel (fma dots) under other schedules: rows per
#: block, keys per step, warps, stages.
SIMT_ATTENTION_SWEEP_SCHEDULES = {
    "64x64_w4_s1": "tile = [64, 64], warps = 4, stages = 1",
    "64x64_w4_s2": "tile = [64, 64], warps = 4, stages = 2",
    "64x32_w4_s2": "tile = [64, 32], warps = 4, stages = 2",
    "64x32_w2_s2": "tile = [64, 32], warps = 2, stages = 2",
    "128x32_w4_s2": "tile = [128, 32], warps = 4, stages = 2",
    "128x64_w8_s2": "tile = [128, 64], warps = 8, stages = 2",
    "32x64_w2_s2": "tile = [32, 64], warps = 2, stages = 2",
    "32x32_w1_s2": "tile = [32, 32], warps = 1, stages = 2",
}
SWEEP.update(_attention_sweep(SIMT_ATTENTION_SWEEP_SCHEDULES, "f32", (64,)))

# The mma.sync kernel (what sm_80 and transposed operands get), run on the
# H200 as rows of its own.
for _t in ("f16", "bf16"):
    PROGRAMS[f"gemm_{_t}_mma_sync"] = (
        PROGRAMS[f"gemm_{_t}"], {"matmul": SWEEP_SCHEDULES["mma_sync_128x128_w4_s3"]})

#: The schedule sweep behind the transpose kernels' defaults (`build.py
#: --sweep`, `sweep_movement.py`): box elements (`tile`), warps and the
#: elements a thread moves at once (`vector`).
MOVEMENT_SWEEP_SCHEDULES = {
    f"t{tile}_w{warps}_v{vector}":
        f"tile = [{tile}], warps = {warps}, stages = 1, vector = {vector}"
    for tile in (1024, 4096) for warps in (4, 8) for vector in (2, 4, 8)}
SWEEP.update({f"{p}_{name}": (PROGRAMS[p], {"elementwise": config})
              for name, config in MOVEMENT_SWEEP_SCHEDULES.items()
              for p in ("transpose_f16", "transpose_bshd_f16")})

#: The schedule sweep behind the column kernels' default (`build.py
#: --sweep`, `sweep_columns.py`): the slices of the rows (`split_k`), the
#: rows a step and the columns a block.
COLUMN_SWEEP_SCHEDULES = {
    **{f"r32_c256_w8_s{split}": f"tile = [32, 256], warps = 8, stages = 1, split_k = {split}"
       for split in (1, 2, 4, 8, 16, 32, "auto")},
    "r16_c256_w8_sauto": "tile = [16, 256], warps = 8, stages = 1, split_k = auto",
    "r64_c256_w8_sauto": "tile = [64, 256], warps = 8, stages = 1, split_k = auto",
    "r32_c128_w4_sauto": "tile = [32, 128], warps = 4, stages = 1, split_k = auto",
    "r32_c512_w8_v2_sauto": "tile = [32, 512], warps = 8, stages = 1, vector = 2, split_k = auto",
    **{f"r64_c256_w8_s{split}": f"tile = [64, 256], warps = 8, stages = 1, split_k = {split}"
       for split in (1, 8)},
}
SWEEP.update({f"sum_columns_f32_{name}": (PROGRAMS["sum_columns_f32"], {"reduce": config})
              for name, config in COLUMN_SWEEP_SCHEDULES.items()})
