"""Puts the built `tessera` package on the running interpreter's path for
good: writes `tessera-build.pth` (one line, the given directory) into its
site-packages, so that the project's venv imports tessera with no
PYTHONPATH. Idempotent; `make build` runs it.

    .venv/bin/python scripts/link_venv.py /abs/path/to/build/python_packages
"""

from __future__ import annotations

import sys
import sysconfig
from pathlib import Path


def main(argv) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    package_dir = Path(argv[1]).resolve()
    if not (package_dir / "tessera" / "__init__.py").is_file():
        print(f"link_venv: {package_dir} holds no built tessera package "
              f"(run the build first)", file=sys.stderr)
        return 1
    if sys.prefix == sys.base_prefix:
        print("link_venv: not running in a virtual environment; leaving the "
              "system's site-packages alone", file=sys.stderr)
        return 1
    pth = Path(sysconfig.get_paths()["purelib"]) / "tessera-build.pth"
    line = f"{package_dir}\n"
    if pth.exists() and pth.read_text() != line:
        # A venv shared by checkouts (TESSERA_VENV) follows the last build.
        print(f"link_venv: {pth} pointed at {pth.read_text().strip()}; now at "
              f"{package_dir}", file=sys.stderr)
    if not pth.exists() or pth.read_text() != line:
        pth.write_text(line)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
