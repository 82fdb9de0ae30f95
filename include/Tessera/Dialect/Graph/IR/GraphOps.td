//===- GraphOps.td - Graph IR operations -------------------*- tablegen -*-===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//

#ifndef TESSERA_DIALECT_GRAPH_IR_GRAPHOPS_TD
#define TESSERA_DIALECT_GRAPH_IR_GRAPHOPS_TD

include "Tessera/Dialect/Graph/IR/GraphAttrs.td"
include "mlir/IR/OpAsmInterface.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"
include "mlir/IR/RegionKindInterface.td"

def Graph_FloatTensor : RankedTensorOf<[AnyFloat]>;
def Graph_BoolTensor : RankedTensorOf<[I1]>;
// Graph IR computes on floats and signless integers (i1 included); index and
// complex element types have no lowering and are rejected by the verifier.
def Graph_Tensor : RankedTensorOf<[AnyFloat, AnySignlessInteger]>;

//===----------------------------------------------------------------------===//
// Constant
//===----------------------------------------------------------------------===//

def Graph_ConstantOp : Graph_Op<"constant", [
    ConstantLike, AllTypesMatch<["value", "result"]>]> {
  let summary = "a tensor constant";
  let description = [{
    Example:

    ```mlir
    %c = tessera_graph.constant dense<[1.0, 2.0]> : tensor<2xf32>
    ```
  }];
  let arguments = (ins ElementsAttr:$value);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$value attr-dict";
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Elementwise binary ops with NumPy broadcasting
//===----------------------------------------------------------------------===//

class Graph_BinaryOp<string mnemonic, string what, list<Trait> traits = []>
    : Graph_InferredOp<mnemonic, traits> {
  let summary = "elementwise " # what # " with NumPy broadcasting";
  let description = [{
    Shapes broadcast as in NumPy: aligned from the right, a dimension of 1
    stretches to the other operand's size, missing leading dimensions count
    as 1. A dynamic dimension (`?`) broadcasts only against `?` (assumed
    equal) or `1`; against a static size greater than 1 it is an error, since
    whether it stretches is unknown until run time. Both operands have the
    same element type unless the op's numerics policy names a `compute`
    type, in which case the result has the policy's storage type.

    Example:

    ```mlir
    %0 = tessera_graph.}] # mnemonic # [{ %a, %b
        : tensor<4x1x8xf32>, tensor<3x1xf32> -> tensor<4x3x8xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$lhs, Graph_Tensor:$rhs);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs) `->` type($result)
  }];
  let hasFolder = 1;
}

def Graph_AddOp : Graph_BinaryOp<"add", "addition", [Commutative]>;
def Graph_SubOp : Graph_BinaryOp<"sub", "subtraction">;
def Graph_MulOp : Graph_BinaryOp<"mul", "multiplication", [Commutative]>;
def Graph_DivOp : Graph_BinaryOp<"div", "division">;
def Graph_MaxOp : Graph_BinaryOp<"max", "maximum", [Commutative]>;
def Graph_MinOp : Graph_BinaryOp<"min", "minimum", [Commutative]>;
def Graph_PowOp : Graph_BinaryOp<"pow", "power">;

//===----------------------------------------------------------------------===//
// Elementwise unary ops
//===----------------------------------------------------------------------===//

class Graph_UnaryOp<string mnemonic, string what, Type operandType,
                    list<Trait> traits = []>
    : Graph_Op<mnemonic, !listconcat(traits, [SameOperandsAndResultType])> {
  let summary = "elementwise " # what;
  let description = [{
    Example:

    ```mlir
    %0 = tessera_graph.}] # mnemonic # [{ %x : tensor<4x?xf32>
    ```
  }];
  let arguments = (ins operandType:$input);
  let results = (outs operandType:$result);
  let assemblyFormat = "$input attr-dict `:` type($result)";
  let hasFolder = 1;
}

def Graph_NegOp : Graph_UnaryOp<"neg", "negation", Graph_Tensor>;
def Graph_AbsOp : Graph_UnaryOp<"abs", "absolute value", Graph_Tensor>;
def Graph_ExpOp : Graph_UnaryOp<"exp", "exponential", Graph_FloatTensor>;
def Graph_LogOp : Graph_UnaryOp<"log", "natural logarithm", Graph_FloatTensor>;
def Graph_SqrtOp : Graph_UnaryOp<"sqrt", "square root", Graph_FloatTensor>;
def Graph_RsqrtOp : Graph_UnaryOp<"rsqrt", "reciprocal square root",
                                  Graph_FloatTensor>;
def Graph_TanhOp : Graph_UnaryOp<"tanh", "hyperbolic tangent",
                                 Graph_FloatTensor>;
def Graph_SigmoidOp : Graph_UnaryOp<"sigmoid", "logistic sigmoid 1/(1+e^-x)",
                                    Graph_FloatTensor>;
def Graph_ReluOp : Graph_UnaryOp<"relu", "rectified linear unit max(x, 0)",
                                 Graph_Tensor>;
def Graph_SiluOp : Graph_UnaryOp<"silu", "SiLU x * sigmoid(x)",
                                 Graph_FloatTensor>;

def Graph_GeluOp : Graph_Op<"gelu", [SameOperandsAndResultType]> {
  let summary = "elementwise GELU, exact (erf) or tanh-approximated";
  let description = [{
    `erf` (the default): `0.5 x (1 + erf(x / sqrt(2)))`;
    `tanh`: `0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))`.

    Example:

    ```mlir
    %0 = tessera_graph.gelu %x : tensor<8xf32>
    %1 = tessera_graph.gelu %x approximate = tanh : tensor<8xf32>
    ```
  }];
  let arguments = (ins Graph_FloatTensor:$input,
      DefaultValuedAttr<Graph_GeluApproximationAttr,
                        "GeluApproximation::erf">:$approximate);
  let results = (outs Graph_FloatTensor:$result);
  let assemblyFormat = [{
    $input (`approximate` `=` $approximate^)? attr-dict `:` type($result)
  }];
}

//===----------------------------------------------------------------------===//
// Cast and select
//===----------------------------------------------------------------------===//

def Graph_CastOp : Graph_Op<"cast"> {
  let summary = "element type conversion with explicit rounding and saturation";
  let description = [{
    Converts between f32, f16, bf16, f8E4M3FN, f8E5M2, i32 and i8 (and f64,
    i1 and i64 for interoperation). `rounding` applies to narrowing float
    conversions (`nearest` by default; `stochastic` only to bf16, f16 and the
    f8 types); `saturate` clamps to the finite range of the result type
    instead of producing infinity (floats) or wrapping (integers). Shapes
    must match. Under a numerics policy the result type must be one the
    policy names.

    Example:

    ```mlir
    %0 = tessera_graph.cast %x : tensor<4xf32> -> tensor<4xbf16>
    %1 = tessera_graph.cast %x rounding = stochastic saturate
        : tensor<4xf32> -> tensor<4xf8E4M3FN>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input,
      DefaultValuedAttr<Graph_RoundingModeAttr,
                        "RoundingMode::nearest">:$rounding,
      UnitAttr:$saturate);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = [{
    $input (`rounding` `=` $rounding^)? (`saturate` $saturate^)? attr-dict
        `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
  let hasCanonicalizer = 1;
}

def Graph_SelectOp : Graph_InferredOp<"select"> {
  let summary = "elementwise choice between two tensors (where)";
  let description = [{
    `result = condition ? true_value : false_value`, with the three operands
    broadcast together as in the binary ops.

    Example:

    ```mlir
    %0 = tessera_graph.select %c, %a, %b
        : tensor<4x1xi1>, tensor<4x8xf32>, tensor<8xf32> -> tensor<4x8xf32>
    ```
  }];
  let arguments = (ins Graph_BoolTensor:$condition,
                       Graph_Tensor:$true_value,
                       Graph_Tensor:$false_value);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = [{
    $condition `,` $true_value `,` $false_value attr-dict `:`
        type($condition) `,` type($true_value) `,` type($false_value) `->`
        type($result)
  }];
}

def Graph_CompareOp : Graph_InferredOp<"compare"> {
  let summary = "elementwise comparison with NumPy broadcasting";
  let description = [{
    `lhs predicate rhs` per element (`eq`, `ne`, `lt`, `le`, `gt`, `ge`),
    the operands broadcast as in the binary ops: a bool (`i1`) tensor, the
    condition `tessera_graph.select` takes. Both operands have one element
    type. Floats compare ordered (a NaN makes every predicate false but
    `ne`, as in NumPy); integers signed.

    Example:

    ```mlir
    %m = tessera_graph.compare gt %x, %y
        : tensor<4x8xf32>, tensor<8xf32> -> tensor<4x8xi1>
    ```
  }];
  let arguments = (ins Graph_ComparePredicateAttr:$predicate,
                       Graph_Tensor:$lhs, Graph_Tensor:$rhs);
  let results = (outs Graph_BoolTensor:$result);
  let assemblyFormat = [{
    $predicate $lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs) `->`
        type($result)
  }];
}

//===----------------------------------------------------------------------===//
// Contractions
//===----------------------------------------------------------------------===//

def Graph_MatmulOp : Graph_InferredOp<"matmul"> {
  let summary = "batched matrix product";
  let description = [{
    `result[..., m, n] = sum_k lhs[..., m, k] * rhs[..., k, n]`, after
    transposing the last two dimensions of `lhs` (`transpose_lhs`) or `rhs`
    (`transpose_rhs`). Operands have rank 2 or more; their leading (batch)
    dimensions broadcast as in the elementwise ops. The result has the
    element type `out` (default: the operands'), a float for float operands
    and an integer for integer ones: `out = f32` keeps an f8 or f16 product
    unrounded, `out = i32` an i8 one. Products accumulate in `acc` (default:
    the numerics policy's `accumulate` type, else f32 for floats narrower
    than 32 bits, else the result's element type), and the sum is rounded
    once to the result's.

    Example:

    ```mlir
    %c = tessera_graph.matmul %a, %b
        : tensor<128x768xf16>, tensor<768x512xf16> -> tensor<128x512xf16>
    %d = tessera_graph.matmul %q, %k transpose_rhs acc = f32
        : tensor<8x128x64xbf16>, tensor<8x256x64xbf16> -> tensor<8x128x256xbf16>
    %e = tessera_graph.matmul %x, %w transpose_rhs out = f32
        : tensor<128x64xf8E4M3FN>, tensor<256x64xf8E4M3FN> -> tensor<128x256xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$lhs, Graph_Tensor:$rhs,
                       UnitAttr:$transpose_lhs, UnitAttr:$transpose_rhs,
                       OptionalAttr<TypeAttr>:$acc,
                       OptionalAttr<TypeAttr>:$out);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs (`transpose_lhs` $transpose_lhs^)?
        (`transpose_rhs` $transpose_rhs^)? (`acc` `=` $acc^)?
        (`out` `=` $out^)? attr-dict `:`
        type($lhs) `,` type($rhs) `->` type($result)
  }];
  let hasCanonicalizer = 1;
}

