"""Pages of long lists: the same pages as Django's paginator, read in a way that stays fast.

A page of a queryset is read in one query whose inner part picks the page's primary keys (the
filters, the sort and the offset run over the narrow columns an index holds) and whose outer
part reads the whole rows of those keys only, with their related rows. Without it the database
sorts every matching row with its title, body and search words, to keep one page of them.
"""

from typing import Any

from django.core.paginator import Page
from django.core.paginator import Paginator as DjangoPaginator
from django.db.models import QuerySet
from django.db.models.query import ModelIterable


class Paginator(DjangoPaginator[Any]):
    """Django's paginator (same numbers, same rows, same order), reading a page by its keys
    first. `count`, when the caller has just counted the very same rows (a work list's tab),
    is used instead of counting them again."""

    def __init__(self, object_list: Any, per_page: int, *, count: int | None = None, **kw: Any):
        super().__init__(object_list, per_page, **kw)
        if count is not None:
            self.__dict__["count"] = count  # the cached_property's slot

    def page(self, number: Any) -> Page[Any]:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return Page(page_slice(self.object_list, bottom, top), number, self)


def page_slice(rows: Any, bottom: int, top: int) -> Any:
    """rows[bottom:top]; for a plain queryset, the rows whose keys are that slice of the keys."""
    if not _by_keys(rows):
        return rows[bottom:top]
    keys = rows.values("pk").prefetch_related(None)[bottom:top]
    page = rows.model._base_manager.filter(pk__in=keys)
    page.query.select_related = rows.query.select_related
    page.query.deferred_loading = rows.query.deferred_loading
    page = page.prefetch_related(*rows._prefetch_related_lookups)
    if not rows.query.default_ordering:
        page = page.order_by()
    return page.order_by(*rows.query.order_by) if rows.query.order_by else page


def _by_keys(rows: Any) -> bool:
    """A queryset of model instances whose order and rows its keys alone give back."""
    if not isinstance(rows, QuerySet) or rows._iterable_class is not ModelIterable:
        return False
    q = rows.query
    return not (
        q.is_sliced or q.distinct or q.combinator or q.annotations or q.extra or q.extra_order_by
    )
