"""Pagination that stays fast on large lists: counts stop at a cap.

Counting every match of a broad search over 100k+ rows costs more than showing the first
page; above ``COUNT_CAP`` matches the lists say "more than N" instead of the exact number.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet

COUNT_CAP = 10_000


def capped_count(qs: QuerySet[Any], cap: int = COUNT_CAP) -> tuple[int, bool]:
    """(count, exact): the number of rows up to ``cap``, and whether that is the true total."""
    n = qs.order_by()[: cap + 1].count()
    return (n, True) if n <= cap else (cap, False)


class CappedPaginator(Paginator):
    """A Paginator whose count stops at ``COUNT_CAP`` (``count_exact`` tells whether it did)."""

    count_exact = True

    @cached_property
    def count(self) -> int:
        n, exact = capped_count(self.object_list)  # type: ignore[arg-type]  # always a QuerySet here
        self.count_exact = exact
        return n

