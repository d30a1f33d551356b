"""PynamoDB models: the only place that knows DynamoDB's shape.

Single-table design on `config.MAIN_TABLE`: every entity builds its own keys from the
prefixes below; two generic GSIs (gsi1, gsi2) serve the access patterns named on each
model. Nothing on a request path scans the table.
"""
from __future__ import annotations

from .auth import *  # noqa: F403
from .base import Gsi1, Gsi2, Item  # noqa: F401
from .batches import *  # noqa: F403
from .candidates import *  # noqa: F403
from .centres import *  # noqa: F403
from .checks import *  # noqa: F403
from .credentials import *  # noqa: F403
from .invitations import *  # noqa: F403
from .keys import *  # noqa: F403
from .organisations import *  # noqa: F403
from .results import *  # noqa: F403
from .sharing import *  # noqa: F403
