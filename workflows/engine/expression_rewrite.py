"""Sizes of model expressions: refused at deploy when the source shows them, metered at run time otherwise."""

import ast
import copy

from workflows.engine.expression_limits import MAX_BUILT
from workflows.engine.expression_limits import MAX_LOOP_INSTANCES
from workflows.engine.expression_limits import METER
from workflows.engine.expression_limits import printf_size
from workflows.engine.expression_limits import spec_size
from workflows.text import Text
from workflows.text import t

_OPERATORS = {ast.Mult: "mul", ast.Add: "add", ast.Mod: "mod"}
_IN_PLACE = {ast.Mult: "imul", ast.Add: "iadd", ast.Mod: "imod"}
_METERED_NAMES = {"str": "text", "sum": "total"}  # builtins that build from nested values: the meter's own versions


def _fold(node: ast.AST, known: dict) -> tuple[str, int] | None:
    """("seq", least length) or ("int", value) when the source alone shows it, from the children's ``known``."""
    if isinstance(node, ast.Constant):
        if isinstance(node.value, str | bytes):
            return ("seq", len(node.value))
        return ("int", int(node.value)) if isinstance(node.value, int) else None
    if isinstance(node, ast.List | ast.Tuple):
        return ("seq", len(node.elts))
    if isinstance(node, ast.JoinedStr):
        return ("seq", sum(len(part.value) for part in node.values if isinstance(part, ast.Constant)))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and known.get(node.operand, ("",))[0] == "int":
        return ("int", -known[node.operand][1])
    if not isinstance(node, ast.BinOp):
        return None
    left, right = known.get(node.left), known.get(node.right)
    if left is None or right is None:
        # A sequence plus something else is at least that sequence (or a TypeError).
        side = left or right
        return side if isinstance(node.op, ast.Add) and side and side[0] == "seq" else None
    kinds = (left[0], right[0])
    if isinstance(node.op, ast.Mult) and "int" in kinds:
        if kinds == ("int", "int"):  # integers of the source: their product has no more digits than the source
            return ("int", left[1] * right[1])
        sequence, count = (left, right) if kinds[0] == "seq" else (right, left)
        return ("seq", sequence[1] * max(count[1], 0))
    if isinstance(node.op, ast.Add | ast.Sub) and kinds[0] == kinds[1]:
        if isinstance(node.op, ast.Sub):
            return ("int", left[1] - right[1]) if kinds[0] == "int" else None
        return (kinds[0], left[1] + right[1])
    return None


def visible_problem(tree: ast.AST) -> Text | None:
    """What the source alone shows to be too large (or able to grow a list in place), in Chinese; else None."""
    known: dict = {}
    for node in reversed(list(ast.walk(tree))):  # reversed breadth-first: every child before its parent
        if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store) and isinstance(node.slice, ast.Slice):
            return t("不允许对切片赋值（{target}）：它会在原处加长列表", target=ast.unparse(node))
        folded = _fold(node, known)
        if folded is not None:
            known[node] = folded
            if folded[0] == "seq" and folded[1] > MAX_BUILT:
                return t("{expression} 的结果有 {size} 个字符或元素，超过上限 {limit}",
                         expression=ast.unparse(node), size=folded[1], limit=MAX_BUILT)
        width = _visible_width(node)
        if width > MAX_BUILT:
            return t("{expression} 的格式宽度或精度合计 {size}，超过上限 {limit}",
                     expression=ast.unparse(node), size=width, limit=MAX_BUILT)
    return None


def _visible_width(node: ast.AST) -> int:
    """The widths and precisions a format written in the source asks for (0 where the source does not show them)."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and isinstance(node.left, ast.Constant) \
            and isinstance(node.left.value, str | bytes):
        return printf_size(node.left.value, ())
    if not isinstance(node, ast.JoinedStr):
        return 0
    specs = [part.format_spec for part in node.values if isinstance(part, ast.FormattedValue) and part.format_spec]
    return sum(spec_size("".join(str(piece.value) for piece in spec.values if isinstance(piece, ast.Constant)))
               for spec in specs)


def loop_problem(source: str) -> Text | None:
    """A loopCardinality whose source is a number beyond ``MAX_LOOP_INSTANCES``, in Chinese; else None."""
    tree = ast.parse(source.strip(), mode="eval")
    known: dict = {}
    for node in reversed(list(ast.walk(tree))):
        folded = _fold(node, known)
        if folded is not None:
            known[node] = folded
    count = known.get(tree.body)
    if count and count[0] == "int" and count[1] > MAX_LOOP_INSTANCES:
        return t("多实例任务要创建 {count} 个实例，超过上限 {limit}", count=count[1], limit=MAX_LOOP_INSTANCES)
    return None


def _meter(method: str, *args: ast.expr) -> ast.Call:
    function = ast.Attribute(value=ast.Name(id=METER, ctx=ast.Load()), attr=method, ctx=ast.Load())
    return ast.Call(func=function, args=list(args), keywords=[])


class _Metered(ast.NodeTransformer):
    """Routes every operation that can build a large value through the evaluation's meter."""

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        self.generic_visit(node)
        method = _OPERATORS.get(type(node.op))
        return ast.copy_location(_meter(method, node.left, node.right), node) if method else node

    def visit_AugAssign(self, node: ast.AugAssign) -> ast.AST:
        self.generic_visit(node)
        method = _IN_PLACE.get(type(node.op))
        if not method:
            return node
        current = copy.deepcopy(node.target)  # ``x[k] += v`` reads x[k] again: expressions here have no side effects
        current.ctx = ast.Load()
        return ast.copy_location(ast.Assign(targets=[node.target], value=_meter(method, current, node.value)), node)

    def visit_JoinedStr(self, node: ast.JoinedStr) -> ast.AST:
        self.generic_visit(node)  # a nested f-string (a computed format spec) becomes a call first
        parts = [part if isinstance(part, ast.Constant) else
                 _meter("format", part.value, ast.Constant(part.conversion), part.format_spec or ast.Constant(""))
                 for part in node.values]
        return ast.copy_location(_meter("join", ast.Tuple(elts=parts, ctx=ast.Load())), node)

    def visit_Name(self, node: ast.Name) -> ast.AST:
        if isinstance(node.ctx, ast.Load) and node.id in _METERED_NAMES:
            return ast.copy_location(ast.Attribute(value=ast.Name(id=METER, ctx=ast.Load()),
                                                   attr=_METERED_NAMES[node.id], ctx=ast.Load()), node)
        return node

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        if isinstance(node.func, ast.Attribute):  # the meter's own str() and sum() count for themselves
            return node
        return ast.copy_location(_meter("charged", node), node)

    def visit_Subscript(self, node: ast.Subscript) -> ast.AST:
        self.generic_visit(node)
        if isinstance(node.ctx, ast.Load) and isinstance(node.slice, ast.Slice):
            return ast.copy_location(_meter("charged", node), node)
        return node

    def visit_Dict(self, node: ast.Dict) -> ast.AST:
        self.generic_visit(node)
        # {**a, **b} copies whole dicts; a dict written out item by item is as small as its source.
        return ast.copy_location(_meter("charged", node), node) if None in node.keys else node


def metered(tree: ast.AST) -> ast.AST:
    """``tree`` (already through the allow-list) with its value-building operations metered."""
    return ast.fix_missing_locations(_Metered().visit(tree))
