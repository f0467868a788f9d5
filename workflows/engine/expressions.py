"""The expression allow-list: what BPMN and DMN may compute, checked at deploy and at every evaluation."""

import ast
import re
from collections.abc import Callable
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine import TaskDataEnvironment
from SpiffWorkflow.exceptions import SpiffWorkflowException

from workflows.engine import expression_limits
from workflows.engine import expression_rewrite
from workflows.processes import model_functions
from workflows.processes import selection_functions
from workflows.text import t

MAX_EXPRESSION_LENGTH = 4000

# Builtins a model may call; each is pure and cheap on small data.
SAFE_BUILTINS: dict[str, Callable[..., Any]] = {
    "abs": abs, "all": all, "any": any, "bool": bool, "float": float, "int": int,
    "len": len, "max": max, "min": min, "round": round, "sorted": sorted,
    "str": str, "sum": sum,
}

_ALLOWED_NODES = (
    ast.Expression, ast.Module, ast.Expr, ast.Assign, ast.AugAssign, ast.If, ast.Pass,
    ast.Name, ast.Load, ast.Store, ast.Constant, ast.Compare, ast.BoolOp, ast.UnaryOp,
    ast.BinOp, ast.IfExp, ast.Subscript, ast.Slice, ast.Dict, ast.List, ast.Tuple,
    ast.Call, ast.keyword, ast.JoinedStr, ast.FormattedValue,
    ast.And, ast.Or, ast.Not, ast.USub, ast.UAdd,
    ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod,
    ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.In, ast.NotIn, ast.Is, ast.IsNot,
)

_NODE_NAMES_ZH = {
    ast.Attribute: t("属性访问"), ast.Lambda: t("lambda 函数"), ast.Import: t("import 语句"),
    ast.ImportFrom: t("import 语句"), ast.ListComp: t("推导式"), ast.SetComp: t("推导式"),
    ast.DictComp: t("推导式"), ast.GeneratorExp: t("生成器表达式"), ast.Pow: t("乘方运算"),
    ast.FunctionDef: t("函数定义"), ast.ClassDef: t("类定义"), ast.While: t("while 循环"),
    ast.For: t("for 循环"), ast.With: t("with 语句"), ast.Try: t("try 语句"), ast.Delete: t("del 语句"),
    ast.Global: t("global 语句"), ast.NamedExpr: t("海象赋值"), ast.Await: "await",
    ast.Yield: "yield", ast.Starred: t("星号展开"),
}


# An expression written for a Java engine: ${approved} or #{amount > 100}.
_JUEL = re.compile(r"[$#]\{(.*)\}", re.DOTALL)


class ExpressionRefused(ValueError):
    """An expression uses something outside the allow-list; the message says what, in Chinese."""


def allowed_functions() -> dict[str, Callable[..., Any]]:
    """Every function a model may call: the safe builtins and the registered domain rules."""
    return {**SAFE_BUILTINS, **model_functions.FUNCTIONS, **selection_functions.FUNCTIONS}


def _syntax_refusal(source: str, error: SyntaxError) -> str:
    """What is wrong with an expression Python cannot parse, in the reader's words (Python's own text is English)."""
    juel = _JUEL.fullmatch(source.strip())
    if juel:
        return t("这是 JUEL 表达式（Camunda、Activiti 等工具的写法），cadreflow 的表达式用 Python 书写，如 {python}",
                 python=juel.group(1).strip())
    if error.offset:  # Python gives 0 or None where it found the expression cut short
        return t("不是合法的 Python 表达式（第 {line} 行第 {column} 个字符附近）", line=error.lineno or 1,
                 column=error.offset)
    return t("不是合法的 Python 表达式（第 {line} 行，表达式不完整）", line=error.lineno or 1)


