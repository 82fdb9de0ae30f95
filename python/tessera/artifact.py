"""Compiled artifacts: what the compiler (tessera.compiler) produces.

An artifact is a directory: `plan.json` (tessera.runtime.plan: the entry
point, its inputs, the target and its vendor, and for GPUs the launch plan),
the GPU code object it names (`kernels.ptx` or `kernels.hsaco`), and the IR
of the stages the compiler kept (`<stage>.mlir` for each of
`plan["stages"]`). It can be saved, loaded, inspected (`.plan`,
`.mlir(stage)`, `.ptx`) and called: GPU artifacts through
tessera.runtime.gpu, CPU ones through tessera.cpu (MLIR's ExecutionEngine).

This module sits between the runtime and the compiler: it imports the
runtime, never the compiler, and MLIR only to run a CPU artifact.
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict, Optional

from ._traceback import user_frames
from .runtime import PLAN_FILE, Signature, plan_bytes, read_plan

__all__ = ["Artifact"]


class Artifact:
    """A compiled function: its plan, its code object (GPU targets) and the
    IR of the stages kept while compiling."""

    def __init__(self, plan: dict, files: Dict[str, bytes], path: Optional[Path] = None):
        """`files`: the artifact's files other than plan.json, by name."""
        self.plan, self._files = plan, dict(files)
        self._path = path  # where it lies on disk, if it does
        #: Seconds per compile stage, for an artifact this process compiled
        #: (not a cache hit): `tessera compile --timing` prints them.
        self.compile_seconds: Dict[str, float] = {}
        self._program = None  # the loaded CPU module or GPU program
        self._signature = None

    @property
    def target(self) -> str:
        return self.plan["target"]

    @property
    def stages(self) -> list:
        """The stages whose IR the artifact holds (none for artifacts built
        without them, such as bench/build.py's)."""
        return self.plan.get("stages", [])

    def mlir(self, stage: str) -> str:
        """The IR after `stage` (one of `stages`)."""
        if stage not in self.stages:
            raise KeyError(f"no stage {stage!r}: this artifact has {self.stages}")
        return self._files[f"{stage}.mlir"].decode()

    @property
    def binary(self) -> Optional[bytes]:
        """The GPU code object (PTX text or an HSACO ELF); None for the CPU."""
        name = self.plan.get("binary")
        return self._files.get(name) if name else None

    @property
    def ptx(self) -> Optional[str]:
        """PTX text for NVIDIA targets; None otherwise."""
        return self.binary.decode() if self.plan.get("vendor") == "nvidia" else None

    def files(self) -> Dict[str, bytes]:
        """Every file of the artifact, plan.json included, by name."""
        return {**self._files, PLAN_FILE: plan_bytes(self.plan)}

    def save(self, path) -> Path:
        """Writes the artifact into directory `path`; returns it."""
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        for name, data in self.files().items():
            (path / name).write_bytes(data)
        return path

    @classmethod
    def load(cls, path) -> "Artifact":
        path = Path(path)
        plan = read_plan(path)
        names = [f"{s}.mlir" for s in plan.get("stages", [])]
        if plan.get("binary"):
            names.append(plan["binary"])
        return cls(plan, {n: (path / n).read_bytes() for n in names}, path)

    @user_frames
    def __call__(self, *arrays, **launch):
        """Runs the artifact: GPU artifacts through tessera.runtime.gpu (CuPy,
        torch or numpy arrays; `out=`, `stream=`), CPU ones on numpy arrays."""
        if self.target != "cpu":
            return self._gpu_program()(*arrays, **launch)
        if launch:
            raise TypeError(f"CPU artifacts take no {sorted(launch)}")
        if self._signature is None:
            self._signature = Signature(self.plan["entry"], self.plan["inputs"])
        self._signature.bind(arrays)
        return self._cpu_module()(self.plan["entry"], *arrays)

    def _cpu_module(self):
        if self._program is None:
            from . import ir
            from .cpu import CPUModule

            with ir.Context():
                self._program = CPUModule(
                    self.mlir("llvm"), lowered=True,
                    signatures={self.plan["entry"]: (
                        [a["type"] for a in self.plan["inputs"]],
                        # ("result": one, in plans before several were allowed)
                        self.plan.get("results") or [self.plan["result"]])})
        return self._program

    def _gpu_program(self):
        if self._program is None:
            from .runtime import gpu

            if self._path is None:  # never saved: the runtime loads from files
                import tempfile

                self._path = self.save(tempfile.mkdtemp(prefix="tessera-artifact-"))
            self._program = gpu.load(self._path)
        return self._program
