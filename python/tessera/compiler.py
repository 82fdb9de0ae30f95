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

__all__ = ["GPUObject", "GPUProgramArtifact", "TARGETS", "pipeline_for",
           "compile_gpu_module", "compile_graph_for_gpu", "build_gpu_artifacts"]

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


#: The registered pipelines from Graph IR to a gpu.binary, by vendor prefix.
GRAPH_PIPELINES = {
    "sm_": "tessera-lower-to-nvvm",
    "gfx": "tessera-lower-to-rocdl",
}


@dataclasses.dataclass(frozen=True)
class GPUProgramArtifact:
    """A Graph IR function compiled for a GPU: the kernels' binary and the
    launch plan the runtime (``tessera.runtime.gpu``) executes."""

    target: str
    binary: bytes  #: PTX text (NVIDIA) or an HSACO ELF (AMD)
    plan: dict

    @property
    def binary_name(self) -> str:
        return "kernels.ptx" if self.target.startswith("sm_") else "kernels.hsaco"

    def save(self, directory) -> "Path":
        """Writes ``plan.json`` and the binary into ``directory``."""
        import json
        from pathlib import Path

        path = Path(directory)
        path.mkdir(parents=True, exist_ok=True)
        (path / self.binary_name).write_bytes(self.binary)
        (path / "plan.json").write_text(json.dumps(self.plan, indent=1) + "\n")
        return path


def compile_graph_for_gpu(module: Module, target: str = "sm_90",
                          entry: Optional[str] = None,
                          schedule: Optional[dict] = None) -> GPUProgramArtifact:
    """Compiles Graph IR in ``module`` (in place) for ``target`` through
    ``tessera-lower-to-nvvm`` or ``tessera-lower-to-rocdl`` and returns the
    artifact of function ``entry`` (the only host function by default).
    ``schedule`` overrides kernel schedules by kind, as in ``tessera.compile``."""
    import json

    for prefix, pipeline in GRAPH_PIPELINES.items():
        if target.startswith(prefix):
            break
    else:
        raise ValueError(f"unknown GPU target {target!r}: expected 'sm_XX' or 'gfxNNN'")
    if schedule:
        from .artifact import _apply_schedule

        PassManager.parse(f"builtin.module(func.func(tessera-graph-fuse),"
                          f"func.func(tessera-schedule-assign{{chip={target}}}))",
                          context=module.context).run(module.operation)
        _apply_schedule(module, schedule, target)
        PassManager.parse("builtin.module(convert-tessera-schedule-to-tile,"
                          "convert-tessera-tile-to-target,convert-tessera-target-to-gpu,"
                          "tessera-target-export-plan)",
                          context=module.context).run(module.operation)
        pm = PassManager.parse(pipeline_for(target), context=module.context)
    else:
        pm = PassManager.parse(f"builtin.module({pipeline}{{chip={target}}})",
                               context=module.context)
    pm.run(module.operation)
    return _gpu_artifact(module, target, entry)


def compile_target_ir_for_gpu(module: Module, target: str = "sm_90",
                              entry: Optional[str] = None) -> GPUProgramArtifact:
    """Compiles Target IR in ``module`` (in place): host functions
    (``tessera.host``) of allocations and launches, and
    ``tessera_target.kernel``s, through ``convert-tessera-target-to-gpu``,
    the launch plan and the vendor's binary pipeline."""
    PassManager.parse("builtin.module(convert-tessera-target-to-gpu,"
                      "tessera-target-export-plan)",
                      context=module.context).run(module.operation)
    PassManager.parse(pipeline_for(target), context=module.context).run(module.operation)
    return _gpu_artifact(module, target, entry)


def _gpu_artifact(module: Module, target: str, entry: Optional[str]) -> GPUProgramArtifact:
    import json

    plans = {}
    binary = None
    for op in module.body.operations:
        name = op.operation.name
        attrs = op.operation.attributes
        if name == "func.func" and "tessera.plan" in attrs:
            plans[attrs["sym_name"].value] = json.loads(attrs["tessera.plan"].value)
        elif name == "gpu.binary":
            for attr in attrs["objects"]:
                binary = bytes(gpu.ObjectAttr(attr).object)
    if not plans or binary is None:
        raise RuntimeError("the GPU pipeline produced no host function or no binary")
    if entry is None:
        if len(plans) != 1:
            raise ValueError(f"several functions were compiled ({sorted(plans)}); "
                             f"name the entry")
        entry = next(iter(plans))
    plan = dict(plans[entry])
    plan["target"] = target
    plan["binary"] = "kernels.ptx" if target.startswith("sm_") else "kernels.hsaco"
    return GPUProgramArtifact(target=target, binary=binary, plan=plan)


def build_gpu_artifacts(sources, target: str, directory, log=print) -> dict:
    """Compiles Graph IR programs (``{name: source}``, or ``{name: (source,
    schedule)}`` to override kernel schedules, or ``(source, "target-ir")``
    for a program written in Target IR) for ``target`` into
    ``directory/<name>/`` (plan.json + binary) and writes ``index.json``
    (kernels and compile time per program); returns the index."""
    import json
    import time
    from pathlib import Path

    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    index = {}
    for name, source in sources.items():
        start = time.perf_counter()
        source, schedule = source if isinstance(source, tuple) else (source, None)
        with Context():
            module = Module.parse(source)
            if schedule == "target-ir":  # a program written in Target IR
                artifact = compile_target_ir_for_gpu(module, target)
            else:
                artifact = compile_graph_for_gpu(module, target, schedule=schedule)
        artifact.save(out / name)
        seconds = time.perf_counter() - start
        index[name] = {"kernels": [k["name"] for k in artifact.plan["kernels"]],
                       "compile_s": round(seconds, 3)}
        if log:
            log(f"{name:30s} {seconds * 1e3:7.1f} ms  {', '.join(index[name]['kernels'])}")
    (out / "index.json").write_text(json.dumps(index, indent=1) + "\n")
    return index
