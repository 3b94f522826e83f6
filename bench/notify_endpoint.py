"""The local push service of ``bench.notify``: accepts every ``POST /push/<n>`` (201),
counts them and remembers when the last arrived; ``GET /stats`` says so. Its own process,
so the bench's load generator and the web process do not share its CPU."""

from __future__ import annotations

import argparse
import time

from aiohttp import web


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    state = {"count": 0, "distinct": 0, "bytes": 0, "first_at": 0.0, "last_at": 0.0}
    seen: set[str] = set()  # the browsers that got a push (a second one is a duplicate)

    async def push(request: web.Request) -> web.Response:
        body = await request.read()
        if not request.headers.get("Authorization", "").startswith("vapid t="):
            return web.Response(status=401)
        now = time.time()
        state["count"] += 1
        name = request.match_info["name"]
        if name not in seen:
            seen.add(name)
            state["distinct"] += 1
        state["bytes"] += len(body)
        state["first_at"] = state["first_at"] or now
        state["last_at"] = now
        return web.Response(status=201)

    async def stats(request: web.Request) -> web.Response:
        return web.json_response(state)

    app = web.Application()
    app.router.add_post("/push/{name}", push)
    app.router.add_get("/stats", stats)
    web.run_app(app, host="127.0.0.1", port=args.port, access_log=None, print=None)


if __name__ == "__main__":
    main()
