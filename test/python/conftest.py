"""pytest configuration: tests import the tessera package from the build tree.

`make test` puts build/python_packages on PYTHONPATH; running pytest by hand
works the same way once the project is built.
"""

import os
import sys

_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
_BUILD = os.environ.get("TESSERA_BUILD_DIR", os.path.join(_ROOT, "build"))
_PACKAGES = os.path.join(_BUILD, "python_packages")
if os.path.isdir(_PACKAGES) and _PACKAGES not in sys.path:
    sys.path.insert(0, _PACKAGES)
