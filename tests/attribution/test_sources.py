from app.attribution.sources import SOURCES, Source, classify, parse_source, source_of_referrer

HOST = "shop.example:8000"


def test_the_vocabulary_names_every_source_once_in_short_values() -> None:
    assert len(SOURCES) == len(set(SOURCES))
    assert {"home", "follow_notification", "search", "share", "raid", "direct"} <= set(SOURCES)
    assert all(len(s) <= 20 for s in SOURCES)


def test_a_valid_share_code_wins_then_src_then_the_referrer() -> None:
    assert classify("home", True, "https://elsewhere.example/", HOST) == Source.SHARE
    assert classify("raid", False, f"http://{HOST}/", HOST) == Source.RAID
    assert classify("RAID ", False, None, HOST) == Source.RAID
    # "share" without a valid code proves nothing: the referrer decides
    assert classify("share", False, None, HOST) == Source.DIRECT
    assert classify("bogus", False, f"http://{HOST}/search?q=silk", HOST) == Source.SEARCH


def test_referrers_of_this_site_stand_for_its_parts() -> None:
    assert source_of_referrer(f"http://{HOST}/", HOST) == Source.HOME
    assert source_of_referrer(f"http://{HOST}/search?q=x", HOST) == Source.SEARCH
    assert source_of_referrer(f"http://{HOST}/@maya", HOST) == Source.PROFILE
    assert source_of_referrer(f"http://{HOST}/for-you", HOST) == Source.RECOMMENDATION
    assert source_of_referrer(f"http://{HOST}/rooms/7", HOST, room_id=8) == Source.RECOMMENDATION
    # the same room, sign-in, checkout: steps inside a visit
    assert source_of_referrer(f"http://{HOST}/rooms/8", HOST, room_id=8) == Source.DIRECT
    assert source_of_referrer(f"http://{HOST}/register?next=/rooms/8", HOST) == Source.DIRECT
    assert source_of_referrer("https://social.example/post/1", HOST) == Source.EXTERNAL
    assert source_of_referrer("", HOST) == Source.DIRECT
    assert parse_source("nope") is None
