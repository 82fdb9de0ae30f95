"""Mutation fuzzer for tessera-opt's parser, verifiers and pipelines.

Takes the lit inputs, mutates them (byte edits, token swaps, number
changes), feeds each to tessera-opt, parsing and verifying only or (with
--pipelines) also through a pass pipeline picked at random (the linalg and
CPU lowerings, fusion, canonicalization, the NVVM and ROCDL pipelines), and
reports any input that makes it crash (a signal, an abort, or LLVM's "Stack
dump"). Bad input must only ever give a diagnostic and exit status 1.

    python test/python/fuzz_tessera_opt.py --count 5000 [--seed 1] [--pipelines]
"""

import argparse
import concurrent.futures
import glob
import os
import random
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NUMBERS = ["0", "-1", "1", "3", "4", "1024", "2048", "-32", "99999999999999999999",
           "?", "0x10", "1.5", "65536"]
TOKENS = ["tessera_graph.matmul", "tessera_graph.add", "tessera_graph.reduce",
          "tessera_graph.attention", "tessera_graph.softmax", "tessera_graph.cast",
          "tessera_graph.layer_norm", "tessera_graph.concat", "tessera_graph.slice",
          "tessera_graph.fused", "tessera_graph.yield", "transpose_lhs", "keepdim",
          "dims = [", "permutation = [", "causal", "mask(", "weight(", "epsilon = ",
          "#tessera_graph.numerics<", "storage = ", "rounding = stochastic",
          "tensor<?x?xf32>", "tensor<1xf16>", "tensor<f32>", "xbf16>", "xi1>",
          "tessera_schedule.kernel",
          "tessera_schedule.yield", "tessera_tile.program_id",
          "tessera_tile.alloc_shared", "tessera_tile.barrier",
          "tessera_target.kernel", "tessera_target.return",
          "#tessera_schedule.config<", "#tessera_target.kernel_config<",
          "tensor<*xf32>", "memref<?xf32>", "index", "(", ")", "{", "}", "[", "]",
          "<", ">", ",", ":", "=", "->", "%arg0", "^bb0", "private", "config",
          "#gpu.address_space<private>", "#gpu.address_space<workgroup>",
          "tessera_tile.copy_async", "tessera_tile.load_matrix", "tessera_tile.mma",
          "tessera_tile.async_wait", "tessera_target.require_equal", "mma = mma_sync",
          "vector<4x2xf16>", "vector<2x2xf32>", "tensor<?x?xf16>", "xindex>",
          "xcomplex<f32>>", "acc = i32", "acc = f16", "transpose_rhs",
          "tessera_target.ptx_instr", "tessera_target.tensor_core", "tessera_target.memcpy",
          "{constraints = {operand0 = \"+n\"}}", "tessera.memref_params",
          "\"wgmma\"", "shape = [64, 256, 32]", "!llvm.ptr<3>", "kind = \"global_to_shared\"",
          "math.exp", "vector<4xf32>"]

#: Pass pipelines the inputs also go through with --pipelines ("" parses
#: and verifies only).
PIPELINES = ["", "--convert-tessera-graph-to-linalg", "--tessera-lower-to-cpu",
             "--tessera-graph-fuse", "-canonicalize",
             "--tessera-lower-to-nvvm=chip=sm_90", "--tessera-lower-to-rocdl=chip=gfx942",
             "--pass-pipeline=builtin.module(func.func(tessera-schedule-assign),"
             "tessera-schedule-check,convert-tessera-schedule-to-tile,"
             "convert-tessera-tile-to-target,convert-tessera-target-to-gpu,"
             "tessera-target-export-plan)",
             "--tessera-target-bare-ptr", "--convert-tessera-target-to-gpu",
             "--tessera-target-lower-exp=mode=ex2", "--tessera-target-lower-exp",
             "--convert-tessera-tile-to-target", "--tessera-tile-allocate-shared",
             "--tessera-tile-pipeline", "--tessera-target-set-chip=chip=gfx942",
             "--tessera-lower-to-gpu=chip=sm_80"]


def seeds():
    files = sorted(glob.glob(os.path.join(ROOT, "test", "lit", "**", "*.mlir"),
                             recursive=True))
    chunks = []
    for path in files:
        with open(path) as f:
            text = f.read()
        for chunk in text.split("// -----"):
            body = "\n".join(l for l in chunk.splitlines()
                             if not l.lstrip().startswith("//"))
            if body.strip():
                chunks.append(body)
    return chunks


def mutate(text, rng):
    for _ in range(rng.randint(1, 3)):
        kind = rng.randrange(5)
        if kind == 0 and text:  # delete a span
            i = rng.randrange(len(text))
            text = text[:i] + text[i + rng.randint(1, 8):]
        elif kind == 1:  # insert a token
            i = rng.randrange(len(text) + 1)
            text = text[:i] + rng.choice(TOKENS) + text[i:]
        elif kind == 2:  # change a number
            nums = list(re.finditer(r"-?\d+", text))
            if nums:
                m = rng.choice(nums)
                text = text[:m.start()] + rng.choice(NUMBERS) + text[m.end():]
        elif kind == 3:  # duplicate a line
            lines = text.splitlines()
            if lines:
                i = rng.randrange(len(lines))
                lines.insert(i, lines[i])
                text = "\n".join(lines)
        else:  # swap two words
            words = re.findall(r"[\w.#%^@]+", text)
            if len(words) > 1:
                a, b = rng.sample(words, 2)
                text = text.replace(a, "\0").replace(b, a).replace("\0", b)
    return text


def run_one(tool, text, passes=""):
    proc = subprocess.run([tool, "-", "-o", os.devnull] + ([passes] if passes else []),
                          input=text, text=True, capture_output=True, timeout=120)
    crashed = (proc.returncode not in (0, 1) or "Stack dump" in proc.stderr
               or "PLEASE submit a bug report" in proc.stderr)
    return crashed, proc.returncode, proc.stderr


def fuzz(tool, count, seed, jobs=2, pipelines=False):
    rng = random.Random(seed)
    corpus = seeds()
    inputs = [(mutate(rng.choice(corpus), rng),
               rng.choice(PIPELINES) if pipelines else "") for _ in range(count)]
    crashes = []
    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        for (text, passes), (crashed, rc, err) in zip(
                inputs, pool.map(lambda i: run_one(tool, *i), inputs)):
            if crashed:
                crashes.append((text, rc, err + f"\n(passes: {passes or 'none'})"))
    return [t for t, _ in inputs], crashes


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--tool", default=os.path.join(
        os.environ.get("TESSERA_BUILD_DIR", os.path.join(ROOT, "build")), "bin",
        "tessera-opt"))
    parser.add_argument("--pipelines", action="store_true",
                        help="also run each input through a random pass pipeline")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    inputs, crashes = fuzz(args.tool, args.count, args.seed, args.jobs, args.pipelines)
    for text, rc, err in crashes[:10]:
        print(f"=== crash (exit {rc}) ===\n{text}\n--- stderr ---\n{err[:2000]}")
    print(f"{len(inputs)} inputs, {len(crashes)} crashes")
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
