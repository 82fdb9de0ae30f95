"""Runs the memory-bound benchmark kernels once per shape, for a profiler
(the evidence behind the rows below their goals in docs/benchmarks.md):

    ncu --section SpeedOfLight ... python bench/profile_rows.py [build/bench-artifacts]

softmax and layer_norm fp16 at 16384x8192 (rows of whole 16-byte vectors:
the vector kernel) and 16383x8189 (the kernel of single elements), a
transpose at 8192x8192 and 8191x8189; each program runs twice (a warm-up,
then the launch to profile: pass `--launch-skip`/`--launch-count` or the
kernel filter to ncu).
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import device_script  # noqa: E402

RUNS = [("softmax_f16", [(16384, 8192), (16383, 8189)]),
        ("layer_norm_f16", [(16384, 8192), (16383, 8189)]),
        ("transpose_f16", [(8192, 8192), (8191, 8189)])]


def main(argv) -> int:
    started = device_script(argv)
    if started is None:
        return 0
    torch, artifacts, runtime = started

    for name, shapes in RUNS:
        program = runtime.load(artifacts / name)
        for m, n in shapes:
            x = torch.randn(m, n, device="cuda", dtype=torch.float16)
            y = torch.empty((n, m) if name.startswith("transpose") else (m, n),
                            device="cuda", dtype=torch.float16)
            for _ in range(2):
                program(x, out=[y])
            torch.cuda.synchronize()
            print(f"{name} {m}x{n}: ran", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
