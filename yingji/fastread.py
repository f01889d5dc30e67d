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
from typing import Any

from django.db import connection
from django.db.models import Model


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
        self.converters: list[tuple[int, list[Callable[..., Any]], Any]] = []
        for i, field in enumerate(fields):
            col = field.get_col(alias)
            found = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
            if found:
                self.converters.append((i, found, col))

    def build(self, values: Sequence[Any]) -> Model | None:
        """Return the instance of ``values`` (this reader's ``width`` values, in column order)."""
        if values[self.pk_index] is None:
            return None
        row = list(values)
        for i, found, col in self.converters:
            for convert in found:
                row[i] = convert(row[i], col, connection)
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
        self.converters: list[tuple[int, list[Callable[..., Any]], Any]] = []
        for i, (_key, alias, field) in enumerate(fields):
            col = field.get_col(alias)
            found = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
            if found:
                self.converters.append((i, found, col))

    def read(self, row: Sequence[Any]) -> dict[str, Any]:
        """Return ``{key: value}`` of one row selected with :attr:`columns`, values converted."""
        values = list(row)
        for i, found, col in self.converters:
            for convert in found:
                values[i] = convert(values[i], col, connection)
        return dict(zip(self.keys, values, strict=True))
