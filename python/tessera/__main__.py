"""`python -m tessera`: the tessera command line."""

import sys

from .cli import main

sys.exit(main())
