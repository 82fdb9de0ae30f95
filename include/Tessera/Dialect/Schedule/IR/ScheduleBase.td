//===- ScheduleBase.td - Schedule IR dialect definition ----*- tablegen -*-===//
//
// Part of the Tessera project.
//
//===----------------------------------------------------------------------===//

#ifndef TESSERA_DIALECT_SCHEDULE_IR_SCHEDULEBASE_TD
#define TESSERA_DIALECT_SCHEDULE_IR_SCHEDULEBASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"

def Schedule_Dialect : Dialect {
  let name = "tessera_schedule";
  let cppNamespace = "::mlir::tessera::schedule";
  let summary = "Tessera Schedule IR: kernels and their schedule decisions";
  let description = [{
    Schedule IR records decisions, not code. A `tessera_schedule.kernel`
    groups the Graph IR ops that become one GPU kernel and carries a
    `#tessera_schedule.config` attribute: block tile sizes, warps, pipeline
    stages. Lowering to Tile IR turns the decisions into per-block code.
  }];
  let useDefaultAttributePrinterParser = 1;
}

class Schedule_Op<string mnemonic, list<Trait> traits = []>
    : Op<Schedule_Dialect, mnemonic, traits>;

class Schedule_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<Schedule_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
}

#endif // TESSERA_DIALECT_SCHEDULE_IR_SCHEDULEBASE_TD
