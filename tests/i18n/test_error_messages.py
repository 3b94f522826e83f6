"""Errors a user can cause are translatable: the message of every ``UserError`` (and of
its subclasses) is an English msgid written as a literal, with ``{name}`` placeholders
filled from ``params``, so Babel extracts it and a Chinese reader gets Chinese while the
``code`` stays the same."""

from __future__ import annotations

import ast
from collections.abc import Iterator

import httpx
import pytest

from app.api.ids import encode_id
from app.commerce.cart import MAX_QUANTITY
from app.commerce.ordering.rules import invalid_transition
from app.errors import UserError
from app.gifts import wallet
from app.i18n import using_locale
from tests.support import ROOT, csrf, operation, register

ZH = {"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"}

#: Where the message argument sits in the constructors of the error family.
MESSAGE_ARG = {"UserError": 1, "ChatRejected": 1, "NotFound": 0, "PermissionDenied": 0}
#: Calls whose first argument Babel extracts as a msgid.
GETTEXT = {"_", "gettext", "lazy_gettext", "N_", "ngettext"}
#: Messages passed through rather than written: each is a msgid written (and marked)
#: elsewhere. (path, enclosing function) -> why.
PASS_THROUGH = {
    ("app/errors.py", "__init__"): "PermissionDenied takes a msgid from its caller",
    ("app/chat/services.py", "__init__"): "ChatRejected takes a msgid from its caller",
    ("app/commerce/images.py", "_invalid"): "callers mark their msgid with N_",
    ("app/rooms/services.py", "owned_room"): "callers mark their msgid with N_",
    ("app/accounts/handles.py", "check_avatar"): "the avatar twin of a cover msgid (N_)",
    ("app/payments/__init__.py", "charge_card"): "a backend's decline reason, marked N_ there",
    ("app/simulcast/services.py", "add_destination"): "media's sentences, marked N_ here",
}


