from web import convertors as _convertors  # noqa: F401  (bounded {x:int} before any route)
