"""``python -m media``: a standalone media worker for trying things by hand.

    python -m media --key secret=room1 --out var/hls
    ffmpeg -re -i clip.mp4 -c copy -f flv rtmp://127.0.0.1:1935/live/secret   # or OBS
    python -m media --test-pattern room2                                      # no publisher

Stream keys come from ``--key KEY=ROOM``; the app's ``livemart media-worker`` passes a
database-backed `authorize` instead.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
from pathlib import Path
from typing import Any

from media.config import MediaSettings
from media.ladder import DEFAULT_LADDER, parse_rungs
from media.sources import TestPattern
from media.worker import MediaWorker


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m media", description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("var/hls"), help="HLS root")
    parser.add_argument("--rtmp-host", default="127.0.0.1", help="0.0.0.0: every interface")
    parser.add_argument("--rtmp-port", type=int, default=1935)
    parser.add_argument("--key", action="append", default=[], help="KEY=ROOM (repeatable)")
    parser.add_argument("--ladder", help="e.g. 720p:2800k,360p:800k")
    parser.add_argument("--passthrough", action="store_true", help="copy the source on top")
    parser.add_argument("--test-pattern", action="append", default=[], metavar="ROOM")
    return parser.parse_args(argv)


async def run(args: argparse.Namespace) -> None:
    keys = dict(item.split("=", 1) for item in args.key)
    ladder = DEFAULT_LADDER.with_options(passthrough=args.passthrough)
    if args.ladder:
        ladder = ladder.with_options(rungs=parse_rungs(args.ladder))

    async def authorize(stream_key: str) -> str | None:
        return keys.get(stream_key)

    async def on_status(room_id: str, status: str, info: dict[str, Any]) -> None:
        print(f"room {room_id}: {status} {info}", flush=True)

    settings = MediaSettings(
        output_dir=args.out, ladder=ladder, rtmp_host=args.rtmp_host, rtmp_port=args.rtmp_port
    )
    worker = MediaWorker(settings, authorize=authorize, on_status=on_status)
    await worker.start()
    for room in args.test_pattern:
        await worker.start_room(room, TestPattern())
    print(f"rtmp://{args.rtmp_host}:{worker.rtmp_port}/{settings.rtmp_app}/<key>", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        await worker.close()  # every room ends: last segments written, replays finalised


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    try:
        asyncio.run(run(parse_args(argv)))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
