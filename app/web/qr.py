"""QR codes drawn as inline SVG (invitation letters, the sign-up code page), from our own addresses only."""
import io

import qrcode
import qrcode.image.svg
from markupsafe import Markup


def qr_svg(data: str) -> Markup:
    """An SVG QR code of `data` to inline in a page; `data` is an address the site built, never user input."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    return Markup(svg[svg.index("<svg"):])
