"""QR codes of share links (``segno``), as inline SVG a page or an overlay can show."""

from __future__ import annotations

import segno

ERROR_LEVEL = "m"  # survives a little glare or blur on a phone camera filming a screen
BORDER = 4  # the quiet zone the QR standard asks for


def qr_code(url: str) -> segno.QRCode:
    """The QR code of ``url``."""
    return segno.make(url, error=ERROR_LEVEL)


def qr_svg(url: str, scale: int = 8) -> str:
    """``url`` as an inline ``<svg>`` QR code, dark on white, ``scale`` pixels a module."""
    return str(
        qr_code(url).svg_inline(
            scale=scale, border=BORDER, dark="#111111", light="#ffffff", title=url
        )
    )
