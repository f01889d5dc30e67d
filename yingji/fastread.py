"""Reads every logged-in request makes, as SQL written once per process instead of per request.

Each logged-in page reads the session and then the user with their member,
township and second-factor flag. Through the ORM each of those statements is
rebuilt and compiled on every request, which cost more than the rest of a
light page together (issue 4's benchmark: about 1 ms of CPU time for the
user's read alone on the 2-core machine, against 0.05 ms for the statement).
Here the SQL is written once from the models' own metadata (table and column
names, so a migration that adds a column is followed), and each row is turned
into model instances with the same database converters the ORM applies
(SQLite's text datetimes, booleans stored as integers …), so the instances are
the ones the ORM would have built.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, tzinfo
from typing import Any

from django.db import connection
from django.db.models import DateTimeField, Model

Converter = Callable[[Any], Any]


def _sqlite_datetime(tz: tzinfo, django_convert: Callable[..., Any], col: Any) -> Converter:
    """Return a converter of SQLite's datetimes (UTC, as Django stores them) to aware datetimes.

    What ``DatabaseOperations.convert_datetimefield_value`` does for SQLite with
    ``USE_TZ`` (``parse_datetime`` unless the sqlite3 module's decoder already
    did, then ``make_aware`` in the connection's time zone ``tz``), without
    its per-value lookups of the connection and settings: those were most of
    the ledger page's row reading (150 datetimes a page). Text that
    :meth:`datetime.fromisoformat` cannot read goes to Django's converter
    ``django_convert`` (called as the ORM calls it, with the column ``col``).
    """

    def convert(value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, datetime):  # parsed by the sqlite3 module's "datetime" decoder
            parsed = value
        else:
            try:
                parsed = datetime.fromisoformat(value)
            except (TypeError, ValueError):
                return django_convert(value, col, connection)
        return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=tz)

    return convert


def converter(field: Any, alias: str) -> Converter | None:
    """Return one function ``value -> value`` applying what the ORM applies to ``field``'s column.

    ``field`` is a concrete model field selected under table ``alias``. The
    backend's and the field's converters, in the ORM's order, composed; on
    SQLite with time zones a datetime column gets :func:`_sqlite_datetime`,
    which gives the same values. None when the column needs no conversion.
    """
    col = field.get_col(alias)
    found = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
    if not found:
        return None
    if (
        connection.vendor == "sqlite"
        and isinstance(field, DateTimeField)
        and len(found) == 1
        and getattr(found[0], "__name__", "") == "convert_datetimefield_value"
        and connection.timezone is not None
    ):
        return _sqlite_datetime(connection.timezone, found[0], col)

    def convert(value: Any) -> Any:
        for step in found:
            value = step(value, col, connection)
        return value

    return convert


class RowReader:
    """Select list and instance builder for one model under one table alias.

    ``columns`` is the SQL select list (``alias."column", …``, every concrete
    field in field order); :meth:`build` turns that many values of a row into
    an instance of ``model`` (None if the primary key is NULL, as after a LEFT
    JOIN that matched nothing), applying the backend's and the fields'
    converters.
    """

    def __init__(self, model: type[Model], alias: str):
        self.model = model
        qn = connection.ops.quote_name
        fields = list(model._meta.concrete_fields)
        self.names = [f.attname for f in fields]
        self.columns = ", ".join(f"{alias}.{qn(str(f.column))}" for f in fields)
        self.width = len(fields)
        self.pk_index = fields.index(model._meta.pk)
        self.converters: list[tuple[int, Converter]] = []
        for i, field in enumerate(fields):
            convert = converter(field, alias)
            if convert is not None:
                self.converters.append((i, convert))

    def build(self, values: Sequence[Any]) -> Model | None:
        """Return the instance of ``values`` (this reader's ``width`` values, in column order)."""
        if values[self.pk_index] is None:
            return None
        row = list(values)
        for i, convert in self.converters:
            row[i] = convert(row[i])
        return self.model.from_db(connection.alias, self.names, row)


class ValuesReader:
    """Select list and value converter for chosen fields of joined tables, as ``values()`` gives them.

    ``fields`` is ``[(key, alias, field)]``: the key of the value in the dict
    :meth:`read` returns, the table alias in the statement, and the model
    field (its column is selected, its converters applied).
    """

    def __init__(self, fields: Sequence[tuple[str, str, Any]]):
        qn = connection.ops.quote_name
        self.keys = [key for key, _alias, _field in fields]
        self.columns = ", ".join(f"{alias}.{qn(field.column)}" for _k, alias, field in fields)
        self.converters: list[tuple[int, Converter]] = []
        for i, (_key, alias, field) in enumerate(fields):
            convert = converter(field, alias)
            if convert is not None:
                self.converters.append((i, convert))

    def read(self, row: Sequence[Any]) -> dict[str, Any]:
        """Return ``{key: value}`` of one row selected with :attr:`columns`, values converted."""
        values = list(row)
        for i, convert in self.converters:
            values[i] = convert(values[i])
        return dict(zip(self.keys, values, strict=True))

    def convert(self, key: str, value: Any) -> Any:
        """Return ``value`` of the column of ``key`` converted as :meth:`read` converts it."""
        i = self.keys.index(key)
        for j, convert in self.converters:
            if j == i:
                return convert(value)
        return value
