"""Uploaded files: recognised by their content (never by name or declared type), size-limited, stored under
random names outside the web root, and served back with safe headers."""
import hashlib
import io
import secrets
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps

from app.web import object_store

# kind -> (MIME type, file extension)
KINDS = {
    "pdf": ("application/pdf", "pdf"),
    "png": ("image/png", "png"),
    "jpeg": ("image/jpeg", "jpg"),
    "webp": ("image/webp", "webp"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}
IMAGES = frozenset({"png", "jpeg", "webp"})
MAX_PIXELS = 40_000_000  # refuse decompression bombs before decoding
_PIL_FORMATS = {"jpeg": "JPEG", "png": "PNG", "webp": "WEBP"}


class UploadError(ValueError):
    """A file that is empty, too large, not one of the accepted kinds, or an image too large in pixels or
    unreadable; str(error) is the reason: empty, too large, kind, pixels, unreadable."""


@dataclass(frozen=True)
class StoredFile:
    stored_name: str
    original_name: str
    kind: str
    size: int
    sha256: str

    @property
    def content_type(self) -> str:
        return KINDS[self.kind][0]


def sniff(data: bytes) -> str | None:
    """The kind of a file from its first bytes (and, for Office files, the parts inside the zip)."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except zipfile.BadZipFile:
            return None
        if "[Content_Types].xml" in names:
            if any(name.startswith("word/") for name in names):
                return "docx"
            if any(name.startswith("xl/") for name in names):
                return "xlsx"
    return None


def check(data: bytes, original_name: str, *, accepted: frozenset[str], max_bytes: int) -> str:
    """The file's kind, or UploadError with a reason for the user."""
    if not data:
        raise UploadError("empty")
    if len(data) > max_bytes:
        raise UploadError("too large")
    kind = sniff(data)
    if kind is None or kind not in accepted:
        raise UploadError("kind")
    if kind in IMAGES:
        clean_image(data, kind)
    return kind


def clean_image(data: bytes, kind: str) -> bytes:
    """The image decoded and encoded again, without EXIF (location, camera) or comments, upright; refuses
    decompression bombs (UploadError 'pixels') and what does not decode (UploadError 'unreadable')."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.width * image.height > MAX_PIXELS:
                raise UploadError("pixels")
            image = ImageOps.exif_transpose(image)
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise UploadError("pixels") from error
    except (OSError, SyntaxError, ValueError) as error:
        if isinstance(error, UploadError):
            raise
        raise UploadError("unreadable") from error
    if kind == "jpeg" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    image.info.pop("comment", None)  # a JPEG comment could carry a name or phone number
    output = io.BytesIO()
    image.save(output, _PIL_FORMATS[kind])  # no exif= argument: metadata is not carried over
    return output.getvalue()


def store(data: bytes, original_name: str, kind: str, directory: str, *, cleaned: bool = False) -> StoredFile:
    """Write the bytes under a random name; the original name is kept only as a label. Images are stored
    re-encoded (clean_image) unless the caller did that already, so no upload keeps its EXIF location."""
    if kind in IMAGES and not cleaned:
        data = clean_image(data, kind)
    stored_name = f"{secrets.token_hex(16)}.{KINDS[kind][1]}"
    object_store.put(directory, stored_name, data, KINDS[kind][0])
    label = Path(original_name or "file").name[:200] or "file"
    return StoredFile(stored_name, label, kind, len(data), hashlib.sha256(data).hexdigest())


def path_of(directory: str, stored_name: str) -> Path:
    """The stored file's path (on the local disk); refuses names that could point outside the upload folder."""
    check_name(stored_name)
    return Path(directory) / stored_name


def check_name(stored_name: str) -> None:
    """Refuses names that could point outside the upload folder (or another key of the object store)."""
    if not stored_name or "/" in stored_name or "\\" in stored_name or stored_name.startswith("."):
        raise FileNotFoundError(stored_name)


def read(directory: str, stored_name: str) -> bytes | None:
    """A stored file's bytes wherever files are kept, or None when it is gone."""
    check_name(stored_name)
    return object_store.get(directory, stored_name)


def delete(directory: str, stored_name: str) -> None:
    check_name(stored_name)
    object_store.delete(directory, stored_name)
