"""Runs the artifacts built by build_artifacts.py on the GPU and checks every
element against a float64 NumPy reference on fresh random inputs.

Needs only numpy and cupy (the GPU machine has no MLIR): tessera.runtime
is imported from the source tree's python/. Outputs are poisoned (NaN) before each launch; each case runs twice (the
first call checks and prepares, the second takes the prepared launch
through the driver and must be as right; `drv` says it did).
Without CuPy or a GPU it prints SKIP and exits 0.

    python test/gpu/run_kernels.py [build/gpu-artifacts]

Under compute-sanitizer (scripts/gpu-check.sh) set TESSERA_GPU_SANITIZE=1:
CuPy's memory pool is off (every buffer its own cudaMalloc, so memcheck
sees each buffer's real bounds), the timing launches are skipped and each
case is named as it starts (a run cut short by a timeout still says how
far it got). TESSERA_GPU_CASES=a,b,... runs only those cases;
TESSERA_GPU_SKIP=a,b,... leaves those out.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))
from cases import (CASES, MULTI_OUTPUT_CASES, PITCHED, USES_TMA,  # noqa: E402
                   random_input, tolerance)


def main(argv) -> int:
    try:
        import cupy as cp

        cp.cuda.runtime.getDeviceCount()
    except Exception as e:  # no CuPy, no driver, no device
        print(f"SKIP: no GPU ({type(e).__name__}: {e})")
        return 0
    sys.path.insert(0, str(ROOT / "python"))  # the source tree: no build, no MLIR
    import tessera.runtime as runtime  # numpy + cupy only
    artifacts = Path(argv[1] if len(argv) > 1 else ROOT / "build" / "gpu-artifacts")
    sanitize = os.environ.get("TESSERA_GPU_SANITIZE") == "1"
    if sanitize:
        cp.cuda.set_allocator(None)  # plain cudaMalloc per buffer: exact bounds
    cases = selected_cases()
    seed = int(time.time_ns() % (2**32))
    rng = np.random.default_rng(seed)
    props = cp.cuda.runtime.getDeviceProperties(0)
    print(f"device: {props['name'].decode()}  seed: {seed}")
    rows, failures, errors = [], 0, []
    for name, (_, shapes, dtypes, reference, out_dtype) in cases.items():
        if sanitize:
            print(f"case {name}", flush=True)
        program = runtime.load(artifacts / name)
        # The fallback cases are about the kernels' path without TMA: no
        # pitched copies of their inputs.
        program.pitched_copies = USES_TMA.get(name, True)
        host = [random_input(rng, shape, dtype) for shape, dtype in zip(shapes, dtypes)]
        ref = np.asarray(reference(*[h.astype(np.float64) for h in host]))
        # shape () inputs: runtime scalars, passed as Python numbers
        inputs = [h.item() if h.shape == () else cp.asarray(h) for h in host]
        out = cp.full(ref.shape, np.nan, dtype=out_dtype)
        try:
            program(*inputs, out=[out])
            cp.cuda.runtime.deviceSynchronize()
        except Exception as e:  # a refused launch: name the case, go on
            print(f"{name}: ERROR {type(e).__name__}: {e}", flush=True)
            errors.append(name)
            continue
        got = cp.asnumpy(out).astype(np.float64)
        atol, rtol = tolerance(name, out_dtype)
        err = np.abs(got - ref)
        bound = atol + rtol * np.abs(ref)
        ok = bool(np.all(err <= bound))  # NaN (unwritten) fails
        # The second call takes the prepared launch (through the driver):
        # it must be as right (split-K sums may round differently).
        out = cp.full(ref.shape, np.nan, dtype=out_dtype)
        program(*inputs, out=[out])
        again = cp.asnumpy(out).astype(np.float64)
        ok &= bool(np.all(np.abs(again - ref) <= bound))
        direct = any(p is not None and p[4] is not None for p in program._prepared.values())
        ok &= direct  # (every case's second call goes through the driver)
        tma = program.tensor_map_counts()
        if name in USES_TMA:  # the path the case is about must have run
            ok &= (tma["encoded"] > 0) == USES_TMA[name]
            ok &= (tma["refused"] > 0) != USES_TMA[name]
            ok &= (tma["pitched"] > 0) == (name in PITCHED)
        failures += not ok
        # Timing, for information only (the benchmarks measure properly).
        start, stop = cp.cuda.Event(), cp.cuda.Event()
        times = []
        for _ in range(0 if sanitize else 5):
            start.record()
            program(*inputs, out=[out])
            stop.record()
            stop.synchronize()
            times.append(cp.cuda.get_elapsed_time(start, stop))
        rows.append({
            "case": name, "shapes": shapes, "out": list(ref.shape),
            "kernels": len(program.plan["kernels"]),
            "max_abs_err": float(np.nanmax(err)) if err.size else 0.0,
            "worst_err_over_bound": float(np.nanmax(err / bound)) if err.size else 0.0,
            "nan": int(np.isnan(got).sum()), "atol": atol, "rtol": rtol,
            "pass": ok, "median_ms": float(np.median(times)) if times else float("nan"),
            "tma": "-" if not program.plan.get("tensor_maps") else
                   ("yes" if tma["encoded"] else "no"),
            "driver": direct,
        })
    print(f"{'case':28s} {'output':>16s} {'k':>2s} {'max|err|':>10s} {'err/bound':>9s} "
          f"{'ms':>8s} {'tma':>4s} {'drv':>3s}  result")
    for r in rows:
        print(f"{r['case']:28s} {str(tuple(r['out'])):>16s} {r['kernels']:2d} "
              f"{r['max_abs_err']:10.2e} {r['worst_err_over_bound']:9.3f} "
              f"{r['median_ms']:8.3f} {r['tma']:>4s} {'yes' if r['driver'] else 'no':>3s}  "
              f"{'PASS' if r['pass'] else 'FAIL'}")
    failures += len(errors)
    print(f"{len(rows) + len(errors) - failures}/{len(rows) + len(errors)} cases pass"
          + (f" (errors: {', '.join(errors)})" if errors else ""))
    failures += check_misaligned_views(cp, runtime, artifacts, rng, cases)
    failures += check_multiple_outputs(cp, runtime, artifacts, rng)
    failures += check_dsl_kernels(cp, runtime, artifacts, rng, sanitize)
    if os.environ.get("OUT"):
        Path(os.environ["OUT"], "gpu_kernels.json").write_text(
            json.dumps({"seed": seed, "device": props["name"].decode(), "rows": rows}, indent=1))
    return 1 if failures else 0


def selected_cases() -> dict:
    """CASES, narrowed by TESSERA_GPU_CASES / TESSERA_GPU_SKIP (comma lists)."""
    only = [n for n in os.environ.get("TESSERA_GPU_CASES", "").split(",") if n]
    skip = {n for n in os.environ.get("TESSERA_GPU_SKIP", "").split(",") if n}
    from dsl_cases import DSL_CASES  # imports tessera: after main() set sys.path

    unknown = [n for n in only + sorted(skip) if n not in CASES and n not in DSL_CASES]
    if unknown:
        raise SystemExit(f"unknown cases: {', '.join(unknown)}")
    return {n: c for n, c in CASES.items() if (not only or n in only) and n not in skip}


def check_dsl_kernels(cp, runtime, artifacts, rng, sanitize) -> int:
    """The @tessera.kernel programs (dsl_cases.py): their artifacts run on
    CuPy arrays, writing one argument in place, against float64."""
    from dsl_cases import DSL_CASES  # imports tessera: after main() set sys.path

    failures = 0
    only = [n for n in os.environ.get("TESSERA_GPU_CASES", "").split(",") if n]
    for name, (_, _, shapes, dtypes, written, reference, (atol, rtol)) in DSL_CASES.items():
        if only and name not in only or not (artifacts / name).exists():
            continue
        if sanitize:
            print(f"case {name}", flush=True)
        program = runtime.load(artifacts / name)
        program.pitched_copies = not name.endswith("_fallback")
        host = [random_input(rng, shape, dtype) for shape, dtype in zip(shapes, dtypes)]
        host[written][...] = np.nan
        ref = np.asarray(reference(*[h.astype(np.float64) for h in host]))
        device = [cp.asarray(h) for h in host]
        program(*device)
        got = cp.asnumpy(device[written]).astype(np.float64)
        ok = bool(np.all(np.abs(got - ref) <= atol + rtol * np.abs(ref)))
        if name.startswith("dsl_example_matmul_wgmma"):  # which path ran
            tma = program.tensor_map_counts()
            ok &= (tma["pitched"] > 0) == name.endswith("_pitched")
            ok &= (tma["refused"] > 0) == name.endswith("_fallback")
        failures += not ok
        print(f"dsl kernel: {name:26s} max|err| {np.nanmax(np.abs(got - ref)):.2e}  "
              f"{'PASS' if ok else 'FAIL'}")
    return failures


def check_multiple_outputs(cp, runtime, artifacts, rng) -> int:
    """Programs returning several tensors: a tuple back, and out= taking one
    buffer per output (against float64)."""
    failures = 0
    only = [n for n in os.environ.get("TESSERA_GPU_CASES", "").split(",") if n]
    for name, (_, shapes, dtypes, reference, out_dtypes) in MULTI_OUTPUT_CASES.items():
        if only and name not in only or not (artifacts / name).exists():
            continue
        program = runtime.load(artifacts / name)
        host = [random_input(rng, shape, dtype) for shape, dtype in zip(shapes, dtypes)]
        refs = [np.asarray(r) for r in reference(*[h.astype(np.float64) for h in host])]
        inputs = [cp.asarray(h) for h in host]
        got = program(*inputs)
        outs = [cp.full(r.shape, np.nan, dtype=d) for r, d in zip(refs, out_dtypes)]
        again = program(*inputs, out=outs)
        ok = isinstance(got, tuple) and len(got) == len(refs) and len(again) == len(refs)
        # every result a buffer of its own, none an input
        ok &= len({v.data.ptr for v in (*got, *inputs)}) == len(got) + len(inputs)
        for g, o, r, d in zip(got, outs, refs, out_dtypes):
            atol, rtol = tolerance(name, d)
            for value in (g, o):
                ok &= bool(np.all(np.abs(cp.asnumpy(value).astype(np.float64) - r)
                                  <= atol + rtol * np.abs(r)))
        failures += not ok
        print(f"multiple outputs: {name:28s} {len(refs)} outputs  {'PASS' if ok else 'FAIL'}")
    return failures


def check_misaligned_views(cp, runtime, artifacts, rng, cases) -> int:
    """Tensor-core kernels copy 16-byte chunks with cp.async (or TMA); inputs
    that are views at an odd element offset must take the element-copy path
    instead (and still be right)."""
    failures = 0
    # (The wgmma case a second time with the runtime's pitched copies: the
    # views copied into aligned rows, read through TMA.)
    # (The wgmma attention has no path without TMA: its misaligned views
    # are read through pitched copies, and refused with the copies off.)
    for name, pitched in (("matmul_f16_tc_lhsT_aligned", False),
                          ("attention_f16_d64_causal", True),
                          ("attention_f16_d64_causal", False),
                          ("matmul_bias_gelu_f16_wgmma", False),
                          ("matmul_f16_mma_sync_batched", False),
                          ("matmul_bias_gelu_f16_wgmma", True)):
        if name not in cases:
            continue
        _, shapes, dtypes, reference, out_dtype = CASES[name]
        program = runtime.load(artifacts / name)
        program.pitched_copies = pitched
        host = [random_input(rng, shape, dtype) for shape, dtype in zip(shapes, dtypes)]
        ref = np.asarray(reference(*[h.astype(np.float64) for h in host]))
        inputs = []
        for h in host:  # each input one element into a larger buffer
            buf = cp.empty(h.size + 1, h.dtype)
            view = buf[1:].reshape(h.shape)
            view[...] = cp.asarray(h)
            inputs.append(view)
        out = cp.full(ref.shape, np.nan, dtype=out_dtype)
        if name.startswith("attention") and not pitched:
            try:
                program(*inputs, out=[out])
                ok = False
            except ValueError as e:
                ok = "turn pitched copies back on" in str(e)
            failures += not ok
            print(f"misaligned views: {name + ' (refused)':37s} {'PASS' if ok else 'FAIL'}")
            continue
        program(*inputs, out=[out])
        got = cp.asnumpy(out).astype(np.float64)
        atol, rtol = tolerance(name, out_dtype)
        ok = bool(np.all(np.abs(got - ref) <= atol + rtol * np.abs(ref)))
        if pitched:
            ok &= program.tensor_map_counts()["pitched"] > 0
        failures += not ok
        print(f"misaligned views: {name + (' (pitched)' if pitched else ''):37s} "
              f"{'PASS' if ok else 'FAIL'}")
    return failures


if __name__ == "__main__":
    sys.exit(main(sys.argv))
