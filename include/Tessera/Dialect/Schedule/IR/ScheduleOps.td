//===- ScheduleOps.td - Schedule IR operations -------------*- tablegen -*-===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//

#ifndef TESSERA_DIALECT_SCHEDULE_IR_SCHEDULEOPS_TD
#define TESSERA_DIALECT_SCHEDULE_IR_SCHEDULEOPS_TD

include "Tessera/Dialect/Schedule/IR/ScheduleAttrs.td"
include "mlir/IR/RegionKindInterface.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def Schedule_KernelOp : Schedule_Op<"kernel", [
    IsolatedFromAbove, SingleBlock, RecursiveMemoryEffects]> {
  let summary = "a group of graph ops that becomes one GPU kernel";
  let description = [{
    The config comes first, in full (`#tessera_schedule.config<...>`), so
    that it cannot be confused with the signature's types.

    `knobs`, when present, lists the configs an autotuner may try instead.

    `row_classes`, when present (matmul kernels), gives the configs for
    outputs of few rows, chosen at launch by the rows
    (`#tessera_schedule.row_classes`); `config` covers the rest.

    The body computes the results from the block arguments, which stand for
    `inputs` one to one; `tessera_schedule.yield` returns the results. The
    body is isolated from above so that a kernel can be compiled on its own.

    Example:

    ```mlir
    %r = tessera_schedule.kernel
        #tessera_schedule.config<tile = [128, 128, 32], warps = 8, stages = 3>
        (%a, %b) : (tensor<128x64xf16>, tensor<64x256xf16>) -> tensor<128x256xf16> {
    ^bb0(%x: tensor<128x64xf16>, %y: tensor<64x256xf16>):
      %m = tessera_graph.matmul %x, %y
          : tensor<128x64xf16>, tensor<64x256xf16> -> tensor<128x256xf16>
      tessera_schedule.yield %m : tensor<128x256xf16>
    }
    ```
  }];
  let arguments = (ins Variadic<AnyType>:$inputs, Schedule_ConfigAttr:$config,
                       OptionalAttr<Schedule_KnobSpaceAttr>:$knobs,
                       OptionalAttr<Schedule_RowClassesAttr>:$row_classes);
  let results = (outs Variadic<AnyType>:$results);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    qualified($config) `(` $inputs `)` attr-dict `:`
        functional-type($inputs, $results) $body
  }];
  let hasRegionVerifier = 1;
}

def Schedule_YieldOp : Schedule_Op<"yield", [
    Pure, Terminator, ReturnLike, HasParent<"KernelOp">]> {
  let summary = "returns the results of a kernel body";
  let description = [{
    Example:

    ```mlir
    tessera_schedule.yield %m : tensor<128x256xf16>
    ```
  }];
  let arguments = (ins Variadic<AnyType>:$values);
  let assemblyFormat = "($values^ `:` type($values))? attr-dict";
}

#endif // TESSERA_DIALECT_SCHEDULE_IR_SCHEDULEOPS_TD
