"""`make demo`, the README's first command, as a test: examples/demo.py
runs the transformer block on the CPU path (no GPU here), compiles it for
sm_90 and gfx942, checks tensor-core instructions in the PTX and an AMDGPU
ELF, and exits 0 only when all of that holds."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_demo_runs_and_passes(tmp_path):
    env = dict(os.environ)
    result = subprocess.run([sys.executable, str(ROOT / "examples" / "demo.py"),
                             "--out", str(tmp_path)],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "demo OK" in result.stdout
    assert "PTX: 0 wgmma" not in result.stdout  # Hopper's matmuls on wgmma
    assert (tmp_path / "block_sm_90").is_dir() and (tmp_path / "block_gfx942").is_dir()
