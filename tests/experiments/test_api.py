"""Experiments and the coupon advisor through the documented GraphQL operations."""

from __future__ import annotations

import httpx

from app.accounts.models import Role
from tests.commerce.helpers import login_as
from tests.support import op


async def test_a_moderator_runs_an_experiment_over_graphql(client: httpx.AsyncClient) -> None:
    await login_as(client, "mod@example.com", "Moddy", Role.MODERATOR)
    variants = [{"name": "control", "value": "model"}, {"name": "treatment", "value": "predicted"}]
    bad = await op(
        client,
        "experiments",
        "CreateExperiment",
        {
            "key": "Bad Key",
            "name": "Re-rank",
            "variants": variants,
            "sampleSize": 100,
            "kind": "RECS",
        },
    )
    assert bad["data"]["createExperiment"]["errors"][0]["code"] == "INVALID_KEY"
    made = await op(
        client,
        "experiments",
        "CreateExperiment",
        {
            "key": "rerank",
            "name": "Re-rank",
            "variants": variants,
            "sampleSize": 100,
            "kind": "RECS",
        },
    )
    experiment = made["data"]["createExperiment"]["experiment"]
    assert experiment["status"] == "draft" and experiment["variants"][1]["value"] == "predicted"
    started = await op(client, "experiments", "StartExperiment", {"id": experiment["id"]})
    assert started["data"]["startExperiment"]["experiment"]["status"] == "running"
    again = await op(client, "experiments", "StartExperiment", {"id": experiment["id"]})
    assert again["data"]["startExperiment"]["errors"][0]["code"] == "NOT_DRAFT"
    read = await op(client, "experiments", "ExperimentResults", {"id": experiment["id"]})
    results = read["data"]["experiment"]["results"]
    assert results["ready"] is False and results["needed"] == 200
    listed = await op(client, "experiments", "Experiments")
    assert listed["data"]["experiments"]["totalCount"] == 1
    stopped = await op(client, "experiments", "StopExperiment", {"id": experiment["id"]})
    assert stopped["data"]["stopExperiment"]["experiment"]["status"] == "stopped"


async def test_a_streamer_reads_coupon_advice(client: httpx.AsyncClient) -> None:
    await login_as(client, "shop@example.com", "Shop", Role.STREAMER)
    advice = (await op(client, "experiments", "CouponAdvice"))["data"]["couponAdvice"]
    assert advice["hasHistory"] is False and advice["suggestExperiment"] is True
    assert [o["percent"] for o in advice["options"]] == [5, 10, 15, 20, 30]
    assert advice["bestPercent"] in {5, 10, 15, 20, 30}
    viewer = await op(client, "experiments", "Experiments")
    assert viewer["data"]["experiments"]["totalCount"] == 0


async def test_viewers_may_not_create_platform_experiments(client: httpx.AsyncClient) -> None:
    await login_as(client, "v@example.com", "Viewer")
    refused = await op(
        client,
        "experiments",
        "CreateExperiment",
        {"key": "x1", "name": "X", "variants": [{"name": "a"}, {"name": "b"}], "sampleSize": 50},
    )
    assert refused["data"]["createExperiment"]["errors"][0]["code"] == "FORBIDDEN"
