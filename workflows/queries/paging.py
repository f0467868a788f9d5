"""How long the lists' pages are, how many pages a list has, and where a page starts."""

# The organiser's cases, the auditor's search and the registry list show this many rows a page.
PAGE_SIZE = 50
# The inbox is worked through from the top, so its page is longer; the API may ask for up to the most.
INBOX_PAGE = 100
INBOX_MAX_PER_PAGE = 500


def page_count(total: int, size: int = PAGE_SIZE) -> int:
    """How many pages ``total`` rows fill; an empty list still has its one (empty) page."""
    return max(1, -(-total // size))


def rows_before(page: int, size: int = PAGE_SIZE) -> int:
    """How many rows come before ``page``; a page below 1 is the first."""
    return (max(page, 1) - 1) * size
