"""Versioned models on disk with an atomic ``current`` pointer.

Layout of a store directory (e.g. ``var/models/``)::

    v000001/model.npz   arrays (numpy, loaded without pickle)
    v000001/meta.json   params, info, format version
    v000002/...
    current             the active version's name, replaced atomically

A version is written under a temporary name and renamed into place when complete, then the
``current`` pointer is swapped with ``os.replace``; readers therefore see the old model or the
new one, never half of one.  Several processes may share a store.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from recsys.errors import NoModel, UnknownItem, UnknownUser
from recsys.matrix import Bm25, IdMap
from recsys.model import HybridParams, Recommender

FORMAT = 1
_VERSION = re.compile(r"^v(\d{6,})$")
POINTER = "current"


def write_json(path: Path, obj: Any, **options: Any) -> None:
    """Write ``obj`` as indented JSON to ``path`` and sync it to disk."""
    with open(path, "w") as f:
        json.dump(obj, f, indent=1, **options)
        f.flush()
        os.fsync(f.fileno())


def model_arrays(model: Recommender) -> dict[str, np.ndarray]:
    """The arrays that describe ``model`` (for ``np.savez``)."""
    ui, sim = model.user_items, model.similarity
    return {
        "user_ids": model.users.ids,
        "item_ids": model.items.ids,
        "ui_data": ui.data,
        "ui_indices": ui.indices,
        "ui_indptr": ui.indptr,
        "ui_recency": model.recency,
        "user_factors": model.user_factors,
        "item_factors": model.item_factors,
        "bm25_idf": model.bm25.idf,
        "sim_data": sim.data,
        "sim_indices": sim.indices,
        "sim_indptr": sim.indptr,
        "counts": model.counts,
        "trend": model.trend,
    }


def model_meta(model: Recommender) -> dict[str, Any]:
    """The JSON-able description of ``model`` that goes beside its arrays."""
    b = model.bm25
    return {
        "format": FORMAT,
        "params": asdict(model.params),
        "bm25": {"average_length": b.average_length, "k1": b.k1, "b": b.b},
        "info": model.info,
    }


def model_from_arrays(arrays: dict[str, np.ndarray], meta: dict[str, Any]) -> Recommender:
    """Rebuild a :class:`Recommender` from ``model_arrays`` / ``model_meta`` output."""
    if meta.get("format") != FORMAT:
        raise ValueError(f"unsupported model format {meta.get('format')!r}")
    users = IdMap(arrays["user_ids"], UnknownUser)
    items = IdMap(arrays["item_ids"], UnknownItem)
    shape_ui = (len(users), len(items))
    ui = sp.csr_matrix((arrays["ui_data"], arrays["ui_indices"], arrays["ui_indptr"]), shape_ui)
    sim = sp.csr_matrix(
        (arrays["sim_data"], arrays["sim_indices"], arrays["sim_indptr"]), (len(items), len(items))
    )
    bm = meta["bm25"]
    bm25 = Bm25(arrays["bm25_idf"], float(bm["average_length"]), float(bm["k1"]), float(bm["b"]))
    return Recommender(
        params=HybridParams.from_dict(meta["params"]),
        users=users,
        items=items,
        user_items=ui,
        recency=arrays["ui_recency"],
        user_factors=arrays["user_factors"],
        item_factors=arrays["item_factors"],
        bm25=bm25,
        similarity=sim,
        counts=arrays["counts"],
        trend=arrays["trend"],
        info=dict(meta.get("info", {})),
    )


def _fsync_dir(path: Path) -> None:
    """Flush a directory entry to disk where the platform allows it."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class ModelStore:
    """Saves, activates, lists and loads model versions under one directory."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    # -- reading -------------------------------------------------------------------------

    def versions(self) -> list[str]:
        """Complete versions, oldest first."""
        if not self.root.is_dir():
            return []
        found = [
            p.name
            for p in self.root.iterdir()
            if _VERSION.match(p.name) and (p / "meta.json").is_file()
        ]
        return sorted(found, key=lambda name: int(name[1:]))

    def current(self) -> str | None:
        """The active version: the ``current`` pointer, else the newest complete version."""
        try:
            name = (self.root / POINTER).read_text().strip()
        except FileNotFoundError:
            name = ""
        if name and (self.root / name / "meta.json").is_file():
            return name
        versions = self.versions()
        return versions[-1] if versions else None

    def load(self, version: str | None = None) -> Recommender:
        """Load a version (default: the current one); raises :class:`NoModel` if none."""
        name = version or self.current()
        if name is None:
            raise NoModel(f"no model saved in {self.root}")
        path = self.root / name
        if not _VERSION.match(name) or not (path / "meta.json").is_file():
            raise NoModel(f"no model version {name!r} in {self.root}")
        meta = json.loads((path / "meta.json").read_text())
        with np.load(path / "model.npz", allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files}
        model = model_from_arrays(arrays, meta)
        model.info["version"] = name
        return model

    # -- writing -------------------------------------------------------------------------

    def save(self, model: Recommender, *, activate: bool = True) -> str:
        """Write ``model`` as a new version and (by default) make it current; returns its name."""

        def write(folder: Path) -> None:
            with open(folder / "model.npz", "wb") as f:
                np.savez(f, allow_pickle=True, **model_arrays(model))
                f.flush()
                os.fsync(f.fileno())
            write_json(folder / "meta.json", model_meta(model), default=str)

        return self.save_version(write, activate=activate)

    def save_version(self, write: Callable[[Path], None], *, activate: bool = True) -> str:
        """A new version: ``write(folder)`` fills a temporary folder, which is then renamed
        into place and (by default) made current; returns the version's name."""
        self.root.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=self.root))
        try:
            write(tmp)
            name = self._claim(tmp)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        if activate:
            self.activate(name)
        return name

    def activate(self, version: str) -> None:
        """Atomically point ``current`` at an existing version (also to roll back)."""
        if version not in self.versions():
            raise NoModel(f"no model version {version!r} in {self.root}")
        fd, tmp_name = tempfile.mkstemp(prefix=".current-", dir=self.root)
        try:
            with os.fdopen(fd, "w") as f:
                f.write(version + "\n")
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp_name, self.root / POINTER)
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise
        _fsync_dir(self.root)

    def prune(self, keep: int = 3) -> list[str]:
        """Delete all but the newest ``keep`` versions (never the current one)."""
        current = self.current()
        versions = self.versions()
        doomed = [v for v in versions[: max(0, len(versions) - keep)] if v != current]
        for name in doomed:
            shutil.rmtree(self.root / name, ignore_errors=True)
        return doomed

    def _claim(self, tmp: Path) -> str:
        """Rename a finished temporary directory to the next free version name."""
        while True:
            existing = [int(p.name[1:]) for p in self.root.iterdir() if _VERSION.match(p.name)]
            name = f"v{max(existing, default=0) + 1:06d}"
            try:
                os.rename(tmp, self.root / name)
            except OSError:
                if (self.root / name).exists():
                    continue  # another writer took this number first
                raise
            _fsync_dir(self.root)
            return name


def save_model(root: str | os.PathLike[str], model: Recommender) -> str:
    """Save ``model`` as the new current version of the store at ``root``."""
    return ModelStore(root).save(model)


def load_latest(root: str | os.PathLike[str]) -> Recommender:
    """Load the current model of the store at ``root`` (raises :class:`NoModel` if none)."""
    return ModelStore(root).load()
