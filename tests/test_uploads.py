"""Uploads are recognised by content, size-limited and stored under names that cannot escape the folder."""
import io
import zipfile

import pytest

from app.web import uploads

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 20
PDF = b"%PDF-1.7\n%..."


def office(part: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{part}/document.xml", "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize("data, kind", [
    (PDF, "pdf"), (PNG, "png"), (b"\xff\xd8\xff\xe0rest", "jpeg"), (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "webp"),
    (office("word"), "docx"), (office("xl"), "xlsx"), (b"hello, I am text", None), (b"PK\x03\x04broken", None),
    (b"MZ\x90\x00 an exe", None), (b"<svg onload=alert(1)>", None),
])
def test_kinds_are_recognised_by_content(data, kind):
    assert uploads.sniff(data) == kind


def test_name_does_not_decide_the_kind():
    with pytest.raises(uploads.UploadError):
        uploads.check(b"just text", "report.pdf", accepted=frozenset({"pdf"}), max_bytes=1000)


def test_size_limit_and_empty_files():
    with pytest.raises(uploads.UploadError, match="too large"):
        uploads.check(PDF + b"x" * 100, "a.pdf", accepted=frozenset({"pdf"}), max_bytes=50)
    with pytest.raises(uploads.UploadError, match="empty"):
        uploads.check(b"", "a.pdf", accepted=frozenset({"pdf"}), max_bytes=50)


def test_stored_under_a_random_name(tmp_path):
    stored = uploads.store(PDF, "../../etc/passwd.pdf", "pdf", str(tmp_path))
    assert stored.original_name == "passwd.pdf" and stored.stored_name.endswith(".pdf")
    assert (tmp_path / stored.stored_name).read_bytes() == PDF
    for bad in ("../x", "a/b", "..\\x", ".hidden", ""):
        with pytest.raises(FileNotFoundError):
            uploads.path_of(str(tmp_path), bad)


def test_every_stored_image_loses_its_exif_location(tmp_path):
    from PIL import Image

    from tests.tips.conftest import jpeg_with_gps

    stored = uploads.store(jpeg_with_gps(), "photo.jpg", "jpeg", str(tmp_path))
    kept = (tmp_path / stored.stored_name).read_bytes()
    assert 0x8825 not in Image.open(io.BytesIO(kept)).getexif()
    assert stored.size == len(kept)


def test_decompression_bombs_are_refused_by_the_shared_check():
    from tests.tips.conftest import png_declaring

    with pytest.raises(uploads.UploadError, match="pixels"):
        uploads.check(png_declaring(20_000, 20_000), "bomb.png", accepted=uploads.IMAGES, max_bytes=10**7)


def test_evidence_images_are_refused_with_a_message_when_they_are_bombs(app):
    from flask_babel import force_locale

    from app.indicators.services import IndicatorError, check_evidence_files
    from tests.tips.conftest import png_declaring

    with force_locale("en"), pytest.raises(IndicatorError, match="too large in pixels"):
        check_evidence_files([("bomb.png", png_declaring(20_000, 20_000))], 10**7)
