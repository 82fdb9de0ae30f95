"""The compile driver: runs Tessera's registered pipelines by name.

Every Python path to an artifact comes through here: `tessera.compile` and
`@tessera.jit` (through the front end), the command line, bench/build.py and
test/gpu/build_artifacts.py. The passes are listed once, in C++
(lib/Pipelines/Pipelines.cpp): each IR level is a registered pipeline,
`tessera-stage-<level>`, and the full pipelines (`tessera-lower-to-nvvm`,
`-rocdl`, `-cpu`) are the same stages in sequence. The driver runs the stages
one by one so that it can keep the IR of each and apply schedule overrides
between two of them, then the vendor's binary pipeline.

Layering: tessera.runtime <- tessera.artifact <- tessera.compiler <- the
front end; this module needs MLIR, the two below it do not.

`TESSERA_DUMP_IR=<dir>` writes each stage as `<dir>/<function>.<stage>.mlir`
while compiling.
"""

from __future__ import annotations

import dataclasses
import json
import re
import os
import time
from pathlib import Path
from typing import Callable, Optional

from . import __version__
from ._traceback import user_frames
from .artifact import Artifact
from .cache import ArtifactCache, compiler_id, make_key
from .dialects import gpu
from .ir import Attribute, Context, Module
from .passmanager import PassManager
from .runtime.plan import FORMAT

__all__ = ["GPUObject", "CPU_STAGES", "GPU_STAGES", "LLVM_VERSION",
           "check_chip", "run_pipeline", "compile", "compile_graph_for_gpu",
           "compile_target_ir_for_gpu", "compile_gpu_module", "build_gpu_artifacts"]

LLVM_VERSION = "22.1.8"

#: The IR levels of each path, in order: the input (Graph IR), then one per
#: registered `tessera-stage-<level>` pipeline.
CPU_STAGES = ("graph", "linalg", "llvm")
GPU_STAGES = ("graph", "schedule", "tile", "target", "gpu")


#===--- Targets -------------------------------------------------------------===#

def check_chip(chip: str) -> None:
    """Raises ValueError unless `chip` is a row of Tessera's known-chips
    table (C++, lib/Target/KnownChips.cpp): the table, not Python, knows
    chips and their vendors; the error lists the known ones."""
    from .ir import MLIRError

    with Context():
        module = Module.parse("module {}")
        try:
            run_pipeline(module, "tessera-target-set-chip", chip=chip)
        except MLIRError as error:
            message = "; ".join(d.message for d in error.error_diagnostics) or str(error)
            raise ValueError(message) from None


#: When set (`report_pass_timing(True)`, `tessera compile --timing passes`),
#: every pipeline run prints MLIR's per-pass timing report to stderr.
_pass_timing = False


def report_pass_timing(enabled: bool = True) -> None:
    """Makes every later pipeline run print MLIR's per-pass wall times (the
    pass manager's timing report, on stderr) or stop doing so."""
    global _pass_timing
    _pass_timing = enabled


def run_pipeline(module: Module, name: str, **options) -> None:
    """Runs the registered pipeline (or pass) `name` on `module`, in place,
    with `options` (`opt_level=3` is passed as `opt-level=3`)."""
    body = " ".join(f"{k.replace('_', '-')}={v}" for k, v in options.items())
    text = f"builtin.module({name}{{{body}}})" if body else f"builtin.module({name})"
    pm = PassManager.parse(text, context=module.context)
    if _pass_timing:
        pm.enable_timing()
    pm.run(module.operation)


#===--- gpu.module -> code objects ------------------------------------------===#

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


def compile_gpu_module(module: Module, target: str = "sm_90", format: Optional[str] = None,
                       **options) -> list[GPUObject]:
    """Lowers every gpu.module in ``module`` (in place) through the vendor's
    binary pipeline and returns the objects.

    ``format``: ``isa`` (PTX / GCN assembly), ``bin`` (HSACO; cubin needs the
    CUDA toolkit), ``llvm`` or ``offload``; the pipeline's default when None
    (PTX for NVIDIA, HSACO for AMD). ``options``: the pipeline's other
    options (``features``, ``opt_level``, ``toolkit``, ...)."""
    if format is not None:
        options["format"] = format
    check_chip(target)
    run_pipeline(module, "tessera-gpu-to-binary", chip=target, **options)
    objects = []
    for op in module.body.operations:
        if op.operation.name != "gpu.binary":
            continue
        name = op.operation.attributes["sym_name"].value
        for attr in op.operation.attributes["objects"]:
            obj = gpu.ObjectAttr(attr)
            objects.append(GPUObject(module=name, chip=target, format=str(obj.format),
                                     data=bytes(obj.object)))
    return objects


