"""Registers, spills and shared memory of every kernel in artifact
directories, from `ptxas -v`, with a baseline side by side: what decides a
kernel's occupancy, read without a GPU.

    python bench/registers.py NEW_DIR [--baseline OLD_DIR] [--only PROGRAM ...]

NEW_DIR / OLD_DIR: directories of <program>/kernels.ptx (bench/build.py's
output, or test/gpu/build_artifacts.py's). Each file is assembled for the
architecture its `.target` names (sm_90a for wgmma kernels). ptxas comes
from $PTXAS, the PATH or /usr/local/cuda/bin (the build machine has CUDA
13.0's: ../shared/TOOLCHAIN.md); both sides of a comparison are the same
ptxas's counts.

Exit status 1 when a kernel spills in NEW_DIR and not in OLD_DIR, or ptxas
fails on a file.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

_ENTRY = re.compile(r"Compiling entry function '([^']+)' for '([^']+)'")
_SPILL = re.compile(r"(\d+) bytes stack frame, (\d+) bytes spill stores, "
                    r"(\d+) bytes spill loads")
_USED = re.compile(r"Used (\d+) registers(?:.*?(\d+) bytes smem)?")
_TARGET = re.compile(r"^\s*\.target\s+(sm_\w+)", re.MULTILINE)


def find_ptxas() -> str:
    """The ptxas to run: $PTXAS, the PATH's, or the CUDA toolkit's."""
    for candidate in (os.environ.get("PTXAS"), shutil.which("ptxas"),
                      "/usr/local/cuda/bin/ptxas"):
        if candidate and Path(candidate).is_file():
            return candidate
    sys.exit("registers.py: no ptxas (set $PTXAS to one, or install the CUDA "
             "toolkit: /usr/local/cuda/bin/ptxas)")


def kernel_resources(ptxas: str, ptx: Path) -> dict:
    """kernel name -> (registers, spill store bytes, spill load bytes, smem
    bytes) of one PTX file."""
    target = _TARGET.search(ptx.read_text())
    arch = target.group(1) if target else "sm_90a"
    run = subprocess.run([ptxas, f"-arch={arch}", "-v", "-o", os.devnull, str(ptx)],
                         capture_output=True, text=True)
    if run.returncode != 0:
        raise RuntimeError(f"ptxas failed on {ptx}:\n{run.stderr.strip()}")
    return parse_ptxas(run.stderr)


def parse_ptxas(text: str) -> dict:
    """kernel name -> (registers, spill store bytes, spill load bytes, smem
    bytes) from `ptxas -v`'s report."""
    kernels, name, spills = {}, None, (0, 0)
    for line in text.splitlines():
        if m := _ENTRY.search(line):
            name, spills = m.group(1), (0, 0)
        elif (m := _SPILL.search(line)) and name:
            spills = (int(m.group(2)), int(m.group(3)))
        elif (m := _USED.search(line)) and name:
            kernels[name] = (int(m.group(1)), *spills, int(m.group(2) or 0))
            name = None
    return kernels


def directory_resources(ptxas: str, root: Path, only) -> dict:
    """(program, kernel) -> resources for every <program>/kernels.ptx."""
    out = {}
    for ptx in sorted(root.glob("*/kernels.ptx")):
        program = ptx.parent.name
        if only and program not in only:
            continue
        for kernel, res in kernel_resources(ptxas, ptx).items():
            out[(program, kernel)] = res
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("new", type=Path)
    parser.add_argument("--baseline", type=Path)
    parser.add_argument("--only", nargs="+", metavar="PROGRAM")
    args = parser.parse_args(argv)
    ptxas = find_ptxas()
    version = subprocess.run([ptxas, "--version"], capture_output=True,
                             text=True).stdout.strip().splitlines()[-1]
    print(f"ptxas: {ptxas} ({version})")
    try:
        new = directory_resources(ptxas, args.new, args.only)
        old = (directory_resources(ptxas, args.baseline, args.only)
               if args.baseline else {})
    except RuntimeError as error:
        print(error, file=sys.stderr)
        return 1
    if not new:
        print(f"registers.py: no <program>/kernels.ptx under {args.new}",
              file=sys.stderr)
        return 1

    def show(res):
        regs, stores, loads, smem = res
        spill = f" spill {stores}/{loads} B" if stores or loads else ""
        return f"{regs:3d} regs{spill}"

    new_spills = []
    print(f"{'program':<30} {'kernel':<34} {'old':>18} {'new':>18}")
    for key in sorted(set(new) | set(old)):
        program, kernel = key
        was = show(old[key]) if key in old else "-"
        now = show(new[key]) if key in new else "-"
        mark = ""
        if key in new and key in old and new[key][0] != old[key][0]:
            mark = f"  {new[key][0] - old[key][0]:+d}"
        if key in new and (new[key][1] or new[key][2]) and not (
                key in old and (old[key][1] or old[key][2])):
            mark += "  SPILLS"
            new_spills.append(f"{program}/{kernel}")
        print(f"{program:<30} {kernel:<34} {was:>18} {now:>18}{mark}")
    if new_spills and args.baseline:
        print("kernels that spill in the new build only: " + ", ".join(new_spills))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
