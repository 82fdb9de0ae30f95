#!/usr/bin/env bash
# The no-regression check, one command on the GPU machine (docs/benchmarks.md,
# "Comparing two builds"):
#
#   scripts/gpu-check.sh [GPU_CASES_DIR] [BENCH_NEW_DIR] [BENCH_OLD_DIR]
#     defaults: build/gpu-artifacts build/bench-artifacts build/bench-artifacts-base
#
# 1. kernels:   test/gpu/run_kernels.py on the GPU cases
# 2. bench:     bench/run.py --baseline OLD NEW (old and new timed alternately)
# 3. memcheck, synccheck, racecheck: compute-sanitizer over run_kernels.py
#    (TESSERA_GPU_SANITIZE=1: no memory pool, no timing launches)
#
# Every part runs under `timeout`, and all parts together within
# GPU_CHECK_BUDGET seconds (default 560: the device call's limit is 600), so
# one stuck part cannot eat the call. Logs and JSON go to $OUT (8 files:
# kernels.log gpu_kernels.json bench.log bench.json bench.png memcheck.log
# synccheck.log racecheck.log); the summary is printed last. Exit status 0
# when every part passed, 1 otherwise. Without a GPU it prints SKIP.
#
# Knobs (environment): PYTHON (python3), COMPUTE_SANITIZER, GPU_CHECK_BUDGET,
# T_KERNELS T_BENCH T_MEMCHECK T_SYNCCHECK T_RACECHECK (seconds per part),
# BENCH_ARGS (e.g. --quick), SANITIZE_SKIP (cases left out of every
# sanitizer run), RACECHECK_SKIP (cases left out of racecheck; default the
# two 70000-block cases), SYNCCHECK_SKIP (cases left out of synccheck;
# default the wgmma/TMA cases), PARTS (default "kernels bench memcheck synccheck
# racecheck").
set -u
cd "$(dirname "$0")/.."
CASES=${1:-build/gpu-artifacts}
NEW=${2:-build/bench-artifacts}
OLD=${3:-build/bench-artifacts-base}
PY=${PYTHON:-python3}
OUT=${OUT:-/tmp/gpu-check-out}
mkdir -p "$OUT"
export PYTHONUNBUFFERED=1
BUDGET=${GPU_CHECK_BUDGET:-560}
PARTS=${PARTS:-kernels bench memcheck synccheck racecheck}
# Racecheck tracks every shared-memory access of every thread; these two
# cases launch 70000 blocks each (grid-limit tests: memcheck covers their
# indexing), which would take racecheck far past its time.
RACECHECK_SKIP=${RACECHECK_SKIP-matmul_f16_wgmma_many_batches,attention_f16_many_heads}
# synccheck aborts the first kernel that runs TMA copies and mbarrier waits
# ("unspecified launch failure" on matmul_bias_gelu_f16_wgmma, no report;
# CUDA 13.0, H200): the wgmma/TMA cases are left out of synccheck, and
# SYNCCHECK_ONLY (default the wgmma case whose TMA path is off) runs alone
# (the fp16 attention cases run TMA on sm_90 too)
# so the log tells whether the instructions' presence or their execution
# is what the tool cannot take.
SYNCCHECK_SKIP=${SYNCCHECK_SKIP-attention_f16_many_heads,attention_f16_d64_causal,attention_f16_d128_cross,attention_f16_d64_mask_scale,dsl_example_matmul_wgmma,dsl_example_matmul_wgmma_fallback,dsl_example_matmul_wgmma_pitched,matmul_f16_wgmma_pitched,matmul_f16_wgmma_ws_pitched,matmul_bias_gelu_f16_wgmma,matmul_f16_wgmma_batched,matmul_f16_wgmma_fallback,matmul_f16_wgmma_many_batches,matmul_f16_wgmma_swizzled,matmul_bias_gelu_f16_wgmma_split,matmul_bias_gelu_f16_wgmma_ws,matmul_f16_wgmma_ws_batched,matmul_f16_wgmma_ws_fallback}
SYNCCHECK_ONLY=${SYNCCHECK_ONLY-matmul_f16_wgmma_fallback}
SANITIZE_SKIP=${SANITIZE_SKIP-}
START=$(date +%s)

