"""scripts/setup.sh: a failing step is named with its cause, and leaves
nothing that stops a re-run."""

import os
import subprocess

import pytest

_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
_SETUP = os.path.join(_ROOT, "scripts", "setup.sh")


@pytest.mark.skipif(os.geteuid() != 0, reason="the apt step needs root")
def test_unreachable_mirror_names_the_step_and_cause(tmp_path):
    env = dict(os.environ,
               TESSERA_CACHE_ROOT=str(tmp_path),
               TESSERA_DEBIAN_MIRROR="http://127.0.0.1:9/debian")
    run = subprocess.run(["bash", _SETUP], env=env, capture_output=True,
                         text=True, timeout=120)
    assert run.returncode != 0
    assert ("apt-get update of the deb-src list failed: is "
            "http://127.0.0.1:9/debian reachable?") in run.stderr
    assert 'step "sources" failed' in run.stderr
    # Nothing half-made is left where a re-run would take it as done.
    assert not (tmp_path / "llvm-22.1.8").exists()
    assert not list(tmp_path.glob("extract.*"))
    assert not list((tmp_path / "downloads").glob("*.orig.tar.xz"))
