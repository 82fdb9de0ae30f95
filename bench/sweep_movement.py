"""Times the transpose kernels under several schedules in one process (the
sweep behind their defaults; `run.py` is the benchmark): a 2-d fp16
transpose and a [B, S, H, D] -> [B, H, S, D] permutation, at a round and a
ragged size, against the device's copy bandwidth.

    python bench/build.py --sweep                         # here
    python bench/sweep_movement.py [build/bench-artifacts]   # on the GPU

Each artifact is checked (an exact copy) and timed like `run.py` (rotating
inputs, CUDA events, median); one line per program and shape: GB/s and the
share of the copy bandwidth.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import copies_for, copy_bandwidth, device_script, time_ms  # noqa: E402

SHAPES = {"transpose_f16": ([(8192, 8192), (8191, 8189)], (1, 0)),
          "transpose_bshd_f16": ([(4, 4096, 32, 128), (4, 4091, 32, 128)], (0, 2, 1, 3))}


def main(argv) -> int:
    started = device_script(argv)
    if started is None:
        return 0
    torch, artifacts, runtime = started

    copy = copy_bandwidth(torch)
    print(f"copy bandwidth {copy:.0f} GB/s")
    for base, (shapes, perm) in SHAPES.items():
        names = sorted(p.name for p in artifacts.iterdir()
                       if p.name == base or p.name.startswith(base + "_t"))
        for shape in shapes:
            numel = 1
            for d in shape:
                numel *= d
            sets = copies_for(numel * 4)
            X = [torch.randn(shape, device="cuda", dtype=torch.float16) for _ in range(sets)]
            ref = X[0].permute(perm).contiguous()
            Y = torch.empty_like(ref)
            for name in names:
                program = runtime.load(artifacts / name)
                Y.fill_(float("nan"))
                program(X[0], out=[Y])
                ok = bool(torch.equal(Y, ref))
                ms = time_ms(torch, lambda i: program(X[i], out=[Y]), sets)
                gbs = 2 * numel * 2 / ms / 1e6
                print(f"{name:36s} {'x'.join(map(str, shape)):18s} {gbs:8.0f} GB/s "
                      f"{100 * gbs / copy:5.1f}% {'ok' if ok else 'WRONG'}", flush=True)
            del X, Y, ref
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
