"""Checks on a GPU when the runtime hands a dropped CuPy output out again
(GPUProgram.reuse_outputs, _KeptOutputs) and when it must not: every case
checks the values of every output still held against NumPy.

    python test/gpu/reuse_outputs.py [build/bench-artifacts]

Needs numpy and cupy (torch for one case); the artifacts of bench/build.py
(add_f32, gemm_f16). Without a GPU it prints SKIP and exits 0.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from device import gpu_runtime  # noqa: E402


def main(argv) -> int:
    found = gpu_runtime(argv, "bench-artifacts")
    if found is None:
        return 0
    cp, rt, artifacts = found
    rng = np.random.default_rng(7)
    failures = []

    def check(name, ok):
        print(f"{'PASS' if ok else 'FAIL'}  {name}")
        if not ok:
            failures.append(name)

    def inputs(n):
        host = [rng.standard_normal(n).astype(np.float32) for _ in range(2)]
        return host, [cp.asarray(h) for h in host]

    program = rt.load(artifacts / "add_f32")
    n = 3001  # ragged
    (hx, hy), (x, y) = inputs(n)
    (hx2, hy2), (x2, y2) = inputs(n)
    program(x, y)  # prepares
    a = program(x, y)
    address = a.data.ptr
    del a
    b = program(x2, y2)
    check("a dropped output is handed out again, with the new values",
          b.data.ptr == address and np.array_equal(cp.asnumpy(b), hx2 + hy2))
    del b

    a = program(x, y)
    b = program(x2, y2)
    check("an output held is not handed out again",
          a.data.ptr != b.data.ptr and np.array_equal(cp.asnumpy(a), hx + hy)
          and np.array_equal(cp.asnumpy(b), hx2 + hy2))
    del a, b

    held = []  # held until the next call, as in `z = f(x)` in a loop
    for i in range(6):
        (hx3, hy3), (x3, y3) = inputs(n)
        z = program(x3, y3)
        if held:
            check(f"loop call {i}: the previous output keeps its values",
                  np.array_equal(cp.asnumpy(held[0][0]), held[0][1]))
            check(f"loop call {i}: a new array", held[0][0].data.ptr != z.data.ptr)
        held = [(z, hx3 + hy3)]
    del held, z

    def holds(name, take):
        a = program(x, y)
        keep = take(a)
        del a
        b = program(x2, y2)
        cp.cuda.Device().synchronize()
        check(f"{name} keeps the output: not handed out again",
              np.array_equal(np.asarray(keep[1]()), hx + hy)
              and np.array_equal(cp.asnumpy(b), hx2 + hy2))

    holds("a view", lambda a: (v := a[0:], lambda: cp.asnumpy(v)))
    holds("its memory pointer (.data)",
          lambda a: (p := a.data,
                     lambda: cp.asnumpy(cp.ndarray((n,), np.float32, memptr=p))))
    holds("its memory (.data.mem)",
          lambda a: (m := a.data.mem,
                     lambda: cp.asnumpy(cp.ndarray((n,), np.float32,
                                                   memptr=cp.cuda.MemoryPointer(m, 0)))))
    holds("a DLPack consumer", lambda a: (d := cp.from_dlpack(a), lambda: cp.asnumpy(d)))
    try:
        import torch

        holds("torch.as_tensor (CUDA array interface)",
              lambda a: (t := torch.as_tensor(a, device="cuda"), lambda: t.cpu().numpy()))
    except ImportError:
        print("(no torch: its case skipped)")

    a = program(x, y)
    a.shape = (1, n)
    del a
    b = program(x2, y2)
    check("an output reshaped in place before it was dropped is not handed out",
          b.shape == (n,) and np.array_equal(cp.asnumpy(b), hx2 + hy2))
    del b

    a = program(x, y)
    address = a.data.ptr
    del a
    other = cp.cuda.Stream(non_blocking=True)
    with other:
        b = program(x2, y2)
    other.synchronize()
    check("another stream gets a new array",
          b.data.ptr != address and np.array_equal(cp.asnumpy(b), hx2 + hy2))
    del b

    # Capture: nothing kept is handed out, nothing made is kept.
    stream = cp.cuda.Stream(non_blocking=True)
    with stream:
        a = program(x, y, stream=stream)
        address = a.data.ptr
        del a
        stream.begin_capture()
        try:
            captured = program(x2, y2, stream=stream)
        finally:
            graph = stream.end_capture()
        c = program(x, y, stream=stream)
        del c
        d = program(x, y, stream=stream)
        graph.launch(stream)
        stream.synchronize()
    check("a call being captured gets a new array, not kept",
          captured.data.ptr != address
          and all(e[0] is not captured for e in program._kept.entries)
          and np.array_equal(cp.asnumpy(captured), hx2 + hy2)
          and np.array_equal(cp.asnumpy(d), hx + hy))
    del captured, d

    big = rt.load(artifacts / "add_f32")
    (hb, hc), (xb, yb) = inputs(1 << 19)  # 2 MiB outputs
    big(xb, yb)
    big(xb, yb)
    check("outputs over 1 MiB are not kept", not big._kept.entries)

    off = rt.load(artifacts / "add_f32")
    off.reuse_outputs = False
    off(x, y)
    a = off(x, y)
    address = a.data.ptr
    del a
    b = off(x2, y2)
    check("reuse_outputs = False keeps nothing", not off._kept.entries
          and np.array_equal(cp.asnumpy(b), hx2 + hy2))

    # The path with temporaries and tensor maps (a TMA GEMM).
    gemm = rt.load(artifacts / "gemm_f16")
    m, k, nn = 200, 136, 264
    for i in range(4):
        ha = rng.standard_normal((m, k)).astype(np.float16)
        hb2 = rng.standard_normal((k, nn)).astype(np.float16)
        c = gemm(cp.asarray(ha), cp.asarray(hb2))
        ref = ha.astype(np.float64) @ hb2.astype(np.float64)
        err = float(np.max(np.abs(cp.asnumpy(c).astype(np.float64) - ref)))
        check(f"gemm call {i} (outputs dropped between calls): max|err| {err:.2e}",
              err <= 2e-2 * max(1.0, float(np.max(np.abs(ref)))))
        del c
    check("the gemm's outputs were handed out again", len(gemm._kept.entries) == 1)

    # Threads calling one program at once, each on its own inputs (the
    # native launcher's parameters are per call; the kept outputs are
    # shared under the program's lock).
    import threading

    shared = rt.load(artifacts / "add_f32")
    wrong = []

    def worker(seed):
        r = np.random.default_rng(seed)
        hx4, hy4 = (r.standard_normal(n).astype(np.float32) for _ in range(2))
        x4, y4 = cp.asarray(hx4), cp.asarray(hy4)
        stream = cp.cuda.Stream(non_blocking=True)
        with stream:
            for _ in range(300):
                z4 = shared(x4, y4)
                if not np.array_equal(cp.asnumpy(z4), hx4 + hy4):
                    wrong.append(seed)
    threads = [threading.Thread(target=worker, args=(s,)) for s in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    check(f"4 threads x 300 calls of one program: {len(wrong)} wrong results", not wrong)
    print(f"native launcher: {rt.gpu.native_launcher_status()}; "
          f"entries built: {sum(p[7] is not None for p in shared._prepared.values())}")

    print(f"{len(failures)} failed" if failures else "all passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