def check(source: str, mode: str = "eval", extra_names: frozenset[str] = frozenset()) -> ast.AST:
    """Parse ``source`` and refuse anything outside the allow-list; returns the tree."""
    if len(source) > MAX_EXPRESSION_LENGTH:
        raise ExpressionRefused(t("表达式过长（超过 {limit} 个字符）", limit=MAX_EXPRESSION_LENGTH))
    try:
        tree = ast.parse(source.strip() if mode == "eval" else source, mode=mode)
    except SyntaxError as error:
        raise ExpressionRefused(_syntax_refusal(source, error)) from None
    callable_names = set(allowed_functions()) | extra_names
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED_NODES):
            what = _NODE_NAMES_ZH.get(type(node), type(node).__name__)
            raise ExpressionRefused(t("不允许使用{what}", what=what))
        if isinstance(node, ast.Name) and node.id.startswith("_"):
            raise ExpressionRefused(t("不允许使用以下划线开头的名称 {name}", name=node.id))
        if isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.func.id not in callable_names:
                name = node.func.id if isinstance(node.func, ast.Name) else ast.unparse(node.func)
                raise ExpressionRefused(t("不允许调用 {name}（只能调用已登记的函数）", name=name))
        if isinstance(node, ast.Constant) and isinstance(node.value, str | bytes):
            if len(node.value) > MAX_EXPRESSION_LENGTH:
                raise ExpressionRefused(t("字符串常量过长"))
    problem = expression_rewrite.visible_problem(tree)
    if problem:
        raise ExpressionRefused(problem)
    return tree


@lru_cache(maxsize=4096)
def _compiled(source: str, mode: str, extra_names: frozenset[str]):
    tree = check(source, mode, extra_names)
    return compile(expression_rewrite.metered(tree), "<bpmn expression>", mode)


class RestrictedEnvironment(TaskDataEnvironment):
    """Evaluates only allow-listed code, with no builtins but the safe ones, each evaluation on its own meter."""

    def __init__(self):
        super().__init__({"__builtins__": {}, **allowed_functions()})

    def evaluate(self, expression, context, external_context=None):
        names = frozenset(external_context or ())
        code = _compiled(expression, "eval", names)
        scope = {**self.globals, **(external_context or {}), **context,
                 expression_limits.METER: expression_limits.Meter()}
        value = eval(code, scope)  # noqa: S307 (code passed the allow-list above)
        expression_limits.check_written(value)
        return value

    def execute(self, script, context, external_context=None):
        names = frozenset(external_context or ())
        code = _compiled(script, "exec", names)
        self.check_for_overwrite(context, external_context or {})
        context.update(self.globals)
        context.update(external_context or {})
        context[expression_limits.METER] = expression_limits.Meter()
        try:
            exec(code, context)  # noqa: S102 (code passed the allow-list above)
        finally:
            context.pop(expression_limits.METER, None)
            self._remove_globals_and_functions_from_context(context, external_context)
        # Shared lists cost little here but are written out in full with the case: measure them as written.
        expression_limits.check_written(context)
        return True


class LimitedScriptEngine(PythonScriptEngine):
    """The engine's evaluator: a value over a limit stops the task with a message naming element, expression, limit."""

    def evaluate(self, task, expression, external_context=None):
        with _naming(task, expression):
            value = super().evaluate(task, expression, external_context)
        if expression == getattr(task.task_spec, "cardinality", None) and isinstance(value, int) \
                and value > expression_limits.MAX_LOOP_INSTANCES:
            # SpiffWorkflow makes one task per instance at once: refuse before it starts.
            raise _named(task, expression, expression_limits.too_many_instances(value))
        return value

    def execute(self, task, script, external_context=None):
        with _naming(task, script):
            return super().execute(task, script, external_context)


@contextmanager
def _naming(task, source: str) -> Iterator[None]:
    # SpiffWorkflow wraps every error in its own exception with an English text; keep ours, in Chinese, instead.
    try:
        yield
    except SpiffWorkflowException as error:
        cause = error.__cause__ or error.__context__
        if isinstance(cause, expression_limits.TooLarge):
            raise _named(task, source, cause) from None
        raise


def _named(task, source: str, error: Exception) -> expression_limits.TooLarge:
    spec = task.task_spec
    # A multi-instance task's own spec has no name: its instances' spec carries the element's.
    inner = task.workflow.spec.task_specs.get(getattr(spec, "task_spec", None))
    name = spec.bpmn_name or getattr(inner, "bpmn_name", None) or spec.bpmn_id
    return expression_limits.TooLarge(t("元素 {element}（{name}）求值「{source}」时：{reason}", element=spec.bpmn_id,
                                        name=name, source=" ".join(source.split())[:80], reason=error.args[0]))


def make_script_engine() -> PythonScriptEngine:
    """The script engine every workflow of cadreflow runs with."""
    return LimitedScriptEngine(environment=RestrictedEnvironment())
