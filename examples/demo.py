"""Tessera demo: a transformer block, end to end.

The block (layer norm -> matmul + bias + GELU -> matmul -> residual, then
causal attention -> residual) is written once with `@tessera.jit` in f16.
The demo

1. runs it where it can run: on the GPU CuPy sees (compiled for its chip:
   tensor-core matmuls and FlashAttention-style attention), else on the CPU
   path (Graph IR -> linalg -> LLVM -> ExecutionEngine), on ragged sizes,
   and checks every element against numpy in float64;
2. compiles it for sm_90 (PTX) and gfx942 (HSACO), saves both artifacts
   under --out and shows the kernels and where the tensor cores are.

    python examples/demo.py [--out build/demo]        # what `make demo` runs
    python examples/demo.py --run build/demo/block_sm_90
        # on a GPU machine without MLIR: runs a saved artifact with the
        # runtime alone (numpy + cupy) and checks it the same way
"""

import argparse
import math
import os
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
S, F = 1000, 333  # ragged on purpose
ATOL = RTOL = 2e-2  # f16 storage between the block's five kernels


def banner(title):
    print(f"\n===== {title} " + "=" * max(0, 70 - len(title)))


def inputs(seed=None):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((S, 64)).astype(np.float16)
    w1 = (rng.standard_normal((64, F)) / 8).astype(np.float16)
    b1 = rng.standard_normal(F).astype(np.float16)
    w2 = (rng.standard_normal((F, 64)) / 16).astype(np.float16)
    return x, w1, b1, w2


def reference(x, w1, b1, w2):
    x, w1, b1, w2 = (a.astype(np.float64) for a in (x, w1, b1, w2))
    n = (x - x.mean(1, keepdims=True)) / np.sqrt(x.var(1, keepdims=True) + 1e-5)
    a = n @ w1 + b1
    y = x + (0.5 * a * (1 + np.vectorize(math.erf)(a / math.sqrt(2)))) @ w2
    s = y @ y.T / 8.0
    s = np.where(np.arange(len(y))[None, :] > np.arange(len(y))[:, None], -np.inf, s)
    p = np.exp(s - s.max(1, keepdims=True))
    return y + (p / p.sum(1, keepdims=True)) @ y


def check(got, ref, where):
    got = np.asarray(got, dtype=np.float64)
    err = np.abs(got - ref)
    ok = bool(np.all(err <= ATOL + RTOL * np.abs(ref)))  # NaN fails
    print(f"{where}: S={S} D=64 F={F}: max |tessera - numpy float64| = "
          f"{np.nanmax(err):.2e} (bound {ATOL} + {RTOL}*|ref|): {'PASS' if ok else 'FAIL'}")
    return ok


def run_saved(path):
    """Runs a saved GPU artifact with tessera.runtime alone."""
    sys.path.insert(0, str(ROOT / "python"))  # the source tree: no build, no MLIR
    import tessera.runtime as runtime  # numpy + cupy only
    program = runtime.load(path)
    args = inputs()
    banner(f"transformer block: {path} on {runtime.device_target()}")
    print("kernels:", ", ".join(k["name"] for k in program.plan["kernels"]))
    return check(program(*args), reference(*args), "GPU run")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=os.path.join("build", "demo"),
                        help="where to save the sm_90 and gfx942 artifacts")
    parser.add_argument("--run", metavar="ARTIFACT",
                        help="only run a saved GPU artifact (no MLIR needed)")
    args = parser.parse_args()
    if args.run:
        return 0 if run_saved(args.run) else 1

    import tessera
    from tessera import Tensor, f16

    @tessera.jit
    def block(x: Tensor["S", 64, f16], w1: Tensor[64, "F", f16], b1: Tensor["F", f16],
              w2: Tensor["F", 64, f16]) -> Tensor["S", 64, f16]:
        h = tessera.gelu(tessera.layer_norm(x) @ w1 + b1)
        y = x + h @ w2
        return y + tessera.attention(y, y, y, causal=True)

    banner("transformer block: Graph IR (traced from Python)")
    print(block.mlir.split("\n#loc")[0])

    target = block.target
    banner(f"transformer block: run on {'the CPU path' if target == 'cpu' else target}")
    x, w1, b1, w2 = inputs()
    ok = check(block(x, w1, b1, w2), reference(x, w1, b1, w2),
               "CPU run" if target == "cpu" else f"GPU run ({target})")

    for chip in ("sm_90", "gfx942"):
        artifact = tessera.compile(block, target=chip)
        saved = artifact.save(Path(args.out) / f"block_{chip}")
        banner(f"{chip}: {len(artifact.plan['kernels'])} kernels, saved in {saved}")
        for k in artifact.plan["kernels"]:
            print(f"  {k['name']:28s} grid {k['grid']} block {k['block'][0]} "
                  f"shared {k['shared_bytes']} B")
        if artifact.ptx is not None:
            # Tensor cores: wgmma (Hopper's matmuls and attention, fed by
            # TMA) or mma.sync (sm_80's, with ldmatrix and cp.async).
            wgmma = artifact.ptx.count("wgmma.mma_async")
            tma = artifact.ptx.count("cp.async.bulk.tensor")
            mma = artifact.ptx.count("mma.sync.aligned")
            ldm = artifact.ptx.count("ldmatrix.sync")
            cpa = artifact.ptx.count("cp.async.cg")
            print(f"  PTX: {wgmma} wgmma, {tma} TMA copies, {mma} mma.sync, {ldm} ldmatrix, "
                  f"{cpa} cp.async (tensor cores in the matmul and attention kernels)")
            ok &= wgmma + mma > 0
        else:
            elf = artifact.binary
            print(f"  HSACO: AMDGPU ELF, {len(elf)} bytes")
            ok &= elf[:4] == b"\x7fELF"

    banner("result")
    print(f"on a GPU machine: python examples/demo.py --run {args.out}/block_sm_90")
    print("demo OK" if ok else "demo FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
