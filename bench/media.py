"""Media benchmark: how fast the HLS ladder transcodes a 1080p30 stream on this machine.

A 1080p30 H.264/AAC FLV clip is generated once, then published *as fast as possible*
(``-c copy``, no ``-re``) through our RTMP front into a room, for each configuration:

* ``ladder``: the default ladder, 720p + 360p x264 veryfast (both encoded);
* ``passthrough``: the 1080p source copied as the top rendition, only 360p encoded.

The realtime factor is media seconds / wall seconds from the publisher's start to the
end of FFmpeg: above 1.0 the configuration keeps up with a live stream. CPU seconds per
media second tell how many cores one live room needs. A short real-time (``-re``) run
reports the time to the first segment and FFmpeg's start-up delay, by which
EXT-X-PROGRAM-DATE-TIME is moved back onto the ingest (capture) clock.

Glass-to-glass latency in the browser (``latency``): the whole app runs as it does in
production (uvicorn subprocess, media worker in process, default ladder, 1 s segments); a
streamer's room is published to over RTMP with its stream key by FFmpeg (720p30 test
pattern at real-time pace, 1 s keyframes, x264 zerolatency, like a tuned OBS); Debian's
chromium opens the room page (hls.js as the page configures it) and every second
``Date.now() - hls.playingDate`` is sampled: program date times are on the capture clock
(when a frame reached our ingest), so this is the delay from ingest to the picture on
screen, on one machine and one clock. Anchor: Owncast ~3 s at its lowest-latency
setting, 8 s typical; goal < 3 s.

    python -m bench.media [--seconds 10] [--preset veryfast] [--latency-seconds 20]

Prints a table and writes ``bench/results/media.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import resource
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from media.config import MediaSettings, default_ffmpeg
from media.ladder import DEFAULT_LADDER, Ladder
from media.worker import MediaWorker

RESULTS = Path(__file__).resolve().parent / "results"
KEY = "bench-key"
CONTENT = "testsrc2 + temporal noise, like a camera sensor"
ROOM = "bench"


async def _run(argv: list[str], timeout: float = 600) -> tuple[int, str]:
    """Run a command to completion without blocking the loop; (exit status, stderr)."""
    proc = await asyncio.create_subprocess_exec(
        *argv, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE
    )
    _, err = await asyncio.wait_for(proc.communicate(), timeout)
    return proc.returncode or 0, err.decode(errors="replace")


async def make_input(ffmpeg: str, path: Path, seconds: float) -> None:
    """A 1080p30 H.264 (6 Mb/s, 2 s GOP) + AAC clip in FLV, what OBS would send.

    Plain testsrc2 compresses far better than a camera; temporal noise makes the encoders
    work about as hard as on real footage.
    """
    code, err = await _run([
        ffmpeg, "-hide_banner", "-nostdin", "-y", "-loglevel", "error",
        "-f", "lavfi", "-i", f"testsrc2=s=1920x1080:r=30:d={seconds},noise=alls=12:allf=t",
        "-f", "lavfi", "-i", f"sine=f=440:r=48000:d={seconds}",
        "-c:v", "libx264", "-preset", "veryfast", "-b:v", "6M", "-g", "60",
        "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "128k", "-f", "flv", str(path),
    ])  # fmt: skip
    if code:
        raise RuntimeError(f"could not make the input: {err}")


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


async def run_config(
    name: str, ladder: Ladder, clip: Path, seconds: float, out_dir: Path, *, realtime: bool
) -> dict[str, Any]:
    """Publish `clip` once over RTMP into a fresh worker; returns the figures."""
    events: list[tuple[float, str, dict[str, Any]]] = []
    ended = asyncio.Event()

    async def on_status(room_id: str, status: str, info: dict[str, Any]) -> None:
        events.append((time.perf_counter(), status, info))
        if status in ("reconnecting", "ended"):
            ended.set()

    async def authorize(stream_key: str) -> str | None:
        return ROOM if stream_key == KEY else None

    settings = MediaSettings(
        output_dir=out_dir / name, ladder=ladder, rtmp_host="127.0.0.1", rtmp_port=0,
        grace_s=0.0, record_replay=True, loglevel="error",
    )  # fmt: skip
    async with MediaWorker(settings, authorize=authorize, on_status=on_status) as worker:
        publish = [settings.ffmpeg, "-hide_banner", "-nostdin", "-loglevel", "error"]
        if realtime:
            publish.append("-re")
        publish += ["-i", str(clip), "-c", "copy", "-f", "flv"]
        publish.append(f"rtmp://127.0.0.1:{worker.rtmp_port}/live/{KEY}")
        cpu0, t0 = _children_cpu(), time.perf_counter()
        code, err = await _run(publish)
        if code:
            raise RuntimeError(f"publisher failed: {err}")
        await asyncio.wait_for(ended.wait(), 600)
        wall = time.perf_counter() - t0
        supervisor = worker.room(ROOM)
        transcoder = supervisor.transcoder if supervisor else None
        speed = transcoder.progress.speed if transcoder else None
    cpu = _children_cpu() - cpu0
    live = next((info for _, s, info in events if s == "live"), {})
    first_live = next((t for t, s, _ in events if s == "live"), None)
    return {
        "config": name,
        "renditions": live.get("renditions"),
        "realtime_input": realtime,
        "media_s": seconds,
        "wall_s": round(wall, 2),
        "realtime_factor": round(seconds / wall, 2),
        "ffmpeg_speed": speed,
        "cpu_s_per_media_s": round(cpu / seconds, 2),
        "time_to_live_s": round(first_live - t0, 2) if first_live else None,
        "pdt_correction_s": live.get("pdt_correction_s"),
    }


async def bench(seconds: float, preset: str, latency_seconds: float = 20.0) -> dict[str, Any]:
    """Run every configuration, then the browser latency run; returns the JSON document."""
    ffmpeg = default_ffmpeg()
    ladder = replace(DEFAULT_LADDER, preset=preset)
    with tempfile.TemporaryDirectory(prefix="livemart-bench-media-") as tmp:
        tmp_dir = Path(tmp)
        clip = tmp_dir / "in_1080p30.flv"
        await make_input(ffmpeg, clip, seconds)
        configs = {"ladder": ladder, "passthrough": replace(ladder, passthrough=True)}
        runs = [
            await run_config(name, lad, clip, seconds, tmp_dir, realtime=False)
            for name, lad in configs.items()
        ]
        live = await run_config(
            "ladder-live", ladder, clip, min(seconds, 6), tmp_dir, realtime=True
        )
    latency = await browser_latency(latency_seconds) if latency_seconds > 0 else None
    return {
        "benchmark": "media",
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
        "input": f"1080p30 H.264 6 Mb/s + AAC, {seconds:g} s, FLV over RTMP ({CONTENT})",
        "preset": preset,
        "runs": runs,
        "live_run": live,
        "browser_latency": latency,
    }


# -- glass-to-glass latency in the browser ----------------------------------------------

LATENCY_SOURCE = "testsrc2=s=1280x720:r=30"
SAMPLE_JS = """() => {
  const hls = window.livemartHls, video = document.querySelector('video');
  const date = hls && hls.playingDate;
  return {
    latency_ms: date ? Date.now() - date.getTime() : null,
    hls_latency_s: hls ? hls.latency : null,
    level: hls && hls.currentLevel >= 0 && hls.levels[hls.currentLevel]
      ? hls.levels[hls.currentLevel].height : null,
    rate: video.playbackRate,
    time: video.currentTime,
    ahead: video.buffered.length
      ? video.buffered.end(video.buffered.length - 1) - video.currentTime : 0,
    paused: video.paused,
    stalls: window.__lmStalls || 0,
  };
}"""
COUNT_STALLS_JS = """() => { window.__lmStalls = 0;
  document.querySelector('video').addEventListener('waiting', () => window.__lmStalls++); }"""


def percentile(values: list[float], q: float) -> float:
    """The `q` quantile (0..1) of `values`, linear between the nearest ranks."""
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


async def _latency_room(database_url: str) -> tuple[int, str]:
    """A migrated database with a streamer and a scheduled room: (room id, stream key)."""
    from app.accounts.models import Role, User
    from app.db import close_db, init_db, migrate
    from app.rooms import services as rooms

    await migrate(database_url)
    await init_db(database_url)
    try:
        user = await User.create(
            email="bench@example.com", display_name="Bench", password_hash="x",
            role=Role.STREAMER,
        )  # fmt: skip
        room = await rooms.create_room(user, "Latency bench")
        return room.id, room.stream_key
    finally:
        await close_db()


async def _wait_for_hls(base: str, room_id: int, timeout: float = 60) -> float:
    """Seconds until the room's master playlist is served."""
    import httpx

    t0 = time.perf_counter()
    async with httpx.AsyncClient(base_url=base) as client:
        while (await client.get(f"/hls/{room_id}/master.m3u8")).status_code != 200:
            if time.perf_counter() - t0 > timeout:
                raise RuntimeError("the room never went live")
            await asyncio.sleep(0.2)
    return time.perf_counter() - t0


