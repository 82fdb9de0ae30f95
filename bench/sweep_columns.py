"""Times the column kernels (sums of an fp32 matrix over its rows) under
several schedules in one process (the sweep behind their default; `run.py`
is the benchmark): the slices of the rows (`split_k`), the rows a step and
the columns a block, at shapes of many and of few columns, against
torch.sum and the device's copy bandwidth.

    python bench/build.py --sweep                           # here
    python bench/sweep_columns.py [build/bench-artifacts]   # on the GPU

Each artifact is checked against a float64 sum (relative error 1e-4) and
timed like `run.py` (rotating inputs, CUDA events, median); one line per
program and shape: GB/s, the share of the copy bandwidth and the ratio to
torch.sum.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import copies_for, copy_bandwidth, device_script, rel_err, time_ms  # noqa: E402

SHAPES = [(16384, 8192), (16383, 8189), (262144, 256), (4096, 1024), (512, 65536),
          (4096, 32768), (8192, 16384)]


def main(argv) -> int:
    started = device_script(argv)
    if started is None:
        return 0
    torch, artifacts, runtime = started

    copy = copy_bandwidth(torch)
    print(f"copy bandwidth {copy:.0f} GB/s")
    names = sorted(p.name for p in artifacts.iterdir()
                   if p.name == "sum_columns_f32" or p.name.startswith("sum_columns_f32_"))
    programs = {name: runtime.load(artifacts / name) for name in names}
    for m, n in SHAPES:
        sets = copies_for(m * n * 4)
        X = [torch.randn(m, n, device="cuda", dtype=torch.float32) for _ in range(sets)]
        Y = torch.empty(n, device="cuda", dtype=torch.float32)
        ref = X[0].double().sum(dim=0)
        peer = time_ms(torch, lambda i: torch.sum(X[i], dim=0, out=Y), sets)
        print(f"torch.sum {m}x{n}: {m * n * 4 / peer / 1e6:.0f} GB/s", flush=True)
        for name, program in programs.items():
            Y.fill_(float("nan"))
            program(X[0], out=[Y])
            err = rel_err(torch, Y, ref)
            ms = time_ms(torch, lambda i: program(X[i], out=[Y]), sets)
            gbs = m * n * 4 / ms / 1e6
            print(f"{name:36s} {m}x{n:<8d} {gbs:8.0f} GB/s {100 * gbs / copy:5.1f}% "
                  f"{peer / ms:5.2f}x torch {'ok' if err < 1e-4 else f'WRONG {err:.1e}'}",
                  flush=True)
        del X, Y, ref
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
