"""MovieLens-100k, read from a local data directory (never shipped, never downloaded here).

GroupLens' terms forbid redistributing the data, so neither the repository nor the wheel holds
it.  It is read from a data directory (``LIVEMART_DATA_DIR``, default ``var/data``) in one of
two forms, each checked against its sha256:

- ``ml-100k/u.data``: GroupLens' original file, from :data:`GROUPLENS_URL` (unzip it into the
  data directory);
- ``ml-100k/ml-100k.inter``: the same 100,000 lines in RecBole's atomic-file format (one header
  line, then tab-separated ``user_id item_id rating timestamp``), as RecBole's PyPI wheel
  ships it (``make data`` extracts it from ``recbole==1.2.1``).
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import numpy as np

from recsys.matrix import Interactions

GROUPLENS_URL = "https://files.grouplens.org/datasets/movielens/ml-100k.zip"
DEFAULT_DATA_DIR = Path("var/data")
FOLDER = "ml-100k"
U_DATA = "u.data"
INTER = "ml-100k.inter"
#: sha256 of the files :func:`movielens_100k` accepts (the .inter is u.data plus its header).
SHA256 = {
    U_DATA: "06416e597f82b7342361e41163890c81036900f418ad91315590814211dca490",
    INTER: "4edb74e2a81178c2ba9ff381495f754f996c4aea351b1272ca36b43da0935eff",
}
INTER_HEADER = "user_id:token\titem_id:token\trating:float\ttimestamp:float"
#: Where ``make data`` takes the .inter file from.
RECBOLE_REQUIREMENT = "recbole==1.2.1"
RECBOLE_MEMBER = "recbole/dataset_example/ml-100k/ml-100k.inter"


class DatasetError(Exception):
    """MovieLens-100k is missing or is not the file we know."""


class DatasetMissing(DatasetError):
    """No MovieLens-100k file where we look; the message says how to get it."""

    def __init__(self, source: Path) -> None:
        self.source = source
        super().__init__(
            f"MovieLens-100k not found in {source}: expected {FOLDER}/{U_DATA} or "
            f"{FOLDER}/{INTER} there.\n"
            f"Get it from GroupLens ({GROUPLENS_URL}) and unzip it into {source} "
            f"({FOLDER}/{U_DATA}, sha256 {SHA256[U_DATA]}), or, in a source checkout, run "
            f"`make data`: it extracts {FOLDER}/{INTER} (sha256 {SHA256[INTER]}) from the PyPI "
            f"wheel {RECBOLE_REQUIREMENT}.  The data is for research use under GroupLens' terms "
            f"and may not be redistributed."
        )


def locate(source: Path | str = DEFAULT_DATA_DIR) -> Path:
    """The MovieLens-100k file for ``source``: a data directory (holding ``ml-100k/``), an
    ``ml-100k`` folder, or one of the two files itself.  Raises :class:`DatasetMissing`."""
    path = Path(source)
    if path.is_file():
        return path
    for folder in (path / FOLDER, path):
        for name in (U_DATA, INTER):
            if (folder / name).is_file():
                return folder / name
    raise DatasetMissing(path)


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def parse(data: bytes, name: str) -> Interactions:
    """Interactions from the bytes of ``u.data`` or ``ml-100k.inter`` (``name`` says which),
    after checking their sha256; weights are the ratings, ids are MovieLens' integer ids."""
    expected = SHA256.get(name)
    if expected is None:
        raise DatasetError(f"{name}: not a MovieLens-100k file (expected {U_DATA} or {INTER})")
    actual = sha256_of(data)
    if actual != expected:
        raise DatasetError(
            f"{name} has sha256 {actual}, expected {expected}: not the MovieLens-100k file we "
            f"evaluate on (get it again from {GROUPLENS_URL} or with `make data`)"
        )
    text = io.StringIO(data.decode("ascii"))
    if name == INTER:
        header = text.readline().rstrip("\n")
        if header != INTER_HEADER:  # unreachable with the checked sha256; kept for clarity
            raise DatasetError(f"{name}: unexpected header {header!r}")
    raw = np.loadtxt(text, dtype=np.int64, delimiter="\t", ndmin=2)
    return Interactions(raw[:, 0], raw[:, 1], raw[:, 2].astype(np.float32), raw[:, 3])


def movielens_100k(source: Path | str = DEFAULT_DATA_DIR) -> Interactions:
    """MovieLens 100k: 100,000 ratings (1-5) of 1,682 movies by 943 users, with timestamps,
    in GroupLens' original order, from ``source`` (see :func:`locate`)."""
    path = locate(source)
    return parse(path.read_bytes(), path.name)
