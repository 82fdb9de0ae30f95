"""``@tessera.kernel``: kernels written at tile level in Python.

A kernel is a Python function over ``tessera.Tensor[...]`` arguments (and
``tessera.constexpr`` compile-time constants) that says what one block of
the launch grid does with tiles of elements, as the design documents'
``@ts.kernel`` does::

    @tessera.kernel
    def vector_add(a: Tensor["N", f32], b: Tensor["N", f32], c: Tensor["N", f32]):
        idx = tessera.program_id(0) * tessera.block_size(0) + tessera.thread_id(0)
        c[idx] = a[idx] + b[idx]          # masked at N automatically

    vector_add(a, b, c)                   # grid from the indexing: ceil(N / block)
    vector_add[(g,)](a, b, c)             # or explicit

The function is not run by Python: its AST is read (`_Builder`) and turned
into Tile IR, one block's program on register tiles of the block's threads
(`tessera_tile.load_tile` / `store_tile` on boxes at ``base +
tessera.arange(...)``, `gather` at computed offsets, `arith`/`math` on tiles),
with a host function that launches it; that Target IR module goes through
the same pipelines, artifacts and runtime as compiled functions. With
``TESSERA_INTERPRET=1``, or where there is no GPU, the kernel runs in the
interpreter instead: the Python function itself, once per block, on NumPy
arrays with the same bounds masking, so that print and breakpoints work.

Supported so far: rank-1 and rank-2 tensors of f32, f16 or bf16;
``program_id``, ``arange`` (constant bounds), ``block_size``/``thread_id``
(one element per thread), index and float arithmetic, comparisons,
``where``, ``maximum``, ``minimum``, ``exp``, ``log``, ``sqrt``, ``tanh``,
``abs``; loads ``t[i]`` and stores ``t[i] = v`` of rank-1 tensors, boxes
``t[r0:r0 + R, c0:c0 + C]`` of rank-2 ones (masked at the tensor's
bounds); matrix tiles (``zeros``, and ``dot`` of two boxes on the
tensor cores: mma.sync, mfma on AMD); ``for v in tessera.range(lo, hi,
step, stages=N)`` carrying the names it reassigns (``stages``: the loop's
copies pipelined N deep by tessera-tile-pipeline); ``if``/``else`` on
scalar conditions; explicit shared memory (``shared.alloc[dtype](rows,
cols)``, ``copy_async(box, buffer)``, ``wait_group(n)``, ``barrier()``,
``dot`` of shared buffers; the interpreter reports a buffer read before
the barrier that publishes its copy, or overwritten before a barrier after
a read, as a race at the line); row reductions ``sum``/``max``/``min(x, axis=1,
keepdims=True)`` of matrix tiles, and box loads with a fill past the bounds
(``tessera.load(box, other=float("-inf"))``). Anything else is a
``KernelError`` at the user's line naming the construct.
"""

from __future__ import annotations

import ast
import inspect
import functools
import itertools
import math
import os
import textwrap
import types
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

import numpy as np

from .types import TensorSpec

__all__ = ["kernel", "Kernel", "KernelError", "constexpr"]


class constexpr:
    """Annotation of a kernel parameter that is a compile-time constant: bound
    at launch by keyword (or its default), part of the compile cache key."""


class KernelError(Exception):
    """A kernel the builder cannot translate, at the user's line."""


#: MLIR element types of the tensor dtypes kernels take.
_FLOATS = {"f32", "f16", "bf16"}
# Chips whose kernels' dots may run on wgmma (Hopper's warpgroup MMA).
_WGMMA_TARGETS = {"sm_90", "sm_90a"}

#: Float functions on tiles: tessera name -> MLIR op.
_UNARY = {"exp": "math.exp", "log": "math.log", "sqrt": "math.sqrt",
          "tanh": "math.tanh", "abs": "math.absf"}
_BINARY = {"maximum": "arith.maximumf", "minimum": "arith.minimumf"}
_CMP = {ast.Lt: "olt", ast.LtE: "ole", ast.Gt: "ogt", ast.GtE: "oge",
        ast.Eq: "oeq", ast.NotEq: "one"}
_ICMP = {ast.Lt: "slt", ast.LtE: "sle", ast.Gt: "sgt", ast.GtE: "sge",
         ast.Eq: "eq", ast.NotEq: "ne"}
_FARITH = {ast.Add: "arith.addf", ast.Sub: "arith.subf", ast.Mult: "arith.mulf",
           ast.Div: "arith.divf"}
_IARITH = {ast.Add: "arith.addi", ast.Sub: "arith.subi", ast.Mult: "arith.muli",
           ast.FloorDiv: "arith.divsi", ast.Mod: "arith.remsi", ast.BitAnd: "arith.andi",
           ast.BitOr: "arith.ori"}


# --- values while building ----------------------------------------------------

@dataclass
class _Index:
    """A scalar index: an SSA value, where known its form a * pid + b, and
    its anchor: (an SSA value, c) when it is that value plus c."""
    ssa: str
    form: Optional[Tuple[int, int]] = None
    anchor: Optional[Tuple[str, int]] = None
    #: Known to be >= 0 (sizes, program ids, and sums, products, quotients
    #: of such): compared unsigned, which the GPU code generator prefers.
    nonneg: bool = False
    #: The dim's symbol where this is `t.shape[d]`.
    dim: Optional[str] = None

    def anchored(self) -> Tuple[str, int]:
        return self.anchor or (self.ssa, 0)


@dataclass
class _Bool:
    """A scalar condition (i1)."""
    ssa: str


@dataclass
class _Range:
    """The index tile base + [0, width): a box of `width` elements."""
    base: _Index
    width: int


@dataclass
class _Tile:
    """A register tile of the block's width (dtype: an MLIR element type,
    "index" for offsets, "i1" for masks)."""
    ssa: str
    dtype: str
    #: `offsets < t.shape[0]` of a box `offsets`: (the box's base, width,
    #: the dim's symbol); an `if` on it is the stores' bounds mask.
    bound: Optional[tuple] = None


@dataclass
class _Arg:
    """A tensor argument: its flat parameter, its sizes and its view."""
    name: str
    dtype: str
    sizes: List[str]
    view: str
    #: The row stride where it is known at compile time (the last dim an
    #: integer or a constexpr's name in the annotation), else "?".
    stride: str = "?"

    @property
    def size(self) -> str:
        return self.sizes[0]

    def view_type(self, offset: bool = False) -> str:
        if len(self.sizes) == 1:
            return f"memref<?x{self.dtype}, strided<[1]>>"
        at = ", offset: ?" if offset else ""
        return f"memref<?x?x{self.dtype}, strided<[{self.stride}, 1]{at}>>"


@dataclass
class _Slice:
    """`tensor[r0:r0+R, c0:c0+C]` (or `tensor[i, r0:r0+R, c0:c0+C]` of a
    rank-3 tensor) before use: loaded into registers, or copied into shared
    memory for a dot. `view` is the rank-2 memref the box lies in, `bounds`
    its two sizes."""
    arg: _Arg
    origin: Tuple[str, str]
    shape: Tuple[int, int]
    view: str = ""
    vtype: str = ""
    bounds: Tuple[str, str] = ("", "")

    @property
    def dtype(self) -> str:
        return self.arg.dtype


@dataclass
class _Trans:
    """`tessera.trans(x)`: a box or shared buffer read transposed (a dot's
    K-major `b`, as in `q @ k.T`)."""
    of: object

    @property
    def shape(self) -> Tuple[int, int]:
        return (self.of.shape[1], self.of.shape[0])

    @property
    def dtype(self) -> str:
        return self.of.dtype


@dataclass
class _Shared:
    """A shared buffer the kernel allocated (`tessera.shared.alloc`)."""
    ssa: str
    dtype: str
    shape: Tuple[int, int]

    def type(self) -> str:
        return (f"!tessera_tile.smem<{self.shape[0]}x{self.shape[1]}x{self.dtype}, "
                f"#tessera_tile.smem_layout<pad = 8>>")


@dataclass
class _Tile2:
    """A 2-d register tile (the kernel's matrix encoding). A shape (R, 1)
    is a value per row and (1, C) a value per column (the matrix encoding's
    slices): they broadcast against (R, C) tiles as NumPy's do."""
    ssa: str
    dtype: str
    shape: Tuple[int, int]
    #: Where it was loaded from a box, (the box, the lines and the load's
    #: line): a dot's `a` is then read from shared memory in its operand
    #: layout, staged right after the load (`operand`, once).
    loaded: Optional[tuple] = None
    operand: Optional[str] = None


