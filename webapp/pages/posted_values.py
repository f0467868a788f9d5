"""Turning posted HTML form fields into typed values, with a message per bad field in the page's language."""

from datetime import date

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from webapp import bounded
from webapp.i18n import translated
from workflows.errors import InvalidData


def parse(form: MultiDict, spec: dict[str, tuple[str, str]]) -> dict:
    """Values of ``spec`` ({field: (kind, label)}; kind is text/date/int/bool/id); blanks become None.

    A label is a domain message (``t(…)``) or the page's own text (``lazy_gettext``).
    """
    values, errors = {}, {}
    for field, (kind, label) in spec.items():
        raw = (form.get(field) or "").strip()
        if kind == "bool":
            values[field] = raw in ("1", "on", "true", "yes")
        elif raw == "":
            values[field] = None
        elif kind == "date":
            try:
                values[field] = date.fromisoformat(raw)
            except ValueError:
                errors[field] = _("“%(label)s” must be a date, as YYYY-MM-DD", label=translated(label))
        elif kind in ("int", "id"):
            try:
                values[field] = int(raw)
            except ValueError:
                errors[field] = _("“%(label)s” must be a whole number", label=translated(label))
                continue
            # The database's INTEGER holds no more (an id is 1 or more): a larger number would be an error there.
            least = 1 if kind == "id" else -bounded.DB_INT_MAX - 1
            if not least <= values[field] <= bounded.DB_INT_MAX:
                errors[field] = _("“%(label)s” must be a whole number from %(least)s to %(most)s",
                                  label=translated(label), least=least, most=bounded.DB_INT_MAX)
        else:
            values[field] = raw
    if errors:
        raise InvalidData(_("The form has mistakes: %(mistakes)s", mistakes=_("; ").join(errors.values())), errors)
    return values
