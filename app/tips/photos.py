"""Photos of a tip: checked by their content and re-encoded on the way in (which drops location and camera
metadata), stored uncleared until staff decide they may be public."""
from flask_babel import gettext as _

from app.tips.errors import TipError
from app.tips.models import Tip, TipPhoto
from app.web import uploads


def process_photo(data: bytes, max_bytes: int) -> tuple[bytes, str]:
    """Check a photo by its content and re-encode it, which drops location and camera metadata."""
    kind = uploads.sniff(data)
    if kind not in uploads.IMAGES:
        raise TipError(_("Photos must be JPEG, PNG or WebP images."))
    if len(data) > max_bytes:
        raise TipError(_("Each photo must be smaller than %(mb)d MB.", mb=max_bytes // (1024 * 1024)))
    try:
        return uploads.clean_image(data, kind), kind
    except uploads.UploadError as error:
        if str(error) == "pixels":
            raise TipError(_("This photo is too large in pixels; please send a smaller one.")) from error
        raise TipError(_("This photo could not be read; please send another.")) from error


def store_photos(session, tip: Tip, photos: list[tuple[bytes, str]], upload_dir: str, *, by_staff: bool) -> None:
    """Keep photos that process_photo has cleaned."""
    for data, kind in photos:
        stored = uploads.store(data, f"photo.{kind}", kind, upload_dir, cleaned=True)  # process_photo did it
        session.add(TipPhoto(tip=tip, stored_name=stored.stored_name, kind=kind, size=len(data), by_staff=by_staff))
