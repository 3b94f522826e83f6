"""Product recognition in the live: which of the streamer's products the camera shows.

``services``: the room setting (off / offer / auto), each product image's local features
(computed at upload, kept beside the image as ``<image>.features.npz``), a room's matcher
and the decision (publish ``product.recognized`` to the owner; pin when ``auto``).
``live``: the sampling loop the media worker runs (one frame per room every ~2 s from the
lowest rendition, one worker thread for every room, a room skipped while it is behind).
The matching core is :mod:`media.recognition` (pure: OpenCV SIFT + RANSAC).
"""
