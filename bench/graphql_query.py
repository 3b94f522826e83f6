"""GraphQL query throughput: a products page and a rooms page, with their SQL counts.

Builds a scratch database (SQLite by default, ``--postgres`` for a scratch PostgreSQL
database), migrates it with the real migrations, seeds a catalog (200 products of 10
merchants, 2 variants and an image each, each product in a room) and 100 rooms of 20
streamers (half live), then runs the documented operations ``Products`` and ``Rooms``
(``graphql/operations/``) against the app in-process (httpx's ASGI transport: the app and
the database, no network or HTTP server) for a few seconds each, one client at a time and
8 at once. For each: requests/s, latency percentiles, and SQL statements per request
(counted on separate requests, so DataLoaders must keep them constant).

``python -m bench.graphql_query [--seconds 5] [--postgres]`` prints the figures and writes
``bench/results/graphql_query.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import secrets
import statistics
import tempfile
import time
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).parent / "results"
OPERATIONS = Path(__file__).resolve().parent.parent / "graphql" / "operations"
PG_ADMIN_URL = os.environ.get(
    "LIVEMART_BENCH_PG", os.environ.get("LIVEMART_TEST_PG", "postgres://postgres@127.0.0.1:5432")
)
PAGE = 20
CONCURRENCY = (1, 8)


async def _seed() -> None:
    from app.accounts.models import Role, User
    from app.commerce.models import Product, ProductImage, Variant
    from app.rooms.models import Room, RoomStatus

    streamers = [
        await User.create(
            email=f"s{i}@bench.example",
            display_name=f"Streamer {i}",
            password_hash="x",
            role=Role.STREAMER,
        )
        for i in range(20)
    ]
    rooms = [
        await Room.create(
            owner_id=streamers[i % 20].id,
            title=f"Room {i}",
            category="fashion",
            status=RoomStatus.LIVE if i % 2 else RoomStatus.SCHEDULED,
            peak_viewers=i,
            stream_key="sk_" + secrets.token_urlsafe(12),
        )
        for i in range(100)
    ]
    for n in range(200):
        merchant = streamers[n % 10]
        product = await Product.create(
            merchant_id=merchant.id,
            title=f"Product {n}",
            description="A fine thing.",
            price_cents=1000 + n,
            room_id=rooms[n % 10].id,
        )
        for suffix, stock in (("A", 5), ("B", 0)):
            await Variant.create(
                product_id=product.id,
                merchant_id=merchant.id,
                sku=f"P{n}-{suffix}",
                price_cents=1000 + n,
                stock=stock,
                options={"size": suffix},
            )
        await ProductImage.create(
            product_id=product.id,
            path=f"products/{product.id}/a.webp",
            thumb_path=f"products/{product.id}/a_thumb.webp",
            width=800,
            height=800,
            format="webp",
        )


def operation(file: str, name: str) -> str:
    """One documented operation with just the fragments it uses (what an app sends)."""
    from graphql import parse, print_ast, separate_operations

    return print_ast(separate_operations(parse((OPERATIONS / f"{file}.graphql").read_text()))[name])


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, round(q * (len(ordered) - 1)))
    return ordered[index]


async def _scenario(
    client: Any, name: str, body: dict[str, Any], seconds: float, concurrency: int
) -> dict[str, Any]:
    latencies: list[float] = []
    stop = time.perf_counter() + seconds

    async def worker() -> None:
        while time.perf_counter() < stop:
            started = time.perf_counter()
            response = await client.post("/graphql", json=body)
            latencies.append(time.perf_counter() - started)
            data = response.json()
            assert response.status_code == 200 and "errors" not in data, data

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    wall = time.perf_counter() - began
    return {
        "query": name,
        "page_size": PAGE,
        "concurrency": concurrency,
        "requests": len(latencies),
        "requests_per_s": round(len(latencies) / wall, 1),
        "p50_ms": round(_percentile(latencies, 0.5) * 1000, 2),
        "p99_ms": round(_percentile(latencies, 0.99) * 1000, 2),
        "mean_ms": round(statistics.fmean(latencies) * 1000, 2),
    }


async def _sql_per_request(client: Any, body: dict[str, Any]) -> tuple[int, list[str]]:
    from app.querycount import count_queries

    counts = []
    statements: list[str] = []
    for _ in range(3):
        with count_queries() as sql:
            response = await client.post("/graphql", json=body)
        assert "errors" not in response.json()
        counts.append(sql.count)
        statements = sql.statements
    assert len(set(counts)) == 1, counts  # the same page costs the same every time
    return counts[0], statements


async def _run(args: argparse.Namespace) -> dict[str, Any]:
    import httpx

    from app.asgi import create_app
    from app.db import migrate
    from app.settings import load_settings

    pg_name = None
    with tempfile.TemporaryDirectory() as tmp:
        if args.postgres:
            import asyncpg

            pg_name = f"livemart_bench_{uuid.uuid4().hex[:10]}"
            admin = await asyncpg.connect(PG_ADMIN_URL + "/postgres")
            await admin.execute(f'CREATE DATABASE "{pg_name}"')
            await admin.close()
            url = f"{PG_ADMIN_URL}/{pg_name}"
        else:
            url = f"sqlite://{tmp}/bench.db"
        try:
            await migrate(url)
            base = load_settings({"LIVEMART_VAR_DIR": tmp, "LIVEMART_SECRET_KEY": "b" * 32})
            settings = replace(base, database_url=url, media_in_process=False, rtmp_port=0)
            app = create_app(settings)
            async with app.router.lifespan_context(app):
                await _seed()
                transport = httpx.ASGITransport(app=app)
                async with httpx.AsyncClient(
                    transport=transport, base_url="http://bench", timeout=60
                ) as client:
                    bodies = {
                        "products": {
                            "query": operation("commerce", "Products"),
                            "variables": {"first": PAGE},
                        },
                        "rooms": {
                            "query": operation("rooms", "Rooms"),
                            "variables": {"first": PAGE},
                        },
                    }
                    results = []
                    for name, body in bodies.items():
                        await client.post("/graphql", json=body)  # warm up
                        sql, statements = await _sql_per_request(client, body)
                        for concurrency in CONCURRENCY:
                            row = await _scenario(client, name, body, args.seconds, concurrency)
                            row["sql_per_request"] = sql
                            results.append(row)
                            print(json.dumps(row))
                        if args.verbose:
                            print("\n".join(statements))
        finally:
            if pg_name:
                import asyncpg

                admin = await asyncpg.connect(PG_ADMIN_URL + "/postgres")
                await admin.execute(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
                await admin.close()
    return {
        "benchmark": "graphql_query",
        "database": "postgresql" if args.postgres else "sqlite",
        "transport": "in-process ASGI (httpx), no network",
        "catalog": {"products": 200, "variants": 400, "rooms": 100},
        "seconds_per_run": args.seconds,
        "machine": f"{platform.machine()} {os.cpu_count()} cpu, python {platform.python_version()}",
        "runs": results,
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="python -m bench.graphql_query")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--verbose", action="store_true", help="print the SQL of one page")
    args = parser.parse_args(argv or [])
    out = asyncio.run(_run(args))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "graphql_query.json").write_text(json.dumps(out, indent=2) + "\n")
    return out


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
