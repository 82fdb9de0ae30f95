"""Errors caused by the user's code show the user's frames (Tessera's own
are hidden unless TESSERA_TRACEBACK=full)."""

import os
import subprocess
import sys
import textwrap

PKG = os.path.dirname(os.path.dirname(os.path.abspath(__import__("tessera").__file__)))

USER = textwrap.dedent("""
    import numpy as np
    import tessera
    from tessera import Tensor, f32

    @tessera.function
    def block(x: Tensor["S", 8, f32], w: Tensor[6, 4, f32]) -> Tensor["S", 4, f32]:
        h = tessera.relu(x)
        return h @ w                                   # line 9: the mistake

    @tessera.function
    def fine(x: Tensor["S", 8, f32]) -> Tensor["S", 8, f32]:
        return tessera.relu(x)

    if __import__("sys").argv[1] == "trace":
        block(np.zeros((3, 8), np.float32), np.zeros((6, 4), np.float32))
    else:
        art = tessera.compile(fine, target="cpu")
        art(np.zeros((3, 7), np.float32))             # line 19: wrong size
""")


def _run(tmp_path, what, **env):
    script = tmp_path / "user.py"
    script.write_text(USER)
    environ = {k: v for k, v in os.environ.items() if k != "TESSERA_TRACEBACK"}
    environ.update(PYTHONPATH=PKG, **env)
    r = subprocess.run([sys.executable, str(script), what], env=environ, cwd=tmp_path,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode != 0
    frames = [line.strip() for line in r.stderr.splitlines() if line.strip().startswith("File ")]
    return r.stderr, frames


def test_shape_error_ends_at_the_users_line(tmp_path):
    err, frames = _run(tmp_path, "trace")
    assert "ShapeError: matmul: contraction dimension mismatch: 8 vs 6" in err
    assert frames[-1].endswith("line 9, in block"), frames
    tessera_frames = [f for f in frames if os.sep + "tessera" + os.sep in f]
    assert len(tessera_frames) == 1 and "_traceback.py" in tessera_frames[0], frames
    assert "TESSERA_TRACEBACK=full shows them" in err


def test_full_traceback_on_request(tmp_path):
    err, frames = _run(tmp_path, "trace", TESSERA_TRACEBACK="full")
    assert any("frontend.py" in f for f in frames), frames
    assert "TESSERA_TRACEBACK=full shows them" not in err


def test_artifact_argument_error_shows_the_call(tmp_path):
    err, frames = _run(tmp_path, "run")
    assert "line 19, in <module>" in frames[0], frames
    assert len(frames) == 2 and "_traceback.py" in frames[1], frames