async def _sample_page(base: str, room_id: int, seconds: float) -> dict[str, Any]:
    """Open the room in chromium, wait for playback, sample the latency once a second."""
    from playwright.async_api import async_playwright

    from tests.e2e.conftest import CHROMIUM, LAUNCH_ARGS

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS
        )
        try:
            page = await browser.new_page()
            t0 = time.perf_counter()
            await page.goto(f"{base}/rooms/{room_id}")
            await page.evaluate(COUNT_STALLS_JS)
            await page.wait_for_function(
                "() => { const v = document.querySelector('video'), h = window.livemartHls;"
                " return h && h.playingDate && !v.paused && v.currentTime > 0; }",
                timeout=60_000,
            )
            startup = time.perf_counter() - t0
            samples = []
            for _ in range(round(seconds)):
                await asyncio.sleep(1)
                samples.append(await page.evaluate(SAMPLE_JS))
            config = await page.evaluate(
                "() => { const c = window.livemartHls.config; return {"
                " lowLatencyMode: c.lowLatencyMode, liveSyncDuration: c.liveSyncDuration,"
                " liveSyncDurationCount: c.liveSyncDurationCount,"
                " liveMaxLatencyDuration: c.liveMaxLatencyDuration,"
                " liveMaxLatencyDurationCount: c.liveMaxLatencyDurationCount,"
                " maxLiveSyncPlaybackRate: c.maxLiveSyncPlaybackRate,"
                " backBufferLength: c.backBufferLength }; }"
            )
        finally:
            await browser.close()
    return {"startup_s": round(startup, 2), "samples": samples, "hls_config": config}


