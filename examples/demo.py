"""Tessera demo: one GPU kernel, from MLIR to PTX (H100/H200) and HSACO (MI300).

Prints the kernel after lowering to the NVVM dialect, the PTX that LLVM's
NVPTX backend makes of it for sm_90, and the AMD code object for gfx942.
Needs no GPU: compiling is done by MLIR alone.

Run it with `make demo`.
"""

import argparse
import os
import sys

from tessera import ir
from tessera.compiler import compile_gpu_module
from tessera.passmanager import PassManager

VADD_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "vadd.mlir")
with open(VADD_PATH) as _f:
    VADD = _f.read()


def banner(title):
    print(f"\n===== {title} " + "=" * max(0, 70 - len(title)))


def main():
    parser = argparse.ArgumentParser(description="Tessera demo")
    parser.add_argument("--out", default=os.path.join("build", "demo"),
                        help="where to write vadd.ptx and vadd.hsaco")
    args = parser.parse_args()
    with ir.Context():
        module = ir.Module.parse(VADD)
        banner("input: gpu dialect")
        print(module)

        lowered = ir.Module.parse(VADD)
        PassManager.parse(
            "builtin.module(nvvm-attach-target{chip=sm_90 O=3},"
            "gpu.module(convert-scf-to-cf, convert-gpu-to-nvvm, canonicalize,"
            " cse, reconcile-unrealized-casts))"
        ).run(lowered.operation)
        banner("lowered: nvvm + llvm dialects")
        print(lowered)

        (ptx,) = compile_gpu_module(ir.Module.parse(VADD), "sm_90")
        banner("PTX for sm_90 (tessera-gpu-to-nvvm-binary)")
        print(ptx.text)

        (hsaco,) = compile_gpu_module(ir.Module.parse(VADD), "gfx942")
        banner("HSACO for gfx942 (tessera-gpu-to-rocdl-binary)")
        assert hsaco.data[:4] == b"\x7fELF"
        print(f"AMDGPU ELF code object, {len(hsaco.data)} bytes, "
              f"kernel 'vadd' {'found' if b'vadd' in hsaco.data else 'MISSING'}")

    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "vadd.ptx"), "w") as f:
        f.write(ptx.text)
    with open(os.path.join(args.out, "vadd.hsaco"), "wb") as f:
        f.write(hsaco.data)

    ok = ".target sm_90" in ptx.text and ".entry vadd(" in ptx.text
    banner("result")
    print(f"wrote {args.out}/vadd.ptx and {args.out}/vadd.hsaco; on a machine "
          f"with an NVIDIA GPU, test/gpu/run_vadd.py {args.out}/vadd.ptx runs it")
    print("demo OK: PTX and HSACO produced" if ok else "demo FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
