"""Tessera demo: one GPU kernel, from MLIR to PTX (H100/H200) and HSACO (MI300).

Prints the kernel after lowering to the NVVM dialect, the PTX that LLVM's
NVPTX backend makes of it for sm_90, and the AMD code object for gfx942.
Needs no GPU: compiling is done by MLIR alone.

Run it with `make demo`.
"""

import sys

from tessera import ir
from tessera.compiler import compile_gpu_module
from tessera.passmanager import PassManager

# c[i] = a[i] + b[i] for i < n, one thread per element.
VADD = """
module attributes {gpu.container_module} {
  gpu.module @kernels {
    gpu.func @vadd(%a: memref<?xf32>, %b: memref<?xf32>, %c: memref<?xf32>,
                   %n: index) kernel {
      %bid = gpu.block_id x
      %bdim = gpu.block_dim x
      %tid = gpu.thread_id x
      %base = arith.muli %bid, %bdim : index
      %i = arith.addi %base, %tid : index
      %in = arith.cmpi ult, %i, %n : index
      scf.if %in {
        %x = memref.load %a[%i] : memref<?xf32>
        %y = memref.load %b[%i] : memref<?xf32>
        %s = arith.addf %x, %y : f32
        memref.store %s, %c[%i] : memref<?xf32>
      }
      gpu.return
    }
  }
}
"""


def banner(title):
    print(f"\n===== {title} " + "=" * max(0, 70 - len(title)))


def main():
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

    ok = ".target sm_90" in ptx.text and ".entry vadd(" in ptx.text
    banner("result")
    print("demo OK: PTX and HSACO produced" if ok else "demo FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