//===----------------------------------------------------------------------===//
// Reductions and normalizations
//===----------------------------------------------------------------------===//

def Graph_ReduceOp : Graph_InferredOp<"reduce"> {
  let summary = "sum, max, min or mean over a list of dimensions";
  let description = [{
    `dims` are distinct, non-negative and less than the rank (the Python
    front end normalizes negative dims). Reduced dimensions are removed, or
    kept with size 1 with `keepdim`. Sums and means accumulate in the numerics
    policy's `accumulate` type when there is one.

    Example:

    ```mlir
    %s = tessera_graph.reduce sum %x dims = [1] : tensor<4x8xf32> -> tensor<4xf32>
    %m = tessera_graph.reduce max %x dims = [0, 1] keepdim
        : tensor<4x8xf32> -> tensor<1x1xf32>
    ```
  }];
  let arguments = (ins Graph_ReduceKindAttr:$kind, Graph_Tensor:$input,
                       DenseI64ArrayAttr:$dims, UnitAttr:$keepdim);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = [{
    $kind $input `dims` `=` $dims (`keepdim` $keepdim^)? attr-dict `:`
        type($input) `->` type($result)
  }];
}

def Graph_CumsumOp : Graph_Op<"cumsum", [SameOperandsAndResultType]> {
  let summary = "running sums along one dimension";
  let description = [{
    `result[..., i, ...] = sum(input[..., 0..i, ...])` along `dim`, as
    `numpy.cumsum(input, axis=dim)` (the same type; f16/bf16 add in f32, or
    the policy's `accumulate` type, and round once per element).

    Example:

    ```mlir
    %c = tessera_graph.cumsum %x dim = 1 : tensor<4x?xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, I64Attr:$dim);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input `dim` `=` $dim attr-dict `:` type($result)";
  let hasVerifier = 1;
}

def Graph_DropoutOp : Graph_Op<"dropout", [SameOperandsAndResultType]> {
  let summary = "zeroes elements with probability p, scales the rest by 1/(1-p)";
  let description = [{
    Element `i` (its row-major position in the tensor) is kept where
    `h(i) >= p * 2^32`, with `h(i) = fmix32(lo(i) ^ fmix32(seed ^ hi(i)))`:
    `lo`/`hi` are the low and high 32 bits of `i`, `fmix32` MurmurHash3's
    finalizer (xor-shift 16, times 0x85ebca6b, xor-shift 13, times
    0xc2b2ae35, xor-shift 16), all in uint32 arithmetic. Kept elements are
    multiplied by `1 / (1 - p)` (in f32 for f16/bf16). The same seed, shape
    and `p` give the same mask on every target and run: a NumPy reference
    reproduces it bit for bit (test_indexing.py). `p` is in [0, 1).

    Example:

    ```mlir
    %d = tessera_graph.dropout %x p = 1.0e-01 seed = 42 : tensor<?x768xf16>
    ```
  }];
  let arguments = (ins Graph_FloatTensor:$input, F64Attr:$p, I64Attr:$seed);
  let results = (outs Graph_FloatTensor:$result);
  let assemblyFormat = [{
    $input `p` `=` $p `seed` `=` $seed attr-dict `:` type($result)
  }];
  let hasVerifier = 1;
}

class Graph_ArgReduceOpBase<string mnemonic, string what>
    : Graph_InferredOp<mnemonic> {
  let summary = "the index of the " # what # " along one dimension";
  let description = [{
    The i32 index along `dim` of each slice's }] # what # [{, the first one
    where several are equal, and the first NaN where there is one (as
    NumPy's `arg}] # mnemonic # [{`). `dim` is removed, or kept with size 1
    with `keepdim`.

    Example:

    ```mlir
    %i = tessera_graph.}] # mnemonic # [{ %x dim = 1 : tensor<4x1000xf32> -> tensor<4xi32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, I64Attr:$dim, UnitAttr:$keepdim);
  let results = (outs RankedTensorOf<[I32]>:$result);
  let assemblyFormat = [{
    $input `dim` `=` $dim (`keepdim` $keepdim^)? attr-dict `:` type($input)
        `->` type($result)
  }];
}

def Graph_ArgmaxOp : Graph_ArgReduceOpBase<"argmax", "maximum">;
def Graph_ArgminOp : Graph_ArgReduceOpBase<"argmin", "minimum">;

class Graph_SoftmaxOpBase<string mnemonic, string what>
    : Graph_Op<mnemonic, [SameOperandsAndResultType]> {
  let summary = what # " along one dimension";
  let description = [{
    Computed stably (the maximum along `dim` is subtracted first).

    Example:

    ```mlir
    %p = tessera_graph.}] # mnemonic # [{ %x dim = 1 : tensor<4x1000xf32>
    ```
  }];
  let arguments = (ins Graph_FloatTensor:$input, I64Attr:$dim);
  let results = (outs Graph_FloatTensor:$result);
  let assemblyFormat = "$input `dim` `=` $dim attr-dict `:` type($result)";
  let hasVerifier = 1;
}

def Graph_SoftmaxOp : Graph_SoftmaxOpBase<"softmax", "softmax">;
def Graph_LogSoftmaxOp : Graph_SoftmaxOpBase<"log_softmax", "log-softmax">;

def Graph_LayerNormOp : Graph_Op<"layer_norm", [
    AttrSizedOperandSegments, AllTypesMatch<["input", "result"]>]> {
  let summary = "layer normalization over the last dimension";
  let description = [{
    `(x - mean) / sqrt(var + epsilon) * weight + bias` with mean and (biased)
    variance over the last dimension; `weight` and `bias` are optional
    vectors of that dimension's size.

    Example:

    ```mlir
    %y = tessera_graph.layer_norm %x weight(%w : tensor<768xf32>)
        bias(%b : tensor<768xf32>) epsilon = 1.0e-05 : tensor<4x768xf32>
    ```
  }];
  let arguments = (ins Graph_FloatTensor:$input,
                       Optional<Graph_FloatTensor>:$weight,
                       Optional<Graph_FloatTensor>:$bias,
                       DefaultValuedAttr<F64Attr, "1.0e-5">:$epsilon);
  let results = (outs Graph_FloatTensor:$result);
  let assemblyFormat = [{
    $input (`weight` `(` $weight^ `:` type($weight) `)`)?
        (`bias` `(` $bias^ `:` type($bias) `)`)? (`epsilon` `=` $epsilon^)?
        attr-dict `:` type($input)
  }];
  let hasVerifier = 1;
}

def Graph_RmsNormOp : Graph_Op<"rms_norm", [
    AllTypesMatch<["input", "result"]>]> {
  let summary = "RMS normalization over the last dimension";
  let description = [{
    `x / sqrt(mean(x^2) + epsilon) * weight` over the last dimension;
    `weight` is an optional vector of that dimension's size.

    Example:

    ```mlir
    %y = tessera_graph.rms_norm %x weight(%w : tensor<768xf32>)
        epsilon = 1.0e-06 : tensor<4x768xf32>
    ```
  }];
  let arguments = (ins Graph_FloatTensor:$input,
                       Optional<Graph_FloatTensor>:$weight,
                       DefaultValuedAttr<F64Attr, "1.0e-5">:$epsilon);
  let results = (outs Graph_FloatTensor:$result);
  let assemblyFormat = [{
    $input (`weight` `(` $weight^ `:` type($weight) `)`)?
        (`epsilon` `=` $epsilon^)? attr-dict `:` type($input)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Shape manipulation
//===----------------------------------------------------------------------===//

def Graph_TransposeOp : Graph_InferredOp<"transpose"> {
  let summary = "permutes dimensions";
  let description = [{
    `result` dimension `i` is `input` dimension `permutation[i]`.

    Example:

    ```mlir
    %t = tessera_graph.transpose %x permutation = [1, 0]
        : tensor<4x8xf32> -> tensor<8x4xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, DenseI64ArrayAttr:$permutation);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = [{
    $input `permutation` `=` $permutation attr-dict `:` type($input) `->`
        type($result)
  }];
  let hasFolder = 1;
  let hasCanonicalizer = 1;
}