def _check_linked(binary: bytes, chip: str) -> None:
    """Refuses PTX that still calls libdevice (f64 math: __nv_exp, ...):
    the binary pipeline links it from the CUDA toolkit it finds, and
    without one the kernels would fail to load on the device."""
    missing = sorted(set(re.findall(rb"\.extern \.func[^;]*?\b(__nv_\w+)\(", binary)))
    if missing:
        names = ", ".join(m.decode() for m in missing)
        raise RuntimeError(
            f"the kernels for {chip} call {names} from libdevice (the f64 math "
            "the CUDA toolkit provides), but no toolkit with "
            "nvvm/libdevice/libdevice.10.bc was found to link it: set CUDA_HOME "
            "(or pass toolkit= to tessera-gpu-to-binary)")


#===--- Graph IR / Target IR -> GPU artifacts -------------------------------===#

#: Ops that give a kernel its kind (the rest are elementwise).
_ANCHORS = ("matmul", "attention", "softmax", "log_softmax", "layer_norm", "rms_norm",
            "reduce")


def _apply_schedule(module: Module, schedule: dict, chip: str) -> None:
    """Sets the config of every kernel named ("k0", "k1", ...: the kernels
    in order) or whose anchor op is a key of `schedule` (the name wins),
    then re-checks legality for `chip`."""
    from .schedule import normalize

    schedule = normalize(schedule)
    known, index = set(), 0
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
            name = f"k{index}"
            index += 1
            known.update((kind, name))
            config = schedule.get(name, schedule.get(kind))
            if config is not None:
                inner.attributes["config"] = Attribute.parse(
                    f"#tessera_schedule.config<{config}>")
                # The user's schedule holds at every number of rows: no
                # launch-time classes of the default's.
                if "row_classes" in inner.attributes:
                    del inner.attributes["row_classes"]
    unknown = sorted(set(schedule) - known)
    if unknown:
        raise ValueError(f"schedule= names {unknown}, but the program's kernels are "
                         f"{sorted(known)}")
    run_pipeline(module, "tessera-schedule-check", chip=chip)


#: Called with (stage, module) after each stage.
StageHook = Callable[[str, Module], None]


def _lower_gpu(module: Module, chip: str, first: str, schedule: Optional[dict],
               on_stage: Optional[StageHook]) -> Artifact:
    """Runs the GPU stages from `first` ("schedule" for Graph IR, "tile" for
    Target IR) and the vendor's binary pipeline on `module`, in place;
    returns the artifact of its only host function."""
    check_chip(chip)
    if first != "schedule":  # the schedule stage states the chip itself
        run_pipeline(module, "tessera-target-set-chip", chip=chip)
    for stage in GPU_STAGES[GPU_STAGES.index(first):]:
        if stage == "schedule":  # the one stage that depends on the chip
            run_pipeline(module, "tessera-stage-schedule", chip=chip)
            if schedule:
                _apply_schedule(module, schedule, chip)
        else:
            run_pipeline(module, f"tessera-stage-{stage}")
        if on_stage:
            on_stage(stage, module)
    run_pipeline(module, "tessera-gpu-to-binary", chip=chip)

    plans, binary = {}, None
    for op in module.body.operations:
        attrs = op.operation.attributes
        if op.operation.name == "func.func" and "tessera.plan" in attrs:
            plans[attrs["sym_name"].value] = json.loads(attrs["tessera.plan"].value)
        elif op.operation.name == "gpu.binary":
            for attr in attrs["objects"]:
                binary = bytes(gpu.ObjectAttr(attr).object)
    if not plans or binary is None:
        raise RuntimeError("the GPU pipeline produced no host function or no binary")
    _check_linked(binary, chip)
    if len(plans) != 1:
        raise ValueError(f"several functions were compiled ({sorted(plans)}); "
                         f"compile one per module")
    # The plan names the chip, its vendor and the binary's file (the
    # known-chips table's answers, written by tessera-target-export-plan).
    plan = dict(next(iter(plans.values())))
    return Artifact(plan, {plan["binary"]: binary})


