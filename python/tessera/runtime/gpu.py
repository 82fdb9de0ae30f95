"""Running GPU artifacts with CuPy: no MLIR, only numpy and cupy.

A GPU artifact is a directory with the kernels' binary (PTX for NVIDIA,
HSACO for AMD) and `plan.json` (the format: tessera.runtime.plan):

    {"format": 1, "target": "sm_90", "vendor": "nvidia", "binary": "kernels.ptx",
     "inputs":  [{"name": "a", "dims": ["N"], "dtype": "f32"}, ...],
     "outputs": [{"name": "c", "dims": ["N"], "dtype": "f32"}],
     "kernels": [{"name": "vadd",
                  "params": [{"memref": "a"}, {"memref": "b"}, {"memref": "c"},
                             {"size": "N"}],
                  "abi": "descriptor",
                  "grid": ["ceil_div(N, 256)", "1", "1"], "block": [256, 1, 1],
                  "shared_bytes": 0}]}

`abi` is how a memref is passed: "descriptor" (MLIR's expanded memref:
allocated and aligned pointer, offset, sizes, strides), "flat" (the
expanded descriptor of the buffer seen as a flat `memref<?xT>`: pointer,
pointer, 0, element count, 1; what Tessera's generated kernels take) or
"bare" (one pointer). Grid extents and output dims are expressions over the
symbolic dims (integers, + - * //, ceil_div, min, max). `temporaries` lists
buffers the kernels pass between them (`"zero": true` to clear them first);
they are allocated per call. Kernels run in order on one stream.

`tensor_maps` lists TMA descriptors (CUtensorMap) the kernels take:
`{"name": "tm0", "memref": "a", "dtype": "f16", "dims": [...], "box": [...],
"swizzle": 128, "oob_zero": true}` views buffer `a` as a row-major tensor of
`dims` (outermost first). The runtime encodes each with the driver's
`cuTensorMapEncodeTiled` (cached by address and dims); with `"by_value":
true` (every plan the current compiler writes) a `{"tensor_map": "tm0"}`
parameter passes the 128-byte map itself (the kernel's
`__grid_constant__` parameter: no device copy, so launches can be
captured in CUDA graphs), else the address of a device copy of it; and
`{"tensor_map_valid": "tm0"}` passes 1, or 0 when TMA cannot address the
buffer: kernels then take their path without TMA. A map no kernel takes
the validity of (kernels with no such path: the wgmma attention) must be
encoded; the call is refused with a ValueError where it cannot be. An *input* TMA cannot
address as it is (not 16-byte aligned, or rows not multiples of 16 bytes:
a K of 777 halves) is first copied, on the launch stream, into a scratch
buffer of 16-byte aligned rows (one `cudaMemcpy2DAsync`), and the map
describes that copy: such programs stay on TMA (`pitched_copies = False`,
or TESSERA_TMA_PITCHED_COPIES=0, turns this off).

    program = load("out/")
    c = program(a, b)                      # cupy, numpy, torch, DLPack objects
    program(a, b, out=[c], stream=s)       # into a given output, on a stream

Outputs the runtime allocates are of the arguments' kind: CuPy arrays,
torch tensors (on torch's current stream, which calls on torch tensors
launch on), NumPy arrays (copied back). The first call for given shapes
and dtypes prepares the launch (grids, sizes, the parameter layout); later
calls go straight to the driver: from C where the native launcher
(_launch.c, compiled at first use) takes the call, else _DirectLaunch.
A call that allocates
its CuPy output may hand out again an earlier output of the program that
nothing holds any more, on the stream that wrote it (what CuPy's memory
pool would do with its memory, without building an array: _KeptOutputs;
`reuse_outputs = False`, or TESSERA_REUSE_OUTPUTS=0, turns this off).

Arguments are checked against the plan before anything is launched
(tessera.runtime.arguments): each violation raises TypeError or ValueError
naming the argument.
"""

from __future__ import annotations

import contextlib
import functools
import math
import os
import sys
import threading
import weakref
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import numpy as np

from .arguments import Signature, dtype_of
from .plan import compile_extent, numpy_dtype, read_plan

__all__ = ["GPUProgram", "load", "device_target", "encode_tensor_map"]


def _cupy():
    try:
        import cupy
    except ImportError as e:  # pragma: no cover - depends on the machine
        raise RuntimeError("running GPU artifacts needs CuPy (pip install cupy-cuda13x)") from e
    return cupy


#: The vendors a plan may name.
_VENDORS = ("nvidia", "amd")


def _cupy_vendor(cp) -> str:
    """The vendor of the GPUs CuPy drives: its build is for CUDA or for ROCm
    (HIP)."""
    return "amd" if getattr(cp.cuda.runtime, "is_hip", False) else "nvidia"


def _allow_dynamic_shared(cp, function, shared: int) -> None:
    """Opts `function` in to `shared` bytes of dynamic shared memory: a
    launch whose static and dynamic shared bytes together pass 48 KiB fails
    unless the kernel's attribute allows the dynamic ones (the kernels
    declare a static byte or more besides, so every kernel with dynamic
    shared memory opts in)."""
    if hasattr(function, "max_dynamic_shared_size_bytes"):  # cupy.RawKernel
        function.max_dynamic_shared_size_bytes = shared
        return
    driver = cp.cuda.driver
    driver.funcSetAttribute(function.ptr,
                            driver.CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES,
                            shared)


