"""Runs Tessera's benchmark artifacts and their peers in one process on the
GPU: cuBLAS (torch), a Triton GEMM, torch SDPA (flash and cuDNN backends),
torch softmax/layer_norm/sum/unfused epilogues, and the device copy
bandwidth.

    python bench/run.py [build/bench-artifacts] [--quick]
    python bench/run.py --baseline OLD_DIR [NEW_DIR] [--quick] [--rounds N]
    python bench/run.py ... --only norms,reductions   (some groups of rows)

Every row is checked first (float64 reference, relative error, pass/fail)
and then timed: CUDA events around batches of launches after warm-up, the
median per launch; inputs rotate through enough copies that the L2 cache
(50 MiB) cannot hold them. Prints the table last; writes bench.json and
bench.png (ratios to the best peer) under $OUT (default: bench/out).
Needs torch, triton, cupy and numpy; without a GPU it prints SKIP.

With --baseline, every Tessera row also runs the artifacts in OLD_DIR
(built before a change): both are checked, then timed alternately (old,
new, new, old, ... --rounds rounds, default 3, each round one time_ms per
version); the row reports both medians and new/old in rates. A row below
0.97 is timed 3 more rounds and flagged SLOWER if the median over all its
rounds is still below (bench/compare.py). Peers are timed once, as without
--baseline. Also prints compile time per program from both sets'
index.json. Exit status: 1 if a new row fails its check, else 2 if a row
is SLOWER, else 0.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
import compare  # noqa: E402  (pure Python: the before/after logic)

L2_BYTES = 50 * 2**20
ROTATE_BYTES = 4 * L2_BYTES


# --- timing -----------------------------------------------------------------
def cuda_torch():
    """torch with a GPU, or None after printing why not (the sweeps' SKIP)."""
    try:
        import torch

        if not torch.cuda.is_available():
            raise RuntimeError("torch sees no GPU")
        return torch
    except Exception as e:  # no torch / GPU
        print(f"SKIP: {type(e).__name__}: {e}")
        return None


def device_script(argv):
    """The start of a device script (the sweeps, profile_rows.py): CUDA
    torch, the artifacts folder (argv[1], else build/bench-artifacts) and
    tessera.runtime from the source tree; None, after printing SKIP,
    without a GPU."""
    torch = cuda_torch()
    if torch is None:
        print("SKIP: no CUDA torch")
        return None
    artifacts = Path(argv[1] if len(argv) > 1 else ROOT / "build" / "bench-artifacts")
    sys.path.insert(0, str(ROOT / "python"))
    import tessera.runtime as runtime

    return torch, artifacts, runtime


def time_ms(torch, fn, sets: int, budget_ms: float = 150.0) -> float:
    """Median time per call of fn(i), i rotating over `sets` input sets."""
    for i in range(3):
        fn(i % sets)
    torch.cuda.synchronize()
    start, stop = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    start.record()
    fn(0)
    stop.record()
    stop.synchronize()
    once = max(start.elapsed_time(stop), 1e-3)
    calls = int(min(200, max(sets, budget_ms / 5 / once)))
    samples = []
    for _ in range(5):
        start.record()
        for i in range(calls):
            fn(i % sets)
        stop.record()
        stop.synchronize()
        samples.append(start.elapsed_time(stop) / calls)
    return float(np.median(samples))


def copies_for(nbytes: int) -> int:
    return max(1, min(16, math.ceil(ROTATE_BYTES / max(nbytes, 1))))


def rel_err(torch, got, ref) -> float:
    got = got.double()
    return float((got - ref).norm() / ref.norm().clamp_min(1e-30))


# --- the Triton GEMM peer (the tutorial kernel, small autotune) --------------
def make_triton_gemm(torch, triton, tl):
    @triton.autotune(
        configs=[
            triton.Config({"BM": 128, "BN": 256, "BK": 64, "G": 8}, num_stages=3, num_warps=8),
            triton.Config({"BM": 128, "BN": 128, "BK": 64, "G": 8}, num_stages=4, num_warps=4),
            triton.Config({"BM": 64, "BN": 128, "BK": 64, "G": 8}, num_stages=4, num_warps=4),
            triton.Config({"BM": 16, "BN": 128, "BK": 128, "G": 8}, num_stages=4, num_warps=4),
        ],
        key=["M", "N", "K"],
    )
    @triton.jit
    def mm_kernel(a, b, c, M, N, K, sam, sak, sbk, sbn, scm, scn,
                  BM: tl.constexpr, BN: tl.constexpr, BK: tl.constexpr, G: tl.constexpr):
        pid = tl.program_id(0)
        npm = tl.cdiv(M, BM)
        npn = tl.cdiv(N, BN)
        width = G * npn
        gid = pid // width
        first = gid * G
        gs = min(npm - first, G)
        pm = first + (pid % width) % gs
        pn = (pid % width) // gs
        rm = (pm * BM + tl.arange(0, BM)) % M
        rn = (pn * BN + tl.arange(0, BN)) % N
        rk = tl.arange(0, BK)
        pa = a + rm[:, None] * sam + rk[None, :] * sak
        pb = b + rk[:, None] * sbk + rn[None, :] * sbn
        acc = tl.zeros((BM, BN), dtype=tl.float32)
        for k in range(0, tl.cdiv(K, BK)):
            av = tl.load(pa, mask=rk[None, :] < K - k * BK, other=0.0)
            bv = tl.load(pb, mask=rk[:, None] < K - k * BK, other=0.0)
            acc = tl.dot(av, bv, acc)
            pa += BK * sak
            pb += BK * sbk
        cm = pm * BM + tl.arange(0, BM)
        cn = pn * BN + tl.arange(0, BN)
        tl.store(c + cm[:, None] * scm + cn[None, :] * scn, acc.to(c.dtype.element_ty),
                 mask=(cm[:, None] < M) & (cn[None, :] < N))

    def gemm(a, b, c):
        M, K = a.shape
        N = b.shape[1]
        grid = lambda meta: (triton.cdiv(M, meta["BM"]) * triton.cdiv(N, meta["BN"]),)
        mm_kernel[grid](a, b, c, M, N, K, a.stride(0), a.stride(1), b.stride(0), b.stride(1),
                        c.stride(0), c.stride(1))
        return c

    return gemm


# --- the run ----------------------------------------------------------------
class Bench:
    def __init__(self, torch, runtime, artifacts: Path, baseline: Path = None,
                 rounds: int = compare.ROUNDS):
        self.torch = torch
        self.runtime = runtime
        self.artifacts = artifacts
        self.baseline = baseline  # old artifacts (--baseline), or None
        self.rounds = rounds
        self.rows = []
        self.programs = {}
        self._pending = None  # the baseline entry of the row being measured

    def program(self, name, old=False):
        key = (name, old)
        if key not in self.programs:
            if old:
                # The runtime is the current one; an older Tessera's plan may
                # lack fields it now needs (compare.baseline_plan fills
                # `vendor`, which plans before it existed lack: "nvidia" for
                # a .ptx binary).
                path = self.baseline / name
                plan = compare.baseline_plan(self.runtime.read_plan(path))
                self.programs[key] = self.runtime.GPUProgram(plan, path / plan["binary"])
            else:
                self.programs[key] = self.runtime.load(self.artifacts / name)
        return self.programs[key]

    def tessera(self, name, run, check, tol, sets):
        """Checks and times program `name`: run(program, i) launches it on
        input set i, check(program) poisons the output, launches once and
        returns the relative error. Returns (ms, rel_err, pass) of the new
        artifacts; with a baseline, old and new are timed alternately and
        the old side waits for add()."""
        torch = self.torch
        new = self.program(name)
        e = check(new)
        if self.baseline is None:
            return (time_ms(torch, lambda i: run(new, i), sets), e, bool(e < tol))
        try:
            old = self.program(name, old=True)
            e_old = check(old)
        except Exception as ex:  # an old artifact the runtime cannot run: say so
            print(f"  baseline {name}: {type(ex).__name__}: {ex}")
            self._pending = {"error": f"{type(ex).__name__}: {ex}", "pass": False}
            return (time_ms(torch, lambda i: run(new, i), sets), e, bool(e < tol))
        fns = {"new": lambda i: run(new, i), "old": lambda i: run(old, i)}
        result = compare.compare_row(lambda which: time_ms(torch, fns[which], sets),
                                     self.rounds)
        self._pending = dict(result, rel_err=e_old, **{"pass": bool(e_old < tol)})
        return (result["new_ms"], e, bool(e < tol))

    def add(self, group, name, work, unit, tessera, peers, ceiling=None, note=""):
        """tessera / peers: (ms, rel_err, pass) tuples (peers by name)."""
        scale = 1e9 if unit == "TFLOP/s" else 1e6
        rate = lambda ms: work / ms / scale if ms and ms > 0 else None
        row = {"group": group, "name": name, "unit": unit, "work": work,
               "tessera": {"ms": tessera[0], "rel_err": tessera[1], "pass": tessera[2],
                           "rate": rate(tessera[0])},
               "peers": {k: {"ms": v[0], "rel_err": v[1], "pass": v[2], "rate": rate(v[0])}
                         for k, v in peers.items()},
               "note": note}
        valid = {k: v for k, v in peers.items() if v[0] and v[2]}
        if valid and tessera[0]:
            best = min(valid, key=lambda k: valid[k][0])
            row["best_peer"] = best
            row["ratio_to_best"] = valid[best][0] / tessera[0]
        if ceiling is not None and tessera[0]:
            row["ceiling"] = ceiling[0]
            row["fraction_of_ceiling"] = rate(tessera[0]) / ceiling[1]
        old = ""
        if self._pending is not None:
            b = row["baseline"] = self._pending
            self._pending = None
            b["rate"] = rate(b.get("old_ms"))
            old = (f"  old {b['rate'] or 0:.1f} {'ok' if b['pass'] else 'FAIL'} new/old "
                   f"{b.get('new_over_old') or 0:.3f}{' SLOWER' if b.get('slower') else ''}")
        self.rows.append(row)
        t = row["tessera"]
        print(f"  {group:9s} {name:34s} tessera {t['rate'] or 0:8.1f} {unit:7s} "
              f"err {tessera[1]:.1e} {'ok' if tessera[2] else 'FAIL'}  "
              + "  ".join(f"{k} {(rate(v[0]) or 0):.1f}" for k, v in peers.items()) + old,
              flush=True)


def gemm_rows(bench, triton_gemm, quick):
    torch = bench.torch
    shapes = [(4096, 4096, 4096), (8192, 8192, 8192), (8192, 8192, 1024), (1, 8192, 8192),
              (16, 8192, 8192), (64, 8192, 8192), (4000, 4000, 4000), (1000, 999, 777)]
    if quick:
        shapes = [(4096, 4096, 4096), (1000, 999, 777)]
    # The mma.sync kernel (sm_80's, and transposed operands') on two shapes.
    mma_sync_shapes = [(4096, 4096, 4096), (1000, 999, 777)]
    for dtype, tol, prog, prog_shapes in (
            (torch.bfloat16, 1e-2, "gemm_bf16", shapes), (torch.float16, 2e-3, "gemm_f16", shapes),
            (torch.bfloat16, 1e-2, "gemm_bf16_mma_sync", mma_sync_shapes),
            (torch.float16, 2e-3, "gemm_f16_mma_sync", mma_sync_shapes),
            (torch.float16, 2e-3, "gemm_f16_nt", mma_sync_shapes)):
        tname = ("bf16" if dtype == torch.bfloat16 else "fp16") + (
            " mma_sync" if prog.endswith("mma_sync") else "") + (
            " x@w.T" if prog.endswith("_nt") else "")
        for M, N, K in prog_shapes:
            sets = copies_for((M * K + K * N) * 2)
            A = [torch.randn(M, K, device="cuda", dtype=dtype) for _ in range(sets)]
            # x @ w.T: Tessera gets w, stored [N, K]; the peers its transposed
            # view B.
            nt = prog.endswith("_nt")
            W = [torch.randn(N, K, device="cuda", dtype=dtype) for _ in range(sets)] if nt else None
            B = [w.T for w in W] if nt else [
                torch.randn(K, N, device="cuda", dtype=dtype) for _ in range(sets)]
            C = torch.empty(M, N, device="cuda", dtype=dtype)
            ref = A[0].double() @ B[0].double()

            def run(program, i):
                program(A[i], W[i] if nt else B[i], out=[C])

            def check(program):
                C.fill_(float("nan"))
                run(program, 0)
                return rel_err(torch, C, ref)

            t = bench.tessera(prog, run, check, tol, sets)
            peers = {}
            e = rel_err(torch, A[0] @ B[0], ref)
            peers["cuBLAS"] = (time_ms(torch, lambda i: torch.matmul(A[i], B[i], out=C), sets),
                               e, bool(e < tol))
            try:
                C2 = torch.empty_like(C)
                e = rel_err(torch, triton_gemm(A[0], B[0], C2), ref)
                peers["Triton"] = (time_ms(torch, lambda i: triton_gemm(A[i], B[i], C2), sets),
                                   e, bool(e < tol))
            except Exception as ex:  # report, keep going
                print(f"  Triton failed on {M}x{N}x{K}: {ex!r}")
            cublas_rate = 2 * M * N * K / peers["cuBLAS"][0] / 1e9
            bench.add("gemm", f"{tname} {M}x{N}x{K}", 2 * M * N * K, "TFLOP/s", t, peers,
                      ceiling=("cuBLAS", cublas_rate))
            del A, B, W, C, ref


def fused_rows(bench, quick):
    torch = bench.torch
    F = torch.nn.functional
    for M, N, K in ([(8192, 8192, 1024), (4000, 4000, 4000)] if not quick else [(1000, 999, 777)]):
        sets = copies_for((M * K + K * N) * 2)
        A = [torch.randn(M, K, device="cuda", dtype=torch.float16) for _ in range(sets)]
        B = [torch.randn(K, N, device="cuda", dtype=torch.float16) for _ in range(sets)]
        bias = torch.randn(N, device="cuda", dtype=torch.float16)
        C = torch.empty(M, N, device="cuda", dtype=torch.float16)
        ref = F.gelu(A[0].double() @ B[0].double() + bias.double())

        def run(program, i):
            program(A[i], B[i], bias, out=[C])

        def check(program):
            C.fill_(float("nan"))
            run(program, 0)
            return rel_err(torch, C, ref)

        t = bench.tessera("gemm_bias_gelu_f16", run, check, 2e-3, sets)
        unfused = lambda i: F.gelu(A[i] @ B[i] + bias)
        e = rel_err(torch, unfused(0), ref)
        peers = {"torch unfused": (time_ms(torch, unfused, sets), e, bool(e < 2e-3))}
        # Ceiling: cuBLAS's matmul alone at the same size (the epilogue free).
        matmul_ms = time_ms(torch, lambda i: torch.matmul(A[i], B[i], out=C), sets)
        bench.add("fused", f"fp16 gelu(x@w+b) {M}x{N}x{K}", 2 * M * N * K, "TFLOP/s", t, peers,
                  ceiling=("cuBLAS matmul alone", 2 * M * N * K / matmul_ms / 1e9))
        del B, C, ref
        # SwiGLU's gate, silu(x @ w1) * (x @ w2): two matmuls, the second's
        # result read by the first's epilogue.
        W1 = [torch.randn(K, N, device="cuda", dtype=torch.float16) / K ** 0.5
              for _ in range(sets)]
        W2 = [torch.randn(K, N, device="cuda", dtype=torch.float16) / K ** 0.5
              for _ in range(sets)]
        C = torch.empty(M, N, device="cuda", dtype=torch.float16)
        ref = F.silu(A[0].double() @ W1[0].double()) * (A[0].double() @ W2[0].double())

        def run_swiglu(program, i):
            program(A[i], W1[i], W2[i], out=[C])

        def check_swiglu(program):
            C.fill_(float("nan"))
            run_swiglu(program, 0)
            return rel_err(torch, C, ref)

        t = bench.tessera("gemm_swiglu_f16", run_swiglu, check_swiglu, 2e-3, sets)
        unfused = lambda i: F.silu(A[i] @ W1[i]) * (A[i] @ W2[i])
        e = rel_err(torch, unfused(0), ref)
        peers = {"torch unfused": (time_ms(torch, unfused, sets), e, bool(e < 2e-3))}
        matmuls_ms = time_ms(torch, lambda i: (torch.matmul(A[i], W1[i], out=C),
                                               torch.matmul(A[i], W2[i], out=C)), sets)
        bench.add("fused", f"fp16 silu(x@w1)*(x@w2) {M}x{N}x{K}", 4 * M * N * K, "TFLOP/s", t,
                  peers, ceiling=("cuBLAS matmuls alone", 4 * M * N * K / matmuls_ms / 1e9))
        del A, W1, W2, C, ref


FP8_SHAPES = [(4096, 4096, 4096), (8192, 8192, 8192), (8192, 8192, 1024), (4000, 4000, 4000),
              (64, 8192, 8192)]


def fp8_inputs(torch, M, N, K, scaling, sets):
    """e4m3 x [M, K] and w [N, K] (sets of them), the scales (per tensor:
    one element each; per row: [M, 1] and [1, N]) and the float64 result."""
    A = [torch.randn(M, K, device="cuda").to(torch.float8_e4m3fn) for _ in range(sets)]
    W = [torch.randn(N, K, device="cuda").to(torch.float8_e4m3fn) for _ in range(sets)]
    if scaling == "tensor":
        sa = torch.tensor([0.75], device="cuda")
        sb = torch.tensor([1.5], device="cuda")
    else:
        sa = torch.rand(M, 1, device="cuda") + 0.5
        sb = torch.rand(1, N, device="cuda") + 0.5
    ref = (A[0].double() @ W[0].double().T) * sa.double() * sb.double()
    return A, W, sa, sb, ref


def fp8_rows(bench, quick, prefix="gemm_e4m3"):
    """FP8 x @ w.T into bf16 against torch._scaled_mm (cuBLASLt), with and
    without its fast accumulation (which skips the promotions of the
    tensor cores' partial sums to f32 registers)."""
    torch = bench.torch
    shapes = FP8_SHAPES if not quick else [(4096, 4096, 4096)]
    for scaling in ("tensor", "row"):
        for M, N, K in shapes:
            sets = copies_for(M * K + N * K)
            A, W, sa, sb, ref = fp8_inputs(torch, M, N, K, scaling, sets)
            C = torch.empty(M, N, device="cuda", dtype=torch.bfloat16)

            def run(program, i):
                program(A[i], W[i], sa, sb, out=[C])

            def check(program):
                C.fill_(float("nan"))
                run(program, 0)
                return rel_err(torch, C, ref)

            t = bench.tessera(f"{prefix}_{scaling}", run, check, 1e-2, sets)
            peers = {}
            for label, fast in (("_scaled_mm", False), ("_scaled_mm fast", True)):
                def peer(i, fast=fast):
                    return torch._scaled_mm(A[i], W[i].t(), scale_a=sa, scale_b=sb,
                                            out_dtype=torch.bfloat16, use_fast_accum=fast)
                try:
                    e = rel_err(torch, peer(0), ref)
                    peers[label] = (time_ms(torch, peer, sets), e, bool(e < 1e-2))
                except Exception as ex:  # report, keep going
                    print(f"  {label} failed on {M}x{N}x{K} ({scaling}): {ex!r}")
            bench.add("fp8", f"e4m3 {scaling}-scaled {M}x{N}x{K}", 2 * M * N * K, "TFLOP/s",
                      t, peers)
            del A, W, C, ref


def attention_inputs(torch, shape, dtype, causal):
    """Random q, k, v of `shape` ([B, H, S, D]) in `dtype`, as many sets as
    rotate through the caches, an output buffer, and the float64 reference
    on the first set's first two heads (the whole problem would need
    B*H*S*S*8 bytes of scores): (sets, qkv, out, ref)."""
    Bz, H, S, D = shape
    sets = copies_for(3 * Bz * H * S * D * torch.finfo(dtype).bits // 8)
    qkv = [[torch.randn(shape, device="cuda", dtype=dtype) for _ in range(3)]
           for _ in range(sets)]
    out = torch.empty(shape, device="cuda", dtype=dtype)
    q, k, v = (x[:1, :2].double() for x in qkv[0])
    s = q @ k.transpose(-1, -2) / math.sqrt(D)
    if causal:
        s = s.masked_fill(torch.ones(S, S, device="cuda", dtype=torch.bool).triu(1),
                          float("-inf"))
    return sets, qkv, out, torch.softmax(s, dim=-1) @ v


def attention_rows(bench, quick):
    """fp16 and bf16, head dims 64 and 128, causal and not, at sequence
    lengths 1k (1000: ragged), 4k, 8k and 16k with B * S = 16k tokens
    (32 heads), against SDPA's flash and cuDNN backends."""
    torch = bench.torch
    configs = [(16, 32, 1000), (4, 32, 4096), (2, 32, 8192), (1, 32, 16384)]
    dtypes = (("fp16", "f16", torch.float16), ("bf16", "bf16", torch.bfloat16))
    if quick:
        configs, dtypes = [(1, 8, 1000)], dtypes[:1]
    for label, suffix, dtype in dtypes:
        for D in (64, 128):
            for Bz, H, S in configs:
                for causal in (False, True):
                    shape = (Bz, H, S, D)
                    sets, qkv, O, ref = attention_inputs(torch, shape, dtype, causal)
                    name = f"attention_d{D}{'_causal' if causal else ''}_{suffix}"
                    run, check = runner(torch, qkv, O, ref, lambda o: o[:1, :2])
                    # bf16's 8-bit mantissa: P and the output round 8x coarser
                    # (errors about 2e-3; the method's bf16 bound).
                    tol = 2e-3 if dtype == torch.float16 else 1e-2
                    t = bench.tessera(name, run, check, tol, sets)
                    attention_row(bench, f"{label} B{Bz} H{H} S{S} D{D}", shape, causal, t,
                                  lambda i: qkv[i], sets, ref, tol)
                    del qkv, O, ref
    # [B, S, H, D] tensors: Tessera's head swaps in the kernel (strided
    # reads and writes), SDPA on the [B, H, S, D] views of the same buffers.
    for causal in ((False, True) if not quick else (False,)):
        shape = (4, 32, 4096, 128) if not quick else (1, 8, 1000, 128)  # (the D128 programs)
        Bz, H, S, D = shape
        sets, qkv, O, ref = attention_inputs(torch, shape, torch.float16, causal)
        # the same values, stored [B, S, H, D]
        stored = [[x.transpose(1, 2).contiguous() for x in s] for s in qkv]
        del qkv
        out = torch.empty((Bz, S, H, D), device="cuda", dtype=torch.float16)
        name = f"attention_bshd_d{D}{'_causal' if causal else ''}_f16"
        run, check = runner(torch, stored, out, ref, lambda o: o[:1, :, :2].transpose(1, 2))
        t = bench.tessera(name, run, check, 2e-3, sets)
        attention_row(bench, f"fp16 [B,S,H,D] B{Bz} S{S} H{H} D{D}", shape, causal, t,
                      lambda i: [x.transpose(1, 2) for x in stored[i]], sets, ref)
        del stored, out, ref


def attention_row(bench, label, shape, causal, tessera, qkv, sets, ref, tol=2e-3):
    """Times SDPA's flash and cuDNN backends on `qkv(i)` ([B, H, S, D]
    tensors or views) and adds the attention row with Tessera's timing."""
    torch = bench.torch
    F = torch.nn.functional
    from torch.nn.attention import SDPBackend, sdpa_kernel

    Bz, H, S, D = shape
    peers = {}
    for backend, name in ((SDPBackend.FLASH_ATTENTION, "SDPA flash"),
                          (SDPBackend.CUDNN_ATTENTION, "SDPA cuDNN")):
        try:
            with sdpa_kernel(backend):
                run = lambda i: F.scaled_dot_product_attention(*qkv(i), is_causal=causal)
                e = rel_err(torch, run(0)[:1, :2], ref)
                peers[name] = (time_ms(torch, run, sets), e, bool(e < tol))
        except Exception as ex:  # a backend may refuse a shape
            print(f"  {name} failed on {label}: {type(ex).__name__}")
    flops = 4 * Bz * H * S * S * D * (0.5 if causal else 1.0)
    # Ceiling: the fastest measured attention (cuDNN where it runs).
    fastest = min((v[0] for v in peers.values() if v[0] and v[2]), default=None)
    bench.add("attention", label + (" causal" if causal else ""), flops, "TFLOP/s", tessera,
              peers, ceiling=("fastest peer", flops / fastest / 1e9) if fastest else None)


def simt_attention_rows(bench, quick):
    """fp32 attention, which runs the SIMT kernel (no tensor cores), against
    torch SDPA in fp32."""
    torch = bench.torch
    F = torch.nn.functional
    Bz, H, S, D = (1, 8, 2048, 64) if not quick else (1, 2, 500, 64)
    for causal in (False, True):
        shape = (Bz, H, S, D)
        sets, qkv, O, ref = attention_inputs(torch, shape, torch.float32, causal)
        run, check = runner(torch, qkv, O, ref, lambda o: o[:1, :2])

        t = bench.tessera(f"attention_d{D}{'_causal' if causal else ''}_f32", run, check,
                          1e-4, sets)
        peer = lambda i: F.scaled_dot_product_attention(*qkv[i], is_causal=causal)
        e = rel_err(torch, peer(0)[:1, :2], ref)
        peers = {"SDPA": (time_ms(torch, peer, sets), e, bool(e < 1e-4))}
        flops = 4 * Bz * H * S * S * D * (0.5 if causal else 1.0)
        bench.add("attention", f"fp32 SIMT B{Bz} H{H} S{S} D{D}{' causal' if causal else ''}",
                  flops, "TFLOP/s", t, peers)
        del qkv, O, ref


def runner(torch, args, out, ref, part=lambda y: y):
    """run(program, i): the program on the i-th set of inputs (args[i], a
    list) into out; check(program): the relative error of part(out) against
    ref, from an out of NaNs."""
    def run(program, i):
        program(*args[i], out=[out])

    def check(program):
        out.fill_(float("nan"))
        run(program, 0)
        return rel_err(torch, part(out), ref)

    return run, check


def bandwidth_rows(bench, copy_gbs, quick):
    """softmax, log_softmax, layer_norm and rms_norm (no weights) in fp16
    and bf16 at 16384x8192, a ragged 16383x8189, rows past a block's
    registers (4096x32768) and rows of 256k elements (512x262144), against
    torch's."""
    torch = bench.torch
    F = torch.nn.functional
    M, N = (16384, 8192) if not quick else (1000, 1023)
    mid_rows = (4096, 32768) if not quick else (8, 20000)
    long_rows = (512, 262144) if not quick else (8, 70000)

    def rms_norm(x, n):
        if hasattr(F, "rms_norm"):
            return F.rms_norm(x, (n,), eps=1e-5)
        xf = x if x.dtype == torch.float64 else x.float()
        return (xf * torch.rsqrt((xf * xf).mean(-1, keepdim=True) + 1e-5)).to(x.dtype)

    ops = {"softmax": lambda x, n: torch.softmax(x, dim=-1),
           "log_softmax": lambda x, n: torch.log_softmax(x, dim=-1),
           "layer_norm": lambda x, n: F.layer_norm(x, (n,), eps=1e-5),
           "rms_norm": rms_norm}
    dtypes = {"fp16": (torch.float16, "f16", 2e-3), "bf16": (torch.bfloat16, "bf16", 1e-2)}
    for op, fn in ops.items():
        for label, (dtype, suffix, tol) in dtypes.items():
            # round, ragged, past a block's registers, long
            for m, n in ((M, N), (M - 1, N - 3), mid_rows, long_rows):
                sets = copies_for(m * n * 2 * 2)
                X = [torch.randn(m, n, device="cuda", dtype=dtype) for _ in range(sets)]
                Y = torch.empty(m, n, device="cuda", dtype=dtype)
                ref = fn(X[0].double(), n)
                peer = lambda i: fn(X[i], n)  # noqa: E731
                run, check = runner(torch, [[x] for x in X], Y, ref)
                # The output rounded to the dtype is off by that much
                # already: softmax over 262144 columns is ~4e-6 an element,
                # fp16 subnormals, whose rounding alone is a 2.7e-3 error.
                row_tol = max(tol, 2 * rel_err(torch, ref.to(dtype), ref))

                t = bench.tessera(f"{op}_{suffix}", run, check, row_tol, sets)
                e = rel_err(torch, peer(0), ref)
                peers = {"torch": (time_ms(torch, peer, sets), e, bool(e < row_tol))}
                bench.add("memory", f"{op} {label} {m}x{n}", 2 * m * n * 2, "GB/s", t, peers,
                          ceiling=("copy", copy_gbs))
                del X, Y, ref


def reduction_rows(bench, copy_gbs, quick):
    """Sums of an fp32 matrix over its rows (a row kernel) and over its
    columns (a column kernel), at a round and a ragged size, against
    torch.sum."""
    torch = bench.torch
    M, N = (16384, 8192) if not quick else (1000, 1023)
    for dim, prog, what in ((1, "sum_rows_f32", "rows"), (0, "sum_columns_f32", "columns")):
        for m, n in ((M, N), (M - 1, N - 3)):
            sets = copies_for(m * n * 4)
            X = [torch.randn(m, n, device="cuda", dtype=torch.float32) for _ in range(sets)]
            Y = torch.empty(m if dim == 1 else n, device="cuda", dtype=torch.float32)
            ref = X[0].double().sum(dim=dim)
            run, check = runner(torch, [[x] for x in X], Y, ref)

            # fp32 sums of up to 16384 terms, in any order: 1e-4.
            t = bench.tessera(prog, run, check, 1e-4, sets)
            e = rel_err(torch, torch.sum(X[0], dim=dim), ref)
            peer = lambda i: torch.sum(X[i], dim=dim, out=Y)
            peers = {"torch": (time_ms(torch, peer, sets), e, bool(e < 1e-4))}
            bench.add("memory", f"sum over {what} fp32 {m}x{n}", m * n * 4, "GB/s", t,
                      peers, ceiling=("copy", copy_gbs))
            del X, Y, ref


def elementwise_rows(bench, copy_gbs, quick):
    """x + y in fp32 (an elementwise kernel: 3 bytes moved per flop-free
    element), at a round and a ragged size, against torch.add."""
    torch = bench.torch
    n0 = (1 << 28) if not quick else 1000003
    for n in (n0, n0 - 7):
        sets = copies_for(n * 4 * 3)
        X = [torch.randn(n, device="cuda", dtype=torch.float32) for _ in range(sets)]
        Y = [torch.randn(n, device="cuda", dtype=torch.float32) for _ in range(sets)]
        Z = torch.empty(n, device="cuda", dtype=torch.float32)
        ref = X[0].double() + Y[0].double()

        def run(program, i):
            program(X[i], Y[i], out=[Z])

        def check(program):
            Z.fill_(float("nan"))
            run(program, 0)
            return rel_err(torch, Z, ref)

        t = bench.tessera("add_f32", run, check, 1e-6, sets)
        peer = lambda i: torch.add(X[i], Y[i], out=Z)
        peers = {"torch": (time_ms(torch, peer, sets), 0.0, True)}
        bench.add("memory", f"add fp32 {n}", 3 * n * 4, "GB/s", t, peers,
                  ceiling=("copy", copy_gbs))
        del X, Y, Z, ref


def movement_rows(bench, copy_gbs, quick):
    """Kernels that move elements (elementwise kernels reading their input
    at other positions): a 2-d transpose, a [B, S, H, D] -> [B, H, S, D]
    permutation and a concatenation along the last dim, fp16, at a round
    and a ragged size, against torch's copy of the permuted view (or
    torch.cat)."""
    torch = bench.torch
    square = (8192, 8192) if not quick else (1000, 1023)
    heads = (4, 4096, 32, 128) if not quick else (2, 100, 3, 64)
    cases = [("transpose", "transpose_f16", square, (1, 0)),
             ("transpose", "transpose_f16", (square[0] - 1, square[1] - 3), (1, 0)),
             ("permute", "transpose_bshd_f16", heads, (0, 2, 1, 3)),
             ("permute", "transpose_bshd_f16", heads[:1] + (heads[1] - 5,) + heads[2:],
              (0, 2, 1, 3)),
             ("concat", "concat_f16", square, None),
             ("concat", "concat_f16", (square[0] - 1, square[1] - 3), None)]
    for what, prog, shape, perm in cases:
        numel = 1
        for d in shape:
            numel *= d
        sets = copies_for(numel * 2 * 2)
        if perm is not None:
            X = [[torch.randn(shape, device="cuda", dtype=torch.float16)] for _ in range(sets)]
            ref = X[0][0].permute(perm).double().contiguous()
            peer_of = lambda xs: xs[0].permute(perm)
            name = f"{what} {list(perm)} fp16 {'x'.join(map(str, shape))}"
        else:  # two halves of the last dim, the second 17 narrower
            m, n = shape
            X = [[torch.randn(m, n // 2 + 17, device="cuda", dtype=torch.float16),
                  torch.randn(m, n - n // 2 - 17, device="cuda", dtype=torch.float16)]
                 for _ in range(sets)]
            ref = torch.cat([x.double() for x in X[0]], dim=1)
            peer_of = None
            name = f"{what} fp16 {m}x{n}"
        Y = torch.empty(ref.shape, device="cuda", dtype=torch.float16)
        run, check = runner(torch, X, Y, ref)
        t = bench.tessera(prog, run, check, 1e-6, sets)  # an exact copy (error 0)
        if peer_of is not None:
            peer = lambda i: Y.copy_(peer_of(X[i]))
        else:
            peer = lambda i: torch.cat(X[i], dim=1, out=Y)
        peers = {"torch": (time_ms(torch, peer, sets), 0.0, True)}
        bench.add("memory", name, 2 * numel * 2, "GB/s", t, peers,
                  ceiling=("copy", copy_gbs))
        del X, Y, ref


def copy_bandwidth(torch) -> float:
    x = torch.randn(1 << 30, device="cuda", dtype=torch.float16)
    y = torch.empty_like(x)
    ms = time_ms(torch, lambda i: y.copy_(x), 1)
    del x, y
    return 2 * 2**30 * 2 / ms / 1e6


def write_outputs(rows, meta, out: Path):
    out.mkdir(parents=True, exist_ok=True)
    (out / "bench.json").write_text(json.dumps({"meta": meta, "rows": rows}, indent=1) + "\n")
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        named = [(r["group"] + ": " + r["name"], r.get("ratio_to_best", 0.0)) for r in rows]
        fig, ax = plt.subplots(figsize=(10, 0.32 * len(named) + 1.5))
        ax.barh([n for n, _ in named], [v for _, v in named],
                color=["tab:green" if v >= 1 else "tab:orange" for _, v in named])
        ax.axvline(1.0, color="black", linewidth=0.8)
        ax.invert_yaxis()
        ax.set_xlabel("speed relative to the best peer (>1: Tessera faster)")
        ax.set_title(f"Tessera vs peers, {meta['device']}, {meta['date']}")
        fig.tight_layout()
        fig.savefig(out / "bench.png", dpi=110)
    except Exception as ex:  # the table and JSON still stand
        print(f"no plot: {ex!r}")


def print_table(rows, meta):
    print()
    print(f"Tessera benchmarks on {meta['device']} ({meta['date']}); copy bandwidth "
          f"{meta['copy_GBps']:.0f} GB/s")
    head = f"{'row':46s} {'tessera':>9s} {'best peer':>18s} {'ratio':>6s} {'ceil%':>6s} {'check':>6s}"
    print(head)
    print("-" * len(head))
    for r in rows:
        t = r["tessera"]
        best = r.get("best_peer")
        peer = f"{r['peers'][best]['rate']:.1f} {best}" if best else "-"
        ratio = f"{r['ratio_to_best']:.2f}" if "ratio_to_best" in r else "-"
        ceil = f"{100 * r['fraction_of_ceiling']:.0f}" if "fraction_of_ceiling" in r else "-"
        unit = "T" if r["unit"] == "TFLOP/s" else "G"
        print(f"{r['group'] + ' ' + r['name']:46s} {t['rate'] or 0:8.1f}{unit} {peer:>18s} "
              f"{ratio:>6s} {ceil:>6s} {'PASS' if t['pass'] else 'FAIL':>6s}")
    print("rates: T = TFLOP/s, G = GB/s; ratio = best peer time / Tessera time; "
          "ceil% = share of the measured ceiling: cuBLAS at the same size (GEMM), "
          "cuBLAS's matmul alone (fused), the fastest peer (attention), the copy "
          "bandwidth (memory)")


def print_compare(rows, meta, baseline: Path, artifacts: Path):
    print()
    print(f"Tessera before/after on {meta['device']} ({meta['date']}): old {baseline}, "
          f"new {artifacts}; {meta['rounds']} alternating rounds a row")
    for line in compare.format_compare_table(rows):
        print(line)
    print(f"rates: T = TFLOP/s, G = GB/s; new/old = old time / new time (below 1: new "
          f"slower; below {compare.THRESHOLD} re-timed {compare.RETIME_ROUNDS} more rounds, "
          f"SLOWER if still below); peer = best peer time / new time; check = old/new")
    print()
    print("compile time per program (index.json, as built):")
    for line in compare.format_compile_times(meta["compile_s"]):
        print(line)


#: The groups of rows, in the order they run (--only picks some).
GROUPS = ("gemm", "fp8", "fused", "attention", "norms", "reductions", "elementwise",
          "movement", "dsl")


def main(argv) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("artifacts", nargs="?", default=str(ROOT / "build" / "bench-artifacts"))
    parser.add_argument("--quick", action="store_true", help="one small row per group")
    parser.add_argument("--baseline", metavar="OLD_DIR", type=Path,
                        help="artifacts built before the change: time both, alternating")
    parser.add_argument("--rounds", type=int, default=compare.ROUNDS,
                        help="alternating rounds per row with --baseline")
    parser.add_argument("--only", metavar="GROUP[,GROUP]",
                        help="run only these groups of rows, of: " + ", ".join(GROUPS))
    args = parser.parse_args(argv[1:])
    only = set(args.only.split(",")) if args.only else set(GROUPS)
    if only - set(GROUPS):
        parser.error(f"--only: unknown groups {sorted(only - set(GROUPS))}; "
                     f"the groups are {', '.join(GROUPS)}")
    quick = args.quick
    try:
        import torch

        if not torch.cuda.is_available():
            raise RuntimeError("torch sees no GPU")
        import triton
        import triton.language as tl
    except Exception as e:  # no torch / triton / GPU
        print(f"SKIP: {type(e).__name__}: {e}")
        return 0
    artifacts = Path(args.artifacts)
    out = Path(os.environ.get("OUT", HERE / "out"))
    sys.path.insert(0, str(ROOT / "python"))  # the source tree: no build, no MLIR
    import tessera.runtime as runtime  # numpy + cupy only
    torch.manual_seed(int(time.time()))
    meta = {"device": torch.cuda.get_device_name(0), "date": time.strftime("%Y-%m-%d"),
            "torch": torch.__version__, "triton": triton.__version__, "quick": quick}
    if args.baseline is not None:
        meta.update(baseline=str(args.baseline), artifacts=str(artifacts), rounds=args.rounds,
                    threshold=compare.THRESHOLD,
                    compile_s=compare.compile_times(args.baseline, artifacts))
    start = time.time()
    meta["copy_GBps"] = copy_bandwidth(torch)
    bench = Bench(torch, runtime, artifacts, args.baseline, args.rounds)
    if "gemm" in only:
        gemm_rows(bench, make_triton_gemm(torch, triton, tl), quick)
    if "fp8" in only:
        fp8_rows(bench, quick)
    if "fused" in only:
        fused_rows(bench, quick)
    if "attention" in only:
        attention_rows(bench, quick)
        simt_attention_rows(bench, quick)
    if "norms" in only:
        bandwidth_rows(bench, meta["copy_GBps"], quick)
    if "reductions" in only:
        reduction_rows(bench, meta["copy_GBps"], quick)
    if "elementwise" in only:
        elementwise_rows(bench, meta["copy_GBps"], quick)
    if "movement" in only:
        movement_rows(bench, meta["copy_GBps"], quick)
    if "dsl" in only:
        import dsl

        dsl.rows(bench, quick, time_ms, copies_for, rel_err, attention_inputs)
    meta["seconds"] = round(time.time() - start, 1)
    write_outputs(bench.rows, meta, out)
    print_table(bench.rows, meta)
    failed = [r["name"] for r in bench.rows if not r["tessera"]["pass"]]
    print(f"{len(bench.rows) - len(failed)}/{len(bench.rows)} rows correct; "
          f"{meta['seconds']} s")
    if args.baseline is None:
        return 1 if failed else 0
    print_compare(bench.rows, meta, args.baseline, artifacts)
    old_failed = [r["name"] for r in bench.rows if not r.get("baseline", {}).get("pass")]
    slower = [r["group"] + " " + r["name"] for r in bench.rows
              if r.get("baseline", {}).get("slower")]
    print(f"baseline: {len(bench.rows) - len(old_failed)}/{len(bench.rows)} old rows correct; "
          f"new: {len(bench.rows) - len(failed)}/{len(bench.rows)} correct")
    print(f"{len(slower)}/{len(bench.rows)} rows SLOWER (new/old < {compare.THRESHOLD} after "
          f"re-timing){': ' + '; '.join(slower) if slower else ''}")
    return 1 if failed else 2 if slower else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
