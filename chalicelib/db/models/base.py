"""The table's settings, its two generic indexes and the base item (pk, sk)."""
from __future__ import annotations

import functools
from typing import Any

from pynamodb.attributes import UnicodeAttribute
from pynamodb.connection import Connection, TableConnection
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from ... import config


class _Meta:
    table_name = config.MAIN_TABLE
    region = config.settings().region
    host = config.settings().endpoint_url
    billing_mode = "PAY_PER_REQUEST"
    max_retry_attempts = 5


class Gsi1(GlobalSecondaryIndex):
    class Meta:
        index_name = "gsi1"
        projection = AllProjection()

    gsi1pk = UnicodeAttribute(hash_key=True)
    gsi1sk = UnicodeAttribute(range_key=True)


class Gsi2(GlobalSecondaryIndex):
    class Meta:
        index_name = "gsi2"
        projection = AllProjection()

    gsi2pk = UnicodeAttribute(hash_key=True)
    gsi2sk = UnicodeAttribute(range_key=True)


_CLIENTS: dict[tuple[str, str | None], Any] = {}


def _share_client(conn: Any) -> Any:
    """Give a PynamoDB Connection the DynamoDB client of the first connection made with its
    region and endpoint (see Item._get_connection)."""
    if conn._client is None:
        key = (conn.region, conn.host)
        shared = _CLIENTS.get(key)
        if shared is None:
            _CLIENTS.setdefault(key, conn.client)
        else:
            conn._client = shared
    return conn


@functools.cache
def transaction_connection() -> Connection:
    """The connection that sends transactions (a TransactWrite needs one of its own, and a new
    Connection per transaction made a new client for each)."""
    return _share_client(Connection(region=_Meta.region, host=_Meta.host))


class Item(Model):
    Meta = _Meta  # type: ignore[assignment]
    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)

    @classmethod
    def _get_connection(cls) -> TableConnection:
        """PynamoDB gives each model class a connection of its own, and each connection makes
        its own botocore session and DynamoDB client on first use (0.1-0.3 s each: the endpoint
        rules and the service model read from disk). Every model here is an item of the same
        table with the same settings: they share the first client made. (Not the connection:
        each holds its model's indexes; never call this on Item itself, whose connection its
        subclasses would inherit.)"""
        conn = super()._get_connection()
        _share_client(conn.connection)
        return conn
