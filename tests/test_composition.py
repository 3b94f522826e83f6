"""The app is composed in one place: ``create_app`` lists its runtimes and routes, nothing
registers itself by being imported, and no module of ``app`` reaches into the pages."""

from __future__ import annotations

import ast
import asyncio
import importlib
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from app.settings import Settings
from tests.conftest import _shut_down
from tests.support import ROOT, free_port

# Import-time registries that are gone: a plain list built in one place replaced each.
REGISTRIES = (
    "BACKGROUND_SERVICES",
    "EXTRA_ROUTES",
    "SEEDERS",
    "REGISTRARS",
    "PANELS",
    "ROOM_ENDED_HOOKS",
    "_release_hooks",
)
# Calls that add to something another module holds.
MUTATORS = {"append", "extend", "insert", "add", "update", "setdefault", "register", "install"}
COMPOSITION_ROOT = "app.asgi"  # builds the routes, the pages' included


def _modules(package: str) -> Iterator[tuple[str, Path]]:
    for path in sorted((ROOT / package).rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        yield ".".join(parts), path


def _imported(module: str, path: Path) -> set[str]:
    """Every module an ``import`` statement of the file names, at any depth (functions
    included); ``from app import asgi`` names ``app.asgi``."""
    found: set[str] = set()
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def _reaches(name: str, target: str) -> bool:
    return name == target or name.startswith(target + ".")


APP_MODULES = dict(_modules("app"))


@pytest.mark.parametrize("module", list(APP_MODULES))
def test_no_app_module_imports_the_pages_or_the_app_factory(module: str) -> None:
    path = APP_MODULES[module]
    importlib.import_module(module)
    imported = _imported(module, path)
    assert not any(_reaches(name, COMPOSITION_ROOT) for name in imported), module
    if module != COMPOSITION_ROOT:
        assert not any(_reaches(name, "web") for name in imported), module


def test_the_import_walk_sees_every_form_of_import(tmp_path: Path) -> None:
    source = tmp_path / "probe.py"
    source.write_text(
        "import web.rooms\n"
        "from app import asgi\n"
        "from . import sibling\n"
        "def later():\n"
        "    from web.routes import page_routes\n"
        "# import web.comment is no import\n"
    )
    imported = _imported("app.pkg.probe", source)
    assert {"web.rooms", "app.asgi", "app.pkg.sibling", "web.routes"} <= imported
    assert "web.comment" not in imported


def _import_cycles(packages: tuple[str, ...]) -> list[list[str]]:
    """Groups of modules that import each other, directly or round a loop (imports inside
    functions count: a lazy import only hides a cycle)."""
    modules = {name: path for package in packages for name, path in _modules(package)}
    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        deps = set()
        for name in _imported(module, path):
            while name and name not in modules:
                name = name.rpartition(".")[0]
            if name and name != module:
                deps.add(name)
        graph[module] = deps
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(module: str) -> None:  # Tarjan's strongly connected components
        order[module] = low[module] = len(order)
        stack.append(module)
        for dep in graph[module]:
            if dep not in order:
                visit(dep)
                low[module] = min(low[module], low[dep])
            elif dep in stack:
                low[module] = min(low[module], order[dep])
        if low[module] == order[module]:
            group = [stack.pop()]
            while group[-1] != module:
                group.append(stack.pop())
            if len(group) > 1:
                cycles.append(sorted(group))

    for module in graph:
        if module not in order:
            visit(module)
    return cycles


def test_no_import_cycles() -> None:
    assert _import_cycles(("app", "web")) == []


def test_the_cycle_walk_finds_a_lazy_cycle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "probe"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "seed.py").write_text("def run():\n    from probe.gifts import seed\n")
    (package / "gifts.py").write_text("from probe.seed import run\n")
    (package / "alone.py").write_text("import probe.gifts\n")
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    assert _import_cycles(("probe",)) == [["probe.gifts", "probe.seed"]]


def _top_level_mutations(path: Path) -> list[str]:
    """Module-level calls like ``other.LIST.append(x)`` or ``panels.register(...)``: an
    imported module's object changed by importing this one."""
    tree = ast.parse(path.read_text(), str(path))
    imported_names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported_names.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            imported_names.update(a.asname or a.name for a in node.names)
    found = []
    pending: list[ast.AST] = list(tree.body)  # what runs at import: not function bodies
    while pending:
        node = pending.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            continue
        pending.extend(ast.iter_child_nodes(node))
        if not isinstance(node, ast.Call):
            continue
        if isinstance(node.func, ast.Name) and node.func.id in imported_names:
            if node.func.id.startswith(("register", "install")):  # register_url_convertor
                found.append(f"{path.name}:{node.lineno} {node.func.id}")
            continue
        if not isinstance(node.func, ast.Attribute):
            continue
        root = node.func.value
        while isinstance(root, ast.Attribute):
            root = root.value
        if node.func.attr in MUTATORS and isinstance(root, ast.Name):
            if root.id in imported_names:
                found.append(f"{path.name}:{node.lineno} {ast.unparse(node.func)}")
    return found


