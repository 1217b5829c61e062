"""Images attached to notices lose their EXIF location and camera data, and decompression bombs are refused,
as tip photos are."""
import io

import pytest
from flask_babel import force_locale
from PIL import Image

from app.notices import services
from tests.tips.conftest import image_bytes, jpeg_with_gps, png_declaring

GPS, MAKE = 0x8825, 0x010F


def test_an_attached_photo_is_stored_without_its_location(session, draft, staff, tmp_path):
    notice = draft()
    original = jpeg_with_gps()
    assert GPS in Image.open(io.BytesIO(original)).getexif()
    row = services.add_attachment(session, staff["bureau_editor"], notice, original, "现场.jpg", str(tmp_path),
                                  1024 * 1024)
    stored = (tmp_path / row.stored_name).read_bytes()
    exif = Image.open(io.BytesIO(stored)).getexif()
    assert GPS not in exif and MAKE not in exif
    assert row.size == len(stored) and row.kind == "jpeg"


@pytest.mark.parametrize("bomb", [png_declaring(20_000, 20_000), image_bytes("PNG", size=(10_000, 10_000), mode="1")])
def test_a_decompression_bomb_is_refused_and_nothing_is_attached(session, draft, staff, tmp_path, bomb):
    notice = draft()
    folder = tmp_path / "attachments"
    with force_locale("en"), pytest.raises(services.NoticeError, match="too large in pixels"):
        services.add_attachment(session, staff["bureau_editor"], notice, bomb, "bomb.png", str(folder), 10**7)
    assert notice.attachments == [] and not folder.exists()


def test_an_image_that_does_not_decode_is_refused(session, draft, staff, tmp_path):
    notice = draft()
    with force_locale("en"), pytest.raises(services.NoticeError, match="could not be read"):
        services.add_attachment(session, staff["bureau_editor"], notice, b"\x89PNG\r\n\x1a\n" + b"\x00" * 40,
                                "broken.png", str(tmp_path), 10**6)
