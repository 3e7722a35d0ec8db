"""A case-insensitive substring lookup that PostgreSQL's trigram indexes can serve.

Django's ``icontains`` compiles to ``UPPER(col) LIKE UPPER(%s)`` on PostgreSQL, which no
plain trigram index matches and which upper-cases every row. ``col__search_contains=q``
compiles to ``col ILIKE %q%`` on PostgreSQL (served by a ``gin_trgm_ops`` index on ``col``)
and to ``col LIKE %q% ESCAPE '\\'`` on SQLite (case-insensitive for ASCII there).
"""

from __future__ import annotations

from typing import Any

from django.db.models import CharField, Lookup, TextField


class SearchContains(Lookup):
    """``field__search_contains=value``: case-insensitive substring match."""

    lookup_name = "search_contains"

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        _rhs, rhs_params = self.process_rhs(compiler, connection)
        value = next(iter(rhs_params))
        pattern = f"%{connection.ops.prep_for_like_query(value)}%"
        if connection.vendor == "postgresql":
            return f"{lhs} ILIKE %s", [*lhs_params, pattern]
        return f"{lhs} LIKE %s ESCAPE '\\'", [*lhs_params, pattern]


CharField.register_lookup(SearchContains)
TextField.register_lookup(SearchContains)