@pytest.mark.parametrize("package", ["app", "web"])
def test_nothing_registers_itself_by_being_imported(package: str) -> None:
    for module, path in _modules(package):
        loaded = importlib.import_module(module)
        present = [name for name in REGISTRIES if hasattr(loaded, name)]
        assert not present, f"{module} still holds {present}"
        assert not _top_level_mutations(path), module


def test_the_mutation_walk_finds_a_registration(tmp_path: Path) -> None:
    source = tmp_path / "probe.py"
    source.write_text(
        "from app import asgi\n"
        "from web import room_panels\n"
        "if 1 not in asgi.BACKGROUND_SERVICES:\n"
        "    asgi.BACKGROUND_SERVICES.append(1)\n"
        "room_panels.register('x')\n"
        "from starlette.convertors import register_url_convertor\n"
        "register_url_convertor('int', object())\n"
        "def fine(items):\n"
        "    items.append(1)\n"
    )
    assert len(_top_level_mutations(source)) == 3


def test_the_room_panels_are_one_fixed_list() -> None:
    from web.room_panels import ROOM_PANELS

    assert isinstance(ROOM_PANELS, tuple)
    assert [p.template for p in ROOM_PANELS] == [
        "rooms/panels/pinned.html",
        "rooms/panels/coupon.html",
        "rooms/panels/shelf.html",
        "rooms/panels/chat.html",
        "rooms/panels/gifts.html",
        "recs/_room_panel.html",
    ]


def test_the_cli_builds_its_sub_commands_in_one_place() -> None:
    from app.cli import build_parser

    args = build_parser().parse_args(["recsys", "eval", "--quick", "--sample", "5"])
    assert args.func.__module__ == "app.recs.cli"
    assert (args.quick, args.sample) == (True, 5)


def _running(loop_function: Callable[..., object]) -> bool:
    """Whether a task runs ``loop_function`` (a runtime's periodic loop)."""
    return any(
        getattr(task.get_coro(), "__qualname__", None) == loop_function.__qualname__
        for task in asyncio.all_tasks()
    )


def _probes() -> dict[str, Callable[[], bool]]:
    """Per runtime: is it up? (what the rest of the app reaches it by)"""
    from app import demo_chatter, live_media, ratelimit
    from app.accounts import token_use
    from app.analytics import recorder
    from app.attribution import recorder as attribution
    from app.commerce import closer, runtime, stock_gate
    from app.events import changes
    from app.notify import hub
    from app.payments import runtime as payments
    from app.predict import service as predict_service
    from app.profiles import updater as profile_updater
    from app.recs import service
    from app.rooms import likes, presence

    def rooms_up() -> bool:
        try:
            presence.get_presence()
        except RuntimeError:
            return False
        return likes._coalescer is not None

    def recorder_up() -> bool:
        try:
            recorder.get_recorder()
        except RuntimeError:
            return False
        return True

    return {
        "rate limits": ratelimit.app_configured,
        "public-data changes": changes.listening,
        "rooms": rooms_up,
        "media": lambda: live_media.worker() is not None,
        "token use": lambda: token_use.get_token_use() is not None,
        "payments outbox": lambda: _running(payments.drain_forever),
        "analytics recorder": recorder_up,
        "attribution recorder": lambda: attribution.get_recorder() is not None,
        "order expiry": lambda: _running(runtime.sweep_forever),
        "recommender": lambda: service.get_service() is not None,
        "profiles": lambda: profile_updater.get_updater() is not None,
        "purchase prediction": lambda: predict_service.get_service() is not None,
        "flash-sale stock gate": stock_gate.app_configured,
        "flash-sale and auction closer": lambda: _running(closer.tick_forever),
        "notifications": lambda: hub.get_hub() is not None,
        "demo chatter": demo_chatter.running,
    }


@pytest.mark.media
async def test_the_lifespan_starts_and_stops_every_listed_runtime(settings: Settings) -> None:
    from app.asgi import create_app

    application = create_app(replace(settings, media_in_process=True, rtmp_port=free_port()))
    names = [runtime.name for runtime in application.state.runtimes]
    probes = _probes()
    assert names == list(probes)
    assert not any(up() for up in probes.values())

    lifespan = application.router.lifespan_context(application)
    await lifespan.__aenter__()
    try:
        assert application.state.running == names
        assert [name for name, up in probes.items() if not up()] == []
    finally:
        await _shut_down(lifespan)
    assert application.state.running == []
    assert [name for name, up in probes.items() if up()] == []


async def test_a_room_ended_hook_runs_only_while_handed_in(app: object) -> None:
    from app.accounts.models import Role, User
    from app.rooms import services as rooms

    owner = await User.create(
        email="hooks@example.com", display_name="Hooks", role=Role.STREAMER, password_hash="x"
    )
    ended: list[int] = []

    async def remember(room_id: int) -> None:
        ended.append(room_id)

    first = await rooms.use_test_source(owner, (await rooms.create_room(owner, "one")).id)
    second = await rooms.use_test_source(owner, (await rooms.create_room(owner, "two")).id)
    with rooms.room_ended_hooks(remember):
        await rooms.finish_room(first)
    await rooms.finish_room(second)
    assert ended == [first.id]