class _Builder:
    """Reads a kernel's AST and writes its Target IR module (text)."""

    def __init__(self, fn, specs: Dict[str, TensorSpec], constants: Dict[str, object],
                 num_warps: int, grid: Optional[Tuple[int, ...]], target: str = "sm_90"):
        self.fn, self.specs, self.constants = fn, specs, constants
        # AMD's wavefronts have 64 lanes, NVIDIA's warps 32; matrix tiles are
        # in the fragments of the vendor's 16-wide tensor-core instruction.
        amd = target.startswith("gfx")
        self.warp_size = 64 if amd else 32
        self.mma = ("#tessera_tile.mma<kind = mfma, m = 16, n = 16, k = 16>" if amd else
                    "#tessera_tile.mma<kind = mma_sync, m = 16, n = 8, k = 16>")
        self.matrix = False
        self.amd = amd
        self.threads = self.warp_size * num_warps
        self.num_warps, self.grid = num_warps, grid
        self.lines: List[str] = []
        self.counter = itertools.count()
        self.width: Optional[int] = None  # the tiles' elements
        self.stores: List[Tuple[str, _Range]] = []
        self.pending: List[str] = []  # copy_async tokens not yet waited for
        self.bound: Optional[tuple] = None  # inside `if offs < t.shape[0]:`
        self.auto_axes = False  # program_id(1 or 2) read without a grid
        # Hopper: kernels whose dots all fit wgmma are built twice, a TMA and
        # wgmma variant and the mma.sync one, under a branch on the tensor
        # maps' validity (as the built-in matmul). The first walk records the
        # dots' fit and the matrix shapes; `tma` holds the second walk's
        # tensor maps, {(tensor, box shape): (map, valid, map type)}.
        self.hopper = target in _WGMMA_TARGETS
        self.wgmma_fits: List[bool] = []
        self.shapes: set = set()
        self.tma: Optional[Dict[tuple, tuple]] = None
        self.file = inspect.getsourcefile(fn) or "<kernel>"
        source, self.first_line = inspect.getsourcelines(fn)
        self.tree = ast.parse(textwrap.dedent("".join(source)))
        self.line = self.first_line

    # -- errors and names

    def error(self, node, message: str) -> KernelError:
        line = self.first_line + getattr(node, "lineno", 1) - 1
        return KernelError(f"{self.file}:{line}: in kernel '{self.fn.__name__}': {message}")

    def fresh(self) -> str:
        return f"%v{next(self.counter)}"

    def emit(self, text: str) -> None:
        self.lines.append("  " + text)

    def encoding(self) -> str:
        per = self.width // self.threads
        return (f"#tessera_tile.blocked<warps = [{self.num_warps}], "
                f"threads = [{self.warp_size}], per_thread = [{per}]>")

    def tile_type(self, dtype: str) -> str:
        return f"tensor<{self.width}x{dtype}, {self.encoding()}>"

    def matrix_encoding(self) -> str:
        """The encoding of matrix tiles: the tensor-core accumulator's."""
        return f"#tessera_tile.mma_acc<mma = {self.mma}, warps = [{self.num_warps}, 1]>"

    def matrix_type(self, shape, dtype: str) -> str:
        self.shapes.add(tuple(shape))
        if shape[1] == 1:  # a value per row
            return self.row_type(shape[0], dtype)
        if shape[0] == 1:  # a value per column
            return (f"tensor<{shape[1]}x{dtype}, #tessera_tile.slice<dim = 0, "
                    f"parent = {self.matrix_encoding()}>>")
        return f"tensor<{shape[0]}x{shape[1]}x{dtype}, {self.matrix_encoding()}>"

    def row_type(self, length: int, dtype: str) -> str:
        """A value per row of a matrix tile (dim 1 reduced)."""
        return (f"tensor<{length}x{dtype}, #tessera_tile.slice<dim = 1, "
                f"parent = {self.matrix_encoding()}>>")

    def check_matrix(self, shape, node) -> None:
        rows = 16 * self.num_warps
        if (shape[0] != 1 and shape[0] % rows) or (shape[1] != 1 and shape[1] % 16) or \
                shape == (1, 1):
            raise self.error(node, f"a {shape[0]}x{shape[1]} matrix tile does not split over "
                                   f"the block's {self.num_warps} warps: rows a multiple of "
                                   f"{rows} (16 per warp), columns of 16")
        self.matrix = True

    def type_of(self, value) -> str:
        if isinstance(value, _Tile2):
            return self.matrix_type(value.shape, value.dtype)
        if isinstance(value, _Tile):
            return self.tile_type(value.dtype)
        return "index"

    def set_width(self, width: int, node) -> None:
        if self.width is None:
            if width % self.threads != 0:
                raise self.error(node, f"a tile of {width} elements does not split over the "
                                       f"block's {self.threads} threads ({self.num_warps} "
                                       f"warps); use a multiple of {self.threads}")
            self.width = width
        elif width != self.width:
            raise self.error(node, f"tiles of {width} and {self.width} elements in one "
                                   f"kernel; the builder supports one tile width so far")

    # -- the module

    def build(self) -> Tuple[str, Optional[str]]:
        """(the module's text, the automatic grid's tensor or None)."""
        func = self.tree.body[0]
        if not isinstance(func, ast.FunctionDef):
            raise self.error(func, "expected a function definition")
        args: Dict[str, _Arg] = {}
        params, sizes = [], []
        for i, name in enumerate(self.specs):
            spec = self.specs[name]
            dtype = spec.dtype.mlir
            names = [f"%{name}_size"] if spec.rank == 1 else \
                [f"%{name}_size{d}" for d in range(spec.rank)]
            # Dims fixed at compile time (an integer, or a constexpr's name):
            # constants in the kernel, so that strides and bounds fold.
            known = [_static_dim(dim, self.constants) for dim in spec.dims]
            used = [n if k is None else f"%{name}_static{d}"
                    for d, (n, k) in enumerate(zip(names, known))]
            stride = str(known[-1]) if spec.rank > 1 and known[-1] is not None else "?"
            args[name] = _Arg(name, dtype, used, f"%{name}_view", stride)
            params.append(f"%{name}: memref<?x{dtype}>")
            sizes += [f"{n}: index" for n in names]
            for d, k in enumerate(known):
                if k is not None:
                    self.emit(f"%{name}_static{d} = arith.constant {k} : index")
        env: Dict[str, object] = dict(args)
        for name, value in self.constants.items():
            env[name] = value
        body_lines = self.lines
        for a in args.values():
            if len(a.sizes) == 1:
                self.emit(f"{a.view} = memref.reinterpret_cast %{a.name} to offset: [0], "
                          f"sizes: [{a.size}], strides: [1] : memref<?x{a.dtype}> to "
                          f"{a.view_type()}")
            elif len(a.sizes) == 2:  # (rank 3: a view per box, at its matrix)
                self.emit(f"{a.view} = memref.reinterpret_cast %{a.name} to offset: [0], "
                          f"sizes: [{a.sizes[0]}, {a.sizes[1]}], strides: "
                          f"[{a.sizes[1] if a.stride == '?' else a.stride}, 1] : "
                          f"memref<?x{a.dtype}> to {a.view_type()}")
        start = len(self.lines)
        self.walk(func, env)
        wgmma = self.wgmma_shape()
        if wgmma is not None:
            fallback = self.lines[start:]
            del self.lines[start:]
            self.mma = (f"#tessera_tile.mma<kind = wgmma, m = 64, n = {wgmma[1]}, "
                        f"k = 16>")
            self.tma, self.stores = {}, []
            self.walk(func, env)
            fast = self.lines[start:]
            del self.lines[start:]
            valid = None
            for _, ok, _ in self.tma.values():
                flag = self.fresh()
                self.emit(f"{flag} = arith.cmpi ne, {ok}, %c0_tma : index")
                if valid is not None:
                    both = self.fresh()
                    self.emit(f"{both} = arith.andi {valid}, {flag} : i1")
                    flag = both
                valid = flag
            self.lines.insert(start, "  %c0_tma = arith.constant 0 : index")
            self.emit(f"scf.if {valid} {{")
            self.lines += fast
            self.emit("} else {")
            self.lines += fallback
            self.emit("}")
        if self.width is None and not self.matrix:
            raise self.error(func, "the kernel loads or stores no tile")
        if self.grid is None and self.auto_axes:
            raise KernelError(
                f"{self.file}:{self.first_line}: kernel '{self.fn.__name__}' reads "
                f"program_id(1) or (2): launch it on an explicit grid, kernel[(g0, g1)](...)")
        kernel_name = f"{self.fn.__name__}_kernel"
        memref_types = [f"memref<{'?x' * len(a.sizes)}{a.dtype}>" for a in args.values()]
        # The grid: given, or one block per tile of the stored tensor when
        # every store is at program_id(0) * width + [0, width).
        auto = None
        if self.grid is None:
            targets = {name for name, r in self.stores
                       if r.base.form == (self.width, 0)}
            if len(targets) != 1 or any(r.base.form != (self.width, 0) for _, r in self.stores):
                raise KernelError(
                    f"{self.file}:{self.first_line}: kernel '{self.fn.__name__}': its grid "
                    f"cannot be read from its indexing (every store at "
                    f"program_id(0) * {self.width} + arange(0, {self.width}) into one "
                    f"tensor); launch it as kernel[grid](...)")
            auto = targets.pop()
        host = [f"func.func @main({', '.join(f'%h_{a.name}: {t}' for a, t in zip(args.values(), memref_types))}) attributes {{tessera.host}} {{",
                "  %hc0 = arith.constant 0 : index", "  %hc1 = arith.constant 1 : index"]
        # A rank-2 argument arrives flat: its dims are the launch's too.
        host_sizes = []
        if any(len(a.sizes) == 3 for a in args.values()):
            host.append("  %hc2 = arith.constant 2 : index")
        for a in args.values():
            if len(a.sizes) == 1:
                host.append(f"  %h_{a.name}_size = memref.dim %h_{a.name}, %hc0 : "
                            f"memref<?x{a.dtype}>")
                host_sizes.append(f"%h_{a.name}_size")
            else:
                for d in range(len(a.sizes)):
                    host.append(f"  %h_{a.name}_size{d} = memref.dim %h_{a.name}, %hc{d} : "
                                f"memref<{'?x' * len(a.sizes)}{a.dtype}>")
                    host_sizes.append(f"%h_{a.name}_size{d}")
        if auto:
            host.append(f"  %hw = arith.constant {self.width} : index")
            host.append(f"  %hg = arith.ceildivui %h_{auto}_size, %hw : index")
            grid = ["%hg"]
        else:
            grid = [f"%hg{i}" for i in range(len(self.grid))]
            for ssa, g in zip(grid, self.grid):
                host.append(f"  {ssa} = arith.constant {g} : index")
        names = [f"%h_{a.name}" for a in args.values()] + host_sizes
        types_ = memref_types + ["index"] * len(host_sizes)
        # Tensor maps (TMA) the wgmma variant reads, each with its valid flag.
        for (name, _), (desc, ok, type_) in (self.tma or {}).items():
            a = args[name]
            host.append(f"  %h_{desc[1:]}, %h_{ok[1:]} = tessera_target.tensor_map %h_{name}["
                        f"{', '.join(f'%h_{name}_size{d}' for d in range(len(a.sizes)))}] : "
                        f"memref<{'?x' * len(a.sizes)}{a.dtype}> -> {type_}")
            names += [f"%h_{desc[1:]}", f"%h_{ok[1:]}"]
            types_ += [type_, "index"]
            sizes += [f"{desc}: {type_}", f"{ok}: index"]
        block = ", ".join([str(self.threads)] + ["1"] * (len(grid) - 1))
        host.append(f"  tessera_target.launch @{kernel_name} grid({', '.join(grid)}) "
                    f"block = [{block}] "
                    f"args({', '.join(names)} : {', '.join(types_)})")
        host += ["  return", "}"]
        kernel = [f"tessera_target.kernel @{kernel_name}({', '.join(params + sizes)}) "
                  f"config = #tessera_target.kernel_config<grid = [{', '.join(['1'] * len(grid))}], "
                  f"block = [{block}]> {{"]
        kernel += body_lines + ["  tessera_target.return", "}"]
        return "\n".join(host + kernel) + "\n", auto

    def walk(self, func, env) -> None:
        """The kernel's statements, once (a variant of the kernel)."""
        self.env = dict(env)
        self.pending, self.bound = [], None
        for stmt in func.body:
            self.statement(stmt)
        if self.pending:
            raise self.error(func, "a tessera.copy_async is never waited for "
                                   "(tessera.wait_group)")

    def wgmma_shape(self) -> Optional[Tuple[int, int]]:
        """After the first walk, on Hopper: the accumulators' shape when
        every dot fits wgmma (a box of A of 64 rows per warpgroup and 128
        bytes of K, a box of B of up to 256 columns in 128-byte blocks,
        rank-2 tensors that tensor maps describe) and every matrix tile is
        an accumulator or a vector of one; else None (mma.sync)."""
        if not (self.hopper and self.wgmma_fits and all(self.wgmma_fits)):
            return None
        full = {s for s in self.shapes if 1 not in s}
        if len(full) != 1:
            return None
        m, n = full.pop()
        if not all(s in ((m, n), (m, 1), (1, n)) for s in self.shapes):
            return None
        return m, n

    def fits_wgmma(self, a, b, acc) -> bool:
        """A dot wgmma runs from TMA-filled swizzled buffers (wgmma_shape)."""
        return (isinstance(a, _Slice) and isinstance(b, _Slice) and
                a.view == a.arg.view and b.view == b.arg.view and
                self.num_warps % 4 == 0 and a.shape[0] == 16 * self.num_warps and
                a.shape[1] == 64 and b.shape[1] % 64 == 0 and b.shape[1] <= 256)

    def tensor_map(self, box: _Slice, shape) -> Tuple[str, str]:
        """The tensor map (and its kernel parameter) of `box`'s tensor in
        boxes of `shape`: (the map, its type)."""
        key = (box.arg.name, tuple(shape))
        if key not in self.tma:
            i = len(self.tma)
            type_ = (f"!nvgpu.tensormap.descriptor<tensor = memref<{shape[0]}x{shape[1]}x"
                     f"{box.arg.dtype}, #gpu.address_space<workgroup>>, swizzle = swizzle_128b, "
                     f"l2promo = none, oob = zero, interleave = none>")
            self.tma[key] = (f"%{box.arg.name}_map{i}", f"%{box.arg.name}_valid{i}", type_)
        ssa, _, type_ = self.tma[key]
        return ssa, type_

    def dot_tma(self, a: _Slice, b: _Slice, acc: _Tile2) -> _Tile2:
        """acc + a @ b on wgmma: both boxes copied by TMA into 128-byte
        swizzled buffers, arriving on one barrier (a loop with stages=N
        makes them rings, tessera-tile-pipeline)."""
        layout = "#tessera_tile.smem_layout<swizzle = 128>"
        copies = []
        for box, tma_box in ((a, a.shape), (b, (64, 64))):
            buffer = self.fresh()
            smem = f"!tessera_tile.smem<{box.shape[0]}x{box.shape[1]}x{box.arg.dtype}, {layout}>"
            self.emit(f"{buffer} = tessera_tile.local_alloc : {smem}")
            copies.append((box, buffer, smem, self.tensor_map(box, tma_box)))
        bar, zero, false = self.fresh(), self.fresh(), self.fresh()
        self.emit(f"{bar} = tessera_tile.mbarrier_alloc arrivals 2 : !tessera_tile.mbarrier<1>")
        self.emit(f"{zero} = arith.constant 0 : index")
        for box, buffer, smem, (desc, desc_type) in copies:
            self.emit(f"tessera_tile.box_copy {box.view}[{box.origin[0]}, {box.origin[1]}], "
                      f"{buffer} desc {desc} arrive {bar}[{zero}] : {box.vtype}, {smem}, "
                      f"!tessera_tile.mbarrier<1> desc {desc_type}")
        self.emit(f"{false} = arith.constant false")
        self.emit(f"tessera_tile.mbarrier_wait {bar}[{zero}], {false} : "
                  f"!tessera_tile.mbarrier<1>")
        ssa = self.fresh()
        self.emit(f"{ssa} = tessera_tile.dot {copies[0][1]}, {copies[1][1]}, {acc.ssa} "
                  f"{{mma = {self.mma}}} : {copies[0][2]}, {copies[1][2]} -> "
                  f"{self.type_of(acc)}")
        return _Tile2(ssa, "f32", acc.shape)

    def store_staged(self, value: _Tile2, box: _Slice) -> None:
        """A wgmma accumulator's store: through a padded shared buffer, then
        a row per warp at a time, consecutive lanes on consecutive columns
        (coalesced; as the built-in matmul's epilogue)."""
        (rows, cols), dtype, warps = value.shape, value.dtype, self.num_warps
        smem = f"!tessera_tile.smem<{rows}x{cols}x{dtype}, #tessera_tile.smem_layout<pad = 8>>"
        band = (f"tensor<{warps}x{cols}x{dtype}, #tessera_tile.blocked<warps = [{warps}, 1], "
                f"threads = [1, {self.warp_size}], per_thread = [1, 1]>>")
        buffer, lo, hi, step, r, zero, tile, row = (self.fresh() for _ in range(8))
        self.emit(f"{buffer} = tessera_tile.local_alloc : {smem}")
        self.emit(f"tessera_tile.local_store {value.ssa}, {buffer} : {self.type_of(value)}, "
                  f"{smem}")
        self.emit(f"{lo} = arith.constant 0 : index")
        self.emit(f"{hi} = arith.constant {rows} : index")
        self.emit(f"{step} = arith.constant {warps} : index")
        self.emit(f"scf.for {r} = {lo} to {hi} step {step} {{")
        self.emit(f"{zero} = arith.constant 0 : index")
        self.emit(f"{tile} = tessera_tile.local_load {buffer}[{r}, {zero}] : {smem} -> {band}")
        self.emit(f"{row} = arith.addi {box.origin[0]}, {r} : index")
        self.emit(f"tessera_tile.store_tile {tile}, {box.view}[{row}, {box.origin[1]}] : "
                  f"{band}, {box.vtype}")
        self.emit("}")

    # -- statements

    def statement(self, node) -> None:
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            return  # a docstring
        if isinstance(node, ast.Pass):
            return
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name):
                self.env[target.id] = self.expr(node.value)
                return
            if isinstance(target, ast.Subscript):
                self.store(target, self.expr(node.value), node)
                return
        if isinstance(node, ast.For):
            self.loop(node)
            return
        if isinstance(node, ast.If):
            self.branch(node)
            return
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call) and \
                self.callee(node.value) in ("copy_async", "wait_group", "barrier"):
            self.expr(node.value)
            return
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            call = node.value
            if self.callee(call) == "store":
                if len(call.args) != 3 or call.keywords:
                    raise self.error(node, "tessera.store(tensor, offsets, value) takes three "
                                           "arguments (masks other than the bounds: not yet)")
                fake = ast.Subscript(value=call.args[0], slice=call.args[1], ctx=ast.Store())
                ast.copy_location(fake, node)
                self.store(fake, self.expr(call.args[2]), node)
                return
        raise self.error(node, f"{type(node).__name__} statements are not supported in a "
                               f"tessera.kernel yet (supported: assignments to names, stores "
                               f"t[i] = v and tessera.store, for ... in tessera.range(...), "
                               f"if/else on scalars)")

    def loop(self, node: ast.For) -> None:
        """`for v in tessera.range(lo, hi, step)`: an scf.for carrying the
        names the body assigns that are defined before it."""
        call = node.iter
        if not (isinstance(call, ast.Call) and self.callee(call) == "range") or \
                not isinstance(node.target, ast.Name) or node.orelse:
            raise self.error(node, "loops are `for name in tessera.range(lo, hi[, step])`")
        stages = None
        for keyword in call.keywords:
            if keyword.arg != "stages":
                raise self.error(node, f"tessera.range takes no keyword '{keyword.arg}' "
                                       f"(stages= is the one it takes)")
            stages = self.constant(keyword.value)
            if stages < 1:
                raise self.error(node, f"stages={stages}: a loop has at least one stage")
        if not 1 <= len(call.args) <= 3:
            raise self.error(node, "tessera.range(lo, hi[, step]) takes one to three arguments")
        bounds = [self.expr(a) for a in call.args]
        if len(bounds) == 1:
            bounds = [0] + bounds
        if len(bounds) == 2:
            bounds.append(1)
        lo, hi, step = (self.as_index(b, node) for b in bounds)
        assigned = [n.id for stmt in node.body for n in ast.walk(stmt)
                    if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)]
        carried = [n for n in dict.fromkeys(assigned) if n in self.env]
        inits = []
        for name in carried:
            value = self.env[name]
            if isinstance(value, int):
                value = self.index(value)
            if not isinstance(value, (_Index, _Tile, _Tile2)):
                raise self.error(node, f"'{name}' cannot be carried by a loop")
            inits.append(value)
        iv, result = self.fresh(), self.fresh()
        blocks = [self.fresh() for _ in carried]
        types_ = [self.type_of(v) for v in inits]
        head = f"scf.for {iv} = {lo.ssa} to {hi.ssa} step {step.ssa}"
        if carried:
            head = (f"{result}{':' + str(len(carried)) if len(carried) > 1 else ''} = {head} "
                    f"iter_args({', '.join(f'{b} = {v.ssa}' for b, v in zip(blocks, inits))}) "
                    f"-> ({', '.join(types_)})")
        self.emit(head + " {")
        outer = dict(self.env)
        self.env[node.target.id] = _Index(iv, nonneg=all(
            isinstance(b, _Index) and b.nonneg for b in (lo, step)))
        for name, block, value in zip(carried, blocks, inits):
            self.env[name] = self.rename(value, block)
        pending = list(self.pending)
        for stmt in node.body:
            self.statement(stmt)
        if self.pending != pending:
            raise self.error(node, "a tessera.copy_async in the loop's body is not waited for "
                                   "(tessera.wait_group) before the iteration ends")
        ends = [self.env[name] for name in carried]
        for name, end, start in zip(carried, ends, inits):
            if isinstance(end, int):
                end = self.index(end)
            if self.type_of(end) != self.type_of(start):
                raise self.error(node, f"'{name}' changes type in the loop")
        if carried:
            self.emit(f"scf.yield {', '.join(e.ssa for e in ends)} : {', '.join(types_)}")
        # stages=N: tessera-tile-pipeline makes the loop's copies a pipeline.
        self.emit("}" if stages is None else f"}} {{tessera_tile.stages = {stages} : i64}}")
        self.env = outer
        for i, (name, value) in enumerate(zip(carried, inits)):
            ssa = result if len(carried) == 1 else f"{result}#{i}"
            self.env[name] = self.rename(value, ssa)

    def branch(self, node: ast.If) -> None:
        """`if` on a scalar condition: an scf.if whose results are the names
        either branch assigns that exist after it."""
        cond = self.expr(node.test)
        if isinstance(cond, (bool, int)):
            # A compile-time condition (constexprs): only the branch taken.
            for stmt in (node.body if cond else node.orelse):
                self.statement(stmt)
            return
        if isinstance(cond, _Tile) and cond.bound is not None and not node.orelse:
            # `if offs < t.shape[0]:` the bounds check CUDA needs: stores
            # are masked at the bounds already; the body runs as it is.
            outer, self.bound = self.bound, cond.bound
            for stmt in node.body:
                self.statement(stmt)
            self.bound = outer
            return
        if not isinstance(cond, _Bool):
            raise self.error(node, "an if takes a scalar condition (program ids, sizes, "
                                   "constants) or the bounds check `if offs < t.shape[0]:`; "
                                   "choose between tiles with tessera.where")
        outer_lines, before = self.lines, dict(self.env)
        branches = []
        for body in (node.body, node.orelse):
            self.lines, self.env = [], dict(before)
            for stmt in body:
                self.statement(stmt)
            branches.append((self.lines, self.env))
        assigned = [n.id for stmt in node.body + node.orelse for n in ast.walk(stmt)
                    if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)]
        names = [n for n in dict.fromkeys(assigned)
                 if n in before or all(n in env for _, env in branches)]
        yields, types_ = [], None
        for lines, env in branches:
            self.lines = lines
            values = []
            for name in names:
                value = env[name]
                if isinstance(value, int):
                    value = self.index(value)
                if not isinstance(value, (_Index, _Tile, _Tile2)):
                    raise self.error(node, f"'{name}' cannot be a result of an if")
                values.append(value)
            these = [self.type_of(v) for v in values]
            if types_ is not None and these != types_:
                raise self.error(node, "the branches give names values of different types")
            types_ = these
            yields.append(values)
        self.lines, self.env = outer_lines, before
        result = self.fresh()
        head = f"scf.if {cond.ssa}"
        if names:
            head = (f"{result}{':' + str(len(names)) if len(names) > 1 else ''} = {head} "
                    f"-> ({', '.join(types_)})")
        self.emit(head + " {")
        for i, (lines, _) in enumerate(branches):
            if i == 1:
                self.emit("} else {")
            self.lines.extend(lines)
            if names:
                self.emit(f"scf.yield {', '.join(v.ssa for v in yields[i])} : "
                          f"{', '.join(types_)}")
        self.emit("}")
        for i, (name, value) in enumerate(zip(names, yields[0])):
            self.env[name] = self.rename(value, result if len(names) == 1 else f"{result}#{i}")

    @staticmethod
    def rename(value, ssa):
        if isinstance(value, _Index):
            return _Index(ssa)
        if isinstance(value, _Tile2):
            return _Tile2(ssa, value.dtype, value.shape)
        return _Tile(ssa, value.dtype)

    def store_matrix(self, tensor: _Arg, target: ast.Subscript, value, node) -> None:
        box = self.slice(tensor, target.slice, node)
        if isinstance(value, _Slice):
            value = self.load_matrix(value, node)
        if not isinstance(value, _Tile2) or value.shape != box.shape:
            raise self.error(node, f"storing into a {box.shape[0]}x{box.shape[1]} box of "
                                   f"'{tensor.name}' needs a matrix tile of that shape")
        if value.dtype != tensor.dtype:
            # Narrowing on store (an f32 accumulator into an f16 tensor).
            ssa = self.fresh()
            op = "arith.truncf" if value.dtype == "f32" else "arith.extf"
            self.emit(f"{ssa} = {op} {value.ssa} : {self.type_of(value)} to "
                      f"{self.matrix_type(value.shape, tensor.dtype)}")
            value = _Tile2(ssa, tensor.dtype, value.shape)
        if self.tma is not None and 1 not in value.shape:
            return self.store_staged(value, box)
        self.emit(f"tessera_tile.store_tile {value.ssa}, {box.view}[{box.origin[0]}, "
                  f"{box.origin[1]}] : {self.type_of(value)}, {box.vtype}")

    def slice(self, tensor: _Arg, index, node) -> _Slice:
        """`tensor[r0:r0+R, c0:c0+C]` (constant extents); of a rank-3 tensor,
        `tensor[i, r0:r0+R, c0:c0+C]` (the box of matrix `i`)."""
        rank = len(tensor.sizes)
        lead = rank - 2
        if rank not in (2, 3) or not isinstance(index, ast.Tuple) or \
                len(index.elts) != rank or \
                any(isinstance(e, ast.Slice) for e in index.elts[:lead]) or \
                not all(isinstance(e, ast.Slice) and e.step is None and e.lower is not None
                        and e.upper is not None for e in index.elts[lead:]):
            form = "t[r0:r0 + R, c0:c0 + C]" if rank == 2 else "t[i, r0:r0 + R, c0:c0 + C]"
            raise self.error(node, f"'{tensor.name}' (rank {rank}) is indexed by boxes: "
                                   f"{form} with constant R and C")
        view, vtype = tensor.view, tensor.view_type()
        if lead:
            # Matrix i of a rank-3 tensor: a rank-2 view at i * rows * cols.
            at = self.as_index(self.expr(index.elts[0]), node)
            rows, cols = tensor.sizes[1], tensor.sizes[2]
            area, offset, view = self.fresh(), self.fresh(), self.fresh()
            vtype = tensor.view_type(offset=True)
            self.emit(f"{area} = arith.muli {rows}, {cols} : index")
            self.emit(f"{offset} = arith.muli {at.ssa}, {area} : index")
            stride = cols if tensor.stride == "?" else tensor.stride
            self.emit(f"{view} = memref.reinterpret_cast %{tensor.name} to offset: [{offset}], "
                      f"sizes: [{rows}, {cols}], strides: [{stride}, 1] : "
                      f"memref<?x{tensor.dtype}> to {vtype}")
        origin, shape = [], []
        for e in index.elts[lead:]:
            lo, extent = self.extent(e, node)
            origin.append(lo.ssa)
            shape.append(extent)
        return _Slice(tensor, tuple(origin), tuple(shape), view, vtype,
                      tuple(tensor.sizes[lead:]))

    def extent(self, e: ast.Slice, node) -> Tuple[_Index, int]:
        """`start:start + n` with n a positive constant: (start, n)."""
        lo, hi = self.expr(e.lower), self.expr(e.upper)
        if isinstance(lo, int) and isinstance(hi, int):
            extent = hi - lo
        elif isinstance(lo, _Index) and isinstance(hi, _Index) and \
                lo.anchored()[0] == hi.anchored()[0]:
            extent = hi.anchored()[1] - lo.anchored()[1]
        else:
            extent = 0
        if extent <= 0:
            raise self.error(node, "a box's extent must be a positive constant: "
                                   "start:start + n")
        return self.as_index(lo, node), extent

    def coordinate_vector(self, n: int, axis: int, origin: str) -> _Tile2:
        """origin + [0, n) along `axis`: an (n, 1) index tile for rows
        (axis 0), (1, n) for columns."""
        shape = (n, 1) if axis == 0 else (1, n)
        rng, idx, base, at = (self.fresh() for _ in range(4))
        t = self.matrix_type(shape, "index")
        self.emit(f"{rng} = tessera_tile.range 0 to {n} : {self.matrix_type(shape, 'i32')}")
        self.emit(f"{idx} = arith.index_cast {rng} : {self.matrix_type(shape, 'i32')} to {t}")
        self.emit(f"{base} = tensor.splat {origin} : {t}")
        self.emit(f"{at} = arith.addi {idx}, {base} : {t}")
        return _Tile2(at, "index", shape)

    def coordinates(self, shape, axis: int, origin: str) -> str:
        """An index tile (the matrix encoding) of each element's coordinate
        along `axis`, from `origin`."""
        return self.broadcast(self.coordinate_vector(shape[axis], axis, origin), shape, None)

    def broadcast(self, value: _Tile2, shape, node) -> str:
        """`value` (R, C), (R, 1) or (1, C) as an (R, C) tile."""
        if value.shape == tuple(shape):
            return value.ssa
        if value.shape[1] == 1 and value.shape[0] == shape[0]:
            axis = 1
        elif value.shape[0] == 1 and value.shape[1] == shape[1]:
            axis = 0
        else:
            raise self.error(node, f"a {value.shape[0]}x{value.shape[1]} tile does not "
                                   f"broadcast to {shape[0]}x{shape[1]}")
        ssa = self.fresh()
        self.emit(f"{ssa} = tessera_tile.broadcast {value.ssa} axis {axis} : "
                  f"{self.type_of(value)} -> {self.matrix_type(shape, value.dtype)}")
        return ssa

    def common_shape(self, values, node):
        shapes = [v.shape for v in values if isinstance(v, _Tile2)]
        rows = max(s[0] for s in shapes)
        cols = max(s[1] for s in shapes)
        for s in shapes:
            if s[0] not in (1, rows) or s[1] not in (1, cols):
                raise self.error(node, "tiles of shapes " + " and ".join(
                    f"{a}x{b}" for a, b in shapes) + " do not broadcast")
        if (rows, cols) not in shapes and 1 not in (rows, cols):
            self.check_matrix((rows, cols), node)
        return (rows, cols)

    def splat(self, value, dtype: str, shape, node) -> str:
        """A number or scalar index as a tile of `shape` and `dtype`."""
        ssa = self.fresh()
        if isinstance(value, _Index):
            scalar = value.ssa
            if dtype != "index":
                wide, scalar = self.fresh(), self.fresh()
                self.emit(f"{wide} = arith.index_castui {value.ssa} : index to i64")
                self.emit(f"{scalar} = arith.uitofp {wide} : i64 to {dtype}")
        elif isinstance(value, (int, float)):
            scalar = self.scalar_constant(value, dtype)
        else:
            raise self.error(node, "a matrix tile combines with tiles, numbers and indices")
        self.emit(f"{ssa} = tensor.splat {scalar} : {self.matrix_type(shape, dtype)}")
        return ssa

    def scalar_constant(self, value, dtype: str) -> str:
        ssa = self.fresh()
        if dtype in ("index", "i32", "i64"):
            self.emit(f"{ssa} = arith.constant {int(value)} : {dtype}")
        elif math.isinf(value):
            bits = {"f32": ("0x7F800000", "0xFF800000"), "f16": ("0x7C00", "0xFC00"),
                    "bf16": ("0x7F80", "0xFF80")}[dtype][value < 0]
            self.emit(f"{ssa} = arith.constant {bits} : {dtype}")
        else:
            self.emit(f"{ssa} = arith.constant {_float_literal(value)} : {dtype}")
        return ssa

    def number(self, node):
        """A compile-time number: literals, constexprs, float("inf")."""
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and \
                node.func.id == "float" and len(node.args) == 1 and \
                isinstance(node.args[0], ast.Constant):
            return float(node.args[0].value)
        return self.expr(node)

    def shared_alloc(self, node) -> _Shared:
        """`tessera.shared.alloc[dtype](rows, cols)`: a padded shared buffer
        (rows of 8 more elements: ldmatrix reads them without conflicts)."""
        dtype = node.func.slice
        dtype = dtype.attr if isinstance(dtype, ast.Attribute) else None
        if dtype not in _FLOATS:
            raise self.error(node, "tessera.shared.alloc[dtype] takes tessera.f16, bf16 or f32")
        for k in node.keywords:
            if k.arg == "swizzle" and not (isinstance(k.value, ast.Constant) and
                                           k.value.value is None):
                raise self.error(node, "explicit shared buffers are padded, not swizzled "
                                       "(tessera.copy_async writes them; a swizzled buffer "
                                       "is written by TMA, which tessera.dot of two boxes "
                                       "gets on Hopper by itself): leave swizzle out")
            if k.arg != "swizzle":
                raise self.error(node, f"tessera.shared.alloc takes no keyword '{k.arg}'")
        if len(node.args) != 2:
            raise self.error(node, "tessera.shared.alloc[dtype](rows, cols) takes two sizes")
        shape = tuple(self.constant(a) for a in node.args)
        if shape[1] * {"f32": 4}.get(dtype, 2) % 16:
            raise self.error(node, "a shared buffer's rows are whole 16-byte chunks")
        buffer = _Shared(self.fresh(), dtype, shape)
        self.emit(f"{buffer.ssa} = tessera_tile.local_alloc : {buffer.type()}")
        return buffer

    def load_box(self, node, box, other) -> _Tile2:
        """`tessera.load(t[r0:r0 + R, c0:c0 + C], other=v)`: the box with `v`
        (not 0) past the tensor's bounds."""
        if not isinstance(box, _Slice):
            raise self.error(node, "tessera.load(box, other=...) takes a box of a rank-2 "
                                   "tensor, t[r0:r0 + R, c0:c0 + C]")
        value = self.load_matrix(box, node)
        if other is None:
            return value
        # A number, or float("inf") / float("-inf") (Python's spelling).
        fill = self.number(other)
        if not isinstance(fill, (int, float)):
            raise self.error(node, "other= is a number (float('-inf') included)")
        inside = None
        for axis in range(2):
            at = self.coordinates(box.shape, axis, box.origin[axis])
            size, ok = self.fresh(), self.fresh()
            self.emit(f"{size} = tensor.splat {box.bounds[axis]} : "
                      f"{self.matrix_type(box.shape, 'index')}")
            self.emit(f"{ok} = arith.cmpi ult, {at}, {size} : "
                      f"{self.matrix_type(box.shape, 'index')}")
            if inside is None:
                inside = ok
            else:
                both = self.fresh()
                self.emit(f"{both} = arith.andi {inside}, {ok} : "
                          f"{self.matrix_type(box.shape, 'i1')}")
                inside = both
        splat, ssa = self.fresh(), self.fresh()
        dtype = value.dtype
        scalar = self.scalar_constant(float(fill), dtype)
        self.emit(f"{splat} = tensor.splat {scalar} : {self.type_of(value)}")
        self.emit(f"{ssa} = arith.select {inside}, {value.ssa}, {splat} : "
                  f"{self.matrix_type(box.shape, 'i1')}, {self.type_of(value)}")
        return _Tile2(ssa, dtype, box.shape)

    def reduce(self, node, name, args, keywords) -> _Tile2:
        """`tessera.sum/max/min(x, axis=1, keepdims=True)` on a matrix tile:
        each row's statistic, an (R, 1) tile (broadcast where it meets an
        (R, C) one)."""
        if len(args) != 1 or set(keywords) != {"axis", "keepdims"} or \
                self.constant(keywords["axis"]) != 1 or \
                not (isinstance(keywords["keepdims"], ast.Constant) and
                     keywords["keepdims"].value is True):
            raise self.error(node, f"tessera.{name}(x, axis=1, keepdims=True) reduces a "
                                   f"matrix tile's rows (the only form so far)")
        x = self.expr(args[0])
        if isinstance(x, _Slice):
            x = self.load_matrix(x, node)
        if not isinstance(x, _Tile2) or x.dtype not in _FLOATS:
            raise self.error(node, f"tessera.{name} takes a float matrix tile")
        if 1 in x.shape:
            raise self.error(node, f"tessera.{name} reduces an (R, C) matrix tile, not a "
                                   f"{x.shape[0]}x{x.shape[1]} vector")
        row = self.row_type(x.shape[0], x.dtype)
        kind = {"sum": "add", "max": "max", "min": "min"}[name]
        r = self.fresh()
        self.emit(f"{r} = tessera_tile.reduce {kind} {x.ssa} axis 1 : {self.type_of(x)} -> {row}")
        return _Tile2(r, x.dtype, (x.shape[0], 1))

    def load_matrix(self, box: _Slice, node) -> _Tile2:
        self.check_matrix(box.shape, node)
        ssa = self.fresh()
        self.emit(f"{ssa} = tessera_tile.load_tile {box.view}[{box.origin[0]}, "
                  f"{box.origin[1]}] : {box.vtype} -> "
                  f"{self.matrix_type(box.shape, box.arg.dtype)}")
        return _Tile2(ssa, box.arg.dtype, box.shape, loaded=(box, self.lines, self.lines[-1]))

    def to_shared(self, box: _Slice, node) -> str:
        """A box copied into a padded shared buffer (for a dot)."""
        buffer, token = self.fresh(), self.fresh()
        smem = (f"!tessera_tile.smem<{box.shape[0]}x{box.shape[1]}x{box.arg.dtype}, "
                f"#tessera_tile.smem_layout<pad = 8>>")
        if box.shape[1] % 8:
            raise self.error(node, f"a dot operand's rows of {box.shape[1]} elements are not "
                                   f"whole 16-byte chunks")
        self.emit(f"{buffer} = tessera_tile.local_alloc : {smem}")
        self.emit(f"{token} = tessera_tile.box_copy {box.view}[{box.origin[0]}, "
                  f"{box.origin[1]}], {buffer} : {box.vtype}, {smem} -> "
                  f"!tessera_tile.async_token")
        self.emit(f"tessera_tile.wait {token}")
        return buffer, smem

    def dot(self, node, a, b, acc) -> _Tile2:
        """acc + a @ b on tensor cores: `a` a box, a shared buffer or a
        register tile (f16/bf16, e.g. probabilities cast down); `b` a box or
        a shared buffer, or one read transposed (`tessera.trans`)."""
        if not isinstance(a, (_Slice, _Shared, _Tile2)) or \
                not isinstance(b, (_Slice, _Shared, _Trans)):
            raise self.error(node, "tessera.dot's a is a box of a tensor "
                                   "(t[r0:r0 + M, k0:k0 + K]), a shared buffer or a matrix "
                                   "tile; b a box, a shared buffer or tessera.trans of one")
        if isinstance(a, _Tile2) and 1 in a.shape:
            raise self.error(node, "tessera.dot's a is a matrix, not a vector")
        dtypes = [a.dtype, b.dtype]
        if dtypes[0] not in ("f16", "bf16") or dtypes[0] != dtypes[1]:
            raise self.error(node, f"tessera.dot takes f16 or bf16 operands of one type, got "
                                   f"{dtypes[0]} and {dtypes[1]} (tessera.cast first)")
        if not isinstance(acc, _Tile2) or acc.dtype != "f32":
            raise self.error(node, "tessera.dot's accumulator is an f32 matrix tile "
                                   "(tessera.zeros((M, N), tessera.f32))")
        m, k = a.shape
        k2, n = b.shape
        if k != k2 or (m, n) != acc.shape or k % 16:
            raise self.error(node, f"tessera.dot of {m}x{k} and {k2}x{n} into {acc.shape[0]}x"
                                   f"{acc.shape[1]}: shapes must match, K a multiple of 16")
        if self.tma is None:
            self.wgmma_fits.append(self.fits_wgmma(a, b, acc))
        elif self.fits_wgmma(a, b, acc):
            return self.dot_tma(a, b, acc)
        if isinstance(a, _Tile2):
            ta = (f"tensor<{m}x{k}x{a.dtype}, #tessera_tile.dot_operand<index = 0, "
                  f"parent = {self.matrix_encoding()}>>")
            if a.loaded is not None:
                # A box loaded as it is: staged through shared memory into
                # the operand layout (packed, ldmatrix) where it was loaded
                # (on AMD, mfma reads it from shared memory).
                if a.operand is None:
                    box, lines, line = a.loaded
                    outer, self.lines = self.lines, []
                    buffer, smem = self.to_shared(box, node)
                    if self.amd:
                        a.operand = (buffer, smem)
                    else:
                        a.operand = (self.fresh(), ta)
                        self.emit(f"{a.operand[0]} = tessera_tile.local_load {buffer} : {smem} "
                                  f"-> {ta}")
                    at = next(i for i, text in enumerate(lines) if text is line)
                    lines[at + 1:at + 1] = self.lines
                    self.lines = outer
                sa, ta = a.operand
            elif self.amd:
                # mfma takes a from shared memory: the tile is stored there
                # (tessera-tile-insert-barriers orders the store and reads).
                sa = self.fresh()
                ta = (f"!tessera_tile.smem<{m}x{k}x{a.dtype}, "
                      f"#tessera_tile.smem_layout<pad = 8>>")
                self.emit(f"{sa} = tessera_tile.local_alloc : {ta}")
                self.emit(f"tessera_tile.local_store {a.ssa}, {sa} : {self.type_of(a)}, {ta}")
            else:
                # Registers: the accumulator's layout is the a operand's on
                # mma.sync (convert_layout moves nothing there).
                sa = self.fresh()
                self.emit(f"{sa} = tessera_tile.convert_layout {a.ssa} : {self.type_of(a)} -> "
                          f"{ta}")
        else:
            sa, ta = (a.ssa, a.type()) if isinstance(a, _Shared) else self.to_shared(a, node)
        inner = b.of if isinstance(b, _Trans) else b
        sb, tb = (inner.ssa, inner.type()) if isinstance(inner, _Shared) else \
            self.to_shared(inner, node)
        if isinstance(b, _Trans):
            t = self.fresh()
            tt = (f"!tessera_tile.smem<{k}x{n}x{b.dtype}, #tessera_tile.smem_layout<pad = 8, "
                  f"transposed = true>>")
            self.emit(f"{t} = tessera_tile.trans {sb} : {tb} -> {tt}")
            sb, tb = t, tt
        ssa = self.fresh()
        self.emit(f"{ssa} = tessera_tile.dot {sa}, {sb}, {acc.ssa} {{mma = {self.mma}}} : "
                  f"{ta}, {tb} -> {self.type_of(acc)}")
        return _Tile2(ssa, "f32", acc.shape)

    def store(self, target: ast.Subscript, value, node) -> None:
        tensor = self.expr(target.value)
        if not isinstance(tensor, _Arg):
            raise self.error(node, "a store target must be a tensor argument")
        if len(tensor.sizes) >= 2:
            return self.store_matrix(tensor, target, value, node)
        offsets = self.expr(target.slice)
        if not isinstance(offsets, _Range):
            raise self.error(node, "a store at computed offsets (a scatter) is not supported "
                                   "yet; store at base + tessera.arange(0, n)")
        self.set_width(offsets.width, node)
        bound = self.bound
        if bound is not None and (bound[:2] != (offsets.base.ssa, offsets.width) or
                                  self.specs[tensor.name].dims[0] != bound[2]):
            raise self.error(node, f"under `if offs < t.shape[0]:` (a dim '{bound[2]}') the "
                                   f"stores are at offs into tensors of that dim; mask "
                                   f"other stores with tessera.where")
        value = self.as_tile(value, tensor.dtype, node)
        if value.dtype != tensor.dtype:
            raise self.error(node, f"storing a {value.dtype} tile into the {tensor.dtype} "
                                   f"tensor '{tensor.name}'")
        self.emit(f"tessera_tile.store_tile {value.ssa}, {tensor.view}[{offsets.base.ssa}] : "
                  f"{self.tile_type(tensor.dtype)}, memref<?x{tensor.dtype}, strided<[1]>>")
        self.stores.append((tensor.name, offsets))

    # -- expressions

    def callee(self, call: ast.Call) -> Optional[str]:
        f = call.func
        if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name):
            module = self.fn.__globals__.get(f.value.id)
            if isinstance(module, types.ModuleType) and module.__name__ == "tessera":
                return f.attr
        return None

    def constant(self, node) -> int:
        value = self.expr(node)
        if not isinstance(value, int):
            raise self.error(node, "expected a compile-time integer (a literal or a "
                                   "tessera.constexpr parameter)")
        return value

    def index(self, value: int, form=None) -> _Index:
        ssa = self.fresh()
        self.emit(f"{ssa} = arith.constant {value} : index")
        return _Index(ssa, (0, value) if form is None else form, nonneg=value >= 0)

    def expr(self, node):
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) \
                and not isinstance(node.value, bool):
            return node.value
        if isinstance(node, ast.Name):
            if node.id not in self.env:
                # A compile-time value of the enclosing scope or module.
                scope = dict(zip(self.fn.__code__.co_freevars,
                                 (c.cell_contents for c in self.fn.__closure__ or ())))
                for space in (scope, self.fn.__globals__):
                    value = space.get(node.id)
                    if isinstance(value, (bool, int, float, str)):
                        return value
                raise self.error(node, f"'{node.id}' is not defined in the kernel (arguments, "
                                       f"constexpr parameters and names assigned above)")
            return self.env[node.id]
        if isinstance(node, ast.BinOp):
            return self.binary(node, self.expr(node.left), self.expr(node.right))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            value = self.expr(node.operand)
            if isinstance(value, (int, float)):
                return -value
            return self.binary(node, 0 if isinstance(value, (_Index, _Range)) else 0.0, value,
                               op=ast.Sub())
        if isinstance(node, ast.BoolOp):
            values = [self.expr(v) for v in node.values]
            if all(isinstance(v, (bool, int)) for v in values):
                return all(values) if isinstance(node.op, ast.And) else any(values)
            values = [v for v in values if not isinstance(v, (bool, int)) or
                      bool(v) != isinstance(node.op, ast.And)]
            if any(isinstance(v, (bool, int)) for v in values):
                return not isinstance(node.op, ast.And)  # decided by a constant
            if not all(isinstance(v, _Bool) for v in values):
                raise self.error(node, "and/or combine scalar conditions; combine tile "
                                       "masks with & and |")
            result = values[0]
            for v in values[1:]:
                ssa = self.fresh()
                op = "arith.andi" if isinstance(node.op, ast.And) else "arith.ori"
                self.emit(f"{ssa} = {op} {result.ssa}, {v.ssa} : i1")
                result = _Bool(ssa)
            return result
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            value = self.expr(node.operand)
            if isinstance(value, (bool, int)):
                return not value
            raise self.error(node, "not applies to compile-time conditions")
        if isinstance(node, ast.Constant) and isinstance(node.value, (bool, str)):
            return node.value
        if isinstance(node, ast.Compare) and len(node.ops) == 1:
            return self.compare(node, self.expr(node.left), node.ops[0],
                                self.expr(node.comparators[0]))
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) and \
                node.value.attr == "shape":
            tensor = self.expr(node.value.value)
            axis = self.constant(node.slice)
            if not isinstance(tensor, _Arg) or not 0 <= axis < len(tensor.sizes):
                raise self.error(node, "t.shape[d] takes a tensor argument and one of its dims")
            dim = self.specs[tensor.name].dims[axis]
            return _Index(tensor.sizes[axis], nonneg=True,
                          dim=dim if isinstance(dim, str) else None)
        if isinstance(node, ast.Subscript):
            return self.load(node)
        if isinstance(node, ast.Call):
            return self.call(node)
        raise self.error(node, f"{type(node).__name__} expressions are not supported in a "
                               f"tessera.kernel yet")

    def call(self, node: ast.Call):
        f = node.func
        if isinstance(f, ast.Attribute) and f.attr == "get_param" and \
                isinstance(f.value, ast.Attribute) and f.value.attr == "autotune" and \
                isinstance(f.value.value, ast.Name) and \
                getattr(self.fn.__globals__.get(f.value.value.id), "__name__", "") == "tessera":
            # tessera.autotune.get_param("NAME"): the configuration's value.
            if len(node.args) != 1 or not isinstance(node.args[0], ast.Constant):
                raise self.error(node, 'tessera.autotune.get_param("NAME") takes a name')
            name = node.args[0].value
            if name not in self.constants:
                raise self.error(node, f"no autotuned parameter {name!r} (the space has "
                                       f"{', '.join(sorted(self.constants)) or 'none'})")
            return self.constants[name]
        f = node.func
        if isinstance(f, ast.Subscript) and isinstance(f.value, ast.Attribute) and \
                f.value.attr == "alloc" and isinstance(f.value.value, ast.Attribute) and \
                f.value.value.attr == "shared":
            return self.shared_alloc(node)
        name = self.callee(node)
        if name is None:
            return self.host_call(node)
        args = node.args
        keywords = {k.arg: k.value for k in node.keywords}
        if name == "copy_async":
            if len(args) != 2 or keywords:
                raise self.error(node, "tessera.copy_async(box, buffer) takes two arguments")
            box, buffer = self.expr(args[0]), self.expr(args[1])
            if not isinstance(box, _Slice) or not isinstance(buffer, _Shared) or \
                    box.shape != buffer.shape or box.arg.dtype != buffer.dtype:
                raise self.error(node, "tessera.copy_async copies a box of a tensor into a "
                                       "shared buffer of its shape and dtype")
            token = self.fresh()
            self.emit(f"{token} = tessera_tile.box_copy {box.view}[{box.origin[0]}, "
                      f"{box.origin[1]}], {buffer.ssa} : {box.vtype}, "
                      f"{buffer.type()} -> !tessera_tile.async_token")
            self.pending.append(token)
            return None
        if name == "wait_group":
            left = self.constant(args[0]) if args else 0
            if not self.pending:
                raise self.error(node, "tessera.wait_group with no tessera.copy_async in flight")
            suffix = f" pending {left}" if left else ""
            self.emit(f"tessera_tile.wait {', '.join(self.pending)}{suffix}")
            self.pending = self.pending[len(self.pending) - left:] if left else []
            return None
        if name == "barrier":
            self.emit("tessera_tile.barrier")
            return None
        if name in ("sum", "max", "min"):
            return self.reduce(node, name, args, keywords)
        if name == "load" and len(args) == 1 and set(keywords) <= {"other"}:
            return self.load_box(node, self.expr(args[0]), keywords.get("other"))
        if node.keywords:
            raise self.error(node, f"tessera.{name} takes no keyword arguments here")
        if name == "program_id":
            axis = self.constant(args[0])
            if axis not in (0, 1, 2):
                raise self.error(node, f"program_id({axis}): grids have axes 0, 1 and 2")
            if self.grid is not None and axis >= len(self.grid):
                raise self.error(node, f"program_id({axis}) in a launch on the "
                                       f"{len(self.grid)}-d grid {self.grid}")
            if self.grid is None and axis:
                self.auto_axes = True
            ssa = self.fresh()
            self.emit(f"{ssa} = tessera_tile.program_id {axis}")
            return _Index(ssa, (1, 0) if axis == 0 else None, nonneg=True)
        if name == "block_size":
            self.constant(args[0])
            return self.threads
        if name == "thread_id":
            self.constant(args[0])
            return _Range(self.index(0), self.threads)
        if name == "arange":
            lo, hi = self.constant(args[0]), self.constant(args[1])
            if hi <= lo:
                raise self.error(node, f"arange({lo}, {hi}) is empty")
            return _Range(self.index(lo), hi - lo)
        if name == "zeros":
            shape = args[0]
            if not isinstance(shape, ast.Tuple) or len(shape.elts) != 2 or len(args) != 2:
                raise self.error(node, "tessera.zeros((M, N), tessera.f32) makes a matrix tile")
            dims = tuple(self.constant(e) for e in shape.elts)
            dtype = args[1].attr if isinstance(args[1], ast.Attribute) else None
            if dtype not in _FLOATS:
                raise self.error(node, "tessera.zeros takes tessera.f32, f16 or bf16")
            self.check_matrix(dims, node)
            ssa = self.fresh()
            self.emit(f"{ssa} = arith.constant dense<0.0> : {self.matrix_type(dims, dtype)}")
            return _Tile2(ssa, dtype, dims)
        if name == "dot":
            if len(args) != 3:
                raise self.error(node, "tessera.dot(a, b, acc) takes three arguments")
            return self.dot(node, *(self.expr(a) for a in args))
        if name == "range":
            raise self.error(node, "tessera.range is the iterable of a for loop")
        if name == "load":
            fake = ast.Subscript(value=args[0], slice=args[1], ctx=ast.Load())
            ast.copy_location(fake, node)
            return self.load(fake)
        if name in _UNARY:
            x = self.expr(args[0])
            if isinstance(x, _Slice):
                x = self.load_matrix(x, node)
            if isinstance(x, _Tile2):
                ssa = self.fresh()
                self.emit(f"{ssa} = {_UNARY[name]} {x.ssa} : {self.type_of(x)}")
                return _Tile2(ssa, x.dtype, x.shape)
            x = self.float_tile(x, node)
            ssa = self.fresh()
            self.emit(f"{ssa} = {_UNARY[name]} {x.ssa} : {self.tile_type(x.dtype)}")
            return _Tile(ssa, x.dtype)
        if name in _BINARY:
            if len(args) != 2:
                raise self.error(node, f"tessera.{name}(a, b) takes two arguments")
            a, b = self.expr(args[0]), self.expr(args[1])
            if all(isinstance(v, (int, _Index)) for v in (a, b)):
                if isinstance(a, int) and isinstance(b, int):
                    return min(a, b) if name == "minimum" else max(a, b)
                a, b = self.as_index(a, node), self.as_index(b, node)
                ssa = self.fresh()
                self.emit(f"{ssa} = arith.{name[:3]}si {a.ssa}, {b.ssa} : index")
                return _Index(ssa, nonneg=a.nonneg and b.nonneg if name == "minimum"
                              else a.nonneg or b.nonneg)
            return self.float_binary(node, _BINARY[name], a, b)
        if name == "cast":
            if len(args) != 2:
                raise self.error(node, "tessera.cast(x, dtype) takes two arguments")
            return self.cast(node, self.expr(args[0]), self.dtype_of(args[1], node))
        if name == "full":
            if len(args) != 3 or not isinstance(args[0], ast.Tuple) or len(args[0].elts) != 2:
                raise self.error(node, "tessera.full((R, C), value, dtype) makes a matrix "
                                       "tile ((R, 1): a value per row)")
            shape = tuple(self.constant(e) for e in args[0].elts)
            value = self.number(args[1])
            dtype = self.dtype_of(args[2], node)
            if not isinstance(value, (int, float)):
                raise self.error(node, "tessera.full's value is a compile-time number")
            self.check_matrix(shape, node)
            return _Tile2(self.splat(value, dtype, shape, node), dtype, shape)
        if name == "trans":
            if len(args) != 1:
                raise self.error(node, "tessera.trans(x) takes one argument")
            x = self.expr(args[0])
            if not isinstance(x, (_Slice, _Shared)):
                raise self.error(node, "tessera.trans takes a box of a tensor or a shared "
                                       "buffer (a dot's b read transposed, as in q @ k.T)")
            return _Trans(x)
        if name == "where" and len(args) == 3:
            cond = self.expr(args[0])
            if isinstance(cond, _Tile2):
                return self.matrix_where(node, cond, *(self.number(a) for a in args[1:]))
            if not isinstance(cond, _Tile) or cond.dtype != "i1":
                raise self.error(node, "tessera.where needs a comparison of tiles first")
            a, b = self.expr(args[1]), self.expr(args[2])
            dtype = next((v.dtype for v in (a, b) if isinstance(v, _Tile)), "f32")
            a, b = self.as_tile(a, dtype, node), self.as_tile(b, dtype, node)
            ssa = self.fresh()
            self.emit(f"{ssa} = arith.select {cond.ssa}, {a.ssa}, {b.ssa} : "
                      f"{self.tile_type('i1')}, {self.tile_type(dtype)}")
            return _Tile(ssa, dtype)
        raise self.error(node, f"tessera.{name} is not supported in a tessera.kernel yet")

    def host_call(self, node: ast.Call):
        """A Python function (math.sqrt, min, a helper of the module) on
        compile-time numbers: evaluated while building."""
        def resolve(f):
            if isinstance(f, ast.Name):
                import builtins

                if f.id in self.fn.__globals__:
                    return self.fn.__globals__[f.id]
                return getattr(builtins, f.id, None)
            if isinstance(f, ast.Attribute):
                owner = resolve(f.value)
                return getattr(owner, f.attr, None) if owner is not None else None
            return None
        fn = resolve(node.func)
        values = [self.number(a) for a in node.args]
        if not callable(fn) or node.keywords or \
                not all(isinstance(v, (int, float)) for v in values):
            raise self.error(node, "only tessera.* functions can be called on tiles and "
                                   "indices; other functions take compile-time numbers")
        return fn(*values)

    def dtype_of(self, node, where) -> str:
        dtype = node.attr if isinstance(node, ast.Attribute) else None
        if dtype not in _FLOATS:
            raise self.error(where, "expected tessera.f32, tessera.f16 or tessera.bf16")
        return dtype

    def cast(self, node, x, dtype: str):
        """`tessera.cast(x, dtype)`: float tiles rounded or widened."""
        if isinstance(x, _Slice):
            x = self.load_matrix(x, node)
        if not isinstance(x, (_Tile, _Tile2)) or x.dtype not in _FLOATS:
            raise self.error(node, "tessera.cast takes a float tile")
        if x.dtype == dtype:
            return x
        widths = {"f32": 32, "f16": 16, "bf16": 16}
        if widths[x.dtype] == widths[dtype]:
            raise self.error(node, f"tessera.cast from {x.dtype} to {dtype}: go through "
                                   f"tessera.f32")
        op = "arith.truncf" if widths[dtype] < widths[x.dtype] else "arith.extf"
        ssa = self.fresh()
        if isinstance(x, _Tile2):
            self.emit(f"{ssa} = {op} {x.ssa} : {self.type_of(x)} to "
                      f"{self.matrix_type(x.shape, dtype)}")
            return _Tile2(ssa, dtype, x.shape)
        self.emit(f"{ssa} = {op} {x.ssa} : {self.tile_type(x.dtype)} to "
                  f"{self.tile_type(dtype)}")
        return _Tile(ssa, dtype)

    def matrix_where(self, node, cond: _Tile2, a, b) -> _Tile2:
        a, b = (self.load_matrix(v, node) if isinstance(v, _Slice) else v for v in (a, b))
        dtype = next((v.dtype for v in (a, b) if isinstance(v, _Tile2)), "f32")
        if any(isinstance(v, _Tile2) and v.dtype != dtype for v in (a, b)):
            raise self.error(node, "tessera.where's choices are of one dtype")
        shape = self.common_shape([cond, a, b], node)
        c = self.broadcast(cond, shape, node)
        x, y = (self.broadcast(v, shape, node) if isinstance(v, _Tile2)
                else self.splat(v, dtype, shape, node) for v in (a, b))
        ssa = self.fresh()
        self.emit(f"{ssa} = arith.select {c}, {x}, {y} : {self.matrix_type(shape, 'i1')}, "
                  f"{self.matrix_type(shape, dtype)}")
        return _Tile2(ssa, dtype, shape)

    def vector(self, node: ast.Subscript, value):
        """`r[:, None]` / `r[None, :]` of `r = base + tessera.arange(0, n)`:
        an (n, 1) / (1, n) index tile; `w[None, c0:c0 + C]` of a rank-1
        tensor: its elements as a (1, C) tile (0 past its end)."""
        index = node.slice
        if not (isinstance(index, ast.Tuple) and len(index.elts) == 2):
            return None
        none = [isinstance(e, ast.Constant) and e.value is None for e in index.elts]
        if sorted(none) != [False, True]:
            return None
        axis = 0 if none[1] else 1
        if isinstance(value, _Range):
            full = index.elts[axis]
            if not (isinstance(full, ast.Slice) and full.lower is None and
                    full.upper is None and full.step is None):
                raise self.error(node, "an arange is made a column with r[:, None] and a "
                                       "row with r[None, :]")
            return self.coordinate_vector(value.width, axis, value.base.ssa)
        if isinstance(value, _Arg) and len(value.sizes) == 1 and axis == 1:
            box = index.elts[1]
            if not isinstance(box, ast.Slice) or box.lower is None or box.upper is None \
                    or box.step is not None:
                raise self.error(node, "w[None, c0:c0 + C] takes a slice of constant extent")
            lo, extent = self.extent(box, node)
            self.check_matrix((1, extent), node)
            offsets = self.coordinate_vector(extent, 1, lo.ssa)
            ssa = self.fresh()
            self.emit(f"{ssa} = tessera_tile.gather {value.view}[{offsets.ssa}] : "
                      f"{value.view_type()}, {self.type_of(offsets)} -> "
                      f"{self.matrix_type((1, extent), value.dtype)}")
            return _Tile2(ssa, value.dtype, (1, extent))
        raise self.error(node, "[:, None] and [None, :] index aranges (and rank-1 tensors "
                               "as w[None, c0:c0 + C])")

    def load(self, node: ast.Subscript):
        tensor = self.expr(node.value)
        vector = self.vector(node, tensor)
        if vector is not None:
            return vector
        if not isinstance(tensor, _Arg):
            raise self.error(node, "only tensor arguments can be indexed")
        if len(tensor.sizes) >= 2:
            return self.slice(tensor, node.slice, node)
        offsets = self.expr(node.slice)
        ssa = self.fresh()
        if isinstance(offsets, _Range):
            self.set_width(offsets.width, node)
            self.emit(f"{ssa} = tessera_tile.load_tile {tensor.view}[{offsets.base.ssa}] : "
                      f"memref<?x{tensor.dtype}, strided<[1]>> -> {self.tile_type(tensor.dtype)}")
            return _Tile(ssa, tensor.dtype)
        if isinstance(offsets, _Tile) and offsets.dtype == "index":
            self.emit(f"{ssa} = tessera_tile.gather {tensor.view}[{offsets.ssa}] : "
                      f"memref<?x{tensor.dtype}, strided<[1]>>, {self.tile_type('index')} -> "
                      f"{self.tile_type(tensor.dtype)}")
            return _Tile(ssa, tensor.dtype)
        raise self.error(node, "a load takes a tile of offsets (base + tessera.arange(...), "
                               "or offsets computed from one)")

    # -- arithmetic

    def materialize(self, r: _Range, node) -> _Tile:
        """The offsets of a box as an index tile."""
        self.set_width(r.width, node)
        rng, idx, base, ssa = self.fresh(), self.fresh(), self.fresh(), self.fresh()
        self.emit(f"{rng} = tessera_tile.range 0 to {r.width} : {self.tile_type('i32')}")
        self.emit(f"{idx} = arith.index_cast {rng} : {self.tile_type('i32')} to "
                  f"{self.tile_type('index')}")
        self.emit(f"{base} = tensor.splat {r.base.ssa} : {self.tile_type('index')}")
        self.emit(f"{ssa} = arith.addi {idx}, {base} : {self.tile_type('index')}")
        return _Tile(ssa, "index")

    def as_index(self, value, node) -> _Index:
        if isinstance(value, int):
            return self.index(value)
        if isinstance(value, _Index):
            return value
        raise self.error(node, "expected an index")

    def as_tile(self, value, dtype: str, node) -> _Tile:
        if isinstance(value, _Tile):
            return value
        if isinstance(value, _Range):
            return self.materialize(value, node)
        if isinstance(value, (int, float)):
            scalar, ssa = self.fresh(), self.fresh()
            if dtype == "index":
                self.emit(f"{scalar} = arith.constant {int(value)} : index")
            else:
                self.emit(f"{scalar} = arith.constant {_float_literal(value)} : {dtype}")
            self.emit(f"{ssa} = tensor.splat {scalar} : {self.tile_type(dtype)}")
            return _Tile(ssa, dtype)
        if isinstance(value, _Index) and dtype == "index":
            ssa = self.fresh()
            self.emit(f"{ssa} = tensor.splat {value.ssa} : {self.tile_type('index')}")
            return _Tile(ssa, "index")
        raise self.error(node, f"cannot use this value as a {dtype} tile")

    def float_tile(self, value, node) -> _Tile:
        if not isinstance(value, _Tile) or value.dtype not in _FLOATS:
            raise self.error(node, "expected a float tile (a load, or math on loads)")
        return value

    def matrix_binary(self, node, op: str, a, b) -> _Tile2:
        """`op` (a float op name, or an ast operator) on matrix tiles,
        vectors, numbers and indices, broadcast as NumPy does."""
        a, b = (self.load_matrix(v, node) if isinstance(v, _Slice) else v for v in (a, b))
        tiles = [v for v in (a, b) if isinstance(v, _Tile2)]
        dtypes = {v.dtype for v in tiles}
        if len(dtypes) != 1:
            raise self.error(node, f"mixing {' and '.join(sorted(dtypes))} tiles; "
                                   f"tessera.cast one first")
        dtype = dtypes.pop()
        if not isinstance(op, str):
            table = _IARITH if dtype in ("index", "i1") else _FARITH
            if type(op) not in table:
                raise self.error(node, f"{type(op).__name__} on {dtype} tiles is not "
                                       f"supported")
            op = table[type(op)]
        shape = self.common_shape(tiles, node)
        x, y = (self.broadcast(v, shape, node) if isinstance(v, _Tile2)
                else self.splat(v, dtype, shape, node) for v in (a, b))
        ssa = self.fresh()
        self.emit(f"{ssa} = {op} {x}, {y} : {self.matrix_type(shape, dtype)}")
        return _Tile2(ssa, dtype, shape)

    def float_binary(self, node, op: str, a, b) -> _Tile:
        if any(isinstance(v, (_Tile2, _Slice)) for v in (a, b)):
            return self.matrix_binary(node, op, a, b)
        dtype = next((v.dtype for v in (a, b) if isinstance(v, _Tile) and v.dtype in _FLOATS),
                     None)
        if dtype is None:
            raise self.error(node, "float math needs a float tile operand")
        a, b = self.as_tile(a, dtype, node), self.as_tile(b, dtype, node)
        if a.dtype != b.dtype:
            raise self.error(node, f"mixing {a.dtype} and {b.dtype} tiles; cast first")
        ssa = self.fresh()
        self.emit(f"{ssa} = {op} {a.ssa}, {b.ssa} : {self.tile_type(dtype)}")
        return _Tile(ssa, dtype)

    def binary(self, node, a, b, op=None):
        op = op or node.op
        kind = type(op)
        if any(isinstance(v, (_Tile2, _Slice)) for v in (a, b)):
            return self.matrix_binary(node, op, a, b)
        # Compile-time integers fold.
        if isinstance(a, (int, float)) and isinstance(b, (int, float)):
            folds = {ast.Add: lambda: a + b, ast.Sub: lambda: a - b, ast.Mult: lambda: a * b,
                     ast.FloorDiv: lambda: a // b, ast.Mod: lambda: a % b,
                     ast.Div: lambda: a / b}
            if kind in folds:
                return folds[kind]()
        floats = any(isinstance(v, _Tile) and v.dtype in _FLOATS for v in (a, b)) or \
            any(isinstance(v, (float, _Tile2, _Slice)) for v in (a, b))
        if floats:
            ops = {ast.Add: "arith.addf", ast.Sub: "arith.subf", ast.Mult: "arith.mulf",
                   ast.Div: "arith.divf"}
            if kind not in ops:
                raise self.error(node, f"{kind.__name__} on float tiles is not supported")
            return self.float_binary(node, ops[kind], a, b)
        # Index arithmetic: scalars keep their form, boxes move.
        if isinstance(a, _Range) and kind in (ast.Add, ast.Sub) and \
                isinstance(b, (int, _Index)):
            return _Range(self.binary(node, a.base, b, op), a.width)
        if isinstance(b, _Range) and kind is ast.Add and isinstance(a, (int, _Index)):
            return _Range(self.binary(node, a, b.base, op), b.width)
        ops = {ast.Add: "arith.addi", ast.Sub: "arith.subi", ast.Mult: "arith.muli",
               ast.FloorDiv: "arith.divsi", ast.Mod: "arith.remsi"}
        if kind not in ops:
            raise self.error(node, f"{kind.__name__} on indices is not supported")
        if isinstance(a, (_Range, _Tile)) or isinstance(b, (_Range, _Tile)):
            a, b = self.as_tile(a, "index", node), self.as_tile(b, "index", node)
            ssa = self.fresh()
            self.emit(f"{ssa} = {ops[kind]} {a.ssa}, {b.ssa} : {self.tile_type('index')}")
            return _Tile(ssa, "index")
        form = None
        fa = (0, a) if isinstance(a, int) else a.form
        fb = (0, b) if isinstance(b, int) else b.form
        if fa is not None and fb is not None:
            if kind is ast.Add:
                form = (fa[0] + fb[0], fa[1] + fb[1])
            elif kind is ast.Sub:
                form = (fa[0] - fb[0], fa[1] - fb[1])
            elif kind is ast.Mult and (fa[0] == 0 or fb[0] == 0):
                form = (fa[0] * fb[1] + fb[0] * fa[1], fa[1] * fb[1])
        anchor = None
        if kind in (ast.Add, ast.Sub) and isinstance(b, int) and isinstance(a, _Index):
            root, offset = a.anchored()
            anchor = (root, offset + (b if kind is ast.Add else -b))
        elif kind is ast.Add and isinstance(a, int) and isinstance(b, _Index):
            root, offset = b.anchored()
            anchor = (root, offset + a)
        a, b = self.as_index(a, node), self.as_index(b, node)
        ssa = self.fresh()
        self.emit(f"{ssa} = {ops[kind]} {a.ssa}, {b.ssa} : index")
        nonneg = a.nonneg and b.nonneg and kind is not ast.Sub
        return _Index(ssa, form, anchor, nonneg)

    def compare(self, node, a, op, b):
        if all(isinstance(v, (int, float)) for v in (a, b)) or \
                all(isinstance(v, str) for v in (a, b)):  # constexprs fold
            return {ast.Lt: a < b, ast.LtE: a <= b, ast.Gt: a > b, ast.GtE: a >= b,
                    ast.Eq: a == b, ast.NotEq: a != b}[type(op)]
        if any(isinstance(v, (_Tile2, _Slice)) for v in (a, b)):
            a, b = (self.load_matrix(v, node) if isinstance(v, _Slice) else v for v in (a, b))
            dtype = next(v.dtype for v in (a, b) if isinstance(v, _Tile2))
            pred = f"arith.cmpf {_CMP[type(op)]}," if dtype in _FLOATS else \
                f"arith.cmpi {_ICMP[type(op)]},"
            x = self.matrix_binary(node, pred, a, b)  # (typed by its operands)
            return _Tile2(x.ssa, "i1", x.shape)
        if all(isinstance(v, (int, _Index)) for v in (a, b)):
            # Scalars: a condition for an if.
            a, b = self.as_index(a, node), self.as_index(b, node)
            ssa = self.fresh()
            pred = _ICMP[type(op)]
            if a.nonneg and b.nonneg and pred[0] == "s":
                pred = "u" + pred[1:]
            self.emit(f"{ssa} = arith.cmpi {pred}, {a.ssa}, {b.ssa} : index")
            return _Bool(ssa)
        floats = any(isinstance(v, _Tile) and v.dtype in _FLOATS for v in (a, b))
        if floats:
            dtype = next(v.dtype for v in (a, b) if isinstance(v, _Tile) and v.dtype in _FLOATS)
            a, b = self.as_tile(a, dtype, node), self.as_tile(b, dtype, node)
            pred, cmp = _CMP[type(op)], "arith.cmpf"
        else:
            bound = None
            if isinstance(a, _Range) and isinstance(op, ast.Lt) and \
                    isinstance(b, _Index) and b.dim is not None:
                bound = (a.base.ssa, a.width, b.dim)
            a, b = self.as_tile(a, "index", node), self.as_tile(b, "index", node)
            dtype, pred, cmp = "index", _ICMP[type(op)], "arith.cmpi"
            ssa = self.fresh()
            self.emit(f"{ssa} = {cmp} {pred}, {a.ssa}, {b.ssa} : {self.tile_type(dtype)}")
            return _Tile(ssa, "i1", bound)
        ssa = self.fresh()
        self.emit(f"{ssa} = {cmp} {pred}, {a.ssa}, {b.ssa} : {self.tile_type(dtype)}")
        return _Tile(ssa, "i1")


