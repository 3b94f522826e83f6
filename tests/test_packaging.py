"""The installed wheel runs without the source tree, as ``deploy/Dockerfile`` runs it.

Builds the wheel from a clean copy of the sources (what the Dockerfile copies), installs it
non-editable into a virtualenv of its own (no system site-packages), and from a folder outside
the checkout runs ``livemart migrate``, ``seed-demo`` and ``serve``, then gets a page and a
GraphQL answer.  The virtualenv's dependencies are kept between runs in
``var/cache/wheel-venv-<hash of the wheel's requirements>``; the wheel itself is reinstalled
every run.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from email.parser import Parser
from pathlib import Path

import httpx
import pytest

from tests.support import ROOT, free_port, serving

pytestmark = [pytest.mark.slow, pytest.mark.nodb, pytest.mark.timeout(900)]

#: What the Dockerfile copies to build the wheel.
SOURCES = ("pyproject.toml", "README.md", "app", "web", "media", "recsys", "migrations", "graphql")
DEMO_ROOM = "Demo live: spring sneaker drop"


def _run(args: list[str | Path], **kwargs: object) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, timeout=600, **kwargs
    )  # type: ignore[call-overload]
    assert done.returncode == 0, f"{args} failed ({done.returncode}):\n{done.stdout}{done.stderr}"
    return done


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``pip wheel`` of a clean copy of the sources (no stale build/ or egg-info)."""
    src = tmp_path_factory.mktemp("src")
    for name in SOURCES:
        path = ROOT / name
        if path.is_dir():
            ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
            shutil.copytree(path, src / name, symlinks=True, ignore=ignore)
        else:
            shutil.copy2(path, src / name)
    dist = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", dist, src])
    (built,) = dist.glob("livemart-*.whl")
    return built


def _tracked(folder: str) -> list[str]:
    listed = _run(["git", "ls-files", folder], cwd=ROOT).stdout.split()
    return [path for path in listed if path.endswith((".py", ".graphql"))]


