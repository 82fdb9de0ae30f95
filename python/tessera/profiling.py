"""`tessera.profile` (this module is tessera.profiling): how fast a compiled
function ran, and how far from the hardware's limits.

    report = tessera.profile(fn, x, w)          # a @tessera.function, an
    print(report)                               # Artifact or a GPU program
    report.plot("roofline.png")                 # (matplotlib)

On a GPU each kernel of one call is timed with CUDA events recorded between
the launches (the median of `repeats` calls after `warmup`, issued back to
back for at least 100 ms each, rotating over copies of the inputs that span
four L2 caches, as bench/run.py times its rows: sustained load, its clocks
and a cold cache); its arithmetic
comes from the plan (the compiler records a matmul's 2·M·N·K and an
attention's two products; elementwise and reduction kernels have none) and
its minimum bytes from the sizes of the buffers it takes (each read or
written once). Against the device's ceilings (`ceilings()`: the copy
bandwidth and a cuBLAS f16 GEMM rate, measured once per device and cached)
each kernel gets the fraction of the ceiling that bounds it: compute for
kernels whose arithmetic intensity is above the ridge point, memory below.
On the CPU path the whole call is one row, timed by the wall clock.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import List, Optional

import numpy as np

__all__ = ["profile", "ceilings", "Profile", "KernelProfile"]


@dataclass
class KernelProfile:
    """One kernel's (or, on the CPU path, one call's) measurements."""

    name: str
    ms: Optional[float]
    flops: Optional[int]
    bytes: int

    @property
    def tflops(self) -> Optional[float]:
        if self.flops is None or not self.ms:
            return None
        return self.flops / (self.ms * 1e-3) / 1e12

    @property
    def gbps(self) -> Optional[float]:
        if not self.ms:
            return None
        return self.bytes / (self.ms * 1e-3) / 1e9

    @property
    def intensity(self) -> Optional[float]:
        """FLOPs per byte."""
        if self.flops is None or not self.bytes:
            return None
        return self.flops / self.bytes


@dataclass
class Profile:
    """The rows of one profiled call and the ceilings they are measured
    against (`peak_tflops`, `peak_gbps`; None on the CPU path)."""

    device: str
    kernels: List[KernelProfile]
    peak_tflops: Optional[float] = None
    peak_gbps: Optional[float] = None
    notes: List[str] = field(default_factory=list)

    def bound(self, k: KernelProfile) -> Optional[str]:
        """'compute' or 'memory': which ceiling limits `k` (the roofline's
        side of the ridge point its intensity falls on)."""
        if self.peak_tflops is None or self.peak_gbps is None:
            return None
        ridge = self.peak_tflops * 1e12 / (self.peak_gbps * 1e9)
        if k.intensity is None:
            return "memory"
        return "compute" if k.intensity >= ridge else "memory"

    def fraction(self, k: KernelProfile) -> Optional[float]:
        """The share of the bounding ceiling `k` reached."""
        side = self.bound(k)
        if side == "compute" and k.tflops is not None:
            return k.tflops / self.peak_tflops
        if side == "memory" and k.gbps is not None:
            return k.gbps / self.peak_gbps
        return None

    def __str__(self) -> str:
        lines = [f"tessera.profile on {self.device}"]
        if self.peak_tflops is not None:
            lines.append(f"ceilings: {self.peak_tflops:.1f} TFLOP/s (f16 GEMM), "
                         f"{self.peak_gbps:.0f} GB/s (copy)")
        lines.append(f"{'kernel':40s} {'ms':>9s} {'TFLOP/s':>8s} {'GB/s':>8s} "
                     f"{'FLOP/B':>7s} {'bound':>7s} {'of peak':>7s}")

        def fmt(v, spec):
            return format(v, spec) if v is not None else "-"
        for k in self.kernels:
            frac = self.fraction(k)
            lines.append(f"{k.name:40s} {fmt(k.ms, '9.4f'):>9s} {fmt(k.tflops, '8.1f'):>8s} "
                         f"{fmt(k.gbps, '8.1f'):>8s} {fmt(k.intensity, '7.1f'):>7s} "
                         f"{self.bound(k) or '-':>7s} "
                         f"{(format(frac * 100, '6.0f') + '%') if frac is not None else '-':>7s}")
        lines += self.notes
        return "\n".join(lines)

    def plot(self, path) -> Path:
        """A roofline chart (PNG) of the kernels against the ceilings; needs
        matplotlib and GPU ceilings."""
        if self.peak_tflops is None:
            raise ValueError("a roofline needs the GPU's ceilings; this profile ran on "
                             f"{self.device}")
        try:
            import matplotlib

            matplotlib.use("Agg")
            import matplotlib.pyplot as plt
        except ImportError as e:
            raise ImportError("Profile.plot needs matplotlib (pip install matplotlib)") from e
        ridge = self.peak_tflops * 1e3 / self.peak_gbps  # FLOP/B
        xs = np.logspace(-1, 4, 200)
        roof = np.minimum(xs * self.peak_gbps / 1e3, self.peak_tflops)
        fig, ax = plt.subplots(figsize=(7, 4.5))
        ax.loglog(xs, roof, color="black", lw=1.5, label="roofline")
        ax.axvline(ridge, color="grey", lw=0.8, ls=":")
        for k in self.kernels:
            if k.ms is None:
                continue
            x = k.intensity if k.intensity is not None else 0.25
            y = k.tflops if k.tflops is not None else k.gbps * x / 1e3
            ax.scatter([x], [y], s=30)
            ax.annotate(k.name, (x, y), fontsize=7, xytext=(4, 4), textcoords="offset points")
        ax.set_xlabel("arithmetic intensity (FLOP/byte)")
        ax.set_ylabel("TFLOP/s")
        ax.set_title(f"tessera.profile on {self.device}")
        ax.grid(True, which="both", lw=0.3)
        path = Path(path)
        fig.tight_layout()
        fig.savefig(path, dpi=120)
        plt.close(fig)
        return path


#: Ceilings measured this process, by device name.
_CEILINGS: dict = {}


def _ceilings_file() -> Path:
    root = os.environ.get("TESSERA_CACHE_DIR") or Path.home() / ".cache" / "tessera"
    return Path(root) / "ceilings.json"


def ceilings(measure: bool = True) -> dict:
    """The current GPU's ceilings: `{"device", "tflops", "gbps"}`, measured
    once per device (a 1 GiB device-to-device copy: read and written bytes
    per second; a cuBLAS f16 GEMM of 8192³ through CuPy: FLOP/s, the medians
    of 10 runs) and cached in ~/.cache/tessera/ceilings.json (or under
    $TESSERA_CACHE_DIR). With measure=False only cached values are returned
    (an empty dict if none)."""
    import cupy as cp

    props = cp.cuda.runtime.getDeviceProperties(cp.cuda.Device().id)
    name = props["name"].decode() if isinstance(props["name"], bytes) else str(props["name"])
    if name in _CEILINGS:
        return _CEILINGS[name]
    path = _ceilings_file()
    cached = {}
    if path.is_file():
        try:
            cached = json.loads(path.read_text())
        except (OSError, ValueError):
            cached = {}
    if name in cached:
        _CEILINGS[name] = cached[name]
        return cached[name]
    if not measure:
        return {}

    def median_ms(fn, runs=10):
        fn()
        times = []
        for _ in range(runs):
            start, stop = cp.cuda.Event(), cp.cuda.Event()
            start.record()
            fn()
            stop.record()
            stop.synchronize()
            times.append(cp.cuda.get_elapsed_time(start, stop))
        return float(np.median(times))

    src = cp.empty(1 << 30, np.uint8)
    dst = cp.empty_like(src)
    copy_ms = median_ms(lambda: dst.__setitem__(Ellipsis, src))
    a = cp.ones((8192, 8192), cp.float16)
    b = cp.ones((8192, 8192), cp.float16)
    gemm_ms = median_ms(lambda: cp.matmul(a, b))
    del src, dst, a, b
    entry = {"device": name, "gbps": 2 * (1 << 30) / (copy_ms * 1e-3) / 1e9,
             "tflops": 2 * 8192 ** 3 / (gemm_ms * 1e-3) / 1e12}
    _CEILINGS[name] = entry
    cached[name] = entry
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(cached, indent=1) + "\n")
    except OSError:
        pass  # a read-only home: measured again next process
    return entry


def _gpu_program(fn):
    """The runtime program `fn` runs on this GPU, or None for the CPU path."""
    from .artifact import Artifact
    from .runtime import GPUProgram

    if isinstance(fn, GPUProgram):
        return fn
    if isinstance(fn, Artifact):
        return fn._gpu_program() if fn.target != "cpu" else None
    return None


#: Inputs are copied until the copies span this many bytes (at most 16
#: sets), and the calls rotate over them: four times an H100/H200's 50 MB
#: L2, as bench/run.py rotates its inputs, so no call finds its inputs in
#: the cache the previous call left.
ROTATE_BYTES = 200 * 2**20


def _rotating_copies(arrays) -> list:
    nbytes = sum(int(getattr(a, "nbytes", 0)) for a in arrays)
    count = max(1, min(16, -(-ROTATE_BYTES // max(nbytes, 1))))

    def copy(a):
        if hasattr(a, "clone"):  # torch
            return a.clone()
        return a.copy() if hasattr(a, "copy") else a
    return [arrays] + [[copy(a) for a in arrays] for _ in range(count - 1)]


def profile(fn, *args, repeats: int = 20, warmup: int = 3,
            target: Optional[str] = None) -> Profile:
    """Runs `fn` (a @tessera.function, a compiled Artifact or a loaded GPU
    program) on `args` and reports each kernel's time, FLOPs, minimum bytes,
    achieved TFLOP/s and GB/s and the fraction of the device's ceiling (see
    the module doc). A function compiles for `target`: the current GPU where
    there is one (CuPy sees it), else the CPU path."""
    from .artifact import Artifact
    from .frontend import Function

    if isinstance(fn, Function):
        from .compiler import compile as compile_fn
        from .runtime import device_target

        if target is None:
            target = device_target() or "cpu"  # no CuPy or no GPU: the CPU path
        fn = compile_fn(fn, target=target)
    from .runtime import GPUProgram

    if not isinstance(fn, (Artifact, GPUProgram)):
        raise TypeError(f"tessera.profile: expected a @tessera.function, an Artifact or a "
                        f"GPU program, got {type(fn).__name__}")
    program = _gpu_program(fn)
    if program is None:  # the CPU path: one row, the wall clock
        for _ in range(warmup):
            fn(*args)
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            fn(*args)
            times.append((time.perf_counter() - start) * 1e3)
        out = fn(*args)
        outs = out if isinstance(out, tuple) else (out,)
        nbytes = sum(int(np.asarray(a).nbytes) for a in list(args) + list(outs))
        return Profile("cpu", [KernelProfile(fn.plan.get("entry", "main"),
                                             float(np.median(times)), None, nbytes)],
                       notes=["(CPU path: the whole call, wall clock; no per-kernel "
                              "times or ceilings)"])
    import cupy as cp

    arrays = [cp.asarray(a) if isinstance(a, np.ndarray) else a for a in args]
    rows = program.profile(*arrays, repeats=repeats, warmup=warmup,
                           sets=_rotating_copies(arrays))
    peaks = ceilings()
    return Profile(peaks["device"],
                   [KernelProfile(r["name"], r["ms"], r["flops"], r["bytes"]) for r in rows],
                   peaks["tflops"], peaks["gbps"])
