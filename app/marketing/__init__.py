"""Marketing strategy: the coupon strategy advisor (:mod:`app.marketing.advisor`)."""