async def browser_latency(seconds: float = 20.0, ladder_spec: str = "") -> dict[str, Any]:
    """Glass-to-glass latency of a live room as chromium plays it; returns the figures."""
    from app.settings import load_settings
    from tests.conftest import settings_env
    from tests.support import free_port, live_server

    ffmpeg = default_ffmpeg()
    with tempfile.TemporaryDirectory(prefix="livemart-bench-latency-") as tmp:
        var = Path(tmp) / "var"
        settings = replace(
            load_settings({"LIVEMART_VAR_DIR": str(var), "LIVEMART_SECRET_KEY": "b" * 32}),
            database_url=f"sqlite://{tmp}/bench.db", broadcast_url="memory://",
            media_in_process=True, rtmp_port=free_port(),
        )  # fmt: skip
        room_id, key = await _latency_room(settings.database_url)
        env = settings_env(settings) | {"LIVEMART_LADDER": ladder_spec}
        with contextlib.ExitStack() as stack:
            base = await asyncio.to_thread(stack.enter_context, live_server(env))
            publisher = await asyncio.create_subprocess_exec(
                ffmpeg, "-hide_banner", "-nostdin", "-loglevel", "error", "-re",
                "-f", "lavfi", "-i", LATENCY_SOURCE, "-f", "lavfi", "-i", "sine=f=440:r=48000",
                "-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency",
                "-b:v", "2500k", "-g", "30", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "128k",
                "-f", "flv", f"rtmp://127.0.0.1:{settings.rtmp_port}/live/{key}",
                stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
            )  # fmt: skip
            try:
                to_hls = await _wait_for_hls(base, room_id)
                page = await _sample_page(base, room_id, seconds)
            finally:
                publisher.kill()
                await publisher.wait()
    samples = page["samples"]
    latencies = [s["latency_ms"] / 1000 for s in samples if s["latency_ms"] is not None]
    if not latencies:
        raise RuntimeError("hls.js never reported a playingDate")
    return {
        "what": "Date.now() - hls.playingDate in chromium, PDT on the capture (ingest) clock",
        "source": f"{LATENCY_SOURCE} H.264 2.5 Mb/s 1 s GOP + AAC, RTMP at real-time pace",
        "ladder": ladder_spec or "default (720p + 360p)",
        "segment_s": DEFAULT_LADDER.segment_s,
        "hls_config": page["hls_config"],
        "time_to_hls_s": round(to_hls, 2),
        "time_to_playing_s": page["startup_s"],
        "samples": len(latencies),
        "p50_s": round(percentile(latencies, 0.5), 2),
        "p95_s": round(percentile(latencies, 0.95), 2),
        "min_s": round(min(latencies), 2),
        "max_s": round(max(latencies), 2),
        "stalls": samples[-1]["stalls"],
        "heights": sorted({s["level"] for s in samples if s["level"]}),
        "trace_s": [round(x, 2) for x in latencies],
    }


