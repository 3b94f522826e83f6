"""livemart's media package: ingest, HLS ladder, thumbnails, recording, supervision.

It imports nothing from `app`: callers hand it a `MediaSettings` and callbacks.
The entry point is `MediaWorker`; see media/README.md for how the parts fit together.
"""

from media.browser_ingest import BrowserIngest, IngestError
from media.config import MediaSettings
from media.hls_files import HlsPathError, find_hls_file, hls_headers, resolve_hls_path
from media.ladder import DEFAULT_LADDER, Ladder, Rung, parse_rungs
from media.rtmp import PublishRejected, RtmpServer
from media.sources import TEST_PATTERNS, FileSource, PipeSource, Source, TestPattern
from media.supervisor import RoomSupervisor, Status, StatusCallback
from media.worker import MediaWorker

__all__ = [
    "DEFAULT_LADDER",
    "TEST_PATTERNS",
    "BrowserIngest",
    "FileSource",
    "HlsPathError",
    "IngestError",
    "Ladder",
    "MediaSettings",
    "MediaWorker",
    "PipeSource",
    "PublishRejected",
    "RoomSupervisor",
    "RtmpServer",
    "Rung",
    "Source",
    "Status",
    "StatusCallback",
    "TestPattern",
    "find_hls_file",
    "hls_headers",
    "parse_rungs",
    "resolve_hls_path",
]
