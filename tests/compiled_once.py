"""What every test app compiles alike, compiled once per test process: its templates and its URL rules' builders.

Most tests build an app of their own (their database, their clock), and each new app compiled its templates
(a Jinja environment of its own) and the URL builders of its ~100 routes (werkzeug compiles two small functions
per rule) anew: ~180 ms of CPU per app, a tenth of the suite. Every app is made by the same ``create_app``, so
the code they compile is the same; here the first app's is kept and the later apps take it.
"""

from flask import Flask
from jinja2 import BytecodeCache
from jinja2.bccache import Bucket
from werkzeug.routing import Rule


class _TemplateCodes(BytecodeCache):
    """Compiled templates kept in memory, by template and source checksum."""

    def __init__(self) -> None:
        self._codes: dict[tuple[str, str], object] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        bucket.code = self._codes.get((bucket.key, bucket.checksum))

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._codes[(bucket.key, bucket.checksum)] = bucket.code


_builders: dict[tuple, object] = {}
_compile_builder = Rule._compile_builder


def _builder_compiled_once(rule: Rule, append_unknown: bool = True):
    # A builder is a function of the rule's text, its parsed parts and its defaults alone: it reaches the rule's
    # converters through the ``self`` it is bound to when called (werkzeug.routing.rules.Rule.compile).
    key = (rule.rule, tuple(rule._trace), tuple(sorted((rule.defaults or {}).items())), append_unknown)
    if key not in _builders:
        _builders[key] = _compile_builder(rule, append_unknown)
    return _builders[key]


def install() -> None:
    """Every Flask app this process builds shares one template cache and one set of URL builders."""
    Flask.jinja_options = {**Flask.jinja_options, "bytecode_cache": _TemplateCodes()}
    Rule._compile_builder = _builder_compiled_once
