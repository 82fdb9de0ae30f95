"""Build Tile IR's block-level ops through the generated op classes and run
the two Tile IR passes from Python."""

import pytest

from tessera import ir
from tessera.dialects import func
from tessera.dialects import tessera_tile as tl
from tessera.passmanager import PassManager


@pytest.fixture
def ctx():
    with ir.Context() as context, ir.Location.unknown():
        yield context


def test_shared_ring_and_row_reduce(ctx):
    ring_t = ir.Type.parse(
        "!tessera_tile.smem<3x128x64xf16, #tessera_tile.smem_layout<swizzle = 128>>")
    slot_t = ir.Type.parse(
        "!tessera_tile.smem<128x64xf16, #tessera_tile.smem_layout<swizzle = 128>>")
    tile_t = ir.Type.parse(
        "tensor<128x64xf16, #tessera_tile.blocked<warps = [4, 1]>>")
    row_t = ir.Type.parse(
        "tensor<128xf16, #tessera_tile.slice<dim = 1, "
        "parent = #tessera_tile.blocked<warps = [4, 1]>>>")
    module = ir.Module.create()
    with ir.InsertionPoint(module.body):
        fn = func.FuncOp("block", ir.FunctionType.get([ir.IndexType.get()], [row_t]))
        with ir.InsertionPoint(fn.add_entry_block()):
            ring = tl.LocalAllocOp(ring_t).result
            slot = tl.SlotOp(slot_t, ring, fn.arguments[0]).result
            tile = tl.LocalLoadOp(tile_t, slot, []).result
            kind = ir.Attribute.parse("1 : i32")  # max
            axis = ir.IntegerAttr.get(ir.IntegerType.get_signless(64), 1)
            row = tl.ReduceOp(row_t, kind, tile, axis).result
            func.ReturnOp([row])
    assert module.operation.verify()
    text = str(module)
    assert "tessera_tile.reduce max" in text
    assert ir.Module.parse(text) is not None


def test_tile_passes_are_registered(ctx):
    module = ir.Module.parse("""
      tessera_target.kernel @k(%n: index)
          config = #tessera_target.kernel_config<grid = [1], block = [128]> {
        %c0 = arith.constant 0 : index
        %c1 = arith.constant 1 : index
        %a = tessera_tile.local_alloc : !tessera_tile.smem<64x64xf16>
        tessera_target.return
      }
    """)
    pm = PassManager.parse(
        "builtin.module(tessera-tile-pipeline,"
        "tessera_target.kernel(tessera-tile-allocate-shared))")
    pm.run(module.operation)
    assert "shared = 8192" in str(module)
    assert "local_alloc offset 0" in str(module)


def test_mma_shape_is_checked(ctx):
    with pytest.raises(ir.MLIRError, match=r"wgmma m \(128\) must be 64"):
        ir.Attribute.parse("#tessera_tile.mma<kind = wgmma, m = 128, n = 64, k = 16>")
