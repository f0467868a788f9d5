"""A write a page refused: its work undone, its form shown again with the error in the page's language."""

from webapp import db
from webapp.i18n import translated


def form_again(render, status: int, **context):
    """Roll back the refused write, then ``render(status=status, **context)`` reads afresh; ``errors`` (field →
    message) and ``message`` in ``context`` are put in the page's language."""
    db.rollback()
    for name in ("errors", "message"):
        if name in context:
            context[name] = translated(context[name])
    return render(status=status, **context)
