"""Recommendation queries: ``recommendedProducts``, ``similarProducts``, ``recommendedRooms``."""
