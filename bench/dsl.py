"""The @tessera.kernel rows of bench/run.py: the examples' GEMM (autotuned)
and FlashAttention (examples/kernels/) against Tessera's built-in kernels
on the same shapes; and a GEMM @tessera.function whose schedules
@tessera.autotune chooses, against its default schedule.

The GPU machine has no compiler, so `build()` compiles here, per bench
shape (a kernel's grid is part of its artifact), every candidate of the
GEMM's autotuning space (those the compile-time checks refuse are pruned
and listed) and the attention kernels; `rows()` on the device times every
GEMM candidate with CUDA events on rotating inputs (what
`tessera.kernel.autotune` does at a first launch), keeps the fastest and
times it against the built-in kernel in the same process. The same for
the function's schedule candidates (`TUNED_SPACE`).
"""


import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GEMM_SHAPES = [(4096, 4096, 4096), (8192, 8192, 1024)]
ATTENTION_SHAPES = [(4, 32, 4096, 128), (4, 32, 4096, 64)]


def _examples():
    sys.path.insert(0, str(ROOT / "examples" / "kernels"))
    import attention
    import matmul
    return matmul, attention


def gemm_candidates():
    matmul, _ = _examples()
    return matmul.matmul.configs


def gemm_name(shape, config) -> str:
    tag = "_".join(f"{k}{v}" for k, v in sorted(config.items()))
    return f"dsl_matmul_{'x'.join(map(str, shape))}_{tag}"


def attention_name(shape, causal) -> str:
    return f"dsl_attention_d{shape[3]}_s{shape[2]}{'_causal' if causal else ''}"


#: The @tessera.autotune rows: a GEMM function's matmul schedules.
TUNED_SPACE = {"matmul": {"tile": [(128, 256, 64), (128, 128, 64)], "warps": [8],
                          "stages": [3, 4, 5], "mma": ["wgmma"], "swizzle": [8, 16]}}


def tuned_candidates():
    from tessera.autotuning import candidates  # no MLIR: runs on the device too
    return candidates(TUNED_SPACE)


def tuned_name(i: int) -> str:
    return f"autotune_gemm_f16_{i}"


def build(output: Path, target: str, log=print) -> None:
    import tessera
    from tessera import Tensor, f16

    def gemm(a: Tensor["M", "K", f16], b: Tensor["K", "N", f16]) -> Tensor["M", "N", f16]:
        return a @ b

    # What @tessera.autotune compiles at a first call (shape-generic
    # artifacts: one per candidate schedule).
    fn = tessera.function(gemm)
    for i, schedule in enumerate(tuned_candidates()):
        try:
            tessera.compile(fn, target, schedule=schedule).save(output / tuned_name(i))
            log(f"{tuned_name(i):60s} (@tessera.autotune: {schedule['matmul']})")
        except Exception as e:  # noqa: BLE001 - pruned: the checks refused it
            from tessera.autotuning import error_reason

            log(f"{tuned_name(i):60s} pruned: {error_reason(e)[:160]}")
    matmul, attention = _examples()
    kernel = matmul.matmul
    for shape in GEMM_SHAPES:
        M, N, K = shape
        for config in kernel.configs:
            values, warps = kernel._split(config)
            grid = matmul.grid(M, N)(config)
            name = gemm_name(shape, config)
            try:
                kernel.compile(target, grid, warps, **values).save(output / name)
                log(f"{name:60s} (@tessera.kernel)")
            except Exception as e:  # noqa: BLE001 - pruned: the checks refused it
                from tessera.autotuning import error_reason

                log(f"{name:60s} pruned: {error_reason(e)[:160]}")
    for shape in ATTENTION_SHAPES:
        B, H, S, D = shape
        for causal in (False, True):
            a = attention.attention.compile(target, (math.ceil(S / 128), B * H), D=D,
                                            causal=causal, BN=64 if D <= 64 else 128)
            a.save(output / attention_name(shape, causal))
            log(f"{attention_name(shape, causal):60s} (@tessera.kernel)")


