"""Compiled artifacts: `tessera.compile(fn, target)` and what it returns.

An artifact is a directory: `plan.json` (the entry point, its arguments as
annotated, the target, the versions) and one file per stage of the IR
(`graph.mlir`, `linalg.mlir`, `llvm.mlir` for the CPU target; `graph`,
`schedule`, `tile`, `target`, `gpu` for GPUs, plus `kernels.ptx` or
`kernels.hsaco` and the launch plan inside `plan.json`). It can be saved,
loaded, inspected (`.plan`, `.mlir(stage)`, `.ptx`) and called: on the CPU
through the ExecutionEngine, on a GPU through `tessera.runtime.gpu`. Compiled
artifacts are kept in the disk cache (tessera.cache), keyed by the IR, the
target, the options, the schedule and the versions.

`TESSERA_DUMP_IR=<dir>` writes each stage as `<dir>/<function>.<stage>.mlir`
while compiling.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Dict, Optional

from . import __version__
from .cache import ArtifactCache, compiler_id, make_key
from .types import DTYPES, TensorSpec, check_arguments

__all__ = ["Artifact", "compile", "LLVM_VERSION", "CPU_STAGES", "GPU_STAGES"]

LLVM_VERSION = "22.1.8"
CPU_STAGES = ("graph", "linalg", "llvm")
GPU_STAGES = ("graph", "schedule", "tile", "target", "gpu")
PLAN = "plan.json"


class Artifact:
    """A compiled function: its plan and the IR of every stage."""

    def __init__(self, plan: dict, files: Dict[str, bytes], path: Optional[Path] = None):
        self.plan, self._files, self._module = plan, files, None
        self._path = path  # where it lies on disk, if it does

    @property
    def target(self) -> str:
        return self.plan["target"]

    @property
    def specs(self):
        return [(a["name"], TensorSpec(tuple(a["dims"]), DTYPES[a["dtype"]]))
                for a in self.plan["inputs"]]

    def mlir(self, stage: str) -> str:
        """The IR after `stage` (one of plan['stages'])."""
        if stage not in self.plan["stages"]:
            raise KeyError(f"no stage {stage!r}: this artifact has {self.plan['stages']}")
        return self._files[f"{stage}.mlir"].decode()

    @property
    def ptx(self) -> Optional[str]:
        """PTX text for NVIDIA targets; None otherwise."""
        data = self._files.get("kernels.ptx")
        return data.decode() if data else None

    @property
    def binary(self) -> Optional[bytes]:
        """The GPU code object (PTX text or an HSACO ELF); None for the CPU."""
        name = self.plan.get("binary")
        return self._files.get(name) if name else None

    def save(self, path) -> Path:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        for name, data in self._files.items():
            (path / name).write_bytes(data)
        (path / PLAN).write_text(json.dumps(self.plan, indent=1))
        return path

    @classmethod
    def load(cls, path) -> "Artifact":
        path = Path(path)
        try:
            plan = json.loads((path / PLAN).read_text())
        except OSError as e:
            raise FileNotFoundError(f"{path} is not a Tessera artifact (no {PLAN})") from e
        files = {f"{s}.mlir": (path / f"{s}.mlir").read_bytes() for s in plan["stages"]}
        if plan.get("binary"):
            files[plan["binary"]] = (path / plan["binary"]).read_bytes()
        return cls(plan, files, path)

    def __call__(self, *arrays, **launch):
        """Runs the artifact: GPU artifacts through tessera.runtime.gpu (CuPy,
        torch or numpy arrays; `out=`, `stream=`), CPU ones on numpy arrays."""
        if self.target != "cpu":
            return self._gpu_program()(*arrays, **launch)
        if launch:
            raise TypeError(f"CPU artifacts take no {sorted(launch)}")
        checked = check_arguments(self.plan["entry"], self.specs, arrays)
        if self._module is None:
            from . import ir
            from .cpu import CPUModule

            with ir.Context():
                self._module = CPUModule(
                    self.mlir("llvm"), lowered=True,
                    signatures={self.plan["entry"]: (
                        [a["type"] for a in self.plan["inputs"]], [self.plan["result"]])})
        return self._module(self.plan["entry"], *checked)


    def _gpu_program(self):
        if self._module is None:
            from .runtime import gpu as runtime

            if self._path is None:  # never saved: give the runtime a file
                import tempfile

                self._path = self.save(tempfile.mkdtemp(prefix="tessera-artifact-"))
            self._module = runtime.load(self._path)
        return self._module


def _dump(name: str, stage: str, text: str):
    directory = os.environ.get("TESSERA_DUMP_IR")
    if directory:
        os.makedirs(directory, exist_ok=True)
        with open(os.path.join(directory, f"{name}.{stage}.mlir"), "w") as f:
            f.write(text)


def compile(fn, target: str = "cpu", schedule=None, cache: Optional[ArtifactCache] = None,
            use_cache: bool = True) -> Artifact:  # noqa: A001
    """Compiles a @tessera.function for `target`: "cpu" (linalg -> LLVM,
    run by the ExecutionEngine), an NVIDIA chip ("sm_90", "sm_80", ...: PTX)
    or an AMD chip ("gfx942", ...: HSACO).

    `schedule` (GPU targets) overrides the default schedule of kernels by
    kind: {"matmul": "tile = [64, 64, 32], warps = 4, stages = 3, mma =
    mma_sync", ...}, keys "elementwise", "matmul", "attention", "softmax",
    "layer_norm", ... (the kernel's anchor op); a schedule the chip cannot
    run is a compile-time error."""
    if target != "cpu" and not target.startswith(("sm_", "gfx")):
        raise ValueError(f"unknown target {target!r}: expected 'cpu', an NVIDIA chip "
                         f"('sm_90', 'sm_80', ...) or an AMD chip ('gfx942', ...)")
    if target != "cpu":
        return _compile_gpu(fn, target, schedule, cache, use_cache)
    if schedule is not None:
        raise ValueError("schedule= applies to GPU targets; the CPU path has no schedule")
    from . import ir
    from .cpu import CPUModule
    from .passmanager import PassManager

    graph = fn.mlir
    name = fn.__name__
    key = make_key(ir=graph, target=target, pipeline="tessera-lower-to-cpu",
                   schedule=schedule, tessera=__version__, llvm=LLVM_VERSION,
                   compiler=compiler_id())
    cache = cache or ArtifactCache()
    if use_cache:
        hit = cache.get(key)
        if hit is not None:
            return Artifact.load(hit)

    _dump(name, "graph", graph)
    with ir.Context():
        module = ir.Module.parse(graph)
        signature = CPUModule.signatures_of(module)[name]
        PassManager.parse("builtin.module(convert-tessera-graph-to-linalg)").run(module.operation)
        linalg = str(module)
        _dump(name, "linalg", linalg)
        PassManager.parse("builtin.module(tessera-lower-to-cpu)").run(module.operation)
        llvm = str(module)
        _dump(name, "llvm", llvm)
    plan = {
        "format": 1, "target": target, "entry": name, "key": key,
        "inputs": [{"name": n, "dims": list(s.dims), "dtype": s.dtype.mlir,
                    "type": str(t)} for (n, s), t in zip(fn.specs, signature[0])],
        "result": str(signature[1][0]), "stages": list(CPU_STAGES),
        "tessera_version": __version__, "llvm_version": LLVM_VERSION,
    }
    files = {"graph.mlir": graph.encode(), "linalg.mlir": linalg.encode(),
             "llvm.mlir": llvm.encode(), PLAN: json.dumps(plan, indent=1).encode()}
    artifact = Artifact(plan, files)
    if use_cache:
        cache.put(key, files, fields={"entry": name, "target": target})
    return artifact


def _apply_schedule(module, schedule: dict, chip: str):
    """Sets the config of every kernel whose anchor op is a key of
    `schedule`, then re-checks legality for `chip`."""
    from . import ir
    from .passmanager import PassManager

    known = set()
    for op in module.body.operations:
        if op.operation.name != "func.func":
            continue
        for inner in op.regions[0].blocks[0].operations:
            if inner.operation.name != "tessera_schedule.kernel":
                continue
            names = [o.operation.name.split(".", 1)[1]
                     for o in inner.regions[0].blocks[0].operations
                     if o.operation.name.startswith("tessera_graph.")
                     and o.operation.name != "tessera_graph.constant"]
            anchors = [n for n in names if n in _ANCHORS]
            kind = anchors[0] if anchors else "elementwise"
            known.add(kind)
            if kind in schedule:
                inner.attributes["config"] = ir.Attribute.parse(
                    f"#tessera_schedule.config<{schedule[kind]}>")
    unknown = sorted(set(schedule) - known)
    if unknown:
        raise ValueError(f"schedule= names {unknown}, but the program's kernels are "
                         f"{sorted(known)}")
    PassManager.parse(f"builtin.module(tessera-schedule-check{{chip={chip}}})").run(
        module.operation)


#: Ops that give a kernel its kind (the rest are elementwise).
_ANCHORS = ("matmul", "attention", "softmax", "log_softmax", "layer_norm", "rms_norm",
            "reduce")


def _compile_gpu(fn, target, schedule, cache, use_cache) -> Artifact:
    import json as _json

    from . import ir
    from .compiler import TARGETS, pipeline_for
    from .dialects import gpu as gpu_d
    from .passmanager import PassManager

    graph = fn.mlir
    name = fn.__name__
    key = make_key(ir=graph, target=target, pipeline="tessera-lower-to-gpu",
                   schedule=_json.dumps(schedule, sort_keys=True), tessera=__version__,
                   compiler=compiler_id(),
                   llvm=LLVM_VERSION)
    cache = cache or ArtifactCache()
    if use_cache:
        hit = cache.get(key)
        if hit is not None:
            return Artifact.load(hit)
    stages = {
        "schedule": f"builtin.module(func.func(tessera-graph-fuse),"
                    f"func.func(tessera-schedule-assign{{chip={target}}}),"
                    f"tessera-schedule-check{{chip={target}}})",
        "tile": "builtin.module(convert-tessera-schedule-to-tile)",
        "target": "builtin.module(convert-tessera-tile-to-target)",
        "gpu": "builtin.module(convert-tessera-target-to-gpu,tessera-target-export-plan)",
    }
    texts = {"graph": graph}
    _dump(name, "graph", graph)
    with ir.Context():
        module = ir.Module.parse(graph)
        for stage, pipeline in stages.items():
            PassManager.parse(pipeline).run(module.operation)
            if stage == "schedule" and schedule:
                _apply_schedule(module, schedule, target)
            texts[stage] = str(module)
            _dump(name, stage, texts[stage])
        PassManager.parse(pipeline_for(target)).run(module.operation)
        launch, binary = None, None
        for op in module.body.operations:
            attrs = op.operation.attributes
            if op.operation.name == "func.func" and "tessera.plan" in attrs:
                launch = _json.loads(attrs["tessera.plan"].value)
            elif op.operation.name == "gpu.binary":
                for attr in attrs["objects"]:
                    binary = bytes(gpu_d.ObjectAttr(attr).object)
    assert TARGETS  # the vendor pipelines are registered
    binary_name = "kernels.ptx" if target.startswith("sm_") else "kernels.hsaco"
    plan = dict(launch)
    plan.update({
        "target": target, "entry": name, "key": key, "binary": binary_name,
        "stages": list(GPU_STAGES), "schedule": schedule,
        "annotations": [{"name": n, "dims": list(s.dims), "dtype": s.dtype.mlir}
                        for n, s in fn.specs],
        "tessera_version": __version__, "llvm_version": LLVM_VERSION,
    })
    files = {f"{s}.mlir": texts[s].encode() for s in GPU_STAGES}
    files[binary_name] = binary
    files[PLAN] = json.dumps(plan, indent=1).encode()
    if use_cache:
        path = cache.put(key, files, fields={"entry": name, "target": target})
        return Artifact(plan, files, path)
    return Artifact(plan, files)
