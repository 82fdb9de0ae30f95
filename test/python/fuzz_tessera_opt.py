"""Mutation fuzzer for tessera-opt's parser and verifiers.

Takes the lit inputs, mutates them (byte edits, token swaps, number
changes), feeds each to tessera-opt and reports any input that makes it crash
(a signal, an abort, or LLVM's "Stack dump"). Bad input must only ever give a
diagnostic and exit status 1.

    python test/python/fuzz_tessera_opt.py --count 5000 [--seed 1]
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
          "#gpu.address_space<private>", "#gpu.address_space<workgroup>"]


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


def run_one(tool, text):
    proc = subprocess.run([tool, "-", "-o", os.devnull], input=text, text=True,
                          capture_output=True, timeout=60)
    crashed = (proc.returncode not in (0, 1) or "Stack dump" in proc.stderr
               or "PLEASE submit a bug report" in proc.stderr)
    return crashed, proc.returncode, proc.stderr


def fuzz(tool, count, seed, jobs=2):
    rng = random.Random(seed)
    corpus = seeds()
    inputs = [mutate(rng.choice(corpus), rng) for _ in range(count)]
    crashes = []
    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        for text, (crashed, rc, err) in zip(
                inputs, pool.map(lambda t: run_one(tool, t), inputs)):
            if crashed:
                crashes.append((text, rc, err))
    return inputs, crashes


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--tool", default=os.path.join(
        os.environ.get("TESSERA_BUILD_DIR", os.path.join(ROOT, "build")), "bin",
        "tessera-opt"))
    args = parser.parse_args()
    inputs, crashes = fuzz(args.tool, args.count, args.seed)
    for text, rc, err in crashes[:5]:
        print(f"=== crash (exit {rc}) ===\n{text}\n--- stderr ---\n{err[:2000]}")
    print(f"{len(inputs)} inputs, {len(crashes)} crashes")
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