def print_table(doc: dict[str, Any]) -> None:
    """Human-readable figures."""
    print(f"input: {doc['input']}; {doc['machine']['cpus']} CPUs; x264 {doc['preset']}")
    print("| config | renditions | realtime factor | ffmpeg speed | cpu s / media s |")
    print("| --- | --- | --- | --- | --- |")
    for r in doc["runs"]:
        print(
            f"| {r['config']} | {'+'.join(r['renditions'] or [])} | {r['realtime_factor']}x "
            f"| {r['ffmpeg_speed']}x | {r['cpu_s_per_media_s']} |"
        )
    live = doc["live_run"]
    print(
        f"real-time publish: live after {live['time_to_live_s']} s; FFmpeg start-up delay "
        f"taken off EXT-X-PROGRAM-DATE-TIME: {live['pdt_correction_s']} s"
    )
    lat = doc.get("browser_latency")
    if lat:
        print(
            f"glass-to-glass in chromium ({lat['samples']} samples, {lat['ladder']}, "
            f"{lat['segment_s']:g} s segments): p50 {lat['p50_s']} s, p95 {lat['p95_s']} s "
            f"(min {lat['min_s']}, max {lat['max_s']}), {lat['stalls']} stalls, playing "
            f"{lat['time_to_playing_s']} s after the page opened"
        )


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run the benchmark; returns the figures (also written to bench/results/media.json)."""
    parser = argparse.ArgumentParser(prog="python -m bench.media", description=__doc__)
    parser.add_argument("--seconds", type=float, default=10.0, help="length of the input clip")
    parser.add_argument("--preset", default=DEFAULT_LADDER.preset, help="x264 preset")
    parser.add_argument(
        "--latency-seconds", type=float, default=20.0,
        help="how long to sample the browser's latency (0: skip the browser run)",
    )  # fmt: skip
    parser.add_argument("--out", type=Path, default=RESULTS / "media.json")
    args = parser.parse_args(argv or [])
    doc = asyncio.run(bench(args.seconds, args.preset, args.latency_seconds))
    print_table(doc)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(doc, indent=2) + "\n")
    figures = {r["config"]: r["realtime_factor"] for r in doc["runs"]} | {
        "pdt_correction_s": doc["live_run"]["pdt_correction_s"]
    }
    if doc["browser_latency"]:
        figures |= {
            "latency_p50_s": doc["browser_latency"]["p50_s"],
            "latency_p95_s": doc["browser_latency"]["p95_s"],
        }
    return figures


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
