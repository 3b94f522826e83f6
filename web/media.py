"""HLS files, the browser-camera ingest and the test-source button."""

from __future__ import annotations

import contextlib

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from app import live_media
from app.auth import SESSION_COOKIE, cross_site, principal_for
from app.errors import UserError
from app.rooms import services as rooms
from media import IngestError, PublishRejected
from web.forms import checked_form, load_user
from web.hls_serving import hls_file

MAX_CHUNK = 4 * 1024 * 1024


async def test_source(request: Request) -> Response:
    """Studio: go live with the test pattern (demo, trying things without OBS); 404 where
    the setting ``test_pattern`` is off (production by default)."""
    if not request.app.state.settings.test_pattern:
        raise HTTPException(404, "The test pattern is off on this server.")
    await checked_form(request)
    user = await load_user(request)
    if user is None:
        return RedirectResponse("/login", status_code=303)
    room_id = int(request.path_params["room_id"])
    try:
        room = await rooms.use_test_source(user, room_id)
    except UserError as exc:
        raise HTTPException(403 if exc.code == "FORBIDDEN" else 422, exc.message) from None
    await live_media.start_test_source(room.id)
    return RedirectResponse(f"/studio/rooms/{room.id}", status_code=303)


async def camera_ingest(ws: WebSocket) -> None:
    """MediaRecorder chunks from the streamer console, piped into the room's FFmpeg."""
    if cross_site(ws):  # another site's page holding the streamer's cookie: refused
        await ws.close(4403, "cross-site websocket refused")
        return
    principal = await principal_for(session_secret=ws.cookies.get(SESSION_COOKIE))
    room_id = int(ws.path_params["room_id"])
    user = principal.user
    try:
        room = await rooms.get_room(room_id)
    except UserError:
        await ws.close(4404, "unknown room")
        return
    if user is None or room.owner_id != user.id:
        await ws.close(4403, "only the room's owner can publish")
        return
    worker = live_media.worker()
    if worker is None:
        await ws.close(4503, "no media worker in this process")
        return
    await ws.accept()
    ingest = worker.browser_ingest(room.id)
    waiting_to_open = room.status == "scheduled"
    try:
        while True:
            chunk = await ws.receive_bytes()
            if len(chunk) > MAX_CHUNK:
                await ws.close(1009, "chunk too large")
                return
            await ingest.write(chunk)
            if waiting_to_open and worker.room(room.id) is not None:
                # The first valid media started FFmpeg: only now does the room go live.
                waiting_to_open = False
                with contextlib.suppress(UserError):
                    await rooms.open_room(user, room.id)
    except (IngestError, PublishRejected) as exc:
        with contextlib.suppress(Exception):
            await ws.send_json({"error": str(exc)})
            await ws.close(4400, str(exc)[:120])
    except (WebSocketDisconnect, KeyError, RuntimeError):
        return
    finally:  # the publisher is gone: FFmpeg gets EOF, the room waits grace_s for it
        with contextlib.suppress(Exception):
            await ingest.close()


routes = [
    Route("/hls/{room_id}/{path:path}", hls_file),
    Route("/studio/rooms/{room_id:int}/test-source", test_source, methods=["POST"]),
    WebSocketRoute("/studio/rooms/{room_id:int}/ingest", camera_ingest),
]
