"""Compiled artifacts: `tessera.compile(fn, target)` and what it returns.

An artifact is a directory: `plan.json` (the entry point, its arguments as
annotated, the target, the versions) and one file per stage of the IR
(`graph.mlir`, `linalg.mlir`, `llvm.mlir` for the CPU target). It can be
saved, loaded, inspected (`.plan`, `.mlir(stage)`) and called. Compiled
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
from .cache import ArtifactCache, make_key
from .types import DTYPES, TensorSpec, check_arguments

__all__ = ["Artifact", "compile", "LLVM_VERSION", "CPU_STAGES"]

LLVM_VERSION = "22.1.8"
CPU_STAGES = ("graph", "linalg", "llvm")
PLAN = "plan.json"


class Artifact:
    """A compiled function: its plan and the IR of every stage."""

    def __init__(self, plan: dict, files: Dict[str, bytes]):
        self.plan, self._files, self._module = plan, files, None

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
        """PTX text for NVIDIA targets; None for the CPU."""
        data = self._files.get("kernel.ptx")
        return data.decode() if data else None

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
        return cls(plan, files)

    def __call__(self, *arrays):
        if self.target != "cpu":
            raise NotImplementedError(f"running {self.target} artifacts needs the GPU runtime")
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


def _dump(name: str, stage: str, text: str):
    directory = os.environ.get("TESSERA_DUMP_IR")
    if directory:
        os.makedirs(directory, exist_ok=True)
        with open(os.path.join(directory, f"{name}.{stage}.mlir"), "w") as f:
            f.write(text)


def compile(fn, target: str = "cpu", schedule=None, cache: Optional[ArtifactCache] = None,
            use_cache: bool = True) -> Artifact:  # noqa: A001
    """Compiles a @tessera.function for `target` ("cpu"; "sm_90" and
    "gfx942" arrive with the GPU pipeline)."""
    if target != "cpu":
        raise NotImplementedError(
            f"target {target!r}: compiling Graph IR for GPUs is not implemented yet "
            "(it comes with the Schedule/Tile/Target lowering); use target='cpu'. "
            "gpu.modules already compile with tessera.compiler.compile_gpu_module.")
    from . import ir
    from .cpu import CPUModule
    from .passmanager import PassManager

    graph = fn.mlir
    name = fn.__name__
    key = make_key(ir=graph, target=target, pipeline="tessera-lower-to-cpu",
                   schedule=schedule, tessera=__version__, llvm=LLVM_VERSION)
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