def compile_graph_for_gpu(module: Module, target: str = "sm_90",
                          schedule: Optional[dict] = None) -> Artifact:
    """Compiles the Graph IR function in ``module`` (in place) for GPU chip
    ``target``: the stages of ``tessera-lower-to-nvvm`` / ``-rocdl``.
    ``schedule`` overrides kernel schedules by kind, as in ``compile``."""
    return _lower_gpu(module, target, "schedule", schedule, None)


def compile_target_ir_for_gpu(module: Module, target: str = "sm_90") -> Artifact:
    """Compiles Target IR in ``module`` (in place): a host function
    (``tessera.host``) of allocations and launches, and
    ``tessera_target.kernel``s whose bodies may be Tile IR block programs,
    through the Tile stage (its loops pipelined, its shared buffers placed),
    the Tile->Target and last GPU stages and the vendor's binary pipeline."""
    return _lower_gpu(module, target, "tile", None, None)


def _cache_hit(cache: ArtifactCache, key: str, use_cache: bool) -> Optional[Artifact]:
    """The cached artifact of `key`, if caching is on and it is there."""
    if not use_cache:
        return None
    hit = cache.get(key)
    return Artifact.load(hit) if hit is not None else None


def compile_kernel_for_gpu(text: str, name: str, target: str,
                           cache: Optional[ArtifactCache] = None,
                           use_cache: bool = True) -> Artifact:
    """Compiles a ``@tessera.kernel``'s Target IR module (text) for
    ``target``, through the disk cache as ``compile`` does; the artifact
    keeps the IR of every stage from the kernel's ("kernel") on."""
    key = make_key(ir=text, target=target, pipeline="tessera-kernel",
                   tessera=__version__, llvm=LLVM_VERSION, compiler=compiler_id())
    cache = cache or ArtifactCache()
    hit = _cache_hit(cache, key, use_cache)
    if hit is not None:
        return hit
    texts = {"kernel": text}
    _dump(name, "kernel", text)

    def keep(stage: str, module: Module) -> None:
        texts[stage] = str(module)
        _dump(name, stage, texts[stage])

    with Context():
        artifact = _lower_gpu(Module.parse(text), target, "tile", None, keep)
    stages = ["kernel", *GPU_STAGES[GPU_STAGES.index("tile"):]]
    plan, files = artifact.plan, {artifact.plan["binary"]: artifact.binary}
    plan.update({"entry": name, "key": key, "stages": stages,
                 "tessera_version": __version__, "llvm_version": LLVM_VERSION})
    files.update({f"{s}.mlir": texts[s].encode() for s in stages})
    artifact = Artifact(plan, files)
    if use_cache:
        path = cache.put(key, artifact.files(), fields={"entry": name, "target": target})
        artifact = Artifact(plan, files, path)
    return artifact


def build_gpu_artifacts(sources, target: str, directory, log=print) -> dict:
    """Compiles Graph IR programs (``{name: source}``, or ``{name: (source,
    schedule)}`` to override kernel schedules, or ``(source, "target-ir")``
    for a program written in Target IR) for ``target`` into
    ``directory/<name>/`` (plan.json + binary) and writes ``index.json``
    (kernels and compile time per program); returns the index."""
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


#===--- tessera.compile -----------------------------------------------------===#

def _dump(name: str, stage: str, text: str) -> None:
    directory = os.environ.get("TESSERA_DUMP_IR")
    if directory:
        os.makedirs(directory, exist_ok=True)
        with open(os.path.join(directory, f"{name}.{stage}.mlir"), "w") as f:
            f.write(text)


