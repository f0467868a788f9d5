"""What a user types in a search box, found anywhere in a column, taken literally and ignoring case."""

from sqlalchemy import Boolean
from sqlalchemy import literal
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal

ESCAPE = "\\"  # pass as ``escape=ESCAPE`` with every pattern of :func:`contains`


def contains(text: str) -> str:
    """``text`` as a LIKE pattern matching it anywhere (its own %, _ and \\ taken literally)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def found_in(column, text: str) -> ColumnElement[bool]:
    """The condition that ``column`` contains ``text`` (taken literally), whatever the case of its letters."""
    return _Contains(column, literal(contains(text)))


class _Contains(ColumnElement[bool]):
    """``column`` LIKE ``pattern`` ignoring case, as each database does it best (below)."""

    inherit_cache = True
    type = Boolean()
    _is_implicitly_boolean = True  # a condition as it stands: not compared with 1 where booleans are integers
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement),
                           ("pattern", InternalTraversal.dp_clauseelement)]

    def __init__(self, column, pattern) -> None:
        self.column, self.pattern = column, pattern


@compiles(_Contains)
def _ilike(element: _Contains, compiler, **kw) -> str:
    return compiler.process(element.column.ilike(element.pattern, escape=ESCAPE), **kw)


@compiles(_Contains, "sqlite")
def _like(element: _Contains, compiler, **kw) -> str:
    # SQLite's LIKE ignores the case of ASCII letters already, and its lower() folds no other letter: ILIKE there
    # (lower() on both sides) found the same rows at a function call per row, a quarter of a filtered inbox's query.
    return compiler.process(element.column.like(element.pattern, escape=ESCAPE), **kw)
