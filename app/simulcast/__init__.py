"""Simulcast: a streamer's other RTMP destinations (YouTube, Twitch, any ``rtmp(s)://``),
to which the media worker copies each of their lives (:mod:`media.simulcast`)."""
