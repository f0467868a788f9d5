"""LIKE patterns for what a user types in a search box, taken literally."""

ESCAPE = "\\"  # pass as ``escape=ESCAPE`` with every pattern of :func:`contains`


def contains(text: str) -> str:
    """``text`` as a LIKE pattern matching it anywhere (its own %, _ and \\ taken literally)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
