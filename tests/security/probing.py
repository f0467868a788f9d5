"""The payloads of the injection probes and a recorder of what each answer gives away."""

import re
from urllib.parse import parse_qsl

SQL = ("' OR 1=1 --", '"; DROP TABLE cadre; --', "%", "_", "\\")
MARKUP = ("<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "javascript:alert(1)", "tpl{{7*7}}",
          "{% raw %}", "{{ config }}")
TEXTS = (*SQL, *MARKUP, "x" * 100_000, "a\x00b")
# What must never be in an HTML answer: the markup as sent, a template that ran (7*7, the config's secret).
LEAKS = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>", 'href="javascript:', "tpl49", "test-secret-")
COUNT = re.compile(r'<h1>[^<]*<span class="count">(\d+)</span>')

TALLY = {"probes": 0, "5xx": 0}  # over the module, printed by its last test


def count_on_page(answer) -> int:
    """The number of hits a list page shows in its heading."""
    return int(COUNT.search(answer.get_data(as_text=True)).group(1))


class Probes:
    """Send requests and note every 5xx and every payload an HTML answer shows unescaped."""

    def __init__(self):
        self.problems = []

    def get(self, client, url: str, *, query: str | None = None, **options):
        """GET ``url``; ``query`` is the value of its last query parameter (the URL ends with ``name=``)."""
        if query is not None:
            url, _, fixed = url.partition("?")
            pairs = parse_qsl(fixed, keep_blank_values=True)
            options["query_string"] = {**dict(pairs), pairs[-1][0]: query}
        return self.send(client, "GET", url, **options)

    def post(self, client, url: str, **options):
        return self.send(client, "POST", url, **options)

    def send(self, client, method: str, url: str, **options):
        answer = client.open(url, method=method, **options)
        TALLY["probes"] += 1
        where = f"{method} {url} {str(options.get('query_string') or '')[:80]}"
        if answer.status_code >= 500:
            TALLY["5xx"] += 1
            self.problems.append(f"{where} → {answer.status_code}")
        if answer.mimetype == "text/html":
            page = answer.get_data(as_text=True)
            self.problems += [f"{where}: the page shows {leak!r}" for leak in LEAKS if leak in page]
        return answer

    def verify(self):
        assert not self.problems, "\n".join(self.problems[:40])
