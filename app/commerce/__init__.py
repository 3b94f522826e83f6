"""Commerce: catalog, carts, orders, payments and coupons (live commerce lives beside)."""
