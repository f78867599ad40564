"""What an id in an address may be.

Every `<int:...>` in a route uses `RowIdConverter`: a positive whole number that fits the
database's integer column (PostgreSQL `integer`, 2**31 - 1). Anything else (a 20-digit number,
`-1`, `1.5`, `abc`) does not match the route, so it answers the usual 404 page before any query
runs: a huge id used to reach the database and answer 500.
"""
from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter

MAX_ROW_ID = 2**31 - 1  # PostgreSQL `integer`, the type of every primary key


class RowIdConverter(IntegerConverter):
    regex = r"[1-9]\d{0,9}"  # no sign, no leading zero, at most ten digits

    def __init__(self, map, *args, **kwargs):  # noqa: A002 - werkzeug's signature
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", MAX_ROW_ID)
        super().__init__(map, *args, **kwargs)


def init_routing(app: Flask) -> None:
    """Before any blueprint is registered: rules bind their converter when they are added."""
    app.url_map.converters["int"] = RowIdConverter
