//===- Passes.td - Graph IR passes -------------------------*- tablegen -*-===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//

#ifndef TESSERA_DIALECT_GRAPH_TRANSFORMS_PASSES_TD
#define TESSERA_DIALECT_GRAPH_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def TesseraGraphFuse : Pass<"tessera-graph-fuse"> {
  let summary = "group producer/consumer chains that belong in one kernel";
  let description = [{
    Accepts Graph IR (run it on a module or a function) and wraps groups of
    ops in `tessera_graph.fused` regions, innermost blocks first, each op in
    at most one group:

    - `matmul_epilogue`: a matmul followed by the elementwise ops that consume
      it (bias, activation, residual, scaling);
    - `reduction`: an elementwise prologue followed by the reduce, softmax,
      log_softmax, layer_norm or rms_norm that consumes it;
    - `attention`: an attention with the head swaps (transposes of the
      middle dims of rank-4 tensors, permutation [0, 2, 1, 3]) of its query,
      key and value that only it reads as those, and of its result where
      that is the result's only use: its kernel reads and writes the
      [B, S, H, D] tensors through strides;
    - `elementwise`: any other chain of two or more elementwise ops and ops
      that move elements (transpose, reshape, broadcast_to, slice, concat,
      take, dropout): the GPU computes such a chain in one kernel, reading
      its inputs where the moves say.

    A chain grows from a producer to its consumer only while (1) the
    producer's result has that one use, so no intermediate is needed outside
    the group, and (2) the consumer is an op that moves elements, in a chain
    that starts with no matmul and ends in no reduction, or an elementwise
    op whose result has the shape of its producer's (a broadcast that grows
    the tensor ends the chain). Other operands of the group's ops (bias
    vectors, residuals, the other pieces of a concat) become inputs of the
    region.

    Then chains meet: an elementwise or reduction group without ops that
    move elements takes in the producers of its members' operands, an
    elementwise op whose result has the member's shape and whose every use
    is in the group, and also a whole elementwise group whose output is
    such an operand. `t = abs(x); log(t) + t * y` is one group (following
    single uses alone gives three). A value also used outside the group,
    or of another shape (a broadcast operand), stays an input. Kernels
    written by hand (`tessera_schedule.kernel` bodies) are left as they are.
  }];
}

#endif // TESSERA_DIALECT_GRAPH_TRANSFORMS_PASSES_TD
