"""Where tip photos are kept, and reading the photos sent with a report or a step (web form and staff alike)."""
from flask import current_app
from flask_babel import gettext as _

from app.tips import services


def photo_dir() -> str:
    """The directory of the tips' stored photos."""
    return str(current_app.config["UPLOAD_DIR"]) + "/tips"


def read_photos(field, *, limit: int | None = None) -> list[tuple[bytes, str]]:
    """The photos of a file field, each checked and cleaned; a bad one (or one past `limit`) leaves its message
    on the field, which then also says that nothing was sent yet."""
    files = [f for f in (field.data or []) if f and f.filename]
    if limit is not None and len(files) > limit:
        field.errors = [*field.errors, _("Send at most %(n)d photos.", n=limit)]
        files = files[:limit]
    photos = []
    for upload in files:
        try:
            photos.append(services.process_photo(upload.read(), current_app.config["MAX_TIP_PHOTO_BYTES"]))
        except services.TipError as error:
            field.errors = [*field.errors, f"{upload.filename}: {error}"]
    if field.errors:
        field.errors = [*field.errors, _("Nothing was sent yet: choose the photos again (your text is kept).")]
    return photos
