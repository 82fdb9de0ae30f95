"""Autotuning shared by ``@tessera.kernel.autotune`` (a kernel's constexprs
and warps) and ``@tessera.autotune`` (a compiled function's kernel
schedules).

Both tune the same way, per value of the key dims on the GPU present: the
choice persisted in the disk cache (per chip, compiler build and key
bucket) is reused; else every candidate is prepared (a refusal of the
builder or of the compile-time legality checks prunes it before any
launch), the rest compile in parallel and each is timed with CUDA events
(the median of 10 launches after 3, on rotating copies of the arguments)
within ``budget_seconds``; a progress line on stderr shows tried, pruned,
failed and the best so far (``TESSERA_AUTOTUNE_QUIET=1`` hides it).

This module imports no MLIR.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import json
import os
import sys
import time
from typing import Callable, List, Optional, Sequence, Tuple

import numpy as np


def error_reason(e: Exception) -> str:
    """The line of a compile error that says why (MLIR's diagnostics come
    after a "Failure while executing pass pipeline:" line)."""
    lines = str(e).splitlines() or [type(e).__name__]
    return next((l.strip() for l in lines if "error:" in l), lines[0])


def bucket(value: int) -> int:
    """A key dim's bucket: the power of two at or above it."""
    return 1 << max(0, int(value) - 1).bit_length()


class TuningStore:
    """Autotuning choices on disk: one JSON file per tuned program (its
    `identity`: source and candidates), entries per chip, compiler build and
    key bucket."""

    def __init__(self, name: str, identity, configs: Sequence, chip: str, build: str):
        from .cache import cache_root

        digest = hashlib.sha256(json.dumps(identity, sort_keys=True,
                                           default=str).encode()).hexdigest()[:16]
        self.path = cache_root() / "autotune" / f"{name}-{digest}.json"
        self.prefix = f"{chip}|{build}|"
        self.configs = list(configs)

    def _load(self) -> dict:
        try:
            return json.loads(self.path.read_text())
        except (OSError, ValueError):
            return {}

    def get(self, key_bucket):
        config = self._load().get(self.prefix + repr(key_bucket))
        return config if config in self.configs else None

    def put(self, key_bucket, config) -> None:
        entries = self._load()
        entries[self.prefix + repr(key_bucket)] = config
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(f".tmp-{os.getpid()}")
            tmp.write_text(json.dumps(entries, indent=1, sort_keys=True))
            os.replace(tmp, self.path)
        except OSError:
            pass  # a read-only cache: the choice lasts for this process


class Progress:
    """The autotuner's progress line (stderr)."""

    def __init__(self, name, key, total: int, stream=None):
        self.name, self.key, self.total = name, key, total
        self.stream = stream or sys.stderr
        self.tried = self.pruned = self.failed = self.skipped = 0
        self.best: Optional[Tuple[float, object]] = None

    def line(self) -> str:
        best = "none yet" if self.best is None else f"{self.best[0]:.4f} ms {self.best[1]}"
        skipped = f", {self.skipped} past the budget" if self.skipped else ""
        return (f"tessera autotune {self.name} {self.key}: {self.tried} tried, {self.pruned} "
                f"pruned, {self.failed} failed of {self.total}{skipped}; best {best}")

    def show(self) -> None:
        if os.environ.get("TESSERA_AUTOTUNE_QUIET") != "1":
            self.stream.write("\r" + self.line())
            self.stream.flush()

    def done(self) -> None:
        if os.environ.get("TESSERA_AUTOTUNE_QUIET") != "1":
            self.stream.write("\r" + self.line() + "\n")
            self.stream.flush()


