"""Typed kernel schedules: the public way to pass ``schedule=``.

A :class:`Schedule` is one ``#tessera_schedule.config``, its fields checked
when it is built (the chip's limits are checked at compile time, by
``tessera-schedule-check``)::

    tessera.compile(f, target="sm_90", schedule={
        "matmul": tessera.Schedule(tile=(128, 256, 64), warps=8, stages=3,
                                   mma="wgmma", split_k=4),
        "k1": tessera.Schedule(tile=(1, 4096), warps=8),  # the second kernel
    })

Keys are kernel kinds (the kernel's anchor op: ``"elementwise"``,
``"matmul"``, ``"attention"``, ``"softmax"``, ``"log_softmax"``,
``"layer_norm"``, ``"rms_norm"``, ``"reduce"``) or kernel names (``"k0"``,
``"k1"``, ...: the kernels of the program in order); a name wins over a
kind. The config's text (``"tile = [64, 64, 32], warps = 4, stages = 3"``)
stays accepted in place of a Schedule.

This module imports no MLIR.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Tuple, Union

#: Tensor-core instruction families (``#tessera_schedule.config``'s mma).
MMA_KINDS = ("none", "mma_sync", "wgmma", "mfma")


@dataclass(frozen=True)
class Schedule:
    """A kernel's schedule. ``tile`` per kind: ``(elements,)`` for
    elementwise kernels, ``(1, columns)`` a row kernel's step, ``(rows,
    columns)`` a column kernel's, ``(M, N, K)`` a matmul's block tile,
    ``(query rows, keys)`` attention's; ``warps`` per block; ``stages`` the
    main loop's pipeline depth; ``vector`` contiguous elements per thread
    (elementwise, row and column kernels); ``swizzle`` matmul blocks in
    groups of that many tile rows; ``mma`` the tensor-core family;
    ``split_k`` slices of a matmul's K, or of a column kernel's rows,
    summed by a second kernel (``"auto"``: chosen at launch, as many as
    give every multiprocessor a block where the output has fewer tiles,
    the default on Hopper; for column kernels 4 blocks per multiprocessor,
    their default everywhere);
    ``producer_warps`` (0 or 4) a warp-specialized wgmma matmul or
    attention whose extra warpgroup issues the TMA copies (the default for
    attention with head dims of 128 on Hopper)."""

    tile: Tuple[int, ...]
    warps: int = 4
    stages: int = 1
    vector: int = 1
    swizzle: int = 1
    mma: str = "none"
    split_k: Union[int, str] = 1
    producer_warps: int = 0

    def __post_init__(self):
        tile = self.tile
        if isinstance(tile, int) or not isinstance(tile, (tuple, list)):
            raise TypeError(f"Schedule tile must be a tuple of ints, got {tile!r}")
        if not tile or not all(isinstance(t, int) and not isinstance(t, bool) and t > 0
                               for t in tile):
            raise ValueError(f"Schedule tile must be positive ints, got {tuple(tile)!r}")
        object.__setattr__(self, "tile", tuple(tile))
        if self.split_k != "auto" and (not isinstance(self.split_k, int) or
                                       isinstance(self.split_k, bool)):
            raise TypeError(f"Schedule split_k must be an int or 'auto', got "
                            f"{self.split_k!r}")
        for field in ("warps", "stages", "vector", "swizzle", "split_k"):
            if field == "split_k" and self.split_k == "auto":
                continue
            value = getattr(self, field)
            if not isinstance(value, int) or isinstance(value, bool):
                raise TypeError(f"Schedule {field} must be an int, got {value!r}")
            if value < 1:
                raise ValueError(f"Schedule {field} must be at least 1, got {value}")
        if (not isinstance(self.producer_warps, int) or isinstance(self.producer_warps, bool)
                or self.producer_warps not in (0, 4)):
            raise ValueError("Schedule producer_warps must be 0 (no producer) or 4 "
                             f"(a warpgroup), got {self.producer_warps!r}")
        if self.mma not in MMA_KINDS:
            raise ValueError(f"Schedule mma must be one of {', '.join(MMA_KINDS)}; "
                             f"got {self.mma!r}")

    def config(self) -> str:
        """The body of its ``#tessera_schedule.config<...>``: the optional
        knobs only where set."""
        parts = [f"tile = [{', '.join(map(str, self.tile))}]", f"warps = {self.warps}",
                 f"stages = {self.stages}"]
        if self.vector != 1:
            parts.append(f"vector = {self.vector}")
        if self.swizzle != 1:
            parts.append(f"swizzle = {self.swizzle}")
        if self.mma != "none":
            parts.append(f"mma = {self.mma}")
        if self.split_k != 1:
            parts.append(f"split_k = {self.split_k}")  # (auto: split_k = auto)
        if self.producer_warps:
            parts.append(f"producer_warps = {self.producer_warps}")
        return ", ".join(parts)

    def __str__(self) -> str:
        return self.config()


ScheduleLike = Union[Schedule, str]


def config_text(value: ScheduleLike, key: str) -> str:
    """The config text of a ``schedule=`` entry, or a TypeError naming `key`."""
    if isinstance(value, Schedule):
        return value.config()
    if isinstance(value, str):
        return value
    raise TypeError(f"schedule[{key!r}] must be a tessera.Schedule or a config string, "
                    f"got {type(value).__name__}")


def normalize(schedule):
    """``schedule=`` as {key: config text} (None stays None)."""
    if schedule is None:
        return None
    if not isinstance(schedule, dict):
        raise TypeError(f"schedule= must be a dict of kernel kind or name to a "
                        f"tessera.Schedule, got {type(schedule).__name__}")
    return {key: config_text(value, key) for key, value in schedule.items()}