if ! "$PY" -c 'import cupy, sys; sys.exit(cupy.cuda.runtime.getDeviceCount() == 0)' \
    >/dev/null 2>&1; then
  echo "SKIP: no GPU ($PY cannot reach one through CuPy)"
  exit 0
fi

SUMMARY=()
FAILED=0
note() { local name=$1; shift; SUMMARY+=("$(printf '%-10s %s' "$name" "$*")"); }

# run_part NAME SECONDS LOG CMD...: runs CMD under timeout (cut to what is
# left of the budget), output to LOG; sets RC and SECS.
run_part() {
  local name=$1 t=$2 log=$3
  shift 3
  local left=$((BUDGET - ($(date +%s) - START)))
  if ((left < 20)); then
    RC=skipped; SECS=0
    echo "== $name: skipped, ${left}s of the budget left" | tee "$log"
    return
  fi
  ((t > left - 10)) && t=$((left - 10))
  echo "== $name (limit ${t}s): $*"
  local s=$(date +%s)
  timeout -k 10 "$t" "$@" >"$log" 2>&1
  RC=$?
  SECS=$(($(date +%s) - s))
  truncate -s '<15M' "$log"  # files over 16 MiB do not come back
  ((RC == 124 || RC == 137)) && RC="timeout(${t}s)"
  echo "   rc=$RC, ${SECS}s"
}

has() { [[ " $PARTS " == *" $1 "* ]]; }

if has kernels; then
  if [ -d "$CASES" ]; then
    run_part kernels "${T_KERNELS:-90}" "$OUT/kernels.log" \
      env OUT="$OUT" "$PY" test/gpu/run_kernels.py "$CASES"
    [ "$RC" = 0 ] || FAILED=1
    note kernels "rc=$RC ${SECS}s; $(grep -E 'cases pass' "$OUT/kernels.log" | tail -1);" \
      "misaligned views: $(grep -c 'misaligned views:.*PASS' "$OUT/kernels.log") PASS," \
      "$(grep -c 'misaligned views:.*FAIL' "$OUT/kernels.log") FAIL"
  else
    FAILED=1; note kernels "no artifacts at $CASES"
  fi
fi

if has bench; then
  if [ -d "$NEW" ] && [ -d "$OLD" ]; then
    # shellcheck disable=SC2086  # BENCH_ARGS is a list of options
    run_part bench "${T_BENCH:-210}" "$OUT/bench.log" \
      env OUT="$OUT" "$PY" bench/run.py --baseline "$OLD" "$NEW" ${BENCH_ARGS:-}
    [ "$RC" = 0 ] || FAILED=1
    note bench "rc=$RC ${SECS}s; $(grep -E 'old rows correct' "$OUT/bench.log" | tail -1); $(grep -E 'rows SLOWER' "$OUT/bench.log" | tail -1)"
  else
    FAILED=1; note bench "missing artifacts: new $NEW, old $OLD"
  fi
fi

