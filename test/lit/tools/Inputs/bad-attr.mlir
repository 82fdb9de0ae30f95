func.func @f() attributes {
  c = #tessera_schedule.config<tile = [64], warps = 5, stages = 1>} {
  return
}
