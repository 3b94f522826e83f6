"""Simulcast destinations: a streamer adds them over GraphQL and the studio page; the
stream key is sealed at rest and never comes back; bad input and strangers change nothing."""

from __future__ import annotations

import httpx

from app.accounts import services as accounts
from app.accounts.models import Role
from app.api.ids import decode_id
from app.rooms import services as rooms
from app.settings import Settings
from app.simulcast import services as simulcast
from app.simulcast.models import SimulcastDestination
from app.simulcast.sealing import open_sealed, seal
from tests.rooms.helpers import streamer_client
from tests.support import STRONG_PASSWORD, csrf, op, register

KEY = "abcd-efgh-ijkl-mnop"
YOUTUBE = f"rtmp://a.rtmp.youtube.com/live2/{KEY}"


async def test_the_key_goes_in_once_and_never_comes_back(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    await streamer_client(client)
    added = await op(
        client, "simulcast", "AddSimulcastDestination", {"name": "YouTube", "url": YOUTUBE}
    )
    payload = added["data"]["addSimulcastDestination"]
    assert payload["errors"] == []
    dest = payload["destination"]
    assert dest["urlHint"] == "rtmp://a.rtmp.youtube.com/live2/••••mnop"
    assert (dest["name"], dest["enabled"], dest["status"]) == ("YouTube", True, "idle")

    listed = await op(client, "simulcast", "SimulcastDestinations")
    assert listed["data"]["simulcastDestinations"] == [dest]
    page = await client.get("/studio/simulcast")
    assert page.status_code == 200 and "••••mnop" in page.text
    for text in (str(added), str(listed), page.text):
        assert KEY not in text

    stored = await SimulcastDestination.get(id=decode_id(dest["id"], "SimulcastDestination"))
    assert KEY not in stored.url_sealed  # sealed at rest, opened only with the secret key
    assert open_sealed(stored.url_sealed, settings.secret_key) == YOUTUBE


async def test_bad_addresses_and_names_are_refused(client: httpx.AsyncClient) -> None:
    await streamer_client(client)
    cases = [
        ("YouTube", "http://example.com/live/key", "INVALID_DESTINATION", "url"),
        ("Files", "file:///etc/passwd", "INVALID_DESTINATION", "url"),
        ("No key", "rtmp://live.example.com/", "INVALID_DESTINATION", "url"),
        ("Options", "rtmp://live.example.com/app/key -f null", "INVALID_DESTINATION", "url"),
        ("", YOUTUBE, "INVALID_NAME", "name"),
        ("x" * 61, YOUTUBE, "INVALID_NAME", "name"),
    ]
    for name, url, code, field in cases:
        data = await op(client, "simulcast", "AddSimulcastDestination", {"name": name, "url": url})
        payload = data["data"]["addSimulcastDestination"]
        assert payload["destination"] is None
        assert [(e["code"], e["field"]) for e in payload["errors"]] == [(code, field)], url
    assert await SimulcastDestination.all().count() == 0

    for i in range(simulcast.MAX_DESTINATIONS):
        await op(client, "simulcast", "AddSimulcastDestination", {"name": f"d{i}", "url": YOUTUBE})
    over = await op(
        client, "simulcast", "AddSimulcastDestination", {"name": "one more", "url": YOUTUBE}
    )
    assert over["data"]["addSimulcastDestination"]["errors"][0]["code"] == "TOO_MANY_DESTINATIONS"
    assert await SimulcastDestination.all().count() == simulcast.MAX_DESTINATIONS


async def test_viewers_and_other_streamers_change_nothing(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient, app: object
) -> None:
    await streamer_client(client)
    added = await op(client, "simulcast", "AddSimulcastDestination", {"name": "Tw", "url": YOUTUBE})
    dest_id = added["data"]["addSimulcastDestination"]["destination"]["id"]

    other = other_client
    await streamer_client(other, "other@example.com")
    for name, variables in (
        ("RemoveSimulcastDestination", {"destinationId": dest_id}),
        ("SetSimulcastDestinationEnabled", {"destinationId": dest_id, "enabled": False}),
    ):
        data = await op(other, "simulcast", name, variables)
        (payload,) = data["data"].values()
        assert payload["errors"][0]["code"] == "NOT_FOUND"
    assert (await op(other, "simulcast", "SimulcastDestinations"))["data"] == {
        "simulcastDestinations": []
    }
    pk = decode_id(dest_id, "SimulcastDestination")
    posted = await other.post(
        "/studio/simulcast",
        data={"csrf_token": await csrf(other), "action": "remove", "destination_id": str(pk)},
    )
    assert posted.status_code == 404

    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as viewer:
        await register(viewer, "viewer@example.com", "Vi")
        data = await op(
            viewer, "simulcast", "AddSimulcastDestination", {"name": "a", "url": YOUTUBE}
        )
        assert data["data"]["addSimulcastDestination"]["errors"][0]["code"] == "FORBIDDEN"
        assert (await viewer.get("/studio/simulcast")).status_code == 403
    dest = await SimulcastDestination.get(id=decode_id(dest_id, "SimulcastDestination"))
    assert dest.enabled and await SimulcastDestination.all().count() == 1


async def test_the_studio_page_adds_turns_off_and_removes(client: httpx.AsyncClient) -> None:
    await streamer_client(client)
    token = await csrf(client)
    bad = await client.post(
        "/studio/simulcast",
        data={"csrf_token": token, "action": "add", "name": "YT", "url": "ftp://x/y/z"},
    )
    assert bad.status_code == 422 and "rtmp://" in bad.text
    good = await client.post(
        "/studio/simulcast",
        data={"csrf_token": token, "action": "add", "name": "YT", "url": YOUTUBE},
    )
    assert good.status_code == 200 and "Destination added" in good.text and KEY not in good.text
    dest = await SimulcastDestination.get()
    off = await client.post(
        "/studio/simulcast",
        data={"csrf_token": token, "action": "disable", "destination_id": str(dest.id)},
    )
    assert off.status_code == 200 and not (await SimulcastDestination.get(id=dest.id)).enabled
    status = await client.get("/studio/simulcast/status")
    assert status.status_code == 200 and 'data-status="idle"' in status.text
    gone = await client.post(
        "/studio/simulcast",
        data={"csrf_token": token, "action": "remove", "destination_id": str(dest.id)},
    )
    assert gone.status_code == 200 and await SimulcastDestination.all().count() == 0


async def test_what_a_live_room_is_forwarded_to(app: object, settings: Settings) -> None:
    owner = await accounts.register("sim@example.com", STRONG_PASSWORD, "Sim", Role.STREAMER)
    room = await rooms.create_room(owner, "Two places at once")
    yt = await simulcast.add_destination(owner, "YouTube", YOUTUBE, settings.secret_key)
    tw_url = "rtmps://live.twitch.tv:443/app/live_1_twitchkey"
    tw = await simulcast.add_destination(owner, "Twitch", tw_url, settings.secret_key)
    await simulcast.set_enabled(owner, tw.id, False)
    stale = await simulcast.add_destination(owner, "Old", YOUTUBE, settings.secret_key)
    await SimulcastDestination.filter(id=stale.id).update(
        url_sealed=seal(YOUTUBE, "a secret key from before the rotation")
    )

    room = await rooms.open_room(owner, room.id)
    assert await simulcast.forwards_for(room, settings.secret_key) == {str(yt.id): YOUTUBE}
    assert (await SimulcastDestination.get(id=stale.id)).status == "stopped"  # says why

    await simulcast.record_status(yt.id, "reconnecting", "Connection refused")
    shown = await SimulcastDestination.get(id=yt.id)
    assert (shown.status, shown.status_detail) == ("reconnecting", "Connection refused")

    room = await rooms.end_room(owner, room.id)
    assert await simulcast.forwards_for(room, settings.secret_key) == {}
