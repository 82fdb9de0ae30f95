#!/usr/bin/env python3
"""Builds `tessera-runtime`, the runtime-only package for GPU machines
without LLVM/MLIR: a pure-Python wheel of `tessera/__init__.py`,
`tessera/types.py` and `tessera/runtime/` (numpy, and CuPy to launch), from
which `import tessera.runtime` loads and runs saved artifacts
(`plan.json` + PTX/HSACO). It imports no MLIR; the compiler's names
(`tessera.function`, `tessera.compile`, ...) raise an ImportError that says
so. Install it instead of the full package, not beside it (both provide
`tessera`).

    python scripts/build_runtime_wheel.py [-o dist]
    pip install dist/tessera_runtime-0.1.0-py3-none-any.whl   # + cupy-cuda13x

The wheel is written directly (zip, METADATA, WHEEL, RECORD; PEP 427), so
building it needs nothing beyond Python.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import re
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "python" / "tessera"
#: What the runtime needs (tessera.runtime imports nothing else of tessera).
#: (runtime/_launch.c: the native launcher's source, compiled at first use.)
FILES = ["__init__.py", "types.py"] + [f"runtime/{p.name}"
                                       for p in sorted((PACKAGE / "runtime").glob("*.py"))]
FILES.append("runtime/_launch.c")
NAME = "tessera_runtime"


def version() -> str:
    text = (PACKAGE / "__init__.py").read_text()
    return re.search(r'__version__ = "([^"]+)"', text).group(1)


def _record_line(path: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{path},sha256={digest},{len(data)}"


def build(output: Path) -> Path:
    ver = version()
    info = f"{NAME}-{ver}.dist-info"
    wheel = output / f"{NAME}-{ver}-py3-none-any.whl"
    output.mkdir(parents=True, exist_ok=True)
    metadata = "\n".join([
        "Metadata-Version: 2.1", "Name: tessera-runtime", f"Version: {ver}",
        "Summary: Tessera's runtime: runs compiled GPU artifacts with numpy and CuPy, "
        "no MLIR",
        "Requires-Python: >=3.10", "License: Apache-2.0 WITH LLVM-exception",
        "Requires-Dist: numpy>=1.24", "Provides-Extra: cuda",
        'Requires-Dist: cupy-cuda13x; extra == "cuda"', "", ""])
    wheel_file = "\n".join(["Wheel-Version: 1.0", "Generator: tessera build_runtime_wheel",
                            "Root-Is-Purelib: true", "Tag: py3-none-any", "", ""])
    entries = [(f"tessera/{f}", (PACKAGE / f).read_bytes()) for f in FILES]
    entries += [(f"{info}/METADATA", metadata.encode()), (f"{info}/WHEEL", wheel_file.encode())]
    record = [_record_line(path, data) for path, data in entries] + [f"{info}/RECORD,,"]
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as z:
        for path, data in entries:
            z.writestr(path, data)
        z.writestr(f"{info}/RECORD", "\n".join(record) + "\n")
    return wheel


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-o", "--output", default=str(ROOT / "dist"))
    args = parser.parse_args(argv)
    print(build(Path(args.output)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
