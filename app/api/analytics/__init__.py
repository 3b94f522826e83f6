"""GraphQL for analytics: room stats, the platform view and fraud flags."""
