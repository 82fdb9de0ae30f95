"""Launch overhead of the Tessera runtime over a raw CuPy launch of the same
kernel with the same arguments (device machine: numpy + cupy (+ torch)).

    python bench/launch_overhead.py [build/bench-artifacts]

A 4096-element add runs far faster than a launch is issued, so the loop's
host time per call is the launch cost. Prints microseconds per call for the
raw cupy.RawKernel launch, tessera.runtime with CuPy arrays (out= given and
not), and with torch tensors; writes launch_overhead.json under $OUT.
"""

import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv):
    try:
        import cupy as cp

        cp.cuda.runtime.getDeviceCount()
    except Exception as e:
        print(f"SKIP: no GPU ({type(e).__name__})")
        return 0
    sys.path.insert(0, str(ROOT / "python"))  # the source tree: no build, no MLIR
    import tessera.runtime as rt  # numpy + cupy only
    artifacts = Path(argv[1] if len(argv) > 1 else ROOT / "build" / "bench-artifacts")
    program = rt.load(artifacts / "add_f32")
    n = 4096
    x, y, z = (cp.random.rand(n, dtype=cp.float32) for _ in range(3))
    (kernel,) = program._load()
    recorded = {}

    def record(grid, block, args, shared_mem=0):
        recorded.update(grid=grid, block=block, args=args, shared=shared_mem)
        return kernel(grid, block, args, shared_mem=shared_mem)

    # One launch through a recorder: the raw launch reuses its arguments.
    program._functions = [record]
    program(x, y, out=[z])
    program._functions = [kernel]
    program._prepared.clear()
    program(x, y, out=[z])
    assert bool(cp.allclose(z, x + y))

    def per_call_us(fn, calls=4000):
        for _ in range(200):
            fn()
        cp.cuda.Device().synchronize()
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        cp.cuda.Device().synchronize()
        return (time.perf_counter() - start) / calls * 1e6

    r = recorded
    direct = all(p is not None and p[4] is not None for p in program._prepared.values())
    print(f"prepared launches through the driver (cuLaunchKernel): {'yes' if direct else 'no'}")
    held = [None]
    status = getattr(rt.gpu, "native_launcher_status", lambda: "(not in this runtime)")()
    print(f"native launcher: {status}")
    # The same program launched by the Python path (no native entry).
    python_path = rt.load(artifacts / "add_f32")
    python_path(x, y, out=[z])
    python_path._native = None
    # The same program with output reuse off (GPUProgram.reuse_outputs).
    fresh = rt.load(artifacts / "add_f32")
    fresh.reuse_outputs = False
    fresh(x, y)
    launches = {
        "raw cupy.RawKernel":
            lambda: kernel(r["grid"], r["block"], r["args"], shared_mem=r["shared"]),
        "tessera, cupy arrays, out=": lambda: program(x, y, out=[z]),
        "tessera, cupy arrays": lambda: program(x, y),
        # (as `z = f(x)` in a loop: each output held until the next call)
        "tessera, cupy arrays, output held": lambda: held.__setitem__(0, program(x, y)),
        "tessera, cupy arrays, reuse off": lambda: fresh(x, y),
        "tessera, cupy arrays, out=, Python path": lambda: python_path(x, y, out=[z]),
    }
    try:
        import torch

        tx, ty, tz = (torch.rand(n, device="cuda") for _ in range(3))
        for _ in range(2):  # the first call prepares, the second launches it
            program(tx, ty, out=[tz])
            got = program(tx, ty)
        assert isinstance(got, torch.Tensor) and got.is_contiguous()
        assert bool(torch.equal(got, tx + ty))
        assert bool(torch.equal(tz, tx + ty))
        launches["tessera, torch tensors, out="] = lambda: program(tx, ty, out=[tz])
        launches["tessera, torch tensors"] = lambda: program(tx, ty)
    except Exception as e:  # torch is optional here
        print(f"no torch row: {type(e).__name__}")
    # Medians of 7 rounds, each timing every launch in turn (alternating:
    # clocks and the host's state drift alike for all of them).
    samples = {name: [] for name in launches}
    for _ in range(7):
        for name, fn in launches.items():
            samples[name].append(per_call_us(fn))
    rows = {name: float(sorted(v)[len(v) // 2]) for name, v in samples.items()}
    raw = rows["raw cupy.RawKernel"]
    print(f"{'launch (median of 7 alternating rounds)':40s} {'us/call':>8s} {'over raw':>9s}")
    for name, us in rows.items():
        print(f"{name:40s} {us:8.2f} {us - raw:+9.2f}")
    print(f"outputs kept for reuse: {len(getattr(program, '_kept', None).entries)}"
          if hasattr(program, "_kept") else "outputs kept for reuse: (not in this runtime)")
    out = Path(os.environ.get("OUT", ROOT / "bench" / "out"))
    out.mkdir(parents=True, exist_ok=True)
    (out / "launch_overhead.json").write_text(json.dumps(rows, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
