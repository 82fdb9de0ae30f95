"""Before/after comparison for `bench/run.py --baseline`: the pure parts
(no GPU, no torch), so that test_bench.py can check them on any machine.

Times are milliseconds per call. `speed` is new/old in rates (old_ms /
new_ms): 1.0 the same, below 1 the new build is slower. A row whose speed
is below THRESHOLD after the first rounds is timed RETIME_ROUNDS more
rounds, and is SLOWER only if the median over all its rounds is still
below.
"""

from __future__ import annotations

import json
import statistics
from pathlib import Path
from typing import Dict, List, Optional

#: new/old below this is a regression (more than 3% slower).
THRESHOLD = 0.97
#: Alternating rounds per row, and the extra rounds of a row below THRESHOLD.
ROUNDS = 3
RETIME_ROUNDS = 3


def baseline_plan(plan: dict) -> dict:
    """A plan written by an older Tessera, made loadable by the current
    runtime. Plans from before `vendor` existed (the runtime now refuses a
    plan without it) had only NVIDIA binaries, PTX: such a plan gets
    "nvidia". Anything else is left as it is (the runtime then says what is
    wrong)."""
    if "vendor" not in plan and str(plan.get("binary", "")).endswith(".ptx"):
        plan = dict(plan, vendor="nvidia")
    return plan


def alternate(time_one, rounds: int, start: int = 0) -> Dict[str, List[float]]:
    """Times "old" and "new" alternately, `rounds` rounds of one each;
    `time_one(which)` returns ms. The version that goes first alternates
    too (old new, new old, ...), so a drift of clocks over the row biases
    neither. `start` continues the pattern of earlier rounds."""
    samples: Dict[str, List[float]] = {"old": [], "new": []}
    for r in range(start, start + rounds):
        for which in (("old", "new") if r % 2 == 0 else ("new", "old")):
            samples[which].append(float(time_one(which)))
    return samples


def speed(old_ms: Optional[float], new_ms: Optional[float]) -> Optional[float]:
    """new/old in rates (old time over new time); None without both."""
    if not old_ms or not new_ms or old_ms <= 0 or new_ms <= 0:
        return None
    return old_ms / new_ms


def summarize(old: List[float], new: List[float], threshold: float = THRESHOLD) -> dict:
    """Medians of the samples, their ratio and whether it is below
    `threshold`."""
    old_ms = statistics.median(old) if old else None
    new_ms = statistics.median(new) if new else None
    s = speed(old_ms, new_ms)
    return {"old_ms": old_ms, "new_ms": new_ms, "new_over_old": s,
            "below": s is not None and s < threshold,
            "old_samples": list(old), "new_samples": list(new)}


def compare_row(time_one, rounds: int = ROUNDS, retime_rounds: int = RETIME_ROUNDS,
                threshold: float = THRESHOLD) -> dict:
    """Alternating rounds of old and new; a row below `threshold` gets
    `retime_rounds` more, and is `slower` only if the median over all rounds
    is still below. Returns summarize()'s dict plus `retimed` and
    `slower`."""
    samples = alternate(time_one, rounds)
    result = summarize(samples["old"], samples["new"], threshold)
    retimed = False
    if result["below"] and retime_rounds > 0:
        more = alternate(time_one, retime_rounds, start=rounds)
        result = summarize(samples["old"] + more["old"], samples["new"] + more["new"],
                           threshold)
        retimed = True
    result["retimed"] = retimed
    result["slower"] = result["below"]
    del result["below"]
    return result


def compile_times(old_dir, new_dir) -> List[dict]:
    """compile_s per program from both artifact sets' index.json (written by
    bench/build.py), for the programs either set has; None where a set lacks
    the program or its index lacks the time."""
    def read(d):
        try:
            return json.loads((Path(d) / "index.json").read_text())
        except (OSError, ValueError):
            return {}
    old, new = read(old_dir), read(new_dir)
    rows = []
    for name in sorted(set(old) | set(new)):
        o = old.get(name, {}).get("compile_s")
        n = new.get(name, {}).get("compile_s")
        rows.append({"program": name, "old_s": o, "new_s": n,
                     "new_over_old": (n / o) if o and n is not None else None})
    return rows


def format_compile_times(rows: List[dict]) -> List[str]:
    """The compile-time table: one line per program and a total over the
    programs both sets have."""
    lines = [f"{'program':32s} {'old s':>8s} {'new s':>8s} {'new/old':>8s}"]
    fmt = lambda v: f"{v:8.3f}" if v is not None else f"{'-':>8s}"
    both = [r for r in rows if r["old_s"] is not None and r["new_s"] is not None]
    for r in rows:
        ratio = f"{r['new_over_old']:8.2f}" if r["new_over_old"] is not None else f"{'-':>8s}"
        lines.append(f"{r['program']:32s} {fmt(r['old_s'])} {fmt(r['new_s'])} {ratio}")
    if both:
        o = sum(r["old_s"] for r in both)
        n = sum(r["new_s"] for r in both)
        lines.append(f"{'total (' + str(len(both)) + ' programs)':32s} {o:8.3f} {n:8.3f} "
                     f"{n / o if o else float('nan'):8.2f}")
    return lines


def format_compare_table(rows: List[dict]) -> List[str]:
    """The before/after table of bench rows (each with a `baseline` entry as
    run.py writes it): rates old and new, new/old, best peer / new, checks,
    and SLOWER where the row regressed."""
    head = (f"{'row':46s} {'old':>9s} {'new':>9s} {'new/old':>7s} {'peer':>6s} "
            f"{'check':>9s}  flag")
    lines = [head, "-" * len(head)]
    for r in rows:
        b = r.get("baseline") or {}
        unit = "T" if r["unit"] == "TFLOP/s" else "G"
        rate = lambda v: f"{v:8.1f}{unit}" if v else f"{'-':>9s}"
        ratio = f"{b['new_over_old']:7.3f}" if b.get("new_over_old") else f"{'-':>7s}"
        peer = f"{r['ratio_to_best']:6.2f}" if "ratio_to_best" in r else f"{'-':>6s}"
        check = (("ok" if b.get("pass") else "FAIL") + "/"
                 + ("ok" if r["tessera"]["pass"] else "FAIL"))
        flag = "SLOWER" if b.get("slower") else ("(retimed)" if b.get("retimed") else "")
        lines.append(f"{r['group'] + ' ' + r['name']:46s} {rate(b.get('rate'))} "
                     f"{rate(r['tessera']['rate'])} {ratio} {peer} {check:>9s}  {flag}".rstrip())
    return lines
