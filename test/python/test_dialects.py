"""Build one op of each Tessera dialect through the generated op classes."""

import pytest

from tessera import ir
from tessera.dialects import func
from tessera.dialects import tessera_graph as tg
from tessera.dialects import tessera_schedule as ts
from tessera.dialects import tessera_target as tt
from tessera.dialects import tessera_tile as tl


@pytest.fixture
def ctx():
    with ir.Context() as context, ir.Location.unknown():
        yield context


def _verify_and_roundtrip(module):
    assert module.operation.verify()
    text = str(module)
    again = ir.Module.parse(text)
    assert str(again) == text
    return text


def test_dialects_registered_without_user_call(ctx):
    # The site-initialize hook registers the dialects in every new Context.
    for name in ("tessera_graph", "tessera_schedule", "tessera_tile",
                 "tessera_target", "gpu", "nvvm", "rocdl", "linalg"):
        assert ctx.dialects[name] is not None


def test_graph_matmul_infers_result_type(ctx):
    f16 = ir.F16Type.get()
    lhs_t = ir.RankedTensorType.get([128, 768], f16)
    rhs_t = ir.RankedTensorType.get([768, 512], f16)
    module = ir.Module.create()
    with ir.InsertionPoint(module.body):
        @func.FuncOp.from_py_func(lhs_t, rhs_t)
        def mm(a, b):
            # No result type given: InferTypeOpInterface provides it.
            return tg.MatmulOp(a, b).result

    text = _verify_and_roundtrip(module)
    assert ("tessera_graph.matmul %arg0, %arg1 : tensor<128x768xf16>, "
            "tensor<768x512xf16> -> tensor<128x512xf16>") in text


def test_graph_matmul_shape_error_names_dimensions(ctx):
    f32 = ir.F32Type.get()
    a_t = ir.RankedTensorType.get([4, 8], f32)
    b_t = ir.RankedTensorType.get([9, 4], f32)
    module = ir.Module.create()
    with ir.InsertionPoint(module.body):
        fn = func.FuncOp("bad", ir.FunctionType.get([a_t, b_t], []))
        block = fn.add_entry_block()
        with ir.InsertionPoint(block):
            # Inference checks the shapes when the op is built.
            with pytest.raises(ir.MLIRError, match=r"'tessera_graph.matmul' op lhs "
                               r"dimension 1 \(8\) does not match rhs dimension 0 \(9\)"):
                tg.MatmulOp(block.arguments[0], block.arguments[1])


def test_schedule_kernel(ctx):
    t = ir.RankedTensorType.get([64], ir.F32Type.get())
    config = ir.Attribute.parse(
        "#tessera_schedule.config<tile = [64], warps = 2, stages = 1>")
    module = ir.Module.create()
    with ir.InsertionPoint(module.body):
        @func.FuncOp.from_py_func(t, t)
        def k(a, b):
            kernel = ts.KernelOp([t], [a, b], config)
            body = kernel.body.blocks.append(t, t)
            with ir.InsertionPoint(body):
                s = tg.AddOp(body.arguments[0], body.arguments[1])
                ts.YieldOp([s.result])
            return kernel.results[0]

    text = _verify_and_roundtrip(module)
    assert "tessera_schedule.kernel #tessera_schedule.config<tile = [64], warps = 2, stages = 1>" in text
    assert "tessera_schedule.yield" in text


def test_schedule_config_verifier(ctx):
    with pytest.raises(ir.MLIRError, match=r"warps \(3\) must be a power of two"):
        ir.Attribute.parse(
            "#tessera_schedule.config<tile = [64], warps = 3, stages = 1>")


def test_tile_ops(ctx):
    smem_t = ir.MemRefType.get(
        [128, 32], ir.F16Type.get(),
        memory_space=ir.Attribute.parse("#gpu.address_space<workgroup>"))
    module = ir.Module.create()
    with ir.InsertionPoint(module.body):
        fn = func.FuncOp("block", ir.FunctionType.get([], []))
        with ir.InsertionPoint(fn.add_entry_block()):
            pid = tl.program_id(1)
            assert isinstance(pid.type, ir.IndexType)
            tl.alloc_shared(smem_t)
            tl.BarrierOp()
            func.ReturnOp([])
    text = _verify_and_roundtrip(module)
    assert "tessera_tile.program_id 1" in text
    assert "tessera_tile.alloc_shared : memref<128x32xf16, #gpu.address_space<workgroup>>" in text
    assert "tessera_tile.barrier" in text


