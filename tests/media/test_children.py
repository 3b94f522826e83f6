"""FFmpeg never outlives the process that started it, even when that process is killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from media.children import die_with_parent
from tests.support import ROOT, ffmpeg_processes, wait_for_no_ffmpeg

pytestmark = [
    pytest.mark.media,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux"),
]

# A parent that starts an endless, real-time test pattern and then waits to be killed.
PARENT = textwrap.dedent(
    """
    import asyncio, sys
    from pathlib import Path
    from media.config import MediaSettings, default_ffmpeg
    from media.sources import TestPattern
    from media.transcoder import Transcoder
    from tests.media.conftest import SMALL_LADDER

    async def main() -> None:
        settings = MediaSettings(output_dir=Path(sys.argv[1]), ffmpeg=default_ffmpeg(),
                                 ladder=SMALL_LADDER)
        transcoder = Transcoder(settings, "leak", TestPattern(320, 180))
        await transcoder.start()
        print(transcoder.pid, flush=True)
        await asyncio.Event().wait()

    asyncio.run(main())
    """
)


def test_ffmpeg_gets_sigterm_when_its_parent_is_killed(tmp_path: Path) -> None:
    assert die_with_parent() is not None
    out = tmp_path / "hls"
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT, str(out)], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        assert parent.stdout is not None
        pid = int(parent.stdout.readline())
        assert ffmpeg_processes(str(out)) == [pid], "the endless FFmpeg runs"
        os.kill(parent.pid, signal.SIGKILL)  # no chance to clean up
        parent.wait(10)
        wait_for_no_ffmpeg(str(out))
    finally:
        parent.kill()
        for pid in ffmpeg_processes(str(out)):
            os.kill(pid, signal.SIGKILL)