class GPUProgram:
    """A loaded GPU artifact: checked, launchable."""

    def __init__(self, plan: dict, binary_path: Path):
        self.plan = plan
        if plan.get("vendor") not in _VENDORS:
            raise ValueError(f"the plan's vendor is {plan.get('vendor')!r}, expected one of "
                             f"{', '.join(_VENDORS)}: rebuild the artifact with this Tessera")
        self._binary_path = binary_path
        self._functions = None
        self.signature = Signature(f"{plan.get('entry', 'the')} program", plan["inputs"],
                                   plan.get("checks", []))
        self._input_names = [a["name"] for a in plan["inputs"]]
        # Runtime scalars: (name, numpy dtype) by input position, else None.
        self._scalars = [(a["name"], numpy_dtype(a["dtype"])) if a.get("scalar") else None
                         for a in plan["inputs"]]
        # (runtime scalars' positions, as a bitmask: a device array given
        # for one takes the slow path, which reads its value)
        self._scalar_mask = sum(1 << i for i, s in enumerate(self._scalars) if s is not None)
        # (the native launcher's: each runtime scalar's numpy dtype character
        # where it packs Python numbers for it, else None)
        self._scalar_codes = tuple(
            None if s is None else _SCALAR_CODES.get((s[1].kind, s[1].itemsize))
            if s[1].type.__module__ == "numpy" else None
            for s in self._scalars)
        self._outputs = [(a["name"], self._dim_fns(a["dims"]), numpy_dtype(a["dtype"]))
                         for a in plan["outputs"]]
        # (whether CuPy can allocate every output: no bf16 or f8)
        self._cupy_outputs = all(_storage_dtype(d) == d for _, _, d in self._outputs)
        # (temporaries of types CuPy has no dtype for, bf16 and f8, are
        # allocated as unsigned integers of their width: kernels see bytes)
        self._temporaries = [(a["name"], self._dim_fns(a["dims"]),
                              _storage_dtype(numpy_dtype(a["dtype"])),
                              bool(a.get("zero", False)))
                             for a in plan.get("temporaries", [])]
        # Constants (data the program's kernels read: Graph IR constants too
        # large to embed): host arrays from the plan, uploaded once per
        # device (at load() for the current one), as unsigned integers of
        # their width where CuPy has no dtype (bf16, f8).
        self._constant_specs = [(a["name"], _constant_array(a)) for a in plan.get("constants", [])]
        self._constants: Dict[int, list] = {}
        # Maps a kernel checks the validity of (a `tensor_map_valid`
        # parameter: it has a path without TMA); the others must encode.
        checked = {p["tensor_map_valid"] for k in plan["kernels"] for p in k["params"]
                   if "tensor_map_valid" in p}
        self._maps = _TensorMaps(plan.get("tensor_maps", []), set(self._input_names),
                                 {t[0] for t in self._temporaries}, checked)
        # Parsed once: the launch path only evaluates.
        self._kernels = []
        for k in plan["kernels"]:
            params = [self._param(k["name"], p) for p in k["params"]]
            abi = k.get("abi", "descriptor")
            if abi not in ("descriptor", "flat", "bare"):
                raise ValueError(f"kernel {k['name']}: unknown abi {abi!r}")
            self._kernels.append((params, [compile_extent(g) for g in k["grid"]],
                                  tuple(k["block"]), k.get("shared_bytes", 0), abi))
        self._device = None
        # (the native launcher's function and state once a launch is
        # prepared for it: _native_entry)
        self._native = None
        self._lock = threading.Lock()  # (direct launches share parameter blocks)
        # Launches already prepared, by the arguments' shapes and dtypes (CuPy
        # arrays only): sizes, grids and parameter templates are computed once.
        self._prepared: Dict[tuple, tuple] = {}
        # CuPy outputs of direct launches, kept to be handed out again once
        # the caller has dropped them (_KeptOutputs).
        self._kept = _KeptOutputs(len(self._outputs),
                                  os.environ.get("TESSERA_REUSE_OUTPUTS", "1") != "0")
        # Called with each kernel function before its launch (profile()).
        self._before_launch = None
        self._flops = [compile_extent(k["flops"]) if "flops" in k else None
                       for k in plan["kernels"]]

    def kernel_costs(self, arrays: Sequence) -> List[dict]:
        """Per kernel of the plan, for these arguments: its name, its
        arithmetic (`flops`, where the compiler recorded it, else None) and
        the minimum bytes it moves (each buffer it takes read or written once:
        inputs, outputs and temporaries at their sizes)."""
        sizes = self.bind(arrays)
        nbytes = {name: int(getattr(a, "nbytes", 0))
                  for name, a in zip(self._input_names, arrays)}
        for name, dims, dtype in self._outputs:
            nbytes[name] = math.prod(self._shape(dims, sizes)) * np.dtype(dtype).itemsize
        for name, dims, dtype, _ in self._temporaries:
            nbytes[name] = math.prod(self._shape(dims, sizes)) * np.dtype(dtype).itemsize
        costs = []
        for k, (params, *_), flops in zip(self.plan["kernels"], self._kernels, self._flops):
            buffers = {what for kind, what in params if kind == "memref"}
            costs.append({"name": k["name"],
                          "flops": int(flops(sizes)) if flops is not None else None,
                          "bytes": sum(nbytes[b] for b in buffers)})
        return costs

    def profile(self, *arrays, repeats: int = 20, warmup: int = 3,
                sets: Optional[List[Sequence]] = None,
                min_ms: float = 100.0) -> List[dict]:
        """Times each kernel of one call with CUDA events (recorded between
        the launches), `repeats` calls after `warmup`, back to back (one
        synchronization at the end, as a steady stream of calls runs), and
        returns kernel_costs() with each kernel's median `ms` (None for a
        kernel not launched at these sizes: an empty grid). Call i runs on
        `sets[i % len(sets)]` when sets of arguments like `arrays` are given
        (copies that keep the inputs out of the L2 cache, as the benchmarks
        rotate theirs), else on `arrays`. Short calls are repeated until the
        timed ones and the warm-up each take `min_ms` (at most 2000 calls
        each): a GPU under sustained load runs at lower clocks than one
        that has just woken, and the benchmarks time sustained load."""
        cp = _cupy()
        costs = self.kernel_costs(arrays)
        sets = list(sets) if sets else [arrays]
        start, stop = cp.cuda.Event(), cp.cuda.Event()
        self(*sets[0])
        start.record()
        self(*sets[-1])
        stop.record()
        stop.synchronize()
        once = max(cp.cuda.get_elapsed_time(start, stop), 1e-3)
        enough = int(min(2000, -(-min_ms // once)))
        warmup, repeats = max(warmup, enough), max(repeats, enough)
        calls: List[list] = []
        for call in range(warmup + repeats):
            marks: list = []

            def before(function, marks=marks):
                event = cp.cuda.Event()
                event.record()
                marks.append((function, event))

            self._before_launch = before
            try:
                self(*sets[call % len(sets)])
            finally:
                self._before_launch = None
            calls.append(marks)
        end = cp.cuda.Event()
        end.record()
        end.synchronize()
        index = {}
        samples: List[List[float]] = [[] for _ in costs]
        functions = self._load()
        for call, marks in enumerate(calls):
            if call < warmup:
                continue
            # a call's last kernel ends where the next call's first starts
            following = calls[call + 1][0][1] if call + 1 < len(calls) and calls[call + 1] \
                else end
            for j, (function, event) in enumerate(marks):
                stop = marks[j + 1][1] if j + 1 < len(marks) else following
                i = index.setdefault(id(function), functions.index(function))
                samples[i].append(cp.cuda.get_elapsed_time(event, stop))
        for cost, times in zip(costs, samples):
            cost["ms"] = float(np.median(times)) if times else None
        return costs

    def tensor_map_counts(self) -> Dict[str, int]:
        """How many TMA tensor maps the runtime has encoded, how many of
        those describe a pitched copy of an input (`pitched`), and how many
        it refused (buffers TMA cannot address: kernels then copy without
        TMA), over the program's calls (repeated buffers count once)."""
        return dict(self._maps.counts)

    @property
    def pitched_copies(self) -> bool:
        """Whether inputs TMA cannot address as they are are copied into
        16-byte aligned rows for it (default True; see the module doc)."""
        return self._maps.pitched

    @pitched_copies.setter
    def pitched_copies(self, value: bool) -> None:
        self._maps.pitched = bool(value)

    @property
    def reuse_outputs(self) -> bool:
        """Whether a call that allocates its CuPy output may hand out again
        an output of an earlier call that nothing holds any more (its
        memory, on the stream that wrote it, as CuPy's memory pool would
        give it back, without the cost of a new array; default True,
        TESSERA_REUSE_OUTPUTS=0 turns it off; see _KeptOutputs)."""
        return self._kept.enabled

    @reuse_outputs.setter
    def reuse_outputs(self, value: bool) -> None:
        self._kept.enabled = bool(value)
        self._kept.clear()

    def _param(self, kernel: str, p: dict) -> tuple:
        if "memref" in p:
            return ("memref", p["memref"])
        if "scalar" in p:
            if p["scalar"] not in self._input_names:
                raise ValueError(f"kernel {kernel}: parameter names scalar {p['scalar']!r}, "
                                 f"which is not an input of the plan")
            return ("scalar", p["scalar"])
        if "size" in p:
            return ("size", compile_extent(p["size"]))
        for kind in ("tensor_map", "tensor_map_valid"):
            if kind in p:
                if p[kind] not in self._maps.index:
                    raise ValueError(f"kernel {kernel}: parameter names tensor map "
                                     f"{p[kind]!r}, which the plan does not list")
                return (kind, self._maps.index[p[kind]])
        raise ValueError(f"kernel {kernel}: unknown parameter {p}")

    def bind(self, arrays: Sequence) -> Dict[str, int]:
        """Checks `arrays` against the plan's inputs and launch conditions;
        returns the symbols' sizes (and, when an expression asks for it,
        `multiprocessors`: the current device's)."""
        return _Sizes(self.signature.bind(arrays))

    @staticmethod
    def _dim_fns(dims):
        """Output/temporary dims: integers, or expressions over the symbols."""
        return tuple(d if isinstance(d, int) else compile_extent(d) for d in dims)

    @staticmethod
    def _shape(dims, sizes) -> tuple:
        return tuple(d if isinstance(d, int) else int(d(sizes)) for d in dims)

    # --- launching ---------------------------------------------------------
    def _load(self):
        if self._functions is None:
            cp = _cupy()
            vendor = self.plan["vendor"]
            if vendor != _cupy_vendor(cp):
                raise RuntimeError(f"this artifact is for {vendor} GPUs "
                                   f"({self.plan.get('target')}), but CuPy runs on "
                                   f"{_cupy_vendor(cp)} GPUs")
            module = cp.RawModule(path=str(self._binary_path))
            functions = []
            for k in self.plan["kernels"]:
                function = module.get_function(k["name"])
                shared = int(k.get("shared_bytes", 0))
                if shared > 0:
                    _allow_dynamic_shared(cp, function, shared)
                functions.append(function)
            self._functions = functions
        return self._functions

    @staticmethod
    def _to_device(cp, name, array):
        """(device array, numpy array to copy back into or None)."""
        if isinstance(array, cp.ndarray):
            return array, None
        if isinstance(array, np.ndarray):
            return cp.asarray(array), array
        if type(array).__module__.startswith("torch") and hasattr(array, "data_ptr"):
            return _TorchView(name, array), None  # zero copy, any dtype (bf16)
        if hasattr(array, "__cuda_array_interface__"):
            return cp.asarray(array), None  # zero-copy view (torch, numba, ...)
        if hasattr(array, "__dlpack__"):
            return cp.from_dlpack(array), None
        raise TypeError(f"argument '{name}': expected a cupy/numpy array or an object "
                        f"with __cuda_array_interface__ or __dlpack__, got "
                        f"{type(array).__name__}")

    def __call__(self, *arrays, out: Optional[List] = None, stream=None):
        native = self._native
        if native is not None and self._before_launch is None:
            result = native[0](native[1], arrays, out, stream)
            if result is not _MISS:
                return result
        cp = _CUPY[0]
        if cp is None or _MODULES.get("cupy") is not cp:
            cp = _cupy_module()
        scan = self._scan(cp, arrays, out, stream)
        # (one call at a time: the parameter blocks, the tensor-map cache
        # and the pending pitched copies are the program's)
        with self._lock:
            if scan is not None:
                key, pointers, torch_device = scan
                prepared = self._prepared.get(key)
                if prepared is not None:
                    if prepared[4] is not None:
                        return self._launch_direct(cp, prepared, pointers, out, stream,
                                                   torch_device)
                    args = self._fast_args(arrays, out)
                    if args is not None:
                        return self._launch_prepared(cp, prepared, args, out, stream,
                                                     torch=torch_device is not None)
            result = self._call(cp, arrays, out, stream)
            if scan is None and len(self._prepared) < 64:
                # (the first call binds the program to its device: now
                # its arguments can be the prepared launch's)
                scan = self._scan(cp, arrays, out, stream)
            if scan is not None and len(self._prepared) < 64:
                prepared = self._prepared[scan[0]] = self._prepare(arrays)
                self._native_entry(cp, scan[0], prepared)
            return result

    def _scan(self, cp, arrays, out, stream):
        """One pass over the arguments of a call: (its key: the shapes and
        dtypes of its CuPy/torch arguments; the kernel-argument words of
        each: device addresses, runtime scalars' bits; the CUDA device of
        torch arguments, None without), or None: the slow path converts and
        checks everything (and raises the error of an argument whose
        contiguity, device or scalar type is wrong)."""
        if stream is not None and not isinstance(stream, cp.cuda.Stream):
            return None
        ndarray, device, fast_flags = cp.ndarray, self._device, _FAST_FLAGS[0]
        tensor = _TORCH_TENSOR[0]
        if tensor is None and "torch" in _MODULES:
            tensor = _TORCH_TENSOR[0] = getattr(_MODULES["torch"], "Tensor", None)
        key: list = [len(arrays), out is None]
        pointers: list = []
        torch_device = None
        scalar_mask = self._scalar_mask
        for i, a in enumerate(arrays if out is None else arrays + tuple(out)):
            t = type(a)
            if scalar_mask and scalar_mask >> i & 1 and (t is ndarray or t is tensor):
                return None  # (a runtime scalar given as a device array)
            if t is ndarray:
                data = a.data
                if data.device_id != device or not (
                        a._c_contiguous if fast_flags else a.flags.c_contiguous):
                    return None
                key += a.shape, a.dtype.char
                pointers.append(data.ptr)
            elif t is tensor or t.__name__ == "Tensor" and t.__module__.startswith("torch"):
                if a.get_device() != device or not a.is_contiguous():
                    return None
                key += a.shape, a.dtype
                pointers.append(a.data_ptr())
                torch_device = device
            elif t is float or t is int or isinstance(a, np.generic) or (
                    t is np.ndarray and a.ndim == 0):
                bits = self._scalar_bits(i, a)  # (a runtime scalar: its bits by value)
                if bits is None:
                    return None
                key.append("s")
                pointers.append(bits)
            else:
                return None
        key.append(torch_device is not None)
        return tuple(key), pointers, torch_device

    def _scalar_bits(self, i: int, a) -> Optional[int]:
        """Runtime scalar `a` of input `i` as the bits of its kernel
        parameter (an unsigned integer of its width), or None where it does
        not fit the input (the slow path raises the error)."""
        scalars = self._scalars
        if i >= len(scalars) or scalars[i] is None:
            return None
        dtype = scalars[i][1]
        if isinstance(a, (bool, np.bool_)):
            return None  # (the slow path's error: a flag is a Static[bool])
        if isinstance(a, (np.ndarray, np.generic)):
            if a.dtype != dtype:
                return None
        elif type(a) is float and dtype.kind != "f":
            return None
        elif type(a) is int and dtype.kind in "iu" and not (
                np.iinfo(dtype).min <= a <= np.iinfo(dtype).max):
            return None  # (NumPy before 2 would wrap it: the slow path's error)
        try:
            value = np.asarray(_scalar_param(dtype, a))
        except OverflowError:
            return None  # (the slow path names the argument)
        return int(value.view(np.dtype(f"u{value.itemsize}")))

    def _fast_args(self, arrays, out):
        """Kernel arguments of CuPy/torch arguments whose contiguity and
        device are right (None otherwise: the slow path raises the error)."""
        device, args, scalars = self._device, [], self._scalars
        for i, a in enumerate(arrays if out is None else tuple(arrays) + tuple(out)):
            t = type(a)
            if t is float or t is int or t is np.ndarray or isinstance(a, np.generic):
                if i >= len(scalars) or scalars[i] is None:
                    return None  # the slow path raises the error
                dtype = scalars[i][1]
                if t is np.ndarray or isinstance(a, np.generic):
                    if a.dtype != dtype:
                        return None
                elif t is float and dtype.kind != "f":
                    return None
                args.append(_scalar_param(dtype, a))
            elif t is _CUPY[0].ndarray:
                if not a.flags.c_contiguous or a.data.device_id != device:
                    return None
                args.append(a)
            else:
                if not a.is_contiguous() or a.get_device() != device:
                    return None
                args.append(np.uint64(a.data_ptr()))
        return args

    def _prepare(self, arrays) -> tuple:
        """Sizes, output/temporary shapes and per-kernel launch templates for
        arguments of these shapes: parameters are constants or buffer slots
        (inputs, outputs, temporaries, in that order)."""
        cp = _CUPY[0]
        sizes = self.bind(arrays)
        names = self._input_names + [n for n, _, _ in self._outputs]
        names += [t[0] for t in self._temporaries]
        names += [name for name, _ in self._constant_specs]
        shapes = [tuple(getattr(a, "shape", ())) for a in arrays]
        shapes += [self._shape(dims, sizes) for _, dims, _ in self._outputs]
        shapes += [self._shape(t[1], sizes) for t in self._temporaries]
        shapes += [host.shape for _, host in self._constant_specs]
        slot = {n: i for i, n in enumerate(names)}
        kernels = []
        for function, (params_spec, grid_fns, block, shared, abi) in zip(
                self._load(), self._kernels):
            grid = _checked_grid(function, tuple(int(g(sizes)) for g in grid_fns))
            if min(grid) <= 0:
                continue
            # (kind, value): 0 a constant, 1 a buffer slot, 2 a tensor map's
            # address, 3 whether it is valid (both computed per call).
            template = []
            for kind, what in params_spec:
                if kind == "size":
                    template.append((0, np.int64(what(sizes))))
                    continue
                if kind == "scalar":
                    template.append((1, slot[what]))
                    continue
                if kind == "tensor_map":
                    template.append((2, what))
                    continue
                if kind == "tensor_map_valid":
                    template.append((3, what))
                    continue
                i = slot[what]
                if abi == "bare":
                    template.append((1, i))
                elif abi == "flat":
                    template += [(1, i), (1, i), (0, _ZERO),
                                 (0, np.int64(math.prod(shapes[i]))), (0, _ONE)]
                else:
                    return None  # descriptors need strides: the slow path
            kernels.append((function, grid, block, template, shared))
        outputs = [(self._shape(dims, sizes), dtype) for _, dims, dtype in self._outputs]
        temps = [(self._shape(t[1], sizes), t[2], t[3]) for t in self._temporaries]
        # (maps only the launched kernels read: none of an empty problem's)
        used = {v for _, _, _, template, _ in kernels for kind, v in template
                if kind in (2, 3)}
        maps = [(slot[memref], self._maps.dims(i, sizes)) if i in used else None
                for i, memref in enumerate(self._maps.memrefs)]
        # Launched through the driver where every kernel is a loaded
        # function with a handle (not a stand-in).
        direct = None
        launch = _driver_launch(cp)
        if launch is not None:
            direct = [_DirectLaunch(launch, function, pointer, grid, block, template, shared)
                      for (function, grid, block, template, shared), pointer in
                      zip(kernels, (_function_pointer(k[0]) for k in kernels))
                      if pointer is not None]
            if len(direct) != len(kernels):
                direct = None
        # (then torch outputs' prototypes, made on first use; whether the
        # launch has no temporaries, maps or constants)
        plain = not temps and not any(maps) and not self._constant_specs
        # (last: the native launcher's entry, _native_entry)
        return [outputs, temps, kernels, maps, direct, None, plain, None]

    def _launch_direct(self, cp, prepared, words, out, stream, torch_device):
        """A prepared launch straight through the driver: `words` are the
        arguments' kernel-parameter words (addresses, scalar bits), from
        _scan."""
        outputs, temps, _, maps, direct, _, plain, _ = prepared
        if stream is not None:
            handle = stream.ptr
        elif torch_device is not None:
            handle = (_TORCH_RAW_STREAM[0] if _TORCH_RAW_STREAM else _torch_raw_stream)(
                torch_device)
        else:
            handle = current = _current_stream_pointer(cp)
        if not plain:
            # CuPy's allocations and uploads, and the pitched copies,
            # are ordered on the launch stream (its memory pool is per
            # stream).
            if stream is not None or torch_device is not None:
                current = _current_stream_pointer(cp)
            with (_NO_STREAM if handle == current else
                  stream if stream is not None else _external_stream_of(cp, handle)):
                outs, temporaries, buffers = self._buffers(cp, outputs, temps, words, out,
                                                              torch_device, handle)
                encoded = [None if m is None else self._maps.encode(i, buffers[m[0]], m[1])
                           for i, m in enumerate(maps)]
                for kernel in direct:
                    if self._maps._pending:
                        self._maps.copy_before([v for j, v in kernel.maps])
                    if self._before_launch is not None:
                        self._before_launch(kernel.function)
                    kernel(handle, buffers, encoded, self._maps)
            return outs[0] if len(outs) == 1 else tuple(outs)
        if out is not None:
            outs = out
        else:
            # (`words` is this call's own list)
            if torch_device is not None:
                outs, addresses = _torch_outputs(
                    prepared[5] or self._torch_prototypes(prepared, torch_device))
            else:
                outs, addresses = self._outputs_on_stream(cp, outputs, handle, stream)
            words += addresses
        before = self._before_launch
        for kernel in direct:
            if before is not None:
                before(kernel.function)
            kernel(handle, words, (), None)
        return outs[0] if len(outs) == 1 else tuple(outs)

    def _native_entry(self, cp, key, prepared) -> None:
        """Gives a plain prepared launch (no temporaries, tensor maps or
        constants; every kernel a driver handle) to the native launcher
        (_launch.c), where it is built: later calls with this key launch
        from C."""
        if (prepared is None or not prepared[6] or prepared[4] is None
                or self.plan.get("vendor") != "nvidia"):
            return  # (None: descriptors, launched by the slow path)
        native = _native_launcher()
        if native is None:
            return
        kernels = [(launch.pointer, tuple(map(int, grid)), tuple(map(int, block)), int(shared),
                    [(kind, int(value)) for kind, value in template])
                   for launch, (_, grid, block, template, shared) in zip(prepared[4], prepared[2])]
        # (what allocates the outputs holds neither the program nor the
        # prepared list: a capsule's references are not seen by the cycle
        # collector)
        if not key[1]:
            alloc = None  # (out= given)
        elif key[-1]:
            alloc = functools.partial(_native_torch_outputs,
                                      prepared[5] or self._torch_prototypes(prepared,
                                                                            self._device))
        else:
            alloc = functools.partial(_native_cupy_outputs, weakref.ref(self), cp, prepared[0])
        try:
            prepared[7] = native.entry(kernels, alloc)
        except (ValueError, OverflowError):  # (beyond its fixed limits: Python launches)
            return
        if key[-1]:
            _torch_raw_stream(self._device)  # (its function, found once)
        self._native = (native.launch, (
            self._prepared, cp.ndarray, _TORCH_TENSOR[0], self._device,
            _current_stream_function(cp), _TORCH_RAW_STREAM[0] if _TORCH_RAW_STREAM else None,
            _MISS, cp.cuda.Stream, self._scalar_mask, self._scalar_codes))

    def _outputs_on_stream(self, cp, outputs, handle: int, stream) -> tuple:
        """(CuPy outputs for a direct launch on stream `handle`, their
        addresses), allocated on that stream (CuPy's pool is per stream).
        Callers hold the program's lock (the kept outputs are shared)."""
        if stream is not None and handle != _current_stream_pointer(cp):
            with stream:
                return self._new_outputs(cp, outputs, None, handle)
        return self._new_outputs(cp, outputs, None, handle)

    def _native_outputs(self, cp, outputs, handle: int, stream) -> tuple:
        """The native launcher's CuPy outputs: (the call's result, their
        addresses)."""
        with self._lock:
            outs, addresses = self._outputs_on_stream(cp, outputs, handle, stream)
        return (outs[0] if len(outs) == 1 else tuple(outs)), addresses

    @staticmethod
    def _torch_prototypes(prepared, device) -> list:
        """Per output of a prepared launch, a tensor of its shape, dtype
        and device on one element of storage (stride 0): torch.empty_like
        of it allocates the output, contiguous."""
        torch = sys.modules["torch"]
        _TORCH_EMPTY_LIKE[0] = torch.empty_like
        prepared[5] = [torch.empty(1, dtype=_torch_dtype(torch, dtype), device=device)
                       .as_strided(shape, (0,) * len(shape)) for shape, dtype in prepared[0]]
        return prepared[5]

    def _new_outputs(self, cp, outputs, torch_device, handle=None) -> tuple:
        """(outputs allocated for a call, their addresses): torch tensors on
        `torch_device` for calls on torch tensors, else CuPy arrays (on
        CuPy's current stream, whose handle is `handle` where given: dropped
        outputs of earlier calls on it are handed out again)."""
        if torch_device is not None:
            torch = sys.modules["torch"]
            outs = [torch.empty(shape, dtype=_torch_dtype(torch, dtype), device=torch_device)
                    for shape, dtype in outputs]
            return outs, [o.data_ptr() for o in outs]
        if self._cupy_outputs:
            if handle is not None and self._kept.enabled:
                outs = self._kept.outputs(cp, outputs, handle)
            else:
                outs = [cp.ndarray(shape, dtype) for shape, dtype in outputs]
        else:  # (the error: a dtype CuPy has not)
            outs = [_allocate_output(cp, n, shape, dtype)
                    for (shape, dtype), (n, _, _) in zip(outputs, self._outputs)]
        return outs, [o.data.ptr for o in outs]

    def _buffers(self, cp, outputs, temps, words, out, torch_device, handle) -> tuple:
        """(the outputs, the temporaries (alive until the launches are
        issued), the addresses of every buffer slot: inputs, outputs,
        temporaries, constants) of a direct launch on stream `handle`."""
        if out is None:
            outs, addresses = self._new_outputs(cp, outputs, torch_device, handle)
            buffers = words + addresses
        else:
            outs, buffers = out, list(words)
        temporaries = []
        for shape, dtype, zero in temps:
            if 0 in shape:  # (unused at this size: a split_k = auto
                buffers.append(0)  # workspace where K is not split)
            else:
                temp = cp.zeros(shape, dtype) if zero else cp.empty(shape, dtype)
                temporaries.append(temp)
                buffers.append(temp.data.ptr)
        if self._constant_specs:
            buffers += [c.data.ptr for c in self._device_constants(cp)]
        return outs, temporaries, buffers

    def _launch_prepared(self, cp, prepared, args, out, stream, torch):
        """A prepared launch through CuPy's kernel call (stand-ins for the
        functions): `args` from _fast_args."""
        outputs, temps, kernels, maps = prepared[:4]
        if stream is None and torch:
            stream = _torch_stream(cp, self._device)
        # Allocations (and the zeroing of temporaries) on the launch stream.
        with (stream if stream is not None else _NO_STREAM):
            if out is None:
                device = self._device if torch else None
                outs = [_allocate_output(cp, n, s, d, device)
                        for (s, d), (n, _, _) in zip(outputs, self._outputs)]
                buffers = args + [np.uint64(o.data_ptr()) if torch else o for o in outs]
            else:
                outs, buffers = list(out), args
            for shape, dtype, zero in temps:
                if 0 in shape:  # (unused at this size, e.g. a split_k = auto
                    buffers.append(_NULL)  # workspace where K is not split)
                else:
                    buffers.append(cp.zeros(shape, dtype) if zero else cp.empty(shape, dtype))
            if self._constant_specs:
                buffers = buffers + self._device_constants(cp)
            encoded = [None if m is None else
                       self._maps.encode(i, _pointer(buffers[m[0]]), m[1])
                       for i, m in enumerate(maps)]
            for function, grid, block, template, shared in kernels:
                if self._maps._pending:
                    self._maps.copy_before([v for kind, v in template if kind == 2])
                if self._before_launch is not None:
                    self._before_launch(function)
                function(grid, block,
                         tuple([v if kind == 0 else buffers[v] if kind == 1
                                else self._maps.argument(v, encoded[v], kind)
                                for kind, v in template]),
                         shared_mem=shared)
        return outs[0] if len(outs) == 1 else tuple(outs)

    def _call(self, cp, arrays, out, stream):
        sizes = self.bind(arrays)
        if self._device is None:
            self._device = cp.cuda.Device().id
        if out is not None and len(out) != len(self._outputs):
            raise TypeError(f"out= has {len(out)} arrays; the program has "
                            f"{len(self._outputs)} outputs")
        tensors = [a for a in list(arrays) + list(out or []) if _is_torch(a)]
        if stream is None and tensors:
            # order after the caller's torch work, on the tensors' device
            stream = _torch_stream(cp, tensors[0].get_device()
                                   if tensors[0].is_cuda else None)
        elif stream is not None and not isinstance(stream, cp.cuda.Stream):
            stream = _external_stream(cp, stream)
        # Copies, allocations and launches all go on the launch stream.
        with (stream if stream is not None else _NO_STREAM):
            return self._call_on_stream(cp, arrays, out, sizes)

    def _device_constants(self, cp) -> list:
        """The plan's constants on the current device (uploaded once)."""
        device = cp.cuda.Device().id
        found = self._constants.get(device)
        if found is None:
            found = self._constants[device] = [cp.asarray(host)
                                               for _, host in self._constant_specs]
            # (complete before a kernel on another stream reads them)
            cp.cuda.get_current_stream().synchronize()
        return found

    def _checked_device(self, name, dev, what="argument"):
        if not dev.flags.c_contiguous:
            raise ValueError(f"{what} '{name}': must be C-contiguous (strides {dev.strides})")
        if dev.device.id != self._device:
            raise ValueError(f"{what} '{name}': is on device {dev.device.id}, "
                             f"the program runs on device {self._device}")
        return dev

    def _call_on_stream(self, cp, arrays, out, sizes):
        inputs = []
        host_inputs = False
        for name, array, scalar in zip(self._input_names, arrays, self._scalars):
            if scalar is not None:  # by value (bind checked it)
                inputs.append(_scalar_param(scalar[1], array))
                continue
            dev, host = self._to_device(cp, name, array)
            host_inputs |= host is not None
            inputs.append(self._checked_device(name, dev))
        # (outputs of calls on torch tensors are torch tensors; with NumPy
        # arrays among the inputs, NumPy arrays)
        numpy_out = host_inputs or any(isinstance(a, np.ndarray) and scalar is None
                                       for a, scalar in zip(arrays, self._scalars))
        torch_device = None if numpy_out else next(
            (a.device.id for a in inputs if isinstance(a, _TorchView)), None)
        outputs, hosts = [], []
        for i, (name, dims, dtype) in enumerate(self._outputs):
            shape = self._shape(dims, sizes)
            host = None
            if out is not None:
                dev, host = self._to_device(cp, name, out[i])
                if dev.shape != shape or dev.dtype != dtype or not dev.flags.c_contiguous:
                    raise ValueError(f"output '{name}': expected a contiguous {dtype} "
                                     f"array of shape {shape}, got {dev.dtype} {dev.shape}")
                self._checked_device(name, dev, "output")
            else:
                dev = _allocate_output(cp, name, shape, dtype, torch_device)
                if torch_device is not None:
                    dev = _TorchView(name, dev)
            outputs.append(dev)
            hosts.append(host)
        names = self._input_names + [n for n, _, _ in self._outputs]
        buffers = dict(zip(names, inputs + outputs))
        for name, dims, dtype, zero in self._temporaries:
            shape = self._shape(dims, sizes)
            buffers[name] = cp.zeros(shape, dtype) if zero else cp.empty(shape, dtype)
        if self._constant_specs:
            for (name, _), device in zip(self._constant_specs, self._device_constants(cp)):
                buffers[name] = device
        # (maps only the launched kernels read: none of an empty problem's)
        used = {what for (params_spec, grid_fns, *_) in self._kernels
                if min(int(g(sizes)) for g in grid_fns) > 0
                for kind, what in params_spec if kind in ("tensor_map", "tensor_map_valid")}
        encoded = [self._maps.encode(i, _pointer(buffers[memref]), self._maps.dims(i, sizes))
                   if i in used else None
                   for i, memref in enumerate(self._maps.memrefs)]
        for function, (params_spec, grid_fns, block, shared, abi) in zip(
                self._load(), self._kernels):
            params = []
            for kind, what in params_spec:
                if kind == "size":
                    params.append(np.int64(what(sizes)))
                    continue
                if kind == "scalar":
                    params.append(buffers[what])
                    continue
                if kind == "tensor_map":
                    params.append(self._maps.argument(what, encoded[what], 2))
                    continue
                if kind == "tensor_map_valid":
                    params.append(self._maps.argument(what, encoded[what], 3))
                    continue
                buf = buffers[what]
                ptr = buf.kernel_arg if isinstance(buf, _TorchView) else buf
                if abi == "bare":
                    params.append(ptr)
                elif abi == "flat":
                    params += [ptr, ptr, _ZERO, np.int64(buf.size), _ONE]
                else:
                    itemsize = buf.itemsize
                    params += [ptr, ptr, _ZERO]
                    params += [np.int64(d) for d in buf.shape]
                    params += [np.int64(st // itemsize) for st in buf.strides]
            grid = _checked_grid(function, tuple(int(g(sizes)) for g in grid_fns))
            if min(grid) <= 0:
                continue  # empty problem: nothing to launch
            if self._maps._pending:
                self._maps.copy_before([what for kind, what in params_spec
                                        if kind == "tensor_map"])
            if self._before_launch is not None:
                self._before_launch(function)
            function(grid, block, tuple(params), shared_mem=shared)
        stream = cp.cuda.get_current_stream()
        if any(h is not None for h in hosts):
            stream.synchronize()
            for dev, host in zip(outputs, hosts):
                if host is not None:
                    host[...] = cp.asnumpy(dev)
        if out is not None:
            results = [o.tensor if isinstance(o, _TorchView) else (h if h is not None else o)
                       for o, h in zip(outputs, hosts)]
        elif numpy_out:
            stream.synchronize()
            results = [cp.asnumpy(o) for o in outputs]
        else:
            results = [o.tensor if isinstance(o, _TorchView) else o for o in outputs]
        return results[0] if len(results) == 1 else tuple(results)


# --- TMA tensor maps ---------------------------------------------------------

#: CUtensorMapDataType of the plan's dtypes.
#: (f8 moves as bytes: CU_TENSOR_MAP_DATA_TYPE_UINT8)
_TMA_DTYPES = {"i8": 0, "i32": 3, "i64": 5, "f16": 6, "f32": 7, "f64": 8, "bf16": 9,
               "f8E4M3FN": 0, "f8E5M2": 0}
_TMA_ITEMSIZE = {"i8": 1, "i32": 4, "i64": 8, "f16": 2, "f32": 4, "f64": 8, "bf16": 2,
                 "f8E4M3FN": 1, "f8E5M2": 1}
#: CUtensorMapSwizzle of a swizzle width in bytes.
_TMA_SWIZZLE = {0: 0, 32: 1, 64: 2, 128: 3}
#: CUtensorMapL2promotion of an L2 promotion width in bytes.
_TMA_L2PROMO = {0: 0, 64: 1, 128: 2, 256: 3}
_TMA_ENCODE = [None]


def _tma_encoder():
    """The driver's cuTensorMapEncodeTiled (through ctypes: CuPy does not
    wrap it)."""
    if _TMA_ENCODE[0] is None:
        import ctypes

        u32p, u64p = ctypes.POINTER(ctypes.c_uint32), ctypes.POINTER(ctypes.c_uint64)
        encode = ctypes.CDLL("libcuda.so.1").cuTensorMapEncodeTiled
        encode.restype = ctypes.c_int
        encode.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_uint32, ctypes.c_void_p,
                           u64p, u64p, u32p, u32p, ctypes.c_int, ctypes.c_int,
                           ctypes.c_int, ctypes.c_int]
        _TMA_ENCODE[0] = encode
    return _TMA_ENCODE[0]


def encode_tensor_map(address: int, dtype: str, dims, box, swizzle: int = 128,
                      oob_zero: bool = True, l2promo: int = 0,
                      pitch: Optional[int] = None,
                      strides: Optional[Sequence[int]] = None) -> Optional[np.ndarray]:
    """The 128-byte CUtensorMap of the row-major tensor of `dims` (outermost
    first) at device `address`, copied in boxes of `box`; None where TMA
    cannot address it (the address not 16-byte aligned, a row stride not a
    multiple of 16 bytes, an empty dim, or one of 2^31 or more: kernels
    pass coordinates as signed 32-bit integers). `pitch`: bytes from one
    row (innermost dim) to the next, if not the row's own size. `strides`
    (elements, outermost first, the innermost 1): the tensor is that
    strided view of the buffer instead (a permutation)."""
    import ctypes

    rank = len(dims)
    itemsize = _TMA_ITEMSIZE[dtype]
    if address % 16 or any(d < 1 or d >= 2**31 for d in dims):
        return None
    if strides is not None:  # bytes between entries of dims 0..n-2, innermost first
        strides = [s * itemsize for s in reversed(strides[:-1])]
    else:
        strides = []
        stride = itemsize * dims[-1] if pitch is None else pitch
        for d in reversed(dims[:-1]):
            strides.append(stride)
            stride *= d
        strides = strides[:rank - 1]
    if any(st % 16 or st >= 2**40 for st in strides):
        return None
    storage = ctypes.create_string_buffer(128 + 64)
    aligned = (ctypes.addressof(storage) + 63) & ~63  # CUtensorMap is 64-byte aligned
    rc = _tma_encoder()(
        aligned, _TMA_DTYPES[dtype], rank, address,
        (ctypes.c_uint64 * rank)(*reversed(dims)),
        (ctypes.c_uint64 * max(rank - 1, 1))(*(strides or [0])),
        (ctypes.c_uint32 * rank)(*reversed(box)), (ctypes.c_uint32 * rank)(*([1] * rank)),
        0, _TMA_SWIZZLE[swizzle], _TMA_L2PROMO[l2promo], 0 if oob_zero else 1)
    if rc != 0:
        raise RuntimeError(f"cuTensorMapEncodeTiled failed (CUresult {rc}) for a {dtype} "
                           f"tensor of dims {tuple(dims)} at {address:#x}, box {tuple(box)}")
    return np.frombuffer(ctypes.string_at(aligned, 128), np.uint8).copy()


def _tma_refusal(address: int, dtype: str, dims, strides=()) -> str:
    """Why encode_tensor_map refuses a buffer, in words."""
    if address % 16:
        return f"its address {address:#x} is not a multiple of 16 bytes"
    if any(d < 1 or d >= 2**31 for d in dims):
        return f"dims {tuple(dims)}: one is empty or 2^31 or more"
    if strides:
        return (f"strides {tuple(strides)} of {dtype} elements: not all multiples of 16 "
                f"bytes, or 2^40 bytes or more")
    return (f"its rows of {dims[-1]} {dtype} elements are not a multiple of 16 bytes")


class _TensorMaps:
    """The plan's tensor maps: encoded per call from the buffers' addresses
    and the sizes, kept on the device (a few hundred, by address and dims:
    benchmarks and training loops reuse the same buffers)."""

    _LIMIT = 512

    def __init__(self, specs, inputs=frozenset(), temporaries=frozenset(), checked=None):
        self.index = {t["name"]: i for i, t in enumerate(specs)}
        self.memrefs = [t["memref"] for t in specs]
        # Maps whose kernels have no path without TMA (no validity flag to
        # read): one that cannot be encoded refuses the launch.
        self._required = [checked is not None and t["name"] not in checked for t in specs]
        self._names = [t["name"] for t in specs]
        # Maps over the program's inputs and temporaries may describe a
        # pitched copy. A temporary's is made when a kernel about to read
        # it launches (copy_before): earlier kernels write it.
        # (maps over strided views of a buffer: no pitched copies)
        self._copyable = [(t["memref"] in inputs or t["memref"] in temporaries)
                          and "strides" not in t for t in specs]
        self._deferred = [t["memref"] in temporaries for t in specs]
        self._pending: Dict[int, tuple] = {}
        self.pitched = os.environ.get("TESSERA_TMA_PITCHED_COPIES", "1") != "0"
        self._specs = []
        self._strides: list = []  # per map: stride expressions, or None (row-major)
        for t in specs:
            if (t["dtype"] not in _TMA_DTYPES or int(t.get("swizzle", 0)) not in _TMA_SWIZZLE
                    or int(t.get("l2promo", 0)) not in _TMA_L2PROMO):
                raise ValueError(f"tensor map {t['name']}: cannot encode dtype "
                                 f"{t['dtype']!r} with swizzle {t.get('swizzle')!r} and "
                                 f"L2 promotion {t.get('l2promo', 0)!r}")
            self._specs.append((t["dtype"], GPUProgram._dim_fns(t["dims"]), tuple(t["box"]),
                                int(t.get("swizzle", 0)), bool(t.get("oob_zero", True)),
                                int(t.get("l2promo", 0))))
            self._strides.append(GPUProgram._dim_fns(t["strides"]) if "strides" in t
                                 else None)
        # Maps passed by value are host arrays; the others device copies.
        self._by_value = [bool(t.get("by_value", False)) for t in specs]
        self._device: Dict[tuple, object] = {}
        self._retired: list = []
        self.counts = {"encoded": 0, "pitched": 0, "refused": 0}
        self._unpitched: set = set()  # maps refused while pitched copies were off

    def dims(self, i: int, sizes) -> tuple:
        """Map `i`'s dims at these sizes, followed by its strides where it
        has them (a strided view: `encode` splits them by the box's rank)."""
        fns = self._specs[i][1] + (self._strides[i] or ())
        return tuple(d if isinstance(d, int) else int(d(sizes)) for d in fns)

    def argument(self, i: int, encoded, kind: int):
        """Map `i`'s kernel parameter (kind 2: the map, by value or as its
        device copy's address; zeros or a null address where it could not be
        encoded) or its validity (kind 3)."""
        if kind == 3:
            return _ONE if encoded is not None else _ZERO
        if encoded is None:
            return _NO_MAP_BYTES.arg if self._by_value[i] else np.uint64(0)
        return encoded.arg if type(encoded) is _MapArgument else encoded

    def encode(self, i: int, address: int, dims: tuple):
        """Map `i` for a buffer at `address` (the 128 bytes, as a one-element
        array the launch passes by value, or its device copy), or None. A
        map over a pitched copy (an input TMA cannot address as it is) gets
        the copy made now, on the current stream, each call. A map that
        kernels need (no path without TMA) and cannot have raises
        ValueError."""
        found = self._encode(i, address, dims)
        if found is None and self._required[i]:
            dtype, _, box, *_ = self._specs[i]
            strides = dims[len(box):]
            dims = dims[:len(box)]
            copyable = self._copyable[i] and all(0 < d < 2**31 for d in dims)
            if 0 in dims:
                raise ValueError(
                    f"'{self.memrefs[i]}' is read through TMA (tensor map {self._names[i]}) "
                    f"by a kernel with no path without it, and it is empty (dims "
                    f"{tuple(dims)}): the kernel cannot run on it")
            raise ValueError(
                f"'{self.memrefs[i]}' is read through TMA (tensor map {self._names[i]}) by a "
                f"kernel with no path without it, and TMA cannot address it as it is "
                f"({_tma_refusal(address, dtype, dims, strides)}): "
                + ("turn pitched copies back on (program.pitched_copies = True, the "
                   "default; they copy it into aligned rows first)" if copyable and
                   not self.pitched else "pass a contiguous, 16-byte aligned array"))
        return found

    def _encode(self, i: int, address: int, dims: tuple):
        key = (i, address, dims)
        found = self._device.get(key, False)
        if isinstance(found, _PitchedMap) and self.pitched:
            return self._pitched(i, found, address)
        if found is not False and not isinstance(found, _PitchedMap):
            return found
        dtype, _, box, swizzle, oob_zero, l2promo = self._specs[i]
        strides = dims[len(box):] or None
        dims = dims[:len(box)]
        host = encode_tensor_map(address, dtype, dims, box, swizzle, oob_zero, l2promo,
                                 strides=strides)
        device = None
        if host is None and self._copyable[i] and all(0 < d < 2**31 for d in dims):
            if not self.pitched:  # (not cached: the copies may be turned on)
                if key not in self._unpitched:
                    self._unpitched.add(key)
                    self.counts["refused"] += 1
                return None
            device = _PitchedMap(dtype, dims, box, swizzle, oob_zero, l2promo,
                                 self._by_value[i])
            self.counts["pitched"] += 1
            self.counts["encoded"] += 1
            self._remember(key, device)
            return self._pitched(i, device, address)
        if host is not None and self._by_value[i]:
            device = _MapArgument(host)  # the launch copies it
        elif host is not None:
            import cupy as cp

            device = cp.asarray(host)
            # Complete before any stream's kernel may read it (the map is
            # cached and shared by later launches on other streams).
            cp.cuda.get_current_stream().synchronize()
        self.counts["encoded" if host is not None else "refused"] += 1
        self._remember(key, device)
        return device

    def _pitched(self, i: int, found: "_PitchedMap", address: int):
        """A pitched map's argument: the input's copy made now, a
        temporary's when its first reader launches."""
        if self._deferred[i]:
            self._pending[i] = (found, address)
            return found.refresh(address, copy=False)
        return found.refresh(address)

    def copy_before(self, maps) -> None:
        """The pitched copies of temporaries that kernel's maps (indices)
        read, made on the current stream before it launches."""
        for i in maps:
            pending = self._pending.pop(i, None)
            if pending is not None:
                pending[0].copy(pending[1])

    def _remember(self, key, device) -> None:
        if len(self._device) >= self._LIMIT:
            # Kernels launched so far may read the maps being dropped: wait
            # for them; maps this call already took stay alive (retired)
            # until the next time, when its kernels are done too.
            import cupy as cp

            cp.cuda.Device().synchronize()
            self._retired = list(self._device.values())
            self._device.clear()
        self._device[key] = device


class _PitchedMap:
    """A tensor map over a scratch copy of an input or a temporary whose rows are padded to
    16-byte multiples (and whose start is aligned): `refresh` copies the
    input in (one cudaMemcpy2DAsync on the current stream) and returns the
    map. The map keeps the input's dims; TMA reads zeros past them, so the
    padding is never read. One scratch buffer per stream (calls on one
    stream are ordered; two streams do not share one)."""

    def __init__(self, dtype, dims, box, swizzle, oob_zero, l2promo, by_value=False):
        self.spec = (dtype, dims, box, swizzle, oob_zero, l2promo)
        self.by_value = by_value
        self.width = dims[-1] * _TMA_ITEMSIZE[dtype]  # bytes of one row
        self.pitch = -(-self.width // 16) * 16
        self.rows = math.prod(dims[:-1])
        self.per_stream: Dict[int, tuple] = {}

    def refresh(self, address: int, copy: bool = True):
        import cupy as cp

        stream = cp.cuda.get_current_stream()
        found = self.per_stream.get(stream.ptr)
        if found is None:
            scratch = _scratch(cp, self.rows * self.pitch)
            dtype, dims, box, swizzle, oob_zero, l2promo = self.spec
            host = encode_tensor_map(_address(scratch), dtype, dims, box, swizzle,
                                     oob_zero, l2promo, pitch=self.pitch)
            if host is None:
                raise RuntimeError(f"TMA cannot address a pitched copy of dims {dims}")
            if self.by_value:
                found = self.per_stream[stream.ptr] = (scratch, _MapArgument(host))
            else:
                found = self.per_stream[stream.ptr] = (scratch, cp.asarray(host))
                stream.synchronize()  # the map's upload, before any kernel reads it
        if copy:
            self.copy(address)
        return found[1]

    def copy(self, address: int) -> None:
        """The buffer at `address` into this stream's scratch rows."""
        import cupy as cp

        stream = cp.cuda.get_current_stream()
        scratch = self.per_stream[stream.ptr][0]
        cp.cuda.runtime.memcpy2DAsync(_address(scratch), self.pitch, address,
                                      self.width, self.width, self.rows,
                                      cp.cuda.runtime.memcpyDeviceToDevice, stream.ptr)


def _scratch(cp, nbytes: int):
    """A device buffer of `nbytes` for a pitched copy: torch's while a
    torch.cuda.graph capture is running (its allocator gives captures a
    pool of their own; a CuPy allocation would be refused), else CuPy's."""
    torch = sys.modules.get("torch")
    if torch is not None and torch.cuda.is_available() and \
            torch.cuda.is_current_stream_capturing():
        return torch.empty(nbytes, dtype=torch.uint8, device="cuda")
    return cp.empty(nbytes, np.uint8)


def _address(buffer) -> int:
    """The device address of a CuPy array or a torch tensor."""
    data = getattr(buffer, "data", None)
    if data is not None and hasattr(data, "ptr"):
        return int(data.ptr)
    return int(buffer.data_ptr())


def _scalar_param(dtype: np.dtype, value):
    """A runtime scalar as the kernel parameter CuPy passes by value: a
    NumPy scalar of its dtype; f16 and bf16 as their 16 bits (CuPy packs
    those as any 2-byte value)."""
    if getattr(value, "shape", None) == () and hasattr(value, "item"):
        value = value.item()
    v = dtype.type(value)
    if dtype.itemsize == 2 and dtype.kind != "i" and dtype.kind != "u":
        return np.array(v, dtype).view(np.uint16)[()]
    return v


class _Sizes(dict):
    """The symbols' sizes; `multiprocessors` (the device's SMs or CUs, which
    host code sizes work by: tessera_target.multiprocessors) is read from
    the current device when an expression first asks for it."""

    def __missing__(self, key):
        if key != "multiprocessors":
            raise KeyError(key)
        import cupy as cp

        device = cp.cuda.Device()
        count = _MULTIPROCESSORS.get(device.id)
        if count is None:
            count = _MULTIPROCESSORS[device.id] = int(
                device.attributes["MultiProcessorCount"])
        self[key] = count
        return count


_MULTIPROCESSORS: Dict[int, int] = {}


def _constant_array(spec: dict) -> np.ndarray:
    """A plan constant's host array: its base64 little-endian bytes, in its
    storage dtype (_storage_dtype), of its static dims."""
    import base64

    dtype = _storage_dtype(numpy_dtype(spec["dtype"])).newbyteorder("<")
    shape = tuple(int(d) for d in spec["dims"])
    data = np.frombuffer(base64.b64decode(spec["data"]), dtype=dtype)
    if data.size != math.prod(shape):
        raise ValueError(f"constant {spec['name']}: {data.size} elements of data for dims "
                         f"{shape}")
    return np.ascontiguousarray(data.reshape(shape).astype(dtype.newbyteorder("=")))


def _storage_dtype(dtype: np.dtype) -> np.dtype:
    """`dtype`, or for ml_dtypes' types (bf16, f8: CuPy cannot allocate
    them) the unsigned integer of their width."""
    if dtype.kind == "V" or dtype.name in ("bfloat16", "float8_e4m3fn", "float8_e5m2"):
        return np.dtype(f"uint{8 * dtype.itemsize}")
    return dtype


def _allocate_output(cp, name: str, shape, dtype: np.dtype, torch_device=None):
    """Output `name`: a torch tensor on `torch_device` where the call's
    arguments are torch tensors (any dtype torch has: bf16, f8), else a
    CuPy array, or for dtypes CuPy lacks a clear error that says to pass
    the output."""
    if torch_device is not None:
        import torch

        return torch.empty(shape, dtype=_torch_dtype(torch, dtype), device=torch_device)
    if _storage_dtype(dtype) != dtype:
        raise TypeError(f"output '{name}' is {dtype.name}, which CuPy cannot allocate: "
                        f"pass it with out= (a torch tensor of that dtype, for example)")
    return cp.empty(shape, dtype)


_TORCH_DTYPES: Dict[np.dtype, object] = {}


def _torch_dtype(torch, dtype: np.dtype):
    """torch's dtype of a NumPy (or ml_dtypes) dtype: the same name
    (float16, bfloat16, float8_e4m3fn, bool, ...)."""
    found = _TORCH_DTYPES.get(dtype)
    if found is None:
        found = _TORCH_DTYPES[dtype] = getattr(torch, dtype.name)
    return found


def _pointer(buffer) -> int:
    if isinstance(buffer, _TorchView):
        return int(buffer.kernel_arg)
    if isinstance(buffer, np.integer):
        return int(buffer)
    return int(buffer.data.ptr)


#: A CUtensorMap as one kernel argument passed by value: CuPy passes a
#: one-element numpy array by value, its itemsize bytes (128).
_MAP_BYTES = np.dtype((np.void, 128))


class _MapArgument:
    """An encoded map as a launch argument passed by value: CuPy's
    `CPointer` at the 128 bytes (the driver copies what the parameter's
    size says from the address a launch gives), which CuPy takes as it is;
    building a numpy array's pointer per launch costs microseconds. Keeps
    the bytes alive. Without that class (another CuPy, or none), the
    one-element array itself, which CuPy also passes by value."""

    __slots__ = ("bytes", "arg", "address")

    def __init__(self, host: np.ndarray):
        self.bytes = host.view(_MAP_BYTES)
        self.address = self.bytes.ctypes.data  # (for launches through the driver)
        try:
            from cupy.cuda.function import CPointer

            self.arg = CPointer(self.bytes.ctypes.data)
        except (ImportError, TypeError, AttributeError):
            self.arg = self.bytes


#: The argument of a map that could not be encoded (the kernel does not read
#: it: its valid flag is 0).
_NO_MAP_BYTES = _MapArgument(np.zeros(128, np.uint8))


def _is_torch(a) -> bool:
    t = type(a)
    return t.__module__.startswith("torch") and hasattr(a, "data_ptr")


def _checked_grid(function, grid):
    """CUDA's grid limits: x < 2^31, y and z <= 65535."""
    if grid[0] >= 2**31 or any(g > 65535 for g in grid[1:]):
        name = getattr(function, "name", getattr(function, "__name__", "kernel"))
        raise ValueError(f"kernel {name}: grid {grid} exceeds the GPU's limits (x < 2^31, "
                         f"y and z <= 65535): too many row blocks or batch entries for this "
                         f"kernel's launch")
    return grid


#: The kernel argument of an empty temporary (no allocation per call).
_NULL = np.uint64(0)
#: The cupy module once imported; whether its arrays have `_c_contiguous`
#: (read without building a flags object).
_CUPY = [None]
_FAST_FLAGS = [False]
_TORCH_TENSOR = [None]  # torch.Tensor once torch is imported
_TORCH_EMPTY_LIKE = [None]
_MODULES = sys.modules


def _cupy_module():
    cp = _cupy()
    _FAST_FLAGS[0] = hasattr(cp.ndarray, "_c_contiguous")
    _CUPY[0] = cp
    return cp


def _driver_launch(cp):
    """CuPy's binding of cuLaunchKernel (hipModuleLaunchKernel on ROCm),
    or None (another CuPy, or a stand-in)."""
    driver = getattr(getattr(cp, "cuda", None), "driver", None)
    return getattr(driver, "launchKernel", None)


def _function_pointer(function) -> Optional[int]:
    """The driver's handle of a loaded kernel (a cupy.RawKernel's
    `kernel.ptr` on the current device), or None."""
    for f in (function, getattr(function, "kernel", None)):
        pointer = getattr(f, "ptr", None)
        if type(pointer) is int and pointer:
            return pointer
    return None


class _DirectLaunch:
    """One kernel of a prepared launch, issued straight through the driver
    (cuLaunchKernel's `kernelParams`: an array of the parameters'
    addresses). Each parameter has an 8-byte word (the driver reads its
    size from there: 8 for addresses and i64, 4 or 2 for smaller scalars,
    little-endian); a map passed by value is read from its own 128 bytes.
    The words and the address array are built once; a call writes the
    words that change: buffer addresses, runtime scalars, maps. Callers
    hold the program's lock (the driver copies the parameters before the
    launch returns)."""

    __slots__ = ("launch", "function", "pointer", "grid", "block", "shared", "words",
                 "addresses", "address", "buffers", "maps", "valid", "_words", "_addresses",
                 "head")

    def __init__(self, launch, function, pointer, grid, block, template, shared):
        self.launch, self.function, self.pointer = launch, function, pointer
        self.grid, self.block, self.shared = grid, block, int(shared)
        # (cuLaunchKernel's arguments before the stream)
        self.head = (pointer, *grid, *block, self.shared)
        n = max(len(template), 1)
        self.words = np.zeros(n, np.uint64)
        base = self.words.ctypes.data
        self.addresses = np.arange(n, dtype=np.uint64) * np.uint64(8) + np.uint64(base)
        self.address = self.addresses.ctypes.data
        # (a memoryview's item assignment costs a third of an array's)
        self._words, self._addresses = memoryview(self.words), memoryview(self.addresses)
        signed = self.words.view(np.int64)
        self.buffers, self.maps, self.valid = [], [], []
        for j, (kind, value) in enumerate(template):
            if kind == 0:
                signed[j] = int(value)
            elif kind == 1:
                self.buffers.append((j, value))
            elif kind == 2:
                self.maps.append((j, value))
            else:
                self.valid.append((j, value))

    def __call__(self, stream: int, buffers, encoded, maps: "_TensorMaps") -> None:
        words = self._words
        for j, slot in self.buffers:
            words[j] = buffers[slot]
        if encoded:
            for j, i in self.maps:
                if maps._by_value[i]:
                    self._addresses[j] = (encoded[i] or _NO_MAP_BYTES).address
                else:
                    words[j] = 0 if encoded[i] is None else encoded[i].data.ptr
            for j, i in self.valid:
                words[j] = int(encoded[i] is not None)
        self.launch(*self.head, stream, self.address, 0)


class _KeptOutputs:
    """CuPy outputs of a program's direct launches, handed out again once
    the caller has dropped them: allocating a new array (cupy.ndarray) is
    1.4-1.7 us of a 6-9 us launch on the H200's host.

    An output is handed out again only where nothing but this holds the
    array, its memory pointer or its memory (no variable, view, DLPack or
    CUDA-array-interface consumer, weak reference, `.data`), its shape,
    dtype and contiguity are what the call allocates, and the call launches
    on the stream the output was written on: what CuPy's memory pool does
    with freed memory (it gives a block back on the stream that freed it),
    without building an array. Only arrays in a MemoryPool's memory are
    kept (CuPy's default allocator; not an asynchronous pool, plain
    cudaMalloc or an external allocator). Not while the stream is being
    captured into a CUDA graph (outputs a capture allocates are never
    handed out again: the graph writes them on replay; an output kept
    before a capture is, once dropped, as CuPy's pool would give its memory
    back). Outputs up to 1 MiB are kept (beyond that a
    launch's own time hides the allocation), two per output of the
    program, so they hold at most 2 MiB per output."""

    MAX_BYTES = 1 << 20

    __slots__ = ("enabled", "entries", "size", "baseline", "capturing", "pooled")

    def __init__(self, outputs: int, enabled: bool):
        self.enabled, self.size = enabled, 2 * max(outputs, 1)
        self.entries: list = []  # [array, stream handle, (shape, dtype)], newest last
        self.baseline = None  # _holders of an array only an entry holds
        self.capturing = None  # cudaStreamIsCapturing
        self.pooled = None  # cupy.cuda.memory.PooledMemory

    def clear(self) -> None:
        self.entries, self.baseline = [], None

    @staticmethod
    def _holders(entry) -> tuple:
        """References to the array of `entry`, its memory pointer and its
        memory, and weak references to it."""
        a = entry[0]
        data = a.data
        return (sys.getrefcount(a), sys.getrefcount(data), sys.getrefcount(data.mem),
                weakref.getweakrefcount(a))

    def outputs(self, cp, outputs, handle: int) -> list:
        if self.baseline is None:
            try:  # (what _holders counts for an array nobody else holds)
                self.capturing = cp.cuda.runtime.streamIsCapturing
                self.pooled = cp.cuda.memory.PooledMemory
                self.baseline = self._holders([cp.ndarray((1,), np.uint8), 0, None])
            except (AttributeError, TypeError):  # (no CuPy memory objects, or
                self.enabled = False  # no capture query: nothing is kept)
                return [cp.ndarray(shape, dtype) for shape, dtype in outputs]
        if handle and self.capturing(handle):
            return [cp.ndarray(shape, dtype) for shape, dtype in outputs]
        entries, baseline, outs = self.entries, self.baseline, []
        for spec in outputs:
            a = None
            for k, entry in enumerate(entries):
                if entry[1] == handle and entry[2] == spec and self._holders(entry) == baseline:
                    del entries[k]
                    # (its shape can have been set in place before it was dropped)
                    if entry[0].shape == spec[0] and (
                            entry[0]._c_contiguous if _FAST_FLAGS[0] else
                            entry[0].flags.c_contiguous):
                        entries.append(entry)  # (the newest now)
                        a = entry[0]
                    break
            if a is None:
                a = cp.ndarray(*spec)
                # (only memory of a CuPy MemoryPool: what it would do with
                # the memory is what handing the array out again does; an
                # asynchronous pool, cudaMalloc or an external allocator
                # may honour other streams' uses)
                if a.nbytes <= self.MAX_BYTES and type(a.data.mem) is self.pooled:
                    entries.append([a, handle, spec])
                    if len(entries) > self.size:
                        del entries[0]
            outs.append(a)
        return outs


_STREAM_POINTER: list = [None, None]  # (the cupy module, its function)


def _current_stream_function(cp):
    """A function returning the handle of CuPy's current stream."""
    if _STREAM_POINTER[0] is not cp:
        fast = getattr(getattr(cp.cuda, "stream", None), "get_current_stream_ptr", None)
        _STREAM_POINTER[1] = fast or (lambda: cp.cuda.get_current_stream().ptr)
        _STREAM_POINTER[0] = cp
    return _STREAM_POINTER[1]


def _current_stream_pointer(cp) -> int:
    """The handle of CuPy's current stream."""
    return (_STREAM_POINTER[1] if _STREAM_POINTER[0] is cp else
            _current_stream_function(cp))()


_TORCH_RAW_STREAM = []


def _torch_raw_stream(device: int) -> int:
    """The handle of torch's current stream on `device`."""
    if not _TORCH_RAW_STREAM:
        import torch

        raw = getattr(torch._C, "_cuda_getCurrentRawStream", None)  # no Stream object
        _TORCH_RAW_STREAM.append(
            raw or (lambda d: torch.cuda.current_stream(d).cuda_stream))
    return _TORCH_RAW_STREAM[0](device)


def _external_stream_of(cp, handle: int):
    """A CuPy stream object for a raw handle (one per handle)."""
    stream = _EXTERNAL_STREAMS.get(handle)
    if stream is None:
        stream = _EXTERNAL_STREAMS[handle] = cp.cuda.ExternalStream(handle)
    return stream
_EXTERNAL_STREAMS: Dict[int, object] = {}


def _torch_stream(cp, device: Optional[int] = None):
    """torch's current stream on `device` (default: torch's current device)
    as a CuPy stream (one wrapper per handle), or None where launching on
    CuPy's current stream is the same: both are the legacy default stream
    (no stream switch per call)."""
    import torch

    handle = _torch_raw_stream(torch.cuda.current_device() if device is None else device)
    if handle == 0 and _current_stream_pointer(cp) == 0:
        return None
    return _external_stream_of(cp, handle)


def _external_stream(cp, stream):
    """A CuPy stream for `stream`: a torch.cuda.Stream, or anything with a
    `cuda_stream` or `ptr` handle."""
    handle = None
    for attribute in ("cuda_stream", "ptr"):  # torch, cupy-like; 0 is the default stream
        if hasattr(stream, attribute):
            handle = getattr(stream, attribute)
            break
    if handle is None:
        raise TypeError(f"stream=: expected a cupy or torch CUDA stream, got "
                        f"{type(stream).__name__}")
    return _external_stream_of(cp, int(handle))


def device_target() -> Optional[str]:
    """The chip of the current GPU ("sm_90", "gfx942"), or None without CuPy
    or a GPU. Each vendor's driver names its chips differently."""
    try:
        import cupy as cp

        if cp.cuda.runtime.getDeviceCount() == 0:
            return None
        if _cupy_vendor(cp) == "amd":
            props = cp.cuda.runtime.getDeviceProperties(cp.cuda.Device().id)
            return props["gcnArchName"].decode().split(":")[0]
        return "sm_" + cp.cuda.Device().compute_capability
    except Exception:  # no CuPy, no driver, no device
        return None


class _TorchView:
    """A CUDA torch tensor as the launcher sees a CuPy array: shape, dtype,
    contiguity, device and its data pointer (no copy; works for bfloat16,
    which CuPy arrays cannot hold)."""

    class _Flags:
        def __init__(self, contiguous):
            self.c_contiguous = contiguous

    class _Device:
        def __init__(self, index):
            self.id = index

    def __init__(self, name, tensor):
        if not tensor.is_cuda:
            raise ValueError(f"argument '{name}': is a torch tensor on "
                             f"{tensor.device}; move it to the GPU (.cuda())")
        self.tensor = tensor
        self.shape = tuple(tensor.shape)
        self.dtype = dtype_of(tensor)
        self.size = tensor.numel()
        self.itemsize = tensor.element_size()
        self.strides = tuple(st * self.itemsize for st in tensor.stride())
        self.flags = self._Flags(tensor.is_contiguous())
        self.device = self._Device(tensor.device.index)
        self.kernel_arg = np.uint64(tensor.data_ptr())


_ZERO = np.int64(0)
_ONE = np.int64(1)
_NO_STREAM = contextlib.nullcontext()
_MISS = object()  # (the native launcher's "not mine": the Python path takes the call)

#: The native launcher's code of each runtime-scalar dtype it packs, by
#: (kind, itemsize): the C characters of f16, f32, f64 and the integers.
_SCALAR_CODES = {("f", 2): "e", ("f", 4): "f", ("f", 8): "d",
                 ("i", 1): "b", ("i", 2): "h", ("i", 4): "i", ("i", 8): "q",
                 ("u", 1): "B", ("u", 2): "H", ("u", 4): "I", ("u", 8): "Q"}


def _native_cupy_outputs(program, cp, outputs, handle: int, stream) -> tuple:
    """The outputs of a native launch on CuPy arrays (`program` a weak
    reference: the call holds it)."""
    return program()._native_outputs(cp, outputs, handle, stream)


def _torch_outputs(prototypes) -> tuple:
    """(torch outputs, their addresses): torch.empty_like of each prototype
    (GPUProgram._torch_prototypes; half the time of torch.empty with a
    dtype and a device)."""
    empty_like = _TORCH_EMPTY_LIKE[0]
    outs = [empty_like(p) for p in prototypes]
    return outs, [o.data_ptr() for o in outs]


def _native_torch_outputs(prototypes, handle: int, stream) -> tuple:
    """The outputs of a native launch on torch tensors: (the call's result,
    their addresses)."""
    outs, addresses = _torch_outputs(prototypes)
    return (outs[0] if len(outs) == 1 else tuple(outs)), addresses

#: The native launcher once built and loaded (None: not tried; False: not
#: available) and why it is not.
_NATIVE: list = [None, ""]


def _native_launcher():
    """The native launcher (_launch.c, compiled at first use with the
    machine's C compiler into the cache, as Triton builds its launchers),
    or None: TESSERA_NATIVE_LAUNCH=0, no CUDA driver, or no compiler or
    Python headers (native_launcher_status() says which, and a failed
    build warns; launches then take the Python path, 2-3 us slower)."""
    if _NATIVE[0] is None:
        with _NATIVE_LOCK:
            if _NATIVE[0] is None:
                _load_native()
    return _NATIVE[0] or None


_NATIVE_LOCK = threading.Lock()


def _load_native() -> None:
    """Builds and loads the native launcher into _NATIVE (False and the
    reason where it cannot)."""
    if os.environ.get("TESSERA_NATIVE_LAUNCH", "1") == "0":
        _NATIVE[:] = [False, "off: TESSERA_NATIVE_LAUNCH=0"]
        return
    driver = _cuda_driver_addresses()
    if driver is None:
        _NATIVE[:] = [False, "no CUDA driver (libcuda.so.1)"]
        return
    try:
        module = _build_native()
    except Exception as e:  # noqa: BLE001 - the reason is reported
        _NATIVE[:] = [False, f"not built: {type(e).__name__}: {e}"]
        import warnings

        warnings.warn(f"tessera.runtime: the native launcher is {_NATIVE[1]}; launches "
                      f"take the Python path (TESSERA_NATIVE_LAUNCH=0 says not to try)",
                      RuntimeWarning, stacklevel=4)
        return
    module.driver(*driver)
    _NATIVE[:] = [module, "built"]


def native_launcher_status() -> str:
    """Whether prepared launches go through the native launcher ("built")
    or why not ("not tried" before the first prepared launch)."""
    return _NATIVE[1] or "not tried"


def _cuda_driver_addresses():
    """(cuLaunchKernel, cuGetErrorString) of the CUDA driver, or None."""
    import ctypes

    try:
        cuda = ctypes.CDLL("libcuda.so.1")
    except OSError:
        return None
    address = lambda f: ctypes.cast(f, ctypes.c_void_p).value  # noqa: E731
    return address(cuda.cuLaunchKernel), address(cuda.cuGetErrorString)


def _build_native():
    """Compiles _launch.c for this Python (cached by source and version)
    and imports it."""
    import hashlib
    import importlib.util
    import shutil
    import subprocess
    import sysconfig

    source = Path(__file__).with_name("_launch.c")
    key = hashlib.sha256(source.read_bytes() + sys.version.encode()).hexdigest()[:16]
    root = (Path(os.environ["TESSERA_CACHE_DIR"]) if os.environ.get("TESSERA_CACHE_DIR") else
            Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "tessera")
    target = root / "launcher" / f"tessera_launch-{key}{sysconfig.get_config_var('EXT_SUFFIX')}"
    if not target.exists():
        compiler = os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc")
        if compiler is None:
            raise RuntimeError("no C compiler (cc, gcc or $CC)")
        include = sysconfig.get_paths()["include"]
        if not (Path(include) / "Python.h").exists():
            raise RuntimeError(f"no Python headers ({include}/Python.h)")
        target.parent.mkdir(parents=True, exist_ok=True)
        scratch = target.with_name(f".tmp-{os.getpid()}-{target.name}")
        done = subprocess.run([compiler, "-O2", "-shared", "-fPIC", f"-I{include}", str(source),
                               "-o", str(scratch)], capture_output=True, text=True)
        if done.returncode:
            raise RuntimeError(f"{compiler} failed: {done.stderr.strip()[:2000]}")
        os.replace(scratch, target)
    spec = importlib.util.spec_from_file_location("tessera_launch", target)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load(path) -> GPUProgram:
    """Loads a GPU artifact directory (launches load its binary on first
    use)."""
    path = Path(path)
    plan = read_plan(path)
    if "binary" not in plan:
        raise ValueError(f"{path}: a {plan.get('target')} artifact, not a GPU one "
                         f"(run it with tessera.Artifact.load)")
    program = GPUProgram(plan, path / plan["binary"])
    if program._constant_specs and _has_cupy():
        # Uploaded now where a GPU is there (once per device; other devices
        # on first use): a first call may run under CUDA-graph capture,
        # which refuses the upload's synchronization. Without a usable GPU
        # the upload waits for the first call.
        try:
            program._device_constants(_cupy())
        except Exception:  # noqa: BLE001 - no driver, no device: later
            program._constants.clear()
    return program


def _has_cupy() -> bool:
    try:
        import cupy  # noqa: F401
    except ImportError:
        return False
    return True