def test_tile_alloc_shared_rejects_global_memory(ctx):
    module = ir.Module.create()
    with ir.InsertionPoint(module.body):
        fn = func.FuncOp("block", ir.FunctionType.get([], []))
        with ir.InsertionPoint(fn.add_entry_block()):
            tl.AllocSharedOp(ir.MemRefType.get([16], ir.F32Type.get()))
            func.ReturnOp([])
    with pytest.raises(ir.MLIRError, match=r"must be in #gpu.address_space<workgroup>"):
        module.operation.verify()


def test_target_kernel(ctx):
    mem_t = ir.MemRefType.get([ir.ShapedType.get_dynamic_size()], ir.F32Type.get())
    config = ir.Attribute.parse(
        "#tessera_target.kernel_config<grid = [4], block = [256], shared = 1024>")
    module = ir.Module.create()
    with ir.InsertionPoint(module.body):
        kernel = tt.KernelOp("scale", ir.TypeAttr.get(ir.FunctionType.get([mem_t], [])),
                             config=config)
        kernel.body.blocks.append(mem_t)
        with ir.InsertionPoint(kernel.body.blocks[0]):
            tt.ReturnOp()
    text = _verify_and_roundtrip(module)
    assert ("tessera_target.kernel @scale(%arg0: memref<?xf32>) config = "
            "#tessera_target.kernel_config<grid = [4], block = [256], shared = 1024>") in text


def test_target_kernel_config_verifier(ctx):
    with pytest.raises(ir.MLIRError, match=r"block has 2048 threads, more than the limit of 1024"):
        ir.Attribute.parse(
            "#tessera_target.kernel_config<grid = [1], block = [1024, 2]>")


def test_graph_matmul_builder_rejects_wrong_rank(ctx):
    f32 = ir.F32Type.get()
    a_t = ir.RankedTensorType.get([8], f32)
    b_t = ir.RankedTensorType.get([8, 4], f32)
    module = ir.Module.create()
    with ir.InsertionPoint(module.body):
        fn = func.FuncOp("bad", ir.FunctionType.get([a_t, b_t], []))
        with ir.InsertionPoint(fn.add_entry_block()):
            # The result type cannot be inferred: an error, not a crash.
            with pytest.raises(ir.MLIRError,
                               match="'tessera_graph.matmul' op operands must have rank 2 "
                               "or more, got lhs rank 1 and rhs rank 2"):
                tg.MatmulOp(fn.arguments[0], fn.arguments[1])


def test_graph_ops_with_enums_and_inference(ctx):
    f16 = ir.F16Type.get()
    q_t = ir.RankedTensorType.get([2, 8, 100, 64], f16)
    k_t = ir.RankedTensorType.get([2, 8, 77, 64], f16)
    x_t = ir.RankedTensorType.get([37, 1000], ir.F32Type.get())
    module = ir.Module.create()
    with ir.InsertionPoint(module.body):
        @func.FuncOp.from_py_func(q_t, k_t, x_t)
        def block(q, k, x):
            # Result types inferred; enums passed as Python enums.
            att = tg.AttentionOp(q, k, k, causal=True).result
            red = tg.ReduceOp(tg.ReduceKind.mean, x, [1], keepdim=True).result
            assert str(att.type) == "tensor<2x8x100x64xf16>"
            assert str(red.type) == "tensor<37x1xf32>"
            return att, red

    text = " ".join(_verify_and_roundtrip(module).split())
    assert "tessera_graph.attention %arg0, %arg1, %arg1 causal" in text
    assert "tessera_graph.reduce mean %arg2 dims = [1] keepdim" in text


def test_graph_broadcast_error_at_construction(ctx):
    a_t = ir.RankedTensorType.get([4, 768], ir.F32Type.get())
    b_t = ir.RankedTensorType.get([4, 512], ir.F32Type.get())
    module = ir.Module.create()
    with ir.InsertionPoint(module.body):
        fn = func.FuncOp("bad", ir.FunctionType.get([a_t, b_t], []))
        with ir.InsertionPoint(fn.add_entry_block()):
            with pytest.raises(ir.MLIRError, match=r"lhs dimension 1 \(768\) and rhs "
                               r"dimension 1 \(512\) are not broadcast-compatible"):
                tg.AddOp(fn.arguments[0], fn.arguments[1])