# --- the interpreter -----------------------------------------------------------

class _InterpretedTensor:
    """An array whose loads read 0 and whose stores skip past its end
    (elements of a rank-1 array at offsets; boxes of a rank-2 one)."""

    def __init__(self, name: str, array: np.ndarray):
        self.name, self.array = name, array
        self.shape = array.shape

    def _box(self, index):
        """(the box's slices within the array, where they land in the box,
        the box's shape)."""
        inner, outer, shape = [], [], []
        for s, n in zip(index, self.array.shape):
            lo, hi = int(s.start), int(s.stop)
            inner.append(slice(min(max(lo, 0), n), min(max(hi, 0), n)))
            outer.append(slice(inner[-1].start - lo, inner[-1].stop - lo))
            shape.append(hi - lo)
        return tuple(inner), tuple(outer), tuple(shape)

    def _offsets(self, index):
        offsets = np.asarray(index)
        return offsets, (offsets >= 0) & (offsets < self.array.shape[0])

    def _matrix(self, index):
        """`t[i, ...]` of a rank-3 array: matrix i (a view) and the rest."""
        if isinstance(index, tuple) and self.array.ndim == 3 and len(index) == 3:
            return _InterpretedTensor(self.name, self.array[int(index[0])]), index[1:]
        return self, index

    def __getitem__(self, index):
        if isinstance(index, tuple) and len(index) == 2 and index[0] is None:
            # w[None, c0:c0 + C] of a rank-1 tensor: a (1, C) row.
            s = index[1]
            return self[np.arange(int(s.start), int(s.stop))][None, :]
        tensor, index = self._matrix(index)
        if tensor is not self:
            return tensor[index]
        if isinstance(index, tuple):
            inner, outer, shape = self._box(index)
            out = np.zeros(shape, self.array.dtype).view(_Box)
            out[outer] = self.array[inner]
            out.inside = np.zeros(shape, bool)
            out.inside[outer] = True
            return out
        offsets, inside = self._offsets(index)
        out = np.zeros(offsets.shape, self.array.dtype)
        out[inside] = self.array[offsets[inside]]
        return out

    def __setitem__(self, index, value):
        tensor, index = self._matrix(index)
        if tensor is not self:
            tensor[index] = value
            return
        if isinstance(index, tuple):
            inner, outer, shape = self._box(index)
            self.array[inner] = np.asarray(value)[outer].astype(self.array.dtype)
            return
        offsets, inside = self._offsets(index)
        value = np.broadcast_to(np.asarray(value, self.array.dtype), offsets.shape)
        self.array[offsets[inside]] = value[inside]


