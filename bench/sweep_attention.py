"""Times attention artifacts of several schedules against torch SDPA in one
process (the schedule sweeps behind the attention defaults; `run.py` is the
benchmark): fp16 (tensor cores) against cuDNN, fp32 (the SIMT kernel on fma
dots) against SDPA's default fp32 backend.

    python bench/build.py --sweep   # here
    python bench/sweep_attention.py [build/bench-artifacts] [PROGRAM_PREFIX ...]   # on the GPU

Each program (default: every `attention_d*_f16*` and `attention_d*_f32*`
artifact) runs at the
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

#: (dtype name, shapes [B, H, S], tolerance, the peer's SDPA backend or None
#: for torch's choice).
GROUPS = [("f16", [(4, 32, 4096), (4, 32, 1000)], 2e-3, "CUDNN_ATTENTION"),
          ("f32", [(1, 8, 2048), (2, 8, 1000)], 1e-4, None)]


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
                   if p.is_dir() and any(p.name.startswith(x) for x in prefixes))
    failures = 0
    for dtype, shapes, tolerance, backend in GROUPS:
        for d in (64, 128):
            for causal in (False, True):
                base = f"attention_d{d}{'_causal' if causal else ''}_{dtype}"
                group = [n for n in names if n == base or n.startswith(base + "_")]
                if not group:
                    continue
                for bz, h, s in shapes:
                    shape = (bz, h, s, d)
                    sets, qkv, out, ref = attention_inputs(
                        torch, shape, getattr(torch, {"f16": "float16", "f32": "float32"}[dtype]),
                        causal)
                    flops = 4 * bz * h * s * s * d * (0.5 if causal else 1.0)
                    peer = lambda i: F.scaled_dot_product_attention(*qkv[i], is_causal=causal)
                    if backend:
                        with sdpa_kernel(getattr(SDPBackend, backend)):
                            ms_peer = time_ms(torch, peer, sets)
                    else:
                        ms_peer = time_ms(torch, peer, sets)
                    print(f"{base} B{bz} H{h} S{s}: SDPA {flops / ms_peer / 1e9:7.1f} TFLOP/s",
                          flush=True)
                    for name in group:
                        program = runtime.load(artifacts / name)
                        out.fill_(float("nan"))
                        program(*qkv[0], out=[out])
                        e = rel_err(torch, out[:1, :2], ref)
                        ok = e < tolerance
                        failures += not ok
                        ms = time_ms(torch, lambda i: program(*qkv[i], out=[out]), sets)
                        print(f"  {name:44s} {flops / ms / 1e9:7.1f} TFLOP/s  {ms_peer / ms:5.2f}x"
                              f" SDPA  err {e:.1e} {'ok' if ok else 'FAIL'}", flush=True)
                    del qkv, out, ref
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
