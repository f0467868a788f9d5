"""How long the lists' pages are, how many pages a list has, and where a page starts (by number or past a key)."""

from sqlalchemy import ColumnElement
from sqlalchemy import tuple_

# The organiser's cases, the auditor's search and the registry list show this many rows a page.
PAGE_SIZE = 50
# The inbox is worked through from the top, so its page is longer (the API's lists page by webapp/api/paging.py).
INBOX_PAGE = 100


def page_count(total: int, size: int = PAGE_SIZE) -> int:
    """How many pages ``total`` rows fill; an empty list still has its one (empty) page."""
    return max(1, -(-total // size))


def rows_before(page: int, size: int = PAGE_SIZE) -> int:
    """How many rows come before ``page``; a page below 1 is the first."""
    return (max(page, 1) - 1) * size


def past(columns: tuple, key: tuple, descending: bool = False) -> ColumnElement[bool]:
    """The rows that come after the row whose ``columns`` hold ``key``, in the order of ``columns`` (all ascending,
    or all ``descending``): keyset paging, which neither counts through the rows before (OFFSET) nor moves a row
    to another page when one before it comes or goes."""
    row = tuple_(*columns)
    return row < key if descending else row > key