class _SharedBuffer:
    """A shared buffer in the interpreter: its data and where it stands in
    the copy protocol, for race reports. A copy lands at `wait_group`; the
    data is the block's after the next `barrier` (before it, other threads
    may not see it); a buffer read since the last barrier must not be
    overwritten before the next one."""

    def __init__(self, shape, dtype, line: int):
        self.data = np.zeros(shape, dtype)
        self.line = line
        self.incoming = None       # a copy in flight
        self.landed = False        # landed, not yet published by a barrier
        self.read_since_barrier = False


class _Box(np.ndarray):
    """A box the interpreter loaded: its values, and where they lay within
    the tensor (`inside`), for `tessera.load(box, other=...)`."""
    inside = None


class _SharedAlloc:
    """`tessera.shared.alloc[dtype](rows, cols)` in the interpreter."""

    def __init__(self, interpreter):
        self.interpreter = interpreter

    def __getitem__(self, dtype):
        def alloc(*shape, swizzle=None):
            import sys

            buffer = _SharedBuffer(shape, dtype, sys._getframe(1).f_lineno)
            self.interpreter.buffers.append(buffer)
            return buffer
        return alloc


class _Interpreter(types.SimpleNamespace):
    """What `tessera` is inside a kernel the interpreter runs."""

    def __init__(self, threads: int, params: Optional[dict] = None, source: str = ""):
        super().__init__(pid=0, threads=threads, source=source, buffers=[],
                         autotune=types.SimpleNamespace(
                             get_param=lambda name: (params or {})[name]),
                         shared=types.SimpleNamespace(alloc=_SharedAlloc(self)))

    def race(self, message: str):
        import sys

        frame = sys._getframe(2)
        return KernelError(f"{self.source}:{frame.f_lineno}: race: {message}")

    def copy_async(self, box, buffer):
        if buffer.read_since_barrier:
            raise self.race(f"tessera.copy_async overwrites the shared buffer allocated at "
                            f"line {buffer.line}, which was read since the last "
                            f"tessera.barrier()")
        buffer.incoming = np.asarray(box)

    def wait_group(self, n=0):
        for buffer in self.buffers:
            if buffer.incoming is not None:
                buffer.data[...] = buffer.incoming
                buffer.incoming, buffer.landed = None, True

    def barrier(self):
        for buffer in self.buffers:
            buffer.landed, buffer.read_since_barrier = False, False

    def _read(self, value):
        if isinstance(value, _SharedBuffer):
            if value.incoming is not None:
                raise self.race(f"the shared buffer allocated at line {value.line} is read "
                                f"while a tessera.copy_async into it is in flight (no "
                                f"tessera.wait_group)")
            if value.landed:
                raise self.race(f"the shared buffer allocated at line {value.line} is read "
                                f"before the tessera.barrier() that publishes its copy")
            value.read_since_barrier = True
            return value.data
        return value

    def program_id(self, axis):
        return self.pid[axis]

    def block_size(self, axis):
        return self.threads

    def thread_id(self, axis):
        return np.arange(self.threads)

    def arange(self, lo, hi):
        return np.arange(lo, hi)

    def range(self, *bounds, stages=1):
        return range(*bounds)

    def zeros(self, shape, dtype):
        return np.zeros(shape, dtype)

    @staticmethod
    def full(shape, value, dtype):
        return np.full(shape, value, dtype)

    def trans(self, x):
        return self._read(x).T

    @staticmethod
    def cast(x, dtype):
        return np.asarray(x).astype(dtype)

    def dot(self, a, b, acc):
        a, b = self._read(a), self._read(b)
        return acc + a.astype(np.float32) @ b.astype(np.float32)

    f32, f16 = np.float32, np.float16

    @property
    def bf16(self):
        from .runtime.plan import numpy_dtype

        return numpy_dtype("bf16").type

    def load(self, tensor, offsets=None, other=None):
        if offsets is None:  # a box, with other past the bounds
            box = tensor
            if other is None or box.inside is None:
                return np.asarray(box)
            return np.where(box.inside, np.asarray(box), np.asarray(other, box.dtype))
        return tensor[offsets]

    @staticmethod
    def sum(x, axis, keepdims):
        return np.sum(x, axis=axis, keepdims=keepdims).astype(x.dtype)

    @staticmethod
    def max(x, axis, keepdims):
        return np.max(x, axis=axis, keepdims=keepdims)

    @staticmethod
    def min(x, axis, keepdims):
        return np.min(x, axis=axis, keepdims=keepdims)

    def store(self, tensor, offsets, value):
        tensor[offsets] = value

    exp, log, sqrt, tanh, abs = (staticmethod(np.exp), staticmethod(np.log),
                                 staticmethod(np.sqrt), staticmethod(np.tanh),
                                 staticmethod(np.abs))
    maximum, minimum, where = (staticmethod(np.maximum), staticmethod(np.minimum),
                               staticmethod(np.where))


