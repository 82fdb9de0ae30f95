"""Pass pipelines through tessera.passmanager."""

import pytest

from tessera import ir
from tessera.passmanager import PassManager

_FOLDABLE = """
func.func @f(%a: tensor<4x8xf32>, %b: tensor<8x2xf32>) -> tensor<4x2xf32> {
  %unused = tessera_graph.matmul %a, %b : tensor<4x8xf32>, tensor<8x2xf32> -> tensor<4x2xf32>
  %c = arith.constant 1.0 : f32
  %d = arith.constant 2.0 : f32
  %s = arith.addf %c, %d : f32
  %t = tensor.splat %s : tensor<4x2xf32>
  return %t : tensor<4x2xf32>
}
"""


def test_upstream_pipeline_runs_on_tessera_ir():
    with ir.Context():
        module = ir.Module.parse(_FOLDABLE)
        pm = PassManager.parse("builtin.module(func.func(canonicalize, cse))")
        pm.run(module.operation)
        text = str(module)
    # The unused (pure) matmul is erased; the constants fold to 3.0.
    assert "tessera_graph.matmul" not in text
    assert "arith.addf" not in text
    assert "3.000000e+00" in text


def test_tessera_passes_and_pipelines_are_registered():
    with ir.Context():
        # Parsing fails for unregistered names, so these parse only because
        # the site-initialize hook registered them.
        PassManager.parse("builtin.module(tessera-target-check-chip)")
        PassManager.parse("builtin.module(tessera-gpu-to-nvvm-binary{chip=sm_90})")
        PassManager.parse("builtin.module(tessera-gpu-to-rocdl-binary{chip=gfx942})")
        with pytest.raises(ValueError, match="no-such-pass"):
            PassManager.parse("builtin.module(no-such-pass)")


def test_failing_pass_raises_with_diagnostic():
    with ir.Context():
        module = ir.Module.parse(
            'module attributes {gpu.container_module} {\n'
            '  gpu.module @k [#nvvm.target<chip = "sm_9000">] {}\n'
            '}')
        pm = PassManager.parse("builtin.module(tessera-target-check-chip)")
        with pytest.raises(ir.MLIRError, match="unknown target chip: 'sm_9000'"):
            pm.run(module.operation)
