//===- TargetOps.td - Target IR operations -----------------*- tablegen -*-===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//

#ifndef TESSERA_DIALECT_TARGET_IR_TARGETOPS_TD
#define TESSERA_DIALECT_TARGET_IR_TARGETOPS_TD

include "Tessera/Dialect/Target/IR/TargetAttrs.td"
include "mlir/IR/SymbolInterfaces.td"
include "mlir/Interfaces/CallInterfaces.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"
include "mlir/Interfaces/FunctionInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Dialect/NVGPU/IR/NVGPUTypes.td"

def Target_KernelOp : Target_Op<"kernel", [
    FunctionOpInterface, IsolatedFromAbove, AutomaticAllocationScope]> {
  let summary = "a GPU kernel with its launch configuration";
  let description = [{
    A kernel takes its arguments by value (pointers as memrefs, sizes as
    integers) and returns nothing. `config`, when present, fixes the launch
    configuration; kernels without one get theirs from the launch plan.

    Example:

    ```mlir
    tessera_target.kernel @scale(%x: memref<?xf32>, %n: index)
        config = #tessera_target.kernel_config<grid = [4], block = [256]> {
      tessera_target.return
    }
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name,
                       TypeAttrOf<FunctionType>:$function_type,
                       OptionalAttr<Target_KernelConfigAttr>:$config,
                       OptionalAttr<DictArrayAttr>:$arg_attrs,
                       OptionalAttr<DictArrayAttr>:$res_attrs);
  let regions = (region AnyRegion:$body);
  let hasCustomAssemblyFormat = 1;
  let hasVerifier = 1;

  let extraClassDeclaration = [{
    /// FunctionOpInterface / CallableOpInterface.
    ::mlir::Region *getCallableRegion() {
      return isExternal() ? nullptr : &getBody();
    }
    ::llvm::ArrayRef<::mlir::Type> getArgumentTypes() {
      return getFunctionType().getInputs();
    }
    ::llvm::ArrayRef<::mlir::Type> getResultTypes() {
      return getFunctionType().getResults();
    }
    bool isDeclaration() { return isExternal(); }
  }];
}

def Target_ReturnOp : Target_Op<"return", [
    Pure, Terminator, ReturnLike, HasParent<"KernelOp">]> {
  let summary = "ends a kernel";
  let description = [{
    Example:

    ```mlir
    tessera_target.return
    ```
  }];
  let assemblyFormat = "attr-dict";
}


def Target_LaunchOp : Target_Op<"launch", [AttrSizedOperandSegments,
    DeclareOpInterfaceMethods<SymbolUserOpInterface>]> {
  let summary = "host side: launch a kernel over a grid";
  let description = [{
    Launches `kernel` with `grid` blocks (one to three extents, computed on
    the host from the program's sizes) of `block` threads and `shared`
    bytes of dynamic shared memory. Arguments are passed by the bare-pointer
    ABI: a memref as one pointer to its first element, an index as an i64.
    Launches of one host function run in order on one stream. `flops`, where
    the generator knows it, is the arithmetic the launch does (a matmul's
    2·M·N·K, an attention's two products): the plan's `flops`, which
    `tessera.profile` divides by the kernel's time.

    Example:

    ```mlir
    tessera_target.launch @add_kernel grid(%blocks) block = [256]
        args(%a, %b, %n : memref<?xf32>, memref<?xf32>, index)
    tessera_target.launch @mm grid(%g) block = [256] args(...) flops(%f)
    ```
  }];
  let arguments = (ins FlatSymbolRefAttr:$kernel, Variadic<Index>:$grid,
                       DenseI64ArrayAttr:$block,
                       DefaultValuedAttr<I64Attr, "0">:$shared,
                       Variadic<AnyType>:$args, Optional<Index>:$flops);
  let assemblyFormat = [{
    $kernel `grid` `(` $grid `)` `block` `=` $block
        (`shared` `=` $shared^)? `args` `(` ($args^ `:` type($args))? `)`
        (`flops` `(` $flops^ `)`)? attr-dict
  }];
  let hasVerifier = 1;
}

def Target_AllocateOp : Target_Op<"allocate"> {
  let summary = "host side: allocate a device buffer";
  let description = [{
    Allocates device memory for a memref whose dynamic sizes are the
    operands, one per `?` in the type. The buffer lives until the host
    function returns; the runtime allocates it from its memory pool.
    `zero_initialize` asks for the buffer to be cleared first.

    Example:

    ```mlir
    %t = tessera_target.allocate(%n, %d) : memref<?x?xf16>
    %acc = tessera_target.allocate() zero_initialize : memref<64xf32>
    ```
  }];
  let arguments = (ins Variadic<Index>:$sizes, UnitAttr:$zero_initialize);
  let results = (outs Res<AnyMemRef, "device buffer", [MemAlloc]>:$buffer);
  let assemblyFormat = [{
    `(` $sizes `)` (`zero_initialize` $zero_initialize^)? attr-dict `:`
        type($buffer)
  }];
  let hasVerifier = 1;
}

def Target_ConstantOp : Target_Op<"constant", [Pure]> {
  let summary = "host side: a device buffer of constant data";
  let description = [{
    A device buffer holding `value`, of the buffer's static shape and
    element type: a Graph IR constant that kernels read as an input (one
    too large to embed in a kernel's code, or read where kernels take only
    buffers). The launch plan carries the data; the runtime uploads it once
    per program and device.

    Example:

    ```mlir
    %w = tessera_target.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
        -> memref<2x2xf32>
    ```
  }];
  let arguments = (ins ElementsAttr:$value);
  let results = (outs AnyStaticShapeMemRef:$buffer);
  let assemblyFormat = "$value attr-dict `->` type($buffer)";
  let hasVerifier = 1;
}

def Target_RequireEqualOp : Target_Op<"require_equal"> {
  let summary = "host side: two sizes must be equal at launch";
  let description = [{
    A launch condition: the program is only correct when `lhs` and `rhs`
    (sizes the host computes from its arguments) are equal, as the Graph IR
    verifier assumed of two `?` dims. The launch plan carries it as a check
    that the runtime makes before launching; a violation is an error that
    gives `reason` and both sizes, never a kernel reading out of bounds.

    Example:

    ```mlir
    tessera_target.require_equal %k0, %k1, "'tessera_graph.matmul' contraction dims"
    ```
  }];
  let arguments = (ins Index:$lhs, Index:$rhs, StrAttr:$reason);
  let assemblyFormat = "$lhs `,` $rhs `,` $reason attr-dict";
}

def Target_MultiprocessorsOp : Target_Op<"multiprocessors", [Pure]> {
  let summary = "host side: the multiprocessors of the device a launch runs on";
  let description = [{
    The number of multiprocessors (SMs, CUs) of the GPU the program is
    launched on, known at launch: the runtime binds it (the plan's symbol
    `multiprocessors`). Host code sizes work by it, e.g. how many slices of
    K a matmul of few output tiles is split into so that every
    multiprocessor has a block.

    Example:

    ```mlir
    %sms = tessera_target.multiprocessors
    %per_tile = arith.divui %sms, %tiles : index
    ```
  }];
  let results = (outs Index:$count);
  let assemblyFormat = "attr-dict";
}

def Target_TensorMapOp : Target_Op<"tensor_map",
    [Pure, AttrSizedOperandSegments]> {
  let summary = "host side: a TMA tensor map (CUtensorMap) over a buffer";
  let description = [{
    Describes the row-major buffer `buffer`, viewed as a tensor of sizes
    `dims` (outermost first), to the Tensor Memory Accelerator: the map's
    type gives the box one copy moves (its tensor shape, in shared memory)
    and the swizzle. Kernels take the map as a parameter and pass it to
    `nvgpu.tma.async.load`; reads outside `dims` fill zeros.

    With `strides` (elements, outermost first, one per dim; the innermost
    1) the tensor is that strided view of the buffer instead of its
    row-major one: a permutation, as attention reads [B, S, H, D] tensors
    as [B, H, S, D] (strides [S*H*D, D, H*D, 1]).

    The runtime encodes the map before the launch (`cuTensorMapEncodeTiled`).
    TMA needs a 16-byte aligned buffer whose rows are multiples of 16 bytes;
    `valid` is 1 if the runtime could encode the map, else 0 and the map
    must not be used (kernels branch on it to a copy path without TMA).

    Example:

    ```mlir
    %map, %valid = tessera_target.tensor_map %a[%batch, %m, %k]
        : memref<?xf16> -> !nvgpu.tensormap.descriptor<
            tensor = memref<1x128x64xf16, 3>, swizzle = swizzle_128b,
            l2promo = none, oob = zero, interleave = none>
    ```
  }];
  let arguments = (ins AnyMemRef:$buffer, Variadic<Index>:$dims,
                       Variadic<Index>:$strides);
  let results = (outs NVGPU_TensorMapDescriptor:$map, Index:$valid);
  let extraClassDeclaration = [{
    /// The swizzle width in bytes (0 without a swizzle).
    int64_t getSwizzleBytes();
    /// The L2 promotion width in bytes (0 without promotion).
    int64_t getL2PromotionBytes();
  }];
  let assemblyFormat = [{
    $buffer `[` $dims `]` (`strides` ` ` `[` $strides^ `]`)? attr-dict `:`
    type($buffer) `->` qualified(type($map))
  }];
  let hasVerifier = 1;
}

def Target_PtxInstrOp : Target_Op<"ptx_instr"> {
  let summary = "one raw PTX instruction";
  let description = [{
    Emits the PTX instruction `opcode` with the operands in order (a result,
    if any, first, as PTX writes destinations), as inline assembly in the
    kernel: the escape hatch for instructions no dialect models yet (TMA,
    tcgen05, ...). `constraints` gives each operand's register class
    (`operand<i> = "r"`: `r` 32-bit, `l` 64-bit, `h` 16-bit, `f` f32, `d` f64,
    `n` an immediate); a `+` marks the operand the result overwrites (the
    result then has its type). Operands without a constraint get their
    type's class. `latency` is a scheduling hint, kept as written.
    The instruction is opaque to the compiler: it is assumed to have side
    effects. Only NVIDIA targets accept it.

    Example:

    ```mlir
    %r = tessera_target.ptx_instr "add.s32" (%a, %b) : (i32, i32) -> i32
    %acc2 = tessera_target.ptx_instr "tcgen05.mma.cta_group::2.async.m128n256k32.f16.f16.f32"
        (%acc, %a, %b, %d) {constraints = {operand0 = "+r"}, latency = 200}
        : (i32, i32, i32, i32) -> i32
    ```
  }];
  let arguments = (ins StrAttr:$opcode, Variadic<AnyType>:$args,
                       OptionalAttr<DictionaryAttr>:$constraints,
                       OptionalAttr<I64Attr>:$latency);
  let results = (outs Optional<AnyType>:$result);
  let assemblyFormat = [{
    $opcode `(` $args `)` attr-dict `:` functional-type($args, results)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The register-class constraint of operand `i` (without a `+`), and
    /// whether the result overwrites it.
    std::pair<std::string, bool> getConstraint(unsigned i);
  }];
}

def Target_TensorCoreOp : Target_Op<"tensor_core", [Pure]> {
  let summary = "a tensor-core matrix multiply-accumulate instruction";
  let description = [{
    One tensor-core instruction of family `kind`: `"mma_sync"` (warp-wide,
    sm_80+), `"wgmma"` (warpgroup-wide, sm_90), `"mfma"` (AMD CDNA) or
    `"wmma"` (AMD RDNA3), of `shape = [M, N, K]` on operands of
    `precision` (`"f16"`, `"bf16"`, `"tf32"`, `"e4m3"`, `"e5m2"`, `"s8"`), A and
    B in `layout` (`"nn"`, `"nt"`, `"tn"`, `"tt"`: row/column major). The
    verifier checks the shape against what the family's hardware has for
    that precision. `mma_sync` on register fragments (vectors, as
    `tessera_tile.mma` makes them) lowers to `nvgpu.mma.sync`; `wgmma` on
    two shared-memory matrix descriptors (i64) and the warpgroup's f32
    accumulator fragment (N / 2 per thread) lowers to `nvvm.wgmma.mma_async`
    between a fence and a wait for its group. `mfma` and `wmma` are not
    lowered yet and fail in the GPU lowering with a diagnostic.

    Example:

    ```mlir
    %d = tessera_target.tensor_core "mma_sync" (%a, %b, %c) shape = [16, 8, 16]
        precision = "f16" layout = "nt"
        : (vector<4x2xf16>, vector<2x2xf16>, vector<2x2xf32>) -> vector<2x2xf32>
    %e = tessera_target.tensor_core "wgmma" (%desc_a, %desc_b, %acc)
        shape = [64, 256, 16] precision = "f16"
        : (i64, i64, vector<128xf32>) -> vector<128xf32>
    ```
  }];
  let arguments = (ins StrAttr:$kind, Variadic<AnyType>:$args,
                       DenseI64ArrayAttr:$shape,
                       DefaultValuedStrAttr<StrAttr, "nt">:$layout,
                       OptionalAttr<StrAttr>:$precision);
  let results = (outs AnyType:$result);
  let assemblyFormat = [{
    $kind `(` $args `)` `shape` `=` $shape
        oilist(`precision` `=` $precision | `layout` `=` $layout)
        attr-dict `:` functional-type($args, $result)
  }];
  let hasVerifier = 1;
}

def Target_MemcpyOp : Target_Op<"memcpy"> {
  let summary = "copy `size` bytes between buffers";
  let description = [{
    Copies `size` bytes from `src` to `dest` (memrefs or LLVM pointers) of
    `kind` `"host_to_device"`, `"device_to_host"`, `"device_to_device"` or
    `"global_to_shared"`; the address spaces must agree with the kind
    (shared memory is `#gpu.address_space<workgroup>` or LLVM address space
    3, global memory the default or address space 1). `async` copies are
    ordered on `stream` when one is given. The verifier checks the kind
    against the operands. In a kernel, `global_to_shared` and
    `device_to_device` copies (between two `!llvm.ptr` values or two 1-d
    memrefs) lower to a copy by all the block's threads, followed by a
    barrier unless `async` (the kernel then orders it itself); `size` must
    fit both buffers. Host memory is out of a kernel's reach (an error), and
    a host function's copy is not part of the launch plan yet (an error in
    `tessera-target-export-plan`: the runtime copies host arguments).

    Example:

    ```mlir
    tessera_target.memcpy %dst, %src, %n kind = "global_to_shared" async = true
        : !llvm.ptr<3>, !llvm.ptr<1>
    ```
  }];
  let arguments = (ins AnyType:$dest, AnyType:$src, AnySignlessIntegerOrIndex:$size,
                       StrAttr:$kind, DefaultValuedAttr<BoolAttr, "false">:$async,
                       Optional<AnyType>:$stream);
  let assemblyFormat = [{
    $dest `,` $src `,` $size `kind` `=` $kind
        oilist(`async` `=` $async | `stream` `=` $stream `:` type($stream))
        attr-dict `:` type($dest) `,` type($src) `,` type($size)
  }];
  let hasVerifier = 1;
}

#endif // TESSERA_DIALECT_TARGET_IR_TARGETOPS_TD
