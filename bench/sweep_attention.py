"""Times fp16 attention artifacts of several schedules against cuDNN SDPA
in one process (the schedule sweep behind the attention default; `run.py`
is the benchmark).

    python bench/build.py --sweep   # here
    python bench/sweep_attention.py [build/bench-artifacts] [PROGRAM_PREFIX ...]   # on the GPU

Each program (default: every `attention_d*_f16*` artifact) runs at the
benchmark's shapes for its head dim and causality: checked against a
float64 reference first (on two heads), then timed like `run.py` (rotating
inputs, CUDA events, median). Prints one line per program and shape:
TFLOP/s, ratio to cuDNN, relative error.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import ROOT, cuda_torch, attention_inputs, rel_err, time_ms  # noqa: E402

SHAPES = [(4, 32, 4096), (4, 32, 1000)]


def main(argv) -> int:
    torch = cuda_torch()
    if torch is None:
        return 0
    F = torch.nn.functional
    from torch.nn.attention import SDPBackend, sdpa_kernel

    artifacts = Path(argv[1] if len(argv) > 1 else ROOT / "build" / "bench-artifacts")
    prefixes = argv[2:] or ["attention_d"]
    sys.path.insert(0, str(ROOT / "python"))  # the source tree: no build, no MLIR
    import tessera.runtime as runtime  # numpy + cupy only

    names = sorted(p.name for p in artifacts.iterdir()
                   if p.is_dir() and any(p.name.startswith(x) for x in prefixes)
                   and "_f16" in p.name)
    failures = 0
    for d in (64, 128):
        for causal in (False, True):
            base = f"attention_d{d}{'_causal' if causal else ''}_f16"
            group = [n for n in names if n == base or n.startswith(base + "_")]
            if not group:
                continue
            for bz, h, s in SHAPES:
                shape = (bz, h, s, d)
                sets, qkv, out, ref = attention_inputs(torch, shape, torch.float16, causal)
                flops = 4 * bz * h * s * s * d * (0.5 if causal else 1.0)
                with sdpa_kernel(SDPBackend.CUDNN_ATTENTION):
                    cudnn = time_ms(torch, lambda i: F.scaled_dot_product_attention(
                        *qkv[i], is_causal=causal), sets)
                print(f"{base} B{bz} H{h} S{s}: cuDNN {flops / cudnn / 1e9:7.1f} TFLOP/s",
                      flush=True)
                for name in group:
                    program = runtime.load(artifacts / name)
                    out.fill_(float("nan"))
                    program(*qkv[0], out=[out])
                    e = rel_err(torch, out[:1, :2], ref)
                    ok = e < 2e-3
                    failures += not ok
                    ms = time_ms(torch, lambda i: program(*qkv[i], out=[out]), sets)
                    print(f"  {name:44s} {flops / ms / 1e9:7.1f} TFLOP/s  {cudnn / ms:5.2f}x"
                          f" cuDNN  err {e:.1e} {'ok' if ok else 'FAIL'}", flush=True)
                del qkv, out, ref
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
