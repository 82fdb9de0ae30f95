"""Op classes of the `tessera_tile` dialect, plus value-returning helpers."""

from ._tessera_tile_ops_gen import *  # noqa: F401,F403
from ._tessera_tile_ops_gen import _Dialect  # noqa: F401
from ._tessera_tile_ops_gen import AllocSharedOp, ProgramIdOp

from ..ir import IntegerAttr, IntegerType


def program_id(axis: int, *, loc=None, ip=None):
    """The block's index along grid axis ``axis`` (0, 1 or 2), as a Value."""
    attr = IntegerAttr.get(IntegerType.get_signless(64), axis)
    return ProgramIdOp(attr, loc=loc, ip=ip).result  # (the index result is implied)


def alloc_shared(memref_type, *, loc=None, ip=None):
    """A shared-memory buffer of ``memref_type`` (workgroup address space)."""
    return AllocSharedOp(memref_type, loc=loc, ip=ip).result