def sources() -> Iterator[tuple[str, ast.Module]]:
    for folder in ("app", "web"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            yield path.relative_to(ROOT).as_posix(), ast.parse(path.read_text(), str(path))


def error_family(modules: list[tuple[str, ast.Module]]) -> set[str]:
    """``UserError`` and the names of every class that derives from it in app/ and web/."""
    family = {"UserError"}
    grown = True
    while grown:
        grown = False
        for _, tree in modules:
            for node in ast.walk(tree):
                if isinstance(node, ast.ClassDef) and node.name not in family:
                    bases = {
                        b.id if isinstance(b, ast.Name) else getattr(b, "attr", "")
                        for b in node.bases
                    }
                    if bases & family:
                        family.add(node.name)
                        grown = True
    return family


def called(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        if isinstance(func.value, ast.Call) and called(func.value) == "super":
            return "super." + func.attr
        return func.attr
    return ""


def is_literal(node: ast.expr) -> bool:
    """A plain string, an ``N_("...")`` mark, or a choice between those."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.Call) and called(node) == "N_":
        return len(node.args) == 1 and is_literal(node.args[0])
    if isinstance(node, ast.IfExp):
        return is_literal(node.body) and is_literal(node.orelse)
    return False


def is_built(node: ast.expr) -> bool:
    """Text assembled at run time: an f-string, ``+``/``%`` or ``str.format``."""
    if isinstance(node, ast.JoinedStr | ast.BinOp):
        return True
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return node.func.attr == "format"
    if isinstance(node, ast.IfExp):
        return is_built(node.body) or is_built(node.orelse)
    return False


def message_of(node: ast.Call, name: str) -> ast.expr | None:
    for keyword in node.keywords:
        if keyword.arg in ("message", "what"):
            return keyword.value
    index = MESSAGE_ARG.get(name, 1 if name == "super.__init__" else None)
    if index is not None and len(node.args) > index:
        return node.args[index]
    return None


def calls_with_context(tree: ast.Module) -> Iterator[tuple[str, str, ast.Call]]:
    """Every call with the names of the class and the function it is written in."""

    def visit(node: ast.AST, cls: str, function: str) -> Iterator[tuple[str, str, ast.Call]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Call):
                yield cls, function, child
            if isinstance(child, ast.ClassDef):
                yield from visit(child, child.name, function)
            elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                yield from visit(child, cls, child.name)
            else:
                yield from visit(child, cls, function)

    yield from visit(tree, "", "")


def error_calls() -> Iterator[tuple[str, int, str, str, ast.expr]]:
    """(path, line, function, callee, message) of each error raised or built."""
    modules = list(sources())
    family = error_family(modules)
    for path, tree in modules:
        for cls, function, node in calls_with_context(tree):
            name = called(node)
            if name in family or (name == "super.__init__" and cls in family):
                message = message_of(node, name)
                if message is not None:
                    yield path, node.lineno, function, name, message


@pytest.mark.nodb
def test_error_messages_are_literal_msgids() -> None:
    """An f-string (or any text built at run time) cannot be translated: Babel skips it and
    a Chinese reader gets English. Values go in ``params`` as ``{name}`` placeholders."""
    built, unknown = [], []
    for path, line, function, name, message in error_calls():
        where = f"{path}:{line} {name}({ast.unparse(message)[:60]})"
        if is_built(message):
            built.append(where)
        elif not is_literal(message) and (path, function) not in PASS_THROUGH:
            unknown.append(where)
    assert not built, "messages built at run time (use a msgid and params):\n" + "\n".join(built)
    assert not unknown, "messages that are not literal msgids:\n" + "\n".join(unknown)


@pytest.mark.nodb
def test_the_check_sees_the_error_family() -> None:
    """The walk finds the raises (a guard against a walk that silently finds nothing)."""
    found = list(error_calls())
    names = {name for *_, name, _message in found}
    assert len(found) > 300
    assert {"UserError", "ChatRejected", "NotFound", "PermissionDenied"} <= names
    assert not [where for where in PASS_THROUGH if not (ROOT / where[0]).exists()]


@pytest.mark.nodb
def test_gettext_calls_take_no_f_strings() -> None:
    found = [
        f"{path}:{node.lineno}"
        for path, tree in sources()
        for _cls, _function, node in calls_with_context(tree)
        if called(node) in GETTEXT and node.args and is_built(node.args[0])
    ]
    assert not found, "f-strings in gettext calls (Babel skips them):\n" + "\n".join(found)


@pytest.mark.nodb
def test_params_and_words_follow_the_language() -> None:
    english = invalid_transition("ship", "pending")
    assert english.message == "cannot ship an order that is pending"
    with using_locale("zh_CN"):
        assert english.message == "无法发货状态为“待支付”的订单"
    # A reason that is itself an error is read in the language of the reader.
    error = wallet.insufficient(50, 20)
    nested = UserError(
        error.code, "to bid {amount} {reason}", "amount", {"amount": 500, "reason": error}
    )
    assert nested.message == "to bid 500 you need 50 coins (you have 20); top up first"
    with using_locale("zh_CN"):
        assert nested.message == "出价 500：需要 50 金币（你有 20），请先充值"
    assert nested.code == "INSUFFICIENT_COINS"


async def _both(
    client: httpx.AsyncClient, body: dict[str, object], mutation: str
) -> tuple[dict[str, str], dict[str, str]]:
    headers = {"X-CSRF-Token": await csrf(client)}
    english = (await client.post("/graphql", json=body, headers=headers)).json()
    chinese = (await client.post("/graphql", json=body, headers={**headers, **ZH})).json()
    [en_error] = english["data"][mutation]["errors"]
    [zh_error] = chinese["data"][mutation]["errors"]
    assert en_error["code"] == zh_error["code"]
    assert en_error["field"] == zh_error["field"]
    return en_error, zh_error


async def test_converted_errors_come_back_in_chinese_through_graphql(
    client: httpx.AsyncClient,
) -> None:
    weak = {
        "query": operation("accounts"),
        "operationName": "Register",
        "variables": {
            "input": {"email": "short@example.com", "password": "ab1", "displayName": "Shorty"}
        },
    }
    en, zh = await _both(client, weak, "register")
    assert en["code"] == "WEAK_PASSWORD"
    assert en["message"] == "use at least 10 characters"
    assert zh["message"] == "至少使用 10 个字符"

    await register(client, "buyer@example.com", "Buyer")
    too_many = {
        "query": operation("commerce"),
        "operationName": "AddToCart",
        "variables": {"variantId": encode_id("Variant", 1), "quantity": MAX_QUANTITY + 1},
    }
    en, zh = await _both(client, too_many, "addToCart")
    assert (en["code"], en["field"]) == ("INVALID_QUANTITY", "quantity")
    assert en["message"] == f"add 1 to {MAX_QUANTITY}"
    assert zh["message"] == f"请添加 1 到 {MAX_QUANTITY} 件"

    wrong_type = {**too_many, "variables": {"variantId": encode_id("Room", 1), "quantity": 1}}
    en, zh = await _both(client, wrong_type, "addToCart")
    assert (en["code"], en["field"]) == ("INVALID_ID", "variantId")
    assert en["message"] == "expected the ID of a Variant"
    assert zh["message"] == "需要 Variant 的 ID"
