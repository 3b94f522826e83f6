"""Orders, split by concern; :mod:`app.commerce.orders` is the public face that re-exports
them. Placing (:mod:`.placing`), reading (:mod:`.queries`), state changes
(:mod:`.transitions`), paying (:mod:`.payment`) and the provider's callbacks
(:mod:`.webhooks`); :mod:`.rules` holds the shared validation and constants and
:mod:`.announcements` what is told after a commit.

Live commerce (flash sales, auctions) places orders through :mod:`.placing` only, so
:mod:`.transitions` can give their units back by a direct call
(:func:`app.commerce.flash_sales.release_units`) without an import cycle.
"""
