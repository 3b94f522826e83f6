"""``make data``: put MovieLens-100k into the data directory, once, from the package registry.

GroupLens' terms forbid redistributing MovieLens, so the repository does not hold it.  RecBole's
PyPI wheel ships the same 100,000 ratings as ``ml-100k.inter``; this downloads that wheel with
pip (into ``<data dir>/cache``, kept for the next run), extracts the one file into
``<data dir>/ml-100k/`` and checks its sha256.  Does nothing when a checked copy is there.

Usage: python scripts/fetch_data.py [DATA_DIR]   (default: $LIVEMART_DATA_DIR or var/data)
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

from recsys.datasets import (
    FOLDER,
    INTER,
    RECBOLE_MEMBER,
    RECBOLE_REQUIREMENT,
    SHA256,
    DatasetError,
    DatasetMissing,
    locate,
    parse,
)


def _present(data_dir: Path) -> Path | None:
    try:
        path = locate(data_dir)
    except DatasetMissing:
        return None
    parse(path.read_bytes(), path.name)  # a wrong file fails here instead of in the tests
    return path


def _wheel(cache: Path) -> Path:
    name, version = RECBOLE_REQUIREMENT.split("==")
    pattern = f"{name}-{version}-*.whl"
    found = sorted(cache.glob(pattern))
    if not found:
        cache.mkdir(parents=True, exist_ok=True)
        pip = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps"]
        subprocess.run(
            [*pip, "--only-binary", ":all:", "--dest", str(cache), RECBOLE_REQUIREMENT],
            check=True,
        )
        found = sorted(cache.glob(pattern))
    if not found:
        raise DatasetError(f"pip download {RECBOLE_REQUIREMENT} left no wheel in {cache}")
    return found[-1]


def fetch(data_dir: Path) -> Path:
    """The checked MovieLens-100k file in ``data_dir``, extracted from RecBole's wheel when
    missing."""
    present = _present(data_dir)
    if present is not None:
        return present
    with zipfile.ZipFile(_wheel(data_dir / "cache")) as wheel:
        data = wheel.read(RECBOLE_MEMBER)
    parse(data, INTER)  # checks the sha256 before anything is written
    target = data_dir / FOLDER / INTER
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    partial.write_bytes(data)
    partial.replace(target)
    return target


def main(argv: list[str]) -> int:
    data_dir = Path(argv[0] if argv else os.environ.get("LIVEMART_DATA_DIR", "var/data"))
    try:
        path = fetch(data_dir)
    except (DatasetError, subprocess.CalledProcessError, OSError, KeyError) as exc:
        print(f"make data: {exc}", file=sys.stderr)
        return 1
    print(f"MovieLens-100k: {path} (sha256 {SHA256[path.name]})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