def rows(bench, quick, time_ms, copies_for, rel_err, attention_inputs) -> None:
    torch = bench.torch
    if not any((bench.artifacts / gemm_name(GEMM_SHAPES[0], config)).exists()
               for config in gemm_candidates()):
        print("  dsl: SKIP, no @tessera.kernel artifacts (built with bench/build.py --no-dsl)")
        return
    for shape in GEMM_SHAPES[:1] if quick else GEMM_SHAPES:
        M, N, K = shape
        sets = copies_for((M * K + K * N) * 2)
        A = [torch.randn(M, K, device="cuda", dtype=torch.float16) for _ in range(sets)]
        B = [torch.randn(K, N, device="cuda", dtype=torch.float16) for _ in range(sets)]
        C = torch.empty(M, N, device="cuda", dtype=torch.float16)
        ref = A[0].double() @ B[0].double()
        # Autotuning, as tessera.kernel.autotune does it: every candidate
        # that compiled, timed on rotating inputs; the fastest is the row.
        timed, pruned = [], 0
        for config in gemm_candidates():
            name = gemm_name(shape, config)
            if not (bench.artifacts / name).exists():
                pruned += 1
                continue
            program = bench.program(name)
            ms = time_ms(torch, lambda i: program(A[i], B[i], C), sets, budget_ms=60.0)
            timed.append((ms, name, config))
        timed.sort(key=lambda t: t[0])
        print(f"  dsl GEMM {M}x{N}x{K} autotune: {len(timed)} timed, {pruned} pruned; "
              + ", ".join(f"{c} {2 * M * N * K / ms / 1e9:.0f}" for ms, _, c in timed[:4]))
        best = timed[0][1]

        def run(program, i):
            program(A[i], B[i], C)

        def check(program):
            C.fill_(float("nan"))
            run(program, 0)
            return rel_err(torch, C, ref)

        t = bench.tessera(best, run, check, 2e-3, sets)
        builtin = bench.program("gemm_f16")
        C2 = torch.empty_like(C)
        builtin(A[0], B[0], out=[C2])
        e = rel_err(torch, C2, ref)
        peers = {"Tessera built-in": (
            time_ms(torch, lambda i: builtin(A[i], B[i], out=[C2]), sets), e, bool(e < 2e-3))}
        bench.add("dsl", f"@kernel GEMM fp16 {M}x{N}x{K}", 2 * M * N * K, "TFLOP/s", t, peers,
                  note=f"autotuned: {timed[0][2]}")
        # @tessera.autotune of a GEMM function: its schedule candidates timed
        # the same way, the fastest against the default schedule.
        timed = []
        for j, schedule in enumerate(tuned_candidates()):
            if not (bench.artifacts / tuned_name(j)).exists():
                continue  # pruned by the compile-time checks
            program = bench.program(tuned_name(j))
            ms = time_ms(torch, lambda i: program(A[i], B[i], out=[C2]), sets, budget_ms=60.0)
            timed.append((ms, tuned_name(j), schedule["matmul"]))
        timed.sort(key=lambda t: t[0])
        print(f"  autotune GEMM {M}x{N}x{K}: {len(timed)} timed; "
              + ", ".join(f"[{c}] {2 * M * N * K / ms / 1e9:.0f}" for ms, _, c in timed[:3]))

        def run_fn(program, i):
            program(A[i], B[i], out=[C])

        def check_fn(program):
            C.fill_(float("nan"))
            run_fn(program, 0)
            return rel_err(torch, C, ref)

        t = bench.tessera(timed[0][1], run_fn, check_fn, 2e-3, sets)
        peers = {"default schedule": (
            time_ms(torch, lambda i: builtin(A[i], B[i], out=[C2]), sets), e, bool(e < 2e-3))}
        bench.add("dsl", f"@autotune GEMM fn fp16 {M}x{N}x{K}", 2 * M * N * K, "TFLOP/s", t,
                  peers, note=f"autotuned: {timed[0][2]}")
        del A, B, C, C2, ref
    for shape in ATTENTION_SHAPES[:1] if quick else ATTENTION_SHAPES:
        Bz, H, S, D = shape
        for causal in (False, True):
            sets, qkv, O, ref = attention_inputs(torch, shape, torch.float16, causal)
            flat = [[x.view(Bz * H, S, D) for x in group] for group in qkv]
            out = O.view(Bz * H, S, D)

            def run(program, i):
                program(*flat[i], out)

            def check(program):
                out.fill_(float("nan"))
                run(program, 0)
                return rel_err(torch, O[:1, :2], ref)

            t = bench.tessera(attention_name(shape, causal), run, check, 2e-3, sets)
            builtin = bench.program(f"attention_d{D}{'_causal' if causal else ''}_f16")
            O.fill_(float("nan"))
            builtin(*qkv[0], out=[O])
            e = rel_err(torch, O[:1, :2], ref)
            peers = {"Tessera built-in": (
                time_ms(torch, lambda i: builtin(*qkv[i], out=[O]), sets), e, bool(e < 2e-3))}
            flops = 4 * Bz * H * S * S * D * (0.5 if causal else 1.0)
            bench.add("dsl", f"@kernel attention fp16 B{Bz} H{H} S{S} D{D}"
                      f"{' causal' if causal else ''}", flops, "TFLOP/s", t, peers)
            del qkv, O, ref, flat, out