def Graph_ReshapeOp : Graph_Op<"reshape"> {
  let summary = "same elements, new shape";
  let description = [{
    Row-major reshape. The element counts must match; the result may have
    one dynamic dimension, which is then the input's element count divided
    by the product of the others.

    Example:

    ```mlir
    %r = tessera_graph.reshape %x : tensor<?x12x64xf32> -> tensor<?x768xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Graph_BroadcastToOp : Graph_Op<"broadcast_to"> {
  let summary = "broadcasts to a given shape";
  let description = [{
    NumPy's `broadcast_to`: the input shape, aligned from the right, must be
    broadcastable to the result shape.

    Example:

    ```mlir
    %b = tessera_graph.broadcast_to %x : tensor<8xf32> -> tensor<4x8xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Graph_ConcatOp : Graph_InferredOp<"concat"> {
  let summary = "joins tensors along one dimension";
  let description = [{
    All inputs have the same rank and element type and agree in every
    dimension but `dim`.

    Example:

    ```mlir
    %c = tessera_graph.concat %a, %b dim = 1
        : tensor<4x3xf32>, tensor<4x5xf32> -> tensor<4x8xf32>
    ```
  }];
  let arguments = (ins Variadic<Graph_Tensor>:$inputs, I64Attr:$dim);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = [{
    $inputs `dim` `=` $dim attr-dict `:` type($inputs) `->` type($result)
  }];
}

def Graph_SliceOp : Graph_InferredOp<"slice"> {
  let summary = "a strided, statically sized window";
  let description = [{
    Takes `sizes[i]` elements along dimension `i`, starting at `offsets[i]`,
    `strides[i]` apart; a size of -1 takes every `strides[i]`-th element from
    the offset to the end (the result's dim is then dynamic where the
    input's is: Python's `x[a:]` and `x[:, ::2]` on symbolic dims). The
    window must lie inside every static dimension.

    Example:

    ```mlir
    %s = tessera_graph.slice %x offsets = [0, 2] sizes = [4, 3] strides = [1, 2]
        : tensor<4x8xf32> -> tensor<4x3xf32>
    %t = tessera_graph.slice %y offsets = [0, 64] sizes = [-1, -1] strides = [1, 1]
        : tensor<?x128xf32> -> tensor<?x64xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, DenseI64ArrayAttr:$offsets,
                       DenseI64ArrayAttr:$sizes, DenseI64ArrayAttr:$strides);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = [{
    $input `offsets` `=` $offsets `sizes` `=` $sizes `strides` `=` $strides
        attr-dict `:` type($input) `->` type($result)
  }];
}

def Graph_TakeOp : Graph_InferredOp<"take"> {
  let summary = "gathers slices of a tensor at integer indices along one dim";
  let description = [{
    `result[a..., j..., b...] = input[a..., indices[j...], b...]`, where the
    `a` dims are the input's before `dim` and the `b` dims those after it:
    the result's shape is the input's with `dim` replaced by the indices'
    shape (`numpy.take(input, indices, axis=dim)`; an embedding lookup is
    `take(table, ids, dim = 0)`). A negative index counts from the end once;
    an index still outside `[0, size)` is clamped into it (as
    `jax.numpy.take(..., mode="clip")`): never a read out of bounds.

    Example:

    ```mlir
    %e = tessera_graph.take %table, %ids dim = 0
        : tensor<?x768xf16>, tensor<?x?xi32> -> tensor<?x?x768xf16>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, RankedTensorOf<[I32, I64]>:$indices,
                       I64Attr:$dim);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = [{
    $input `,` $indices `dim` `=` $dim attr-dict `:` type($input) `,`
        type($indices) `->` type($result)
  }];
}

//===----------------------------------------------------------------------===//
// Attention
//===----------------------------------------------------------------------===//

def Graph_AttentionOp : Graph_InferredOp<"attention"> {
  let summary = "scaled dot-product attention";
  let description = [{
    `softmax(q @ k^T * scale + mask) @ v` over the last two dimensions:
    `query` is `[..., Sq, D]`, `key` `[..., Sk, D]`, `value` `[..., Sk, Dv]`
    and the result `[..., Sq, Dv]`; leading dimensions must agree. `scale`
    defaults to `1/sqrt(D)`. `causal` masks key positions after the query
    position (aligned at the start: query `i` sees keys `0..i`). The
    optional additive `mask` broadcasts to `[..., Sq, Sk]`.

    Example:

    ```mlir
    %o = tessera_graph.attention %q, %k, %v causal
        : tensor<2x8x128x64xf16>, tensor<2x8x128x64xf16>, tensor<2x8x128x64xf16>
        -> tensor<2x8x128x64xf16>
    ```
  }];
  let arguments = (ins Graph_FloatTensor:$query, Graph_FloatTensor:$key,
                       Graph_FloatTensor:$value,
                       Optional<Graph_FloatTensor>:$mask,
                       OptionalAttr<F64Attr>:$scale, UnitAttr:$causal);
  let results = (outs Graph_FloatTensor:$result);
  let assemblyFormat = [{
    $query `,` $key `,` $value (`mask` `(` $mask^ `:` type($mask) `)`)?
        (`scale` `=` $scale^)? (`causal` $causal^)? attr-dict `:`
        type($query) `,` type($key) `,` type($value) `->` type($result)
  }];
}

//===----------------------------------------------------------------------===//
// Fusion groups
//===----------------------------------------------------------------------===//

def Graph_FusedOp : Graph_Op<"fused", [
    IsolatedFromAbove, SingleBlock, RecursiveMemoryEffects]> {
  let summary = "a group of graph ops that belongs in one kernel";
  let description = [{
    Made by `tessera-graph-fuse`: the body computes the results from the
    block arguments (standing for `inputs` one to one) and yields them.
    `kind` says what the group is: an elementwise chain, a matmul with its
    epilogue, or a reduction (reduce, softmax, norm) with its elementwise
    prologue. Scheduling turns each group into one kernel; the CPU lowering
    inlines the body.

    Example:

    ```mlir
    %r = tessera_graph.fused matmul_epilogue (%a, %w, %b)
        : (tensor<64x32xf32>, tensor<32x16xf32>, tensor<16xf32>) -> tensor<64x16xf32> {
    ^bb0(%x: tensor<64x32xf32>, %y: tensor<32x16xf32>, %z: tensor<16xf32>):
      %m = tessera_graph.matmul %x, %y
          : tensor<64x32xf32>, tensor<32x16xf32> -> tensor<64x16xf32>
      %s = tessera_graph.add %m, %z
          : tensor<64x16xf32>, tensor<16xf32> -> tensor<64x16xf32>
      tessera_graph.yield %s : tensor<64x16xf32>
    }
    ```
  }];
  let arguments = (ins Graph_FusionKindAttr:$kind, Variadic<AnyType>:$inputs);
  let results = (outs Variadic<AnyType>:$results);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    $kind `(` $inputs `)` attr-dict `:` functional-type($inputs, $results)
        $body
  }];
  let hasRegionVerifier = 1;
}

def Graph_YieldOp : Graph_Op<"yield", [
    Terminator, ReturnLike, HasParent<"FusedOp">]> {
  let summary = "returns the results of a fused group";
  let description = [{
    Example:

    ```mlir
    tessera_graph.yield %s : tensor<64x16xf32>
    ```
  }];
  let arguments = (ins Variadic<AnyType>:$values);
  let assemblyFormat = "($values^ `:` type($values))? attr-dict";
}

#endif // TESSERA_DIALECT_GRAPH_IR_GRAPHOPS_TD