# --- kernels ---------------------------------------------------------------------

class Kernel:
    """A ``@tessera.kernel`` function: launch it as ``kernel(*args)`` (grid
    from its indexing) or ``kernel[grid](*args)``; ``mlir()`` shows its
    Target IR, ``compile(target)`` builds its artifact."""

    def __init__(self, fn, num_warps: int = 4, configs: Optional[List[dict]] = None,
                 key: Tuple[str, ...] = ()):
        if num_warps not in (1, 2, 4, 8, 16, 32):
            raise ValueError(f"tessera.kernel num_warps must be a power of two up to 32, "
                             f"got {num_warps}")
        self.fn, self.num_warps = fn, num_warps
        #: Autotuning: the candidate configurations, the dims that key the
        #: choice, the choice per key, and every candidate's result.
        self.configs = list(configs or [])
        self.key = tuple(key)
        self.budget_seconds: Optional[float] = None
        self.best: Dict[tuple, dict] = {}
        self.tuning: Dict[tuple, List[Tuple[dict, object]]] = {}
        self.__name__ = fn.__name__
        self.__doc__ = fn.__doc__
        # (eval_str: annotations written as strings, PEP 563, are resolved.)
        signature = inspect.signature(fn, eval_str=True)
        self.tensors: Dict[str, TensorSpec] = {}
        self.constexprs: Dict[str, object] = {}
        where = f"{inspect.getsourcefile(fn)}:{fn.__code__.co_firstlineno}"
        for name, p in signature.parameters.items():
            if p.annotation is constexpr:
                self.constexprs[name] = p.default
            elif isinstance(p.annotation, TensorSpec):
                if p.annotation.rank not in (1, 2, 3):
                    raise KernelError(f"{where}: kernel '{fn.__name__}': argument '{name}' is "
                                      f"{p.annotation!r}; kernels take tensors of rank 1 to 3 "
                                      f"so far")
                if p.annotation.dtype is None:
                    raise KernelError(f"{where}: kernel '{fn.__name__}': argument '{name}' is "
                                      f"{p.annotation!r}, without an element type; kernel "
                                      f"arguments name theirs (Tensor[..., tessera.f16])")
                if p.annotation.dtype.mlir not in _FLOATS:
                    raise KernelError(f"{where}: kernel '{fn.__name__}': argument '{name}' has "
                                      f"dtype {p.annotation.dtype!r}; kernels take f32, f16 "
                                      f"and bf16 tensors so far")
                self.tensors[name] = p.annotation
            else:
                raise KernelError(f"{where}: kernel '{fn.__name__}': argument '{name}' needs a "
                                  f"tessera.Tensor[...] or tessera.constexpr annotation")
        self._artifacts: Dict[tuple, object] = {}

    def _constants(self, given: Dict[str, object]) -> Dict[str, object]:
        # An autotuned configuration's entries (other than num_warps) are
        # constants too, read by name or by tessera.autotune.get_param.
        tuned = {k for config in self.configs for k in config if k != "num_warps"}
        extra = {k: v for k, v in given.items() if k in tuned}
        given = {k: v for k, v in given.items() if k not in tuned}
        unknown = set(given) - set(self.constexprs)
        if unknown:
            raise TypeError(f"kernel '{self.__name__}' has no constexpr parameter "
                            f"{sorted(unknown)[0]!r}")
        values = dict(extra)
        for name, default in self.constexprs.items():
            value = given.get(name, extra.get(name, default))
            if value is inspect.Parameter.empty:
                raise TypeError(f"kernel '{self.__name__}': constexpr '{name}' has no value")
            values[name] = value
        return values

    def mlir(self, grid: Optional[Tuple[int, ...]] = None, target: str = "sm_90",
             num_warps: Optional[int] = None, **constants) -> str:
        """The kernel's Target IR module for `target` (a host function and the
        kernel)."""
        return self._build(grid, self._constants(constants), target, num_warps)[0]

    def _build(self, grid, constants, target: str = "sm_90", num_warps=None):
        grid = None if grid is None else tuple(int(g) for g in grid)
        if grid is not None and not (1 <= len(grid) <= 3 and all(g >= 1 for g in grid)):
            raise ValueError(f"kernel '{self.__name__}': a grid is one to three positive "
                             f"sizes, got {grid}")
        return _Builder(self.fn, self.tensors, constants, num_warps or self.num_warps, grid,
                        target).build()

    def compile(self, target: str = "sm_90", grid: Optional[Tuple[int, ...]] = None,
                num_warps: Optional[int] = None, **constants):
        """The kernel's artifact for a GPU target (cached per target, grid,
        warps and constants, in memory and in the disk cache of compiled
        functions); `artifact.mlir(stage)` shows the IR of each stage
        ("kernel", "tile", "target", "gpu")."""
        constants = self._constants(constants)
        num_warps = num_warps or self.num_warps
        key = (target, grid, num_warps, tuple(sorted(constants.items())))
        if key not in self._artifacts:
            from .compiler import compile_kernel_for_gpu

            text, _ = self._build(grid, constants, target, num_warps)
            self._artifacts[key] = compile_kernel_for_gpu(text, self.__name__, target)
        return self._artifacts[key]

    def __getitem__(self, grid):
        """`kernel[grid](*args)`: a tuple, or a function of the launch's
        constants (an autotuned configuration's included) giving one."""
        if not callable(grid):
            grid = (grid,) if isinstance(grid, int) else tuple(grid)
        return lambda *args, **kwargs: self._launch(grid, args, kwargs)

    def __call__(self, *args, **kwargs):
        return self._launch(None, args, kwargs)

    @staticmethod
    def _grid(grid, constants):
        if callable(grid):
            grid = grid(constants)
        if grid is None:
            return None
        return (int(grid),) if isinstance(grid, int) else tuple(int(g) for g in grid)

    def _tuning_key(self, args) -> tuple:
        """The sizes of the dims named in `key`, from the arguments' shapes."""
        values = []
        for dim in self.key:
            for (name, spec), a in zip(self.tensors.items(), args):
                if dim in spec.dims:
                    values.append(int(a.shape[spec.dims.index(dim)]))
                    break
            else:
                raise TypeError(f"kernel '{self.__name__}': autotune key {dim!r} is not a dim "
                                f"of its tensors")
        return tuple(values)

    def _check_static(self, args, constants) -> None:
        """Dims the annotations fix (integers, constexpr names) against the
        arguments' shapes."""
        symbols: Dict[str, Tuple[str, int]] = {}
        for (name, spec), a in zip(self.tensors.items(), args):
            shape = tuple(a.shape)
            if len(shape) != spec.rank:
                raise ValueError(f"kernel '{self.__name__}': argument '{name}' has shape "
                                 f"{shape}; the kernel takes rank-{spec.rank} tensors")
            for d, dim in enumerate(spec.dims):
                if isinstance(dim, str):
                    first = symbols.setdefault(dim, (name, shape[d]))
                    if first[1] != shape[d]:
                        raise ValueError(f"kernel '{self.__name__}': dim '{dim}' is {first[1]} "
                                         f"in '{first[0]}' but {shape[d]} in '{name}'")
                want = _static_dim(dim, constants)
                if want is not None and shape[d] != want:
                    what = f"{dim} = {want}" if isinstance(dim, str) else str(want)
                    raise ValueError(f"kernel '{self.__name__}': argument '{name}' has shape "
                                     f"{shape}; its dim {d} is {what}")

    @staticmethod
    def _split(config: dict):
        return ({k: v for k, v in config.items() if k != "num_warps"},
                config.get("num_warps"))

    def _launch(self, grid, args, kwargs):
        if len(args) != len(self.tensors):
            raise TypeError(f"kernel '{self.__name__}' takes {len(self.tensors)} tensors "
                            f"({', '.join(self.tensors)}), got {len(args)}")
        interpret = os.environ.get("TESSERA_INTERPRET") == "1" or not _has_gpu()
        kwargs = dict(kwargs)
        num_warps = kwargs.pop("num_warps", None) or self.num_warps
        # Every tuned value given (num_warps may be left at the kernel's):
        # that configuration, not tuned.
        tuned = {k for config in self.configs for k in config if k != "num_warps"}
        chosen = tuned & set(kwargs)
        if chosen and chosen != tuned:
            raise TypeError(f"kernel '{self.__name__}': the launch sets {sorted(chosen)} of the "
                            f"autotuned parameters {sorted(tuned)}; give all of them (one "
                            f"configuration, not tuned) or none")
        if self.configs and not chosen:
            key = self._tuning_key(args)
            if key not in self.best:
                # The interpreter does not time: it takes the first
                # configuration.
                if interpret:
                    import warnings

                    warnings.warn(f"tessera.kernel.autotune: kernel '{self.__name__}' runs in "
                                  f"the interpreter ({'TESSERA_INTERPRET=1' if _has_gpu() else 'no GPU'}"
                                  f"): not tuned, using the first configuration "
                                  f"{self.configs[0]}", stacklevel=3)
                    self.best[key] = self.configs[0]
                else:
                    self.best[key] = self._tune(key, grid, args, kwargs)
            values, warps = self._split(self.best[key])
            kwargs = {**kwargs, **values}
            num_warps = warps or num_warps
        constants = self._constants(kwargs)
        self._check_static(args, constants)
        grid = self._grid(grid, {**constants, "num_warps": num_warps})
        if interpret:
            return self.interpret(grid, *args, num_warps=num_warps, **constants)
        from .runtime.gpu import device_target

        artifact = self.compile(device_target(), grid, num_warps, **constants)
        import cupy as cp

        device = [a if not isinstance(a, np.ndarray) else cp.asarray(a) for a in args]
        artifact(*device)
        for host, dev in zip(args, device):
            if isinstance(host, np.ndarray):
                host[...] = cp.asnumpy(dev)
        return None

    def _tune(self, key, grid, args, kwargs) -> dict:
        """The fastest configuration for `key` on this GPU (tessera.autotuning):
        from the disk cache if an earlier process tuned it; else every
        configuration is built, those the builder or the compile-time checks
        refuse (shapes, shared memory, registers) are pruned, the rest
        compile in parallel and are timed within `budget_seconds`. Every
        candidate's result is kept in `tuning[key]`."""
        from . import autotuning
        from .cache import compiler_id
        from .runtime.gpu import device_target

        target = device_target()
        store = autotuning.TuningStore(self.__name__,
                                       [inspect.getsource(self.fn), self.configs],
                                       self.configs, target, compiler_id())
        bucket = tuple(autotuning.bucket(v) for v in key)
        known = store.get(bucket)
        if known is not None:
            self.tuning[key] = [(known, "from the cache")]
            return known
        results: List[Tuple[dict, object]] = []
        jobs = []
        for config in self.configs:
            values, warps = self._split(config)
            try:
                constants = self._constants({**kwargs, **values})
                g = self._grid(grid, {**constants, "num_warps": warps or self.num_warps})
                self._check_static(args, constants)
                self._build(g, constants, target, warps)  # the builder's refusals
            except (KernelError, ValueError, TypeError) as e:
                results.append((config, f"pruned: {str(e).splitlines()[0]}"))
                continue
            jobs.append((config, functools.partial(self.compile, target, g, warps,
                                                   **constants)))
        self.tuning[key] = results
        return autotuning.choose(self.__name__, key, len(self.configs), jobs, results, args,
                                 self.budget_seconds, store, bucket,
                                 lambda reasons: KernelError(f"kernel '{self.__name__}': no "
                                                             f"configuration ran: {reasons}"))

    def _interpreted_code(self):
        """The kernel's code with every `if` test through `_condition` (for
        the bounds check on tiles), at the source's own lines."""
        if self.fn.__closure__:
            return self.fn.__code__
        source, first = inspect.getsourcelines(self.fn)
        tree = ast.parse(textwrap.dedent("".join(source)))
        tree.body[0].decorator_list = []

        class Tests(ast.NodeTransformer):
            def visit_If(self, node):
                self.generic_visit(node)
                node.test = ast.Call(ast.Name("__tessera_condition__", ast.Load()),
                                     [node.test], [])
                return node
        tree = ast.fix_missing_locations(Tests().visit(tree))
        ast.increment_lineno(tree, first - 1)
        space = dict(self.fn.__globals__)
        exec(compile(tree, inspect.getsourcefile(self.fn) or "<kernel>", "exec"), space)
        return space[self.fn.__name__].__code__

    def interpret(self, grid, *args, num_warps: Optional[int] = None, **constants):
        """Runs the kernel on the CPU: the Python function once per block, on
        NumPy arrays with the compiled kernel's bounds masking."""
        constants = self._constants(constants)
        num_warps = num_warps or self.num_warps
        arrays = []
        for (name, spec), a in zip(self.tensors.items(), args):
            array = np.asarray(a)
            if array.ndim != spec.rank:
                raise ValueError(f"kernel '{self.__name__}': argument '{name}' has shape "
                                 f"{array.shape}; the kernel takes rank-{spec.rank} tensors")
            if array.dtype != spec.dtype.numpy:
                raise TypeError(f"kernel '{self.__name__}': argument '{name}' is "
                                f"{array.dtype}, the kernel takes {spec.dtype.numpy}")
            arrays.append(array)
        self._check_static(arrays, constants)
        grid = self._grid(grid, {**constants, "num_warps": num_warps})
        if grid is None:
            text, auto = self._build(None, constants, num_warps=num_warps)
            size = arrays[list(self.tensors).index(auto)].shape[0]
            width = _width_of(text)
            grid = (math.ceil(size / width),)
        else:
            # What the builder refuses, the interpreter refuses too.
            self._build(grid, constants, num_warps=num_warps)
        interpreter = _Interpreter(32 * num_warps, params=constants,
                                   source=inspect.getsourcefile(self.fn) or "<kernel>")
        names = dict(self.fn.__globals__)
        for key, value in list(names.items()):
            if isinstance(value, types.ModuleType) and value.__name__ == "tessera":
                names[key] = interpreter
        names["__tessera_condition__"] = _condition
        body = types.FunctionType(self._interpreted_code(), names, self.fn.__name__,
                                  self.fn.__defaults__, self.fn.__closure__)
        wrapped = [_InterpretedTensor(n, a) for n, a in zip(self.tensors, arrays)]
        declared = {k: v for k, v in constants.items() if k in self.constexprs}
        # As on the GPU, rows past the bounds may compute NaN or inf (never
        # stored) without a warning.
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            for pid in itertools.product(*(range(g) for g in grid)):
                interpreter.pid, interpreter.buffers = pid, []
                body(*wrapped, **declared)
        return None