@user_frames
def compile(fn, target: str = "cpu", schedule: Optional[dict] = None,  # noqa: A001
            cache: Optional[ArtifactCache] = None, use_cache: bool = True,
            **constants) -> Artifact:
    """Compiles a @tessera.function for `target`: "cpu" (linalg -> LLVM,
    run by the ExecutionEngine), an NVIDIA chip ("sm_90", "sm_80", ...: PTX)
    or an AMD chip ("gfx942", ...: HSACO). The artifact keeps the IR of
    every stage and goes to the disk cache.

    `schedule` (GPU targets) overrides the default schedule of kernels by
    kind or name: {"matmul": tessera.Schedule(tile=(64, 64, 32), warps=4,
    stages=3, mma="mma_sync"), "k1": ...}, keys "elementwise", "matmul",
    "attention", "softmax", "layer_norm", ... (the kernel's anchor op) or
    "k0", "k1", ... (the kernels in order; a name wins over a kind); a
    config string ("tile = [64, 64, 32], warps = 4, ...") stays accepted.
    A schedule the chip cannot run is a compile-time error.

    A ``@tessera.kernel`` compiles ahead of time the same way, for a GPU
    target, with its launch grid and constexprs as keywords:
    ``tessera.compile(kernel, target="sm_90", grid=(g,), BLOCK=1024)``
    (``kernel.compile``)."""
    from .dsl import Kernel

    if isinstance(fn, Kernel):
        if target == "cpu":
            raise ValueError(f"kernel '{fn.__name__}' compiles for GPU targets (sm_90, "
                             f"gfx942, ...); on the CPU it runs in the interpreter "
                             f"(TESSERA_INTERPRET=1)")
        if schedule is not None:
            raise ValueError("schedule= applies to @tessera.function programs; a kernel's "
                             "tiles, warps and stages are its constexprs and num_warps")
        grid = constants.pop("grid", None)
        num_warps = constants.pop("num_warps", None)
        return fn.compile(target, grid=grid, num_warps=num_warps, **constants)
    if constants:
        raise TypeError(f"tessera.compile got unexpected keywords {sorted(constants)} "
                        f"(constants are for @tessera.kernel functions)")
    from .schedule import normalize

    schedule = normalize(schedule)
    if target == "cpu":
        if schedule is not None:
            raise ValueError("schedule= applies to GPU targets; the CPU path has no schedule")
    else:
        try:
            check_chip(target)
        except ValueError as error:
            raise ValueError(f"unknown target {target!r}: expected 'cpu' or a known GPU "
                             f"chip ({error})") from None
    graph, name = fn.mlir, fn.__name__
    key = make_key(ir=graph, target=target,
                   pipeline="tessera-lower-to-cpu" if target == "cpu" else "tessera-lower-to-gpu",
                   schedule=json.dumps(schedule, sort_keys=True), tessera=__version__,
                   llvm=LLVM_VERSION, compiler=compiler_id())
    cache = cache or ArtifactCache()
    hit = _cache_hit(cache, key, use_cache)
    if hit is not None:
        return hit

    texts = {"graph": graph}
    _dump(name, "graph", graph)
    # Seconds per stage (the pipeline run that produced it), and for GPU
    # targets "binary" (the vendor's pipeline: LLVM and the backend).
    seconds, clock = {}, [time.perf_counter()]

    def lap(stage: str) -> None:
        now = time.perf_counter()
        seconds[stage], clock[0] = now - clock[0], now

    def keep(stage: str, module: Module) -> None:
        lap(stage)
        texts[stage] = str(module)
        _dump(name, stage, texts[stage])
        clock[0] = time.perf_counter()  # printing the IR is not the stage's

    with Context():
        module = Module.parse(graph)
        if target == "cpu":
            from .cpu import CPUModule

            inputs, results = CPUModule.signatures_of(module)[name]
            for stage in CPU_STAGES[1:]:
                run_pipeline(module, f"tessera-stage-{stage}")
                keep(stage, module)
            plan = {"format": FORMAT, "target": target, "entry": name,
                    "inputs": [dict(spec.plan_entry(n), type=str(t))
                               for (n, spec), t in zip(fn.specs, inputs)],
                    "results": [str(r) for r in results]}
            stages, files = CPU_STAGES, {}
        else:
            artifact = _lower_gpu(module, target, "schedule", schedule, keep)
            lap("binary")
            plan, files = artifact.plan, {artifact.plan["binary"]: artifact.binary}
            plan.update({"entry": name, "schedule": schedule,
                         "annotations": [spec.plan_entry(n) for n, spec in fn.specs]})
            stages = GPU_STAGES
    plan.update({"key": key, "stages": list(stages), "tessera_version": __version__,
                 "llvm_version": LLVM_VERSION})
    files.update({f"{s}.mlir": texts[s].encode() for s in stages})
    artifact = Artifact(plan, files)
    if use_cache:
        path = cache.put(key, artifact.files(), fields={"entry": name, "target": target})
        artifact = Artifact(plan, files, path)
    artifact.compile_seconds = seconds
    return artifact
