from django.core.paginator import Paginator
from django.utils.functional import cached_property
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination


class CappedPaginator(Paginator):
    """Counts no further than ``cap`` + 1 rows: "1,000+ found" instead of a full count.

    A broad search over 100,000 members spends most of its time counting rows nobody pages to;
    a capped count is a LIMITed subquery. Pages past the cap are not offered: refine instead.
    """

    cap = 1000

    @cached_property
    def count(self) -> int:
        # Without the ordering: the count is the same, and an ORDER BY name inside the LIMITed
        # subquery makes PostgreSQL walk the name index instead of the search's own index.
        rows = self.object_list
        if hasattr(rows, "order_by"):
            rows = rows.order_by()
        return rows[: self.cap + 1].count()

    @property
    def is_capped(self) -> bool:
        return self.count > self.cap


class ApiPagination(PageNumberPagination):
    """ninja's page-number pagination with a bounded ``page``: a huge page number made an OFFSET past
    the database's 64-bit integers (a 500 on SQLite and PostgreSQL) instead of an empty page or a 422."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=1_000_000)
        page_size: int | None = Field(None, ge=1)
