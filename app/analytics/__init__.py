"""Analytics: per-minute room metrics, viewer visits, dashboards and fraud flags."""
