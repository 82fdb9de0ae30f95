"""Compiler driver: runs Tessera's registered pipelines from Python.

This is the layer the user API (``tessera.compile``) builds on. It needs the
MLIR native libraries; the runtime (``tessera.runtime``) never imports it.
"""

from __future__ import annotations

import dataclasses
from typing import Optional

from .ir import Context, Module
from .passmanager import PassManager
from .dialects import gpu

__all__ = ["GPUObject", "TARGETS", "pipeline_for", "compile_gpu_module"]

#: Chips each registered GPU pipeline accepts by default, by vendor prefix.
TARGETS = {
    "sm_": "tessera-gpu-to-nvvm-binary",
    "gfx": "tessera-gpu-to-rocdl-binary",
}


@dataclasses.dataclass(frozen=True)
class GPUObject:
    """One serialized gpu.module: PTX text, an HSACO ELF, or LLVM IR."""

    module: str  #: name of the gpu.binary (the gpu.module it came from)
    chip: str
    format: str  #: "assembly", "bin", "offload", ...
    data: bytes

    @property
    def text(self) -> str:
        """The object as text (PTX or GCN assembly)."""
        return self.data.decode("utf-8")


def pipeline_for(target: str, format: Optional[str] = None, **options) -> str:
    """The textual pass pipeline that lowers gpu.modules for ``target``.

    ``target`` is a chip name such as ``sm_90`` or ``gfx942``.
    """
    for prefix, pipeline in TARGETS.items():
        if target.startswith(prefix):
            break
    else:
        raise ValueError(
            f"unknown GPU target {target!r}: expected an NVIDIA chip "
            f"('sm_90', 'sm_80', ...) or an AMD chip ('gfx942', 'gfx90a', ...)"
        )
    opts = {"chip": target, **options}
    if format is not None:
        opts["format"] = format
    body = " ".join(f"{k.replace('_', '-')}={v}" for k, v in opts.items())
    return f"builtin.module({pipeline}{{{body}}})"


def compile_gpu_module(
    module: Module, target: str = "sm_90", format: Optional[str] = None, **options
) -> list[GPUObject]:
    """Lowers every gpu.module in ``module`` (in place) and returns the objects.

    ``format``: ``isa`` (PTX / GCN assembly), ``bin`` (HSACO; cubin needs the
    CUDA toolkit), ``llvm`` or ``offload``; the pipeline's default when None
    (PTX for NVIDIA, HSACO for AMD).
    """
    pm = PassManager.parse(pipeline_for(target, format, **options),
                           context=module.context)
    pm.run(module.operation)
    objects = []
    for op in module.body.operations:
        if op.operation.name != "gpu.binary":
            continue
        name = op.operation.attributes["sym_name"].value
        for attr in op.operation.attributes["objects"]:
            obj = gpu.ObjectAttr(attr)
            objects.append(
                GPUObject(
                    module=name,
                    chip=target,
                    format=str(obj.format),
                    data=bytes(obj.object),
                )
            )
    return objects
