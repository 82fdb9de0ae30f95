"""The `tessera` command line (also `python -m tessera`).

    tessera compile module.py:fn --target cpu -o out/      (or sm_90, gfx942, ...)
    tessera compile module.py:fn --target sm_90 -o out/ --timing [passes]
    tessera run out/ --dim S=37 --seed 0
    tessera profile module.py:fn --dim N=4096 [--png roofline.png]
    tessera cache list | clear

Graph IR passes and pipelines run on .mlir files with `tessera-opt`
(build/bin/tessera-opt), e.g. `tessera-opt f.mlir --tessera-lower-to-cpu`.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path


def _load_function(spec: str):
    path, sep, name = spec.rpartition(":")
    if not sep or not path or not name:
        raise SystemExit(f"tessera: expected MODULE.py:FUNCTION, got {spec!r}")
    module_spec = importlib.util.spec_from_file_location(Path(path).stem, path)
    if module_spec is None or not Path(path).is_file():
        raise SystemExit(f"tessera: cannot read {path}")
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    fn = getattr(module, name, None)
    from .frontend import Function

    if not isinstance(fn, Function):
        raise SystemExit(f"tessera: {path} has no @tessera.function named {name!r}")
    return fn


def _cmd_compile(args) -> int:
    from .compiler import compile as compile_fn
    from .compiler import report_pass_timing

    fn = _load_function(args.function)
    if args.timing == "passes":
        report_pass_timing(True)
    # Timing measures a compile: the cache is not consulted.
    artifact = compile_fn(fn, target=args.target, use_cache=args.timing is None)
    out = artifact.save(args.output)
    print(f"{fn.__name__}: {artifact.target} artifact in {out} "
          f"(stages {', '.join(artifact.plan['stages'])})")
    if args.timing:
        seconds = artifact.compile_seconds
        print(f"{'stage':10s} {'seconds':>8s}")
        for stage, s in seconds.items():
            print(f"{stage:10s} {s:8.3f}")
        print(f"{'total':10s} {sum(seconds.values()):8.3f}")
    return 0


def _random_inputs(plan: dict, dims, seed: int):
    """Random inputs for `plan` (normal; integers in [0, 4)), symbolic dims
    from `dims` (NAME=SIZE strings)."""
    import numpy as np

    from .runtime import numpy_dtype

    sizes = {}
    for item in dims:
        name, _, value = item.partition("=")
        if not value.isdigit():
            raise SystemExit(f"tessera: --dim expects NAME=SIZE, got {item!r}")
        sizes[name] = int(value)
    rng = np.random.default_rng(seed)
    inputs = []
    for arg in plan["inputs"]:
        name, shape = arg["name"], []
        for d in arg["dims"]:
            if isinstance(d, int):
                shape.append(d)
            elif d in sizes:
                shape.append(sizes[d])
            else:
                raise SystemExit(f"tessera: argument '{name}' has dimension {d or '?'}: "
                                 f"give its size with --dim {d or 'NAME'}=N")
        dtype = numpy_dtype(arg["dtype"])
        if np.issubdtype(dtype, np.integer):
            inputs.append(rng.integers(0, 4, shape).astype(dtype))
        else:
            inputs.append(rng.standard_normal(shape).astype(dtype))
    return inputs


def _cmd_run(args) -> int:
    import numpy as np

    from .artifact import Artifact

    artifact = Artifact.load(args.artifact)
    inputs = _random_inputs(artifact.plan, args.dim, args.seed)
    try:
        out = artifact(*inputs)
    except RuntimeError as e:  # e.g. a GPU artifact on a machine without CuPy
        raise SystemExit(f"tessera: cannot run this {artifact.target} artifact here: {e}")
    if not isinstance(out, np.ndarray):  # device arrays from a GPU run
        out = np.asarray(out.get() if hasattr(out, "get") else out)
    print(f"{artifact.plan['entry']}: output shape {tuple(out.shape)} dtype {out.dtype} "
          f"mean {float(np.mean(out.astype(np.float64))):.6g} "
          f"finite {bool(np.all(np.isfinite(out.astype(np.float64))))}")
    return 0


def _cmd_profile(args) -> int:
    from .compiler import compile as compile_fn
    from .profiling import profile
    from .runtime import device_target

    fn = _load_function(args.function)
    target = args.target or device_target() or "cpu"
    artifact = compile_fn(fn, target=target)
    inputs = _random_inputs(artifact.plan, args.dim, args.seed)
    try:
        report = profile(artifact, *inputs, repeats=args.repeats)
    except RuntimeError as e:  # a GPU target on a machine without one
        raise SystemExit(f"tessera: cannot run this {artifact.target} artifact here: {e}")
    print(report)
    if args.png:
        print(f"roofline: {report.plot(args.png)}")
    return 0


def _cmd_cache(args) -> int:
    from .cache import ArtifactCache

    cache = ArtifactCache()
    if args.action == "list":
        entries = list(cache.entries())
        for entry in entries:
            ok = cache.get(entry.name) is not None
            print(f"{entry.name}  {'ok' if ok else 'CORRUPT'}")
        print(f"{len(entries)} entries in {cache.root}")
    else:
        print(f"removed {cache.clear()} entries from {cache.root}")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="tessera", description="Compile and run Tessera functions.",
        epilog="IR-level work: tessera-opt FILE.mlir --PASS (see docs/pipelines.md).")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("compile", help="compile a @tessera.function to an artifact")
    p.add_argument("function", help="MODULE.py:FUNCTION")
    p.add_argument("--target", default="cpu",
                   help="cpu, or a GPU chip: sm_90, sm_80, ... (PTX), gfx942, ... (HSACO)")
    p.add_argument("-o", "--output", required=True, help="artifact directory")
    p.add_argument("--timing", nargs="?", const="stages", choices=["stages", "passes"],
                   help="compile without the cache and print the seconds of each stage; "
                        "'passes' also prints MLIR's per-pass report (stderr)")
    p.set_defaults(run=_cmd_compile)
    p = sub.add_parser("run", help="run an artifact on random inputs (smoke test)")
    p.add_argument("artifact", help="artifact directory")
    p.add_argument("--dim", action="append", default=[], help="NAME=SIZE for symbolic dims")
    p.add_argument("--seed", type=int, default=0)
    p.set_defaults(run=_cmd_run)
    p = sub.add_parser("profile", help="time a @tessera.function's kernels on random "
                                       "inputs against the device's ceilings")
    p.add_argument("function", help="MODULE.py:FUNCTION")
    p.add_argument("--target", help="default: this machine's GPU, else cpu")
    p.add_argument("--dim", action="append", default=[], help="NAME=SIZE for symbolic dims")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--repeats", type=int, default=20)
    p.add_argument("--png", help="write a roofline chart here (needs matplotlib)")
    p.set_defaults(run=_cmd_profile)
    p = sub.add_parser("cache", help="inspect or clear the artifact cache")
    p.add_argument("action", choices=["list", "clear"])
    p.set_defaults(run=_cmd_cache)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