def _float_literal(value) -> str:
    """A finite float as MLIR reads it (1e-05 -> 1.0e-05)."""
    text = repr(float(value))
    mantissa, e, exponent = text.partition("e")
    if "." not in mantissa:
        mantissa += ".0"
    return mantissa + e + exponent


def _condition(value) -> bool:
    """An `if`'s test in the interpreter: a tile test is the bounds check
    `if offs < t.shape[0]:` (the builder allows no other), which the
    interpreter's stores apply anyway."""
    if isinstance(value, np.ndarray) and value.ndim > 0:
        return True
    return bool(value)


def _static_dim(dim, constants) -> Optional[int]:
    """A dim's compile-time size: an integer, or a constexpr's name."""
    if isinstance(dim, int):
        return dim
    value = constants.get(dim) if isinstance(dim, str) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _width_of(text: str) -> int:
    """The tile width of a built module (from its first tile type)."""
    start = text.index("tensor<") + len("tensor<")
    return int(text[start:text.index("x", start)])


def _has_gpu() -> bool:
    try:
        import cupy

        return cupy.cuda.runtime.getDeviceCount() > 0
    except Exception:
        return False


def kernel(fn=None, *, num_warps: int = 4):
    """Decorator: ``@tessera.kernel`` or ``@tessera.kernel(num_warps=8)``."""
    if fn is None:
        return lambda f: Kernel(f, num_warps)
    return Kernel(fn, num_warps)


