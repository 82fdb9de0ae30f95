//===- ScheduleAttrs.td - Schedule IR attributes -----------*- tablegen -*-===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//

#ifndef TESSERA_DIALECT_SCHEDULE_IR_SCHEDULEATTRS_TD
#define TESSERA_DIALECT_SCHEDULE_IR_SCHEDULEATTRS_TD

include "Tessera/Dialect/Schedule/IR/ScheduleBase.td"

def Schedule_ConfigAttr : Schedule_Attr<"Config", "config"> {
  let summary = "schedule of one kernel: block tile, warps, pipeline stages";
  let description = [{
    `tile` gives the block tile sizes, outermost first (for a matmul:
    `[M, N, K]`); `warps` the warps per block; `stages` the software
    pipeline depth of the main loop.

    Example:

    ```mlir
    #tessera_schedule.config<tile = [128, 128, 32], warps = 8, stages = 3>
    ```
  }];
  let parameters = (ins ArrayRefParameter<"int64_t">:$tile,
                        "int64_t":$warps, "int64_t":$stages);
  let assemblyFormat = [{
    `<` `tile` `=` `[` $tile `]` `,` `warps` `=` $warps `,`
        `stages` `=` $stages `>`
  }];
  let genVerifyDecl = 1;
}

#endif // TESSERA_DIALECT_SCHEDULE_IR_SCHEDULEATTRS_TD
