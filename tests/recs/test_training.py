"""Training: in the background without blocking the event loop, on demand from the CLI
(with progress), and the versions it saves are served after a restart."""

from __future__ import annotations

import asyncio
import os
import random
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.accounts.models import User
from app.recs import service as service_module
from app.recs.models import Interaction, ItemType, Kind
from app.recs.service import RecsService
from app.settings import Settings
from tests.conftest import settings_env
from tests.recs.helpers import make_viewers, recommended, service
from tests.support import ROOT, eventually, register


async def _big_history(users: int, items: int, per_user: int, prefix: str = "fan") -> None:
    fans = await make_viewers(users, prefix)
    rng = random.Random(7)
    at = datetime.now(UTC) - timedelta(days=2)
    rows = [
        Interaction(
            user_id=fan.id,
            item_type=ItemType.PRODUCT,
            item_id=item,
            kind=Kind.CLICK,
            weight=1.0,
            created_at=at + timedelta(seconds=n),
        )
        for fan in fans
        for n, item in enumerate(rng.sample(range(1, items + 1), per_user))
    ]
    await Interaction.bulk_create(rows, batch_size=2000)


async def test_background_training_does_not_block_the_loop(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Half-way through a real training run the worker thread waits until the app has
    served three rounds of requests: they are answered while the model trains (the event
    loop's lag meanwhile is a speed figure: ``bench/recsys.py``)."""
    await _big_history(users=1500, items=400, per_user=30)
    recs = service()
    real_fit = service_module._fit
    halfway = threading.Event()
    served = threading.Event()
    fit_threads: list[int] = []

    def fit_pausing_halfway(rows: Any, params: Any, threads: int, report: Any) -> Any:
        fit_threads.append(threading.get_ident())

        def pausing(stage: str, done: float) -> None:
            report(stage, done)
            if done >= 0.5 and not halfway.is_set():
                halfway.set()
                assert served.wait(120), "the app served no requests while training"

        return real_fit(rows, params, threads, pausing)

    async def _reported_halfway() -> bool:
        return 0 < recs.status.done < 1

    monkeypatch.setattr(service_module, "_fit", fit_pausing_halfway)
    task = recs.train_in_background()
    assert recs.train_in_background() is task, "one training at a time"
    assert await asyncio.to_thread(halfway.wait, 120), "training never reached half-way"
    rounds = 0
    try:
        for _ in range(3):
            response = await client.get("/healthz")
            assert response.status_code == 200
            await recommended(client, first=5)  # a GraphQL request served meanwhile
            assert recs.status.running and not task.done()
            rounds += 1
        await eventually(_reported_halfway, timeout=30)  # progress reached the loop
    finally:
        served.set()
    versions = await task
    assert rounds == 3
    assert fit_threads and threading.get_ident() not in fit_threads
    assert versions["products"] == "v000001"
    assert recs.status.runs == 1 and not recs.status.running and recs.status.done == 1.0


async def test_cli_train_prints_progress_and_the_app_serves_its_version(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    await _big_history(users=60, items=30, per_user=5)
    await register(client, "fay@example.com", "Fay")
    assert service().version(ItemType.PRODUCT) is None

    env = {**os.environ, **settings_env(settings)}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "app.cli", "recsys", "train", "--threads", "1",
        cwd=ROOT, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(proc.communicate(), 120)
    assert proc.returncode == 0, err.decode()
    text = out.decode()
    assert "products  als" in text and "100.0%" in text, text
    assert "products: v000001" in text and "rooms: no model" in text

    # The running app picks the new version up (it checks every few seconds).
    await service().load()
    assert service().version(ItemType.PRODUCT) == "v000001"
    fay = await User.get(email="fay@example.com")
    model = service().model(ItemType.PRODUCT)
    assert model is not None and not model.knows_user(fay.id)
    assert model.recommend(fay.id, 5) == model.popular(5), "a newcomer gets trending items"


async def test_cli_train_with_an_empty_log_says_so(settings: Settings, app: object) -> None:
    env = {**os.environ, **settings_env(settings)}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "app.cli", "recsys", "train",
        cwd=ROOT, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, err = await asyncio.wait_for(proc.communicate(), 120)
    assert proc.returncode == 1
    assert "no interactions" in err.decode()


async def test_a_restarted_app_serves_the_saved_model_and_catches_up(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    await _big_history(users=40, items=20, per_user=5)
    await register(client, "gus@example.com", "Gus")
    gus = await User.get(email="gus@example.com")
    versions = await service().train()

    # Interactions logged after the training (say, by another process) ...
    await Interaction.create(
        user_id=gus.id, item_type=ItemType.PRODUCT, item_id=3, kind=Kind.CART, weight=3.0,
        created_at=datetime.now(UTC),
    )  # fmt: skip
    # ... are folded in by a fresh service that loads the saved version.
    fresh = RecsService(settings, minutes=0)
    await fresh.load()
    assert fresh.version(ItemType.PRODUCT) == versions["products"]
    model = fresh.model(ItemType.PRODUCT)
    assert model is not None and model.knows_user(gus.id)
    assert fresh.slots[ItemType.PRODUCT].applied_upto == await Interaction.all().count()


def test_cli_eval_prints_the_table(capsys: pytest.CaptureFixture[str]) -> None:
    from app.cli import main
    from tests.support import data_dir

    quick = ["--sample", "40", "--quick", "--split", "loo", "--threads", "1"]
    code = main(["recsys", "eval", *quick, "--data", str(data_dir())])
    assert code == 0
    out = capsys.readouterr().out
    assert "| split | model | HR@10 | NDCG@10 | users | seconds |" in out
    for model in ("popularity", "ALS (implicit defaults)", "item-kNN", "served hybrid"):
        assert f"| leave-last-out | {model}" in out
    assert "| 40 |" in out


def test_cli_eval_without_the_data_says_how_to_get_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from app.cli import main
    from recsys.datasets import GROUPLENS_URL, SHA256

    assert main(["recsys", "eval", "--quick", "--data", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert f"MovieLens-100k not found in {tmp_path}" in err
    assert GROUPLENS_URL in err and SHA256["u.data"] in err and "make data" in err


def test_cli_eval_refuses_a_file_that_is_not_movielens(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from app.cli import main

    (tmp_path / "ml-100k").mkdir()
    (tmp_path / "ml-100k" / "u.data").write_text("1\t2\t3\t4\n")
    assert main(["recsys", "eval", "--quick", "--data", str(tmp_path)]) == 2
    assert "u.data has sha256" in capsys.readouterr().err


async def test_the_schedule_trains_once_there_is_data_and_again_after_new_interactions(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dataclasses import replace

    from app.asgi import create_app
    from app.recs import service as service_module
    from app.recs.service import get_service
    from tests.support import eventually

    monkeypatch.setattr(service_module, "TICK_SECONDS", 0.05)
    monkeypatch.setattr(service_module, "SCHEDULE_CHECK_SECONDS", 0.1)
    every_second = replace(settings, recs_train_minutes=1 / 60)
    application = create_app(every_second)
    async with application.router.lifespan_context(application):
        recs = get_service()
        assert recs is not None and recs.train_minutes == pytest.approx(1 / 60)
        await _big_history(users=4, items=10, per_user=4)  # 16: not enough to start
        await asyncio.sleep(0.5)
        assert recs.version(ItemType.PRODUCT) is None
        await _big_history(users=1, items=10, per_user=4, prefix="late")  # 20

        async def trained(version: str):  # type: ignore[no-untyped-def]
            async def check() -> bool:
                return recs.version(ItemType.PRODUCT) == version

            return check

        await eventually(await trained("v000001"), timeout=10)
        await asyncio.sleep(1.5)  # past the interval, but nothing new: no training
        assert recs.version(ItemType.PRODUCT) == "v000001" and recs.status.runs == 1
        user_id = (await User.first()).id  # type: ignore[union-attr]
        await Interaction.create(
            user_id=user_id, item_type=ItemType.PRODUCT, item_id=2, kind=Kind.CART, weight=3.0,
            created_at=datetime.now(UTC),
        )  # fmt: skip
        await eventually(await trained("v000002"), timeout=10)
        assert recs.status.runs == 2
