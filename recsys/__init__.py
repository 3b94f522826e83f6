"""livemart's recommender: implicit ALS blended with item-kNN, trained off the event loop.

Pure package: numpy, scipy, implicit and the standard library only.  The app's entry points:

- :func:`train` (sync, CPU-bound: run it in a worker thread) -> :class:`Recommender`;
- :class:`Recommender`: ``recommend``, ``similar_items``, ``popular``, ``recalculate_user``;
- :class:`ModelStore`: versioned models on disk with an atomic ``current`` pointer;
- :func:`tune`: choose :class:`HybridParams` on a validation split of your own data.
"""

from recsys.errors import NoModel, RecsysError, UnknownId, UnknownItem, UnknownUser
from recsys.matrix import IdMap, InteractionMatrix, Interactions, build_matrix
from recsys.model import HybridParams, ProgressCallback, Recommender, Scored, train
from recsys.store import ModelStore, load_latest, save_model
from recsys.tuning import Grid, TuneResult, tune

__all__ = [
    "Grid",
    "HybridParams",
    "IdMap",
    "InteractionMatrix",
    "Interactions",
    "ModelStore",
    "NoModel",
    "ProgressCallback",
    "Recommender",
    "RecsysError",
    "Scored",
    "TuneResult",
    "UnknownId",
    "UnknownItem",
    "UnknownUser",
    "build_matrix",
    "load_latest",
    "save_model",
    "train",
    "tune",
]