def rotating_copies(args) -> list:
    """Copies of the arguments on the GPU, together past the L2 cache (64
    MiB, at most 8 sets)."""
    import cupy as cp

    size = sum(getattr(a, "nbytes", 0) for a in args) or 1
    return [[cp.array(a) for a in args] for _ in range(max(1, min(8, -(-(64 << 20) // size))))]


def time_ms(run: Callable[[int], object]) -> float:
    """The median of 10 timed calls `run(i)` after 3, with CUDA events."""
    import cupy as cp

    start, stop = cp.cuda.Event(), cp.cuda.Event()
    times = []
    for i in range(13):
        start.record()
        run(i)
        stop.record()
        stop.synchronize()
        if i >= 3:
            times.append(cp.cuda.get_elapsed_time(start, stop))
    return float(np.median(times))


def tune(name: str, key, total: int, jobs: List[Tuple[object, Callable[[], object]]],
         results: List[Tuple[object, object]], run: Callable[[object, int], object],
         budget_seconds: Optional[float]):
    """Times the candidates: `jobs` are (config, compile) pairs, compiled in
    a thread pool (each compile has its own MLIR context); a compile that
    raises prunes its config; `run(artifact, i)` launches one on the i-th
    copy of the inputs. `results` (already holding the builder's prunes)
    gets every candidate's time or reason. Returns (time, config) of the
    fastest, or None when none ran."""
    started = time.monotonic()
    progress = Progress(name, key, total)
    progress.pruned = len(results)
    workers = max(1, min(len(jobs), os.cpu_count() or 1))
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        futures = [pool.submit(build) for _, build in jobs]
        for (config, _), future in zip(jobs, futures):
            if budget_seconds is not None and progress.best is not None and \
                    time.monotonic() - started > budget_seconds:
                results.append((config, "skipped: past budget_seconds"))
                progress.skipped += 1
                continue
            try:
                artifact = future.result()
            except Exception as e:  # noqa: BLE001 - the compile-time checks' refusal
                results.append((config, f"pruned: {error_reason(e)}"))
                progress.pruned += 1
                progress.show()
                continue
            try:
                ms = time_ms(lambda i: run(artifact, i))
                results.append((config, ms))
                progress.tried += 1
                if progress.best is None or ms < progress.best[0]:
                    progress.best = (ms, config)
            except Exception as e:  # noqa: BLE001 - the reason is reported
                results.append((config, f"failed: {type(e).__name__}: "
                                        f"{str(e).splitlines()[0]}"))
                progress.failed += 1
            progress.show()
        for future in futures:
            future.cancel()
    progress.done()
    return progress.best


def choose(name: str, key, total: int, jobs, results, args, budget_seconds,
           store: TuningStore, key_bucket, failure: Callable[[str], Exception]):
    """`tune` on rotating copies of `args` (each artifact called with a
    copy); the fastest config, persisted in `store` under `key_bucket`; or
    `failure(reasons)` raised when none ran."""
    copies = rotating_copies(args)
    best = tune(name, key, total, jobs, results,
                lambda artifact, i: artifact(*copies[i % len(copies)]), budget_seconds)
    if best is None:
        raise failure("; ".join(f"{c}: {r}" for c, r in results))
    store.put(key_bucket, best[1])
    return best[1]


# -- compiled functions: @tessera.autotune over kernel schedules


def _schedule_lists(space: dict) -> dict:
    """{kernel key: [config text, ...]} from `space`: per key a list of
    Schedules (or config strings), or a dict of Schedule fields to lists of
    values (every combination)."""
    import itertools

    from .schedule import Schedule, config_text

    if not isinstance(space, dict) or not space:
        raise TypeError("tessera.autotune: space= is a dict of kernel kind or name to "
                        "a list of tessera.Schedule, or to a dict of Schedule fields to "
                        "lists of values")
    lists = {}
    for key, entry in space.items():
        if isinstance(entry, dict):
            fields = list(entry)
            if "tile" not in fields:
                raise TypeError(f"tessera.autotune: space[{key!r}] needs 'tile' (a "
                                f"Schedule's fields: tile, warps, stages, ...)")
            for field, values in entry.items():
                if not isinstance(values, (list, tuple)) or not values:
                    raise TypeError(f"tessera.autotune: space[{key!r}][{field!r}] is a "
                                    f"non-empty list of values")
            lists[key] = [Schedule(**dict(zip(fields, combo))).config()
                          for combo in itertools.product(*(entry[f] for f in fields))]
        elif isinstance(entry, (list, tuple)) and entry:
            lists[key] = [config_text(value, key) for value in entry]
        else:
            raise TypeError(f"tessera.autotune: space[{key!r}] is a non-empty list of "
                            f"tessera.Schedule or a dict of fields to lists")
    return lists


def candidates(space: dict) -> List[dict]:
    """Every combination of `space`'s schedules (see :func:`autotune`), as
    ``schedule=`` dicts of config text."""
    import itertools

    lists = _schedule_lists(space)
    names = list(lists)
    return [dict(zip(names, combo)) for combo in itertools.product(*(lists[n] for n in names))]


class TunedFunction:
    """A compiled function (``@tessera.jit`` or ``@tessera.function``) whose
    kernel schedules are tuned per value of the `key` dims on the GPU present
    (see :func:`autotune`). Calls run like the jit function's; ``tuning``
    holds each key's candidates and their times or reasons, ``best`` the
    chosen schedules."""

    def __init__(self, fn, candidates: List[dict], key: Sequence[str],
                 budget_seconds: Optional[float]):
        from .frontend import Function, JitFunction

        if not isinstance(fn, Function):
            raise TypeError("tessera.autotune decorates a @tessera.jit or @tessera.function "
                            "(for a @tessera.kernel: @tessera.kernel.autotune)")
        self.jit = fn if isinstance(fn, JitFunction) else JitFunction(fn._fn, fn._policy)
        if self.jit._schedule is not None:
            raise ValueError("tessera.autotune chooses the schedules: leave schedule= out of "
                             "the @tessera.jit it decorates")
        dims = {d for _, spec in self.jit.specs for d in spec.dims if isinstance(d, str)}
        unknown = [k for k in key if k not in dims]
        if unknown and not self.jit.variadic:
            raise ValueError(f"tessera.autotune: key {unknown} names no dim of "
                             f"{self.jit.__name__}'s arguments (its dims: {sorted(dims)})")
        self.__name__ = self.jit.__name__
        self.__doc__ = self.jit.__doc__
        self.candidates, self.key, self.budget_seconds = candidates, tuple(key), budget_seconds
        self.tuning: dict = {}
        self.best: dict = {}
        self._artifacts: dict = {}
        self._warned = False

    def __call__(self, *args, **kwargs):
        from . import compiler

        jit = self.jit
        target = jit.target
        if target == "cpu":
            if not self._warned:
                import warnings

                warnings.warn(f"tessera.autotune: '{self.__name__}' runs on the CPU (no GPU): "
                              f"not tuned, the default schedules", stacklevel=2)
                self._warned = True
            return jit(*args, **kwargs)
        params = jit._python_signature.parameters
        launch = {k: v for k, v in kwargs.items() if k not in params}
        special, arrays = jit._specialized_for(
            args, {k: v for k, v in kwargs.items() if k in params})
        sizes = special.signature.bind(arrays)
        missing = [k for k in self.key if k not in sizes]
        if missing:
            raise ValueError(f"tessera.autotune: key {missing} names no dim of "
                             f"{self.__name__}'s arguments")
        values = tuple(sizes[k] for k in self.key)
        statics = tuple(sorted(special._static_values.items()))
        signature = tuple((str(getattr(a, "dtype", "")), len(getattr(a, "shape", ())))
                          for a in arrays)
        memo = (target, statics, signature, values)
        artifact = self._artifacts.get(memo)
        if artifact is None:
            self.best[values] = self._tune(special, target, statics, values, arrays)
            artifact = compiler.compile(special, target=target, schedule=self.best[values])
            self._artifacts[memo] = artifact
        return artifact(*arrays, **launch)

    def _tune(self, special, target, statics, values, arrays) -> dict:
        import functools
        import inspect

        from . import compiler
        from .cache import compiler_id

        store = TuningStore(self.__name__, [inspect.getsource(self.jit._fn), self.candidates,
                                            repr(statics)],
                            self.candidates, target, compiler_id())
        key_bucket = tuple(bucket(v) for v in values)
        known = store.get(key_bucket)
        if known is not None:
            self.tuning[values] = [(known, "from the cache")]
            return known
        special.mlir  # traced once, here: each compile then parses the text
        jobs = [(c, functools.partial(compiler.compile, special, target=target, schedule=c))
                for c in self.candidates]
        results: List[Tuple[object, object]] = []
        self.tuning[values] = results
        return choose(self.__name__, values, len(self.candidates), jobs, results, arrays,
                      self.budget_seconds, store, key_bucket,
                      lambda reasons: RuntimeError(f"tessera.autotune: no schedule of "
                                                   f"'{self.__name__}' ran: {reasons}"))


class _Autotune:
    """``tessera.autotune``: the decorator that tunes a compiled function's
    kernel schedules; inside a ``@tessera.kernel``, ``tessera.autotune.get_param``
    reads the tuned configuration's values."""

    def __call__(self, space: Optional[dict] = None, configs: Optional[List[dict]] = None,
                 key: Sequence[str] = (), budget_seconds: Optional[float] = None):
        """``@tessera.autotune(space={"matmul": {"tile": [(128, 256, 64), (128, 128, 64)],
        "warps": [8], "stages": [3, 4], "mma": ["wgmma"]}}, key=["M", "N", "K"])`` on a
        ``@tessera.jit`` (or ``@tessera.function``): per value of the `key`
        dims, on its first call, every combination of schedules (`space`: per
        kernel kind or name ("matmul", "k1", ...) a list of tessera.Schedule,
        or a dict of Schedule fields to lists of values; or `configs`: a
        list of ``schedule=`` dicts) compiles, those the compile-time
        legality check refuses are pruned, the rest are timed on the GPU and
        the fastest is kept (in memory and in the disk cache, per chip,
        compiler build and key bucket). Without a GPU it warns and runs the
        default schedules."""
        from .schedule import normalize

        if (space is None) == (configs is None):
            raise TypeError("tessera.autotune takes space= or configs=")
        if budget_seconds is not None and budget_seconds <= 0:
            raise ValueError("tessera.autotune: budget_seconds must be positive")
        if space is not None:
            tuned = candidates(space)
        else:
            if not isinstance(configs, (list, tuple)) or not configs:
                raise TypeError("tessera.autotune: configs= is a non-empty list of "
                                "schedule= dicts")
            tuned = [normalize(c) for c in configs]
        if isinstance(key, str):
            key = [key]
        return lambda fn: TunedFunction(fn, tuned, key, budget_seconds)

    @staticmethod
    def get_param(name):
        raise AttributeError("tessera.autotune.get_param is used inside a @tessera.kernel "
                             "function (where the kernel's builder reads it), not called "
                             "directly")


autotune = _Autotune()
