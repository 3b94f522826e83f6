"""Recommendations: the interaction log and the recommender wired into the app.

- :mod:`app.recs.models`: :class:`~app.recs.models.Interaction`, one weighted row per
  view, watch, impression, click, cart add, order, gift, like or follow.
- :mod:`app.recs.log`: signal listeners that buffer interactions in memory and write them
  in batches (every second or 500 rows), so requests never wait for the log.
- :mod:`app.recs.data`: the database reads the recommender needs (training rows, new rows
  since a model, what a user bought, which items may be shown, trending fallbacks).
- :mod:`app.recs.service`: the products and rooms models (``recsys``), trained in a worker
  thread, versioned on disk, updated per user without retraining; the serving functions.
- :mod:`app.recs.runtime`: the background service started with the app.
- :mod:`app.recs.cli`: ``livemart recsys train`` and ``livemart recsys eval``.
"""