def test_the_wheel_ships_migrations_and_the_contract_and_no_movielens(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    migrations, contract = _tracked("migrations"), _tracked("graphql")
    assert migrations and "graphql/schema.graphql" in contract
    for path in migrations + contract:
        assert f"app/{path}" in names, f"{path} is not in the wheel"
        assert zipfile.ZipFile(wheel).read(f"app/{path}") == (ROOT / path).read_bytes()
    assert not [n for n in names if "ml-100k" in n or n.startswith("recsys/data/")]
    assert not [n for n in names if n.startswith(("tests/", "bench/", "migrations/"))]


def test_the_wheel_ships_the_compiled_catalogs(wheel: Path) -> None:
    archive = zipfile.ZipFile(wheel)
    catalogs = sorted(p.relative_to(ROOT) for p in (ROOT / "app/i18n/translations").rglob("*.mo"))
    assert catalogs, "make i18n compiles the catalogs"
    for path in catalogs:
        assert archive.read(str(path)) == (ROOT / path).read_bytes(), f"{path} is not shipped"


def test_the_dockerfile_builds_the_wheel_from_the_same_files() -> None:
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()
    copied = [
        source
        for line in dockerfile.splitlines()
        if line.startswith("COPY ") and "--from" not in line
        for source in line.split()[1:-1]
    ]
    assert sorted(copied) == sorted(SOURCES)
    assert "pip wheel" in dockerfile
    assert "pip install --no-cache-dir /tmp/dist/livemart-" in dockerfile


def _requirements_key(wheel: Path) -> str:
    with zipfile.ZipFile(wheel) as archive:
        (meta,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        metadata = Parser().parsestr(archive.read(meta).decode())
    requires = sorted(metadata.get_all("Requires-Dist") or [])
    key = "\n".join([sys.version, *requires])
    return hashlib.sha256(key.encode()).hexdigest()[:16]


@pytest.fixture(scope="module")
def installed(wheel: Path) -> Path:
    """The ``bin`` folder of a virtualenv with the wheel installed (not editable)."""
    venv = ROOT / "var" / "cache" / f"wheel-venv-{_requirements_key(wheel)}"
    complete = venv / ".complete"
    if complete.exists():
        pip = [venv / "bin" / "python", "-m", "pip", "install", "--quiet"]
        _run([*pip, "--no-deps", "--force-reinstall", wheel])
        return venv / "bin"
    shutil.rmtree(venv, ignore_errors=True)  # an install that did not finish
    venv.parent.mkdir(parents=True, exist_ok=True)
    _run([sys.executable, "-m", "venv", venv])
    _run([venv / "bin" / "python", "-m", "pip", "install", "--quiet", wheel])
    complete.touch()
    return venv / "bin"


def _environment(site: Path) -> dict[str, str]:
    """The user's environment without our test settings or a path into the checkout."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("LIVEMART_") and k not in {"PYTHONPATH", "VIRTUAL_ENV"}
    }
    env.update(
        LIVEMART_DATABASE_URL=f"sqlite://{site / 'var' / 'livemart.db'}",
        LIVEMART_MEDIA_IN_PROCESS="false",  # no RTMP port or FFmpeg for this check
        LIVEMART_RTMP_PORT="0",
    )
    return env


@pytest.fixture
def site(tmp_path: Path) -> Path:
    folder = tmp_path / "site"
    folder.mkdir()
    assert not folder.resolve().is_relative_to(ROOT.resolve())
    return folder


@pytest.fixture
def served(installed: Path, site: Path) -> Iterator[str]:
    """``livemart migrate``, ``seed-demo`` and ``serve`` of the installed wheel, run in
    ``site``; yields the server's URL."""
    env = _environment(site)
    livemart = installed / "livemart"
    where = _run([installed / "python", "-c", "import app; print(app.__file__)"], cwd=site, env=env)
    assert Path(where.stdout.strip()).is_relative_to(installed.parent), where.stdout
    migrated = _run([livemart, "migrate"], cwd=site, env=env)
    files = (ROOT / "migrations" / "sqlite" / "models").glob("*.py")
    chain = sorted((p.name for p in files), key=lambda name: int(name.split("_", 1)[0]))
    assert f"applied {len(chain)} migration(s): {', '.join(chain)}" in migrated.stdout
    assert "demo room" in _run([livemart, "seed-demo"], cwd=site, env=env).stdout
    port = free_port()
    command = [str(livemart), "serve", "--host", "127.0.0.1", "--port", str(port)]
    with serving(command, port, site, env, within=60) as url:
        yield url


def test_the_installed_wheel_migrates_seeds_and_serves(served: str) -> None:
    page = httpx.get(f"{served}/", timeout=10)
    assert page.status_code == 200 and DEMO_ROOM in page.text
    chinese = httpx.get(f"{served}/login", headers={"Accept-Language": "zh-CN"}, timeout=10)
    assert "忘记密码？" in chinese.text  # the catalog travels in the wheel
    answer = httpx.post(
        f"{served}/graphql",
        json={"query": "{ rooms(first: 20) { edges { node { title status } } } }"},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    rooms = {
        e["node"]["title"]: e["node"]["status"] for e in answer.json()["data"]["rooms"]["edges"]
    }
    # Live, waiting for its video: this server runs no media (a room is on air, and listed
    # under rooms(status: LIVE), once its media is).
    assert rooms.get(DEMO_ROOM) == "LIVE", rooms


def test_the_installed_wheel_reads_its_contract_and_writes_no_source(
    installed: Path, site: Path
) -> None:
    env = _environment(site)
    livemart = installed / "livemart"
    checked = _run([livemart, "export-schema", "--check"], cwd=site, env=env)
    assert "matches the code" in checked.stdout
    for command in (["makemigrations"], ["export-schema"]):
        refused = subprocess.run(
            [livemart, *command], cwd=site, env=env, capture_output=True, text=True, timeout=120
        )
        assert refused.returncode == 2 and "installed package" in refused.stderr, refused
    exported = _run([livemart, "export-schema", "--output", site / "s.graphql"], cwd=site, env=env)
    assert "wrote" in exported.stdout
    assert (site / "s.graphql").read_text() == (ROOT / "graphql" / "schema.graphql").read_text()
