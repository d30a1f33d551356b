"""`python -m devstack`: the embedded local stack (see `stack.py`)."""
from __future__ import annotations

import sys

from .stack import main

if __name__ == "__main__":
    sys.exit(main())
