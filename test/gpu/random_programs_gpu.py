"""The random programs of test/python/random_programs.py on the GPU (issue
15's device half): the same programs, on the same inputs, compared with
the CPU path's results.

Here (with Tessera's compiler):

    python test/gpu/random_programs_gpu.py build DIR [--count 200]

compiles each program for sm_90 (DIR/<seed>/: plan.json and PTX), runs it
on the CPU path and saves the CPU results and a checksum of the inputs
(DIR/cpu.npz). On the GPU machine (numpy and cupy only):

    python test/gpu/random_programs_gpu.py run DIR

draws the same inputs from each program's seed, checks them against the
checksums, runs the artifacts and compares every element with the CPU
result, within the program's tolerance (relative to the output's scale,
as the CI test compares the CPU path with the float64 reference). It
prints one line per mismatch and a summary; the exit status is 1 on any
mismatch or error.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT / "test" / "python"))
import random_programs  # noqa: E402  (numpy only)


def _inputs(seed):
    program = random_programs.generate(seed)
    return program, program.inputs(np.random.default_rng(seed))


def _checksum(inputs):
    return np.array([float(np.asarray(x, np.float64).sum()) for x in inputs])


def build(directory: Path, count: int) -> int:
    from tessera.compiler import compile as compile_fn

    directory.mkdir(parents=True, exist_ok=True)
    results, start = {}, time.perf_counter()
    for seed in range(count):
        program, inputs = _inputs(seed)
        namespace: dict = {}
        exec(compile(program.source, f"<random program {seed}>", "exec",  # noqa: S102
                     dont_inherit=True), namespace)
        fn = namespace["f"]
        compile_fn(fn, target="sm_90").save(directory / str(seed))
        out = np.asarray(compile_fn(fn, target="cpu")(*inputs))  # f32 or f64
        results[f"out{seed}"] = out
        results[f"sum{seed}"] = _checksum(inputs)
    np.savez_compressed(directory / "cpu.npz", **results)
    (directory / "programs.json").write_text(json.dumps(
        {"count": count, "steps": {seed: random_programs.generate(seed).steps
                                   for seed in range(count)}}))
    print(f"{count} programs built for sm_90 and run on the CPU path in "
          f"{time.perf_counter() - start:.0f} s")
    return 0


def run(directory: Path) -> int:
    try:
        import cupy as cp

        cp.cuda.runtime.getDeviceCount()
    except Exception as e:  # no CuPy, no driver, no device
        print(f"SKIP: no GPU ({type(e).__name__}: {e})")
        return 0
    sys.path.insert(0, str(ROOT / "python"))
    import tessera.runtime as runtime

    count = json.loads((directory / "programs.json").read_text())["count"]
    cpu = np.load(directory / "cpu.npz")
    mismatches, errors, worst = [], [], 0.0
    kernels = 0
    for seed in range(count):
        program, inputs = _inputs(seed)
        if not np.allclose(_checksum(inputs), cpu[f"sum{seed}"], rtol=1e-12, atol=1e-9):
            errors.append(f"seed {seed}: the inputs drawn here differ from the build's")
            continue
        want = cpu[f"out{seed}"].astype(np.float64)
        try:
            gpu = runtime.load(directory / str(seed))
            kernels += len(gpu.plan["kernels"])
            got = gpu(*[cp.asarray(x) for x in inputs])
            got = cp.asnumpy(got).astype(np.float64)
        except Exception as e:  # noqa: BLE001 - report, go on
            errors.append(f"seed {seed} ({' '.join(program.steps)}): "
                          f"{type(e).__name__}: {e}")
            continue
        if got.shape != want.shape:
            mismatches.append(f"seed {seed}: shape {got.shape}, CPU {want.shape}")
            continue
        scale = max(1.0, float(np.max(np.abs(want)))) if want.size else 1.0
        err = float(np.max(np.abs(got - want))) if want.size else 0.0
        worst = max(worst, err / (program.tolerance * scale))
        if not err <= program.tolerance * scale:  # NaN fails
            mismatches.append(f"seed {seed} ({' '.join(program.steps)}): "
                              f"max|GPU - CPU| {err:.3g} over scale {scale:.3g}")
    for line in mismatches + errors:
        print(line)
    props = cp.cuda.runtime.getDeviceProperties(0)
    print(f"device: {props['name'].decode()}: {count} random programs "
          f"({kernels} kernels), {count - len(mismatches) - len(errors)} match the "
          f"CPU path, {len(mismatches)} mismatches, {len(errors)} errors; worst "
          f"error {worst:.3f} of the tolerance")
    return 1 if mismatches or errors else 0


def main(argv) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mode", choices=["build", "run"])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--count", type=int, default=200)
    args = parser.parse_args(argv[1:])
    if args.mode == "build":
        return build(args.directory, args.count)
    return run(args.directory)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
