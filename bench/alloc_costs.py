"""Host cost of the pieces of an allocating launch (device machine: cupy,
torch optional). Prints microseconds per operation (median of 7 timeit
repeats) for output allocation alternatives and the checks an output
recycler would need.

    python bench/alloc_costs.py
"""

import sys
import timeit

import numpy as np


def main():
    import cupy as cp

    cp.cuda.runtime.getDeviceCount()
    rows = {}

    def t(name, stmt, ns, number=20000):
        try:
            runs = timeit.repeat(stmt, globals=ns, number=number, repeat=7)
            rows[name] = sorted(runs)[3] / number * 1e6
        except Exception as e:  # (an API this version lacks)
            rows[name] = f"n/a ({type(e).__name__}: {e})"

    f32 = np.dtype(np.float32)
    a = cp.empty((4096,), f32)
    m = cp.cuda.alloc(16384)
    ns = dict(cp=cp, np=np, f32=f32, a=a, m=m, sys=sys, shape=(4096,))
    for name, stmt in (
            ("cupy.ndarray(shape, np.dtype)", "cp.ndarray(shape, f32)"),
            ("cupy.ndarray(shape, 'f')", "cp.ndarray(shape, 'f')"),
            ("cupy.empty(shape, np.dtype)", "cp.empty(shape, f32)"),
            ("cupy.cuda.alloc(16384)", "cp.cuda.alloc(16384)"),
            ("cupy.ndarray(shape, dtype, memptr=m)", "cp.ndarray(shape, f32, memptr=m)"),
            ("a.view()", "a.view()"),
            ("sys.getrefcount(a)", "sys.getrefcount(a)"),
            ("a.data.mem refcounts (a, data, mem)",
             "sys.getrefcount(a); d = a.data; sys.getrefcount(d); sys.getrefcount(d.mem)"),
            ("a.data.ptr", "a.data.ptr"),
            ("cupy streamIsCapturing(0)", "cp.cuda.runtime.streamIsCapturing(0)")):
        t(name, stmt, ns)
    t("cupy stream.is_capturing()", "s.is_capturing()",
      dict(ns, s=cp.cuda.get_current_stream()))
    try:
        import torch

        proto = torch.empty(1, device="cuda").as_strided((4096,), (0,))
        x = torch.empty(4096, device="cuda")
        tns = dict(torch=torch, proto=proto, x=x, sys=sys)
        dense = torch.empty(4096, device="cuda")
        tns.update(dense=dense, weakref=__import__("weakref"), shape=(4096,),
                   cdata=dense.untyped_storage()._cdata, f32=torch.float32)
        for name, stmt in (
                ("torch.empty_like(prototype)", "torch.empty_like(proto)"),
                ("torch.empty(shape, dtype, device)",
                 "torch.empty((4096,), dtype=torch.float32, device='cuda')"),
                ("torch.empty_like(contiguous prototype)", "torch.empty_like(dense)"),
                ("prototype.new_empty(shape)", "dense.new_empty(shape)"),
                ("torch.empty(n, device=...) positional", "torch.empty(4096, device='cuda')"),
                ("torch.empty_strided",
                 "torch.empty_strided(shape, (1,), dtype=f32, device='cuda')"),
                ("storage use count (cached _cdata)", "torch._C._storage_Use_Count(cdata)"),
                ("weakref.getweakrefcount(tensor)", "weakref.getweakrefcount(dense)"),
                ("tensor checks (grad, requires_grad, __dict__, shape, contiguous)",
                 "dense.requires_grad or dense.grad is not None or dense.__dict__ or "
                 "dense.shape != shape or not dense.is_contiguous()"),
                ("sys.getrefcount(tensor)", "sys.getrefcount(x)"),
                ("tensor._use_count()", "x._use_count()"),
                ("storage use count", "torch._C._storage_Use_Count(x.untyped_storage()._cdata)"),
                ("torch.cuda.is_current_stream_capturing()",
                 "torch.cuda.is_current_stream_capturing()"),
                ("torch._C._cuda_isCurrentStreamCapturing()",
                 "torch._C._cuda_isCurrentStreamCapturing()"),
                ("torch._C._cuda_getCurrentRawStream(0)", "torch._C._cuda_getCurrentRawStream(0)")):
            t(name, stmt, tns)
        for attr in ("shape", "dtype", "get_device()", "is_contiguous()", "data_ptr()"):
            t(f"tensor.{attr}", f"x.{attr}", tns)
        if len(sys.argv) > 1:  # the runtime's own pieces on the add artifact
            from pathlib import Path

            sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "python"))
            import tessera.runtime as rt
            from tessera.runtime import gpu

            program = rt.load(Path(sys.argv[1]) / "add_f32")
            tx, ty, tz = (torch.rand(4096, device="cuda") for _ in range(3))
            cx, cy, cz = (cp.random.rand(4096, dtype=cp.float32) for _ in range(3))
            for _ in range(2):
                program(tx, ty, out=[tz]), program(tx, ty), program(cx, cy, out=[cz])
            pns = dict(program=program, cp=cp, tx=tx, ty=ty, tz=tz, cx=cx, cy=cy, cz=cz,
                       gpu=gpu)
            for name, stmt in (
                    ("_scan, torch, out=", "program._scan(cp, (tx, ty), [tz], None)"),
                    ("_scan, cupy, out=", "program._scan(cp, (cx, cy), [cz], None)"),
                    ("lock", "with program._lock: pass"),
                    ("torch raw stream", "gpu._torch_raw_stream(0)"),
                    ("cupy current stream", "gpu._current_stream_pointer(cp)"),
                    ("call, torch, out=", "program(tx, ty, out=[tz])"),
                    ("call, torch", "program(tx, ty)"),
                    ("call, cupy, out=", "program(cx, cy, out=[cz])"),
                    ("call, cupy", "program(cx, cy)")):
                t(f"runtime: {name}", stmt, pns)
        print("torch", torch.__version__)
    except ImportError:
        print("no torch")
    # What references an output holds on its memory (a recycler's checks).
    b = cp.empty((4096,), f32)
    facts = [("a.data is a.data", a.data is a.data), ("refcount(b)", sys.getrefcount(b))]
    v = b[1:]
    facts += [("refcount(b) with a view", sys.getrefcount(b)), ("view.base is b", v.base is b)]
    del v
    d = b.data
    facts += [("refcount(b.data) held", sys.getrefcount(b.data)),
              ("refcount(b.data.mem)", sys.getrefcount(b.data.mem))]
    del d
    facts += [("refcount(b.data) dropped", sys.getrefcount(b.data))]
    try:
        import torch

        tb = torch.as_tensor(b, device="cuda")
        facts += [("refcount(b) with torch.as_tensor(b)", sys.getrefcount(b))]
        del tb
        y = torch.empty(4096, device="cuda")
        facts += [("y._use_count()", y._use_count() if hasattr(y, "_use_count") else "n/a"),
                  ("refcount(y)", sys.getrefcount(y))]
        w = y[1:]
        facts += [("y._use_count() with a view", y._use_count() if hasattr(y, "_use_count") else "n/a"),
                  ("refcount(y) with a view", sys.getrefcount(y)),
                  ("storage use count with a view",
                   torch._C._storage_Use_Count(y.untyped_storage()._cdata))]
        del w
        facts += [("storage use count", torch._C._storage_Use_Count(y.untyped_storage()._cdata))]
    except Exception as e:
        facts += [("torch facts", f"{type(e).__name__}: {e}")]
    for name, value in facts:
        print(f"{name:50s} {value}")
    print("cupy", cp.__version__, "python", sys.version.split()[0])
    for name, us in rows.items():
        print(f"{name:50s} {us:8.3f}" if isinstance(us, float) else f"{name:50s} {us}")


if __name__ == "__main__":
    main()