def autotune(space: Optional[Dict[str, list]] = None, configs: Optional[List[dict]] = None,
             key=(), num_warps: int = 4, budget_seconds: Optional[float] = None):
    """``@tessera.kernel.autotune(space={...}, key=["M", "N"])``: a kernel
    tuned per value of the dims in `key`: on its first launch for them it
    compiles and times every configuration (`configs`, or every combination
    of `space`'s lists) and keeps the fastest; the kernel reads a
    configuration's values as constexpr parameters of the same name or with
    ``tessera.autotune.get_param(name)``; ``num_warps`` picks the warps.
    Configurations the compile-time checks refuse are pruned before any
    launch; ``budget_seconds`` stops timing further ones once a
    configuration has run and that long has passed. The choice is kept in
    the disk cache per chip, compiler build and key (each dim rounded up
    to a power of two), so later processes reuse it. Without a GPU (and in
    the interpreter) the first configuration is used, and a warning says
    so."""
    if (space is None) == (configs is None):
        raise TypeError("tessera.kernel.autotune takes space= or configs=")
    if space is not None:
        names = list(space)
        configs = [dict(zip(names, values))
                   for values in itertools.product(*(space[n] for n in names))]
    if not configs:
        raise ValueError("tessera.kernel.autotune: no configuration")
    if budget_seconds is not None and budget_seconds <= 0:
        raise ValueError("tessera.kernel.autotune: budget_seconds must be positive")

    def wrap(f):
        k = Kernel(f, num_warps, configs=configs, key=tuple(key))
        k.budget_seconds = budget_seconds
        return k
    return wrap


kernel.autotune = autotune