CS=${COMPUTE_SANITIZER:-$(command -v compute-sanitizer || ls /usr/local/cuda*/bin/compute-sanitizer 2>/dev/null | head -1)}
SANDIR=$(mktemp -d)  # run_kernels' JSON under a sanitizer: not kept
for tool in memcheck synccheck racecheck; do
  has "$tool" || continue
  if [ -z "$CS" ] || [ ! -d "$CASES" ]; then
    FAILED=1; note "$tool" "not run: compute-sanitizer '${CS}' or cases '$CASES' missing"
    continue
  fi
  skip=$SANITIZE_SKIP
  [ "$tool" = racecheck ] && skip=$(echo "$skip,$RACECHECK_SKIP" | sed 's/^,//; s/,$//')
  [ "$tool" = synccheck ] && skip=$(echo "$skip,$SYNCCHECK_SKIP" | sed 's/^,//; s/,$//')
  limit_var="T_${tool^^}"
  default_t=$([ "$tool" = racecheck ] && echo 120 || { [ "$tool" = memcheck ] && echo 100 || echo 70; })
  run_part "$tool" "${!limit_var:-$default_t}" "$OUT/$tool.log" \
    env OUT="$SANDIR" TESSERA_GPU_SANITIZE=1 TESSERA_GPU_SKIP="$skip" \
    "$CS" --tool "$tool" --error-exitcode 86 --print-limit 50 \
    "$PY" test/gpu/run_kernels.py "$CASES"
  log="$OUT/$tool.log"
  errs=$(grep -E '^========= ERROR SUMMARY' "$log" | tail -1 | sed 's/^========= //')
  race=$(grep -E 'RACECHECK SUMMARY' "$log" | tail -1 | sed 's/^========= //')
  prog=$(grep -E 'cases pass' "$log" | tail -1)
  last=$(grep -E '^case ' "$log" | tail -1)
  [ "$RC" = 0 ] || FAILED=1
  note "$tool" "rc=$RC ${SECS}s; ${errs:-no ERROR SUMMARY line}${race:+; $race};" \
    "program: ${prog:-no result (last started: ${last:-none})}${skip:+; skipped: $skip}"
done
# The synccheck probe: the skipped wgmma/TMA kernels, one case alone.
if has synccheck && [ -n "$SYNCCHECK_ONLY" ] && [ -n "$CS" ] && [ -d "$CASES" ]; then
  run_part synccheck-probe 40 "$SANDIR/probe.log" \
    env OUT="$SANDIR" TESSERA_GPU_SANITIZE=1 TESSERA_GPU_CASES="$SYNCCHECK_ONLY" \
    "$CS" --tool synccheck --error-exitcode 86 --print-limit 20 \
    "$PY" test/gpu/run_kernels.py "$CASES"
  { echo "######## probe: synccheck on $SYNCCHECK_ONLY alone"; cat "$SANDIR/probe.log"; } >> "$OUT/synccheck.log"
  note synccheck-probe "rc=$RC ${SECS}s on $SYNCCHECK_ONLY; $(grep -E '^========= ERROR SUMMARY' "$SANDIR/probe.log" | tail -1 | sed 's/^========= //')$(grep -E 'cases pass|Error' "$SANDIR/probe.log" | tail -1)"
fi
rm -rf "$SANDIR"

echo
echo "######## details"
if has kernels && [ -f "$OUT/kernels.log" ]; then
  sed -n '/^case .*result$/,$p' "$OUT/kernels.log"
fi
for tool in memcheck synccheck racecheck; do
  log="$OUT/$tool.log"
  has "$tool" && [ -f "$log" ] || continue
  # The sanitizer's own lines other than its summary: the first findings,
  # and notes on what it could not check.
  found=$(grep -E '^========= ' "$log" | grep -vE 'ERROR SUMMARY|RACECHECK SUMMARY|^========= COMPUTE-SANITIZER$' | head -12)
  if [ -n "$found" ]; then
    echo
    echo "-- $tool (first lines; all in $tool.log):"
    echo "$found" | cut -c1-160
  fi
  grep -E 'Traceback|Error:' "$log" | grep -v '=========' | head -5
done
# The before/after table last but the summary (the reply keeps the output's end).
if has bench && [ -f "$OUT/bench.log" ]; then
  echo
  sed -n '/^Tessera before\/after/,$p' "$OUT/bench.log"
  grep -E 'Traceback|Error' "$OUT/bench.log" | head -5
fi

echo
echo "######## gpu-check summary ($(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null | head -1); $(($(date +%s) - START)) s; artifacts: cases $CASES, new $NEW, old $OLD)"
printf '%s\n' "${SUMMARY[@]}"
echo "gpu-check: $([ $FAILED = 0 ] && echo ALL PASS || echo FAILURES, see above)"
exit $FAILED
