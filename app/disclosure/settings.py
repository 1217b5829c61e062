"""What the public and the staff pages of disclosure requests both read: the deadline rules on the holiday
calendar, where reply documents are kept, and how a document is sent."""
from flask import current_app

from app.disclosure.models import DisclosureDocument
from app.disclosure.services import Rules
from app.extensions import db
from app.i18n import site_zone
from app.web.files import serve_stored
from app.workdays.models import overrides


def rules() -> Rules:
    config = current_app.config
    return Rules(answer_days=config["DISCLOSURE_ANSWER_DAYS"],
                 extension_max_days=config["DISCLOSURE_EXTENSION_MAX_DAYS"],
                 completion_max_days=config["DISCLOSURE_COMPLETION_MAX_DAYS"], zone=site_zone(),
                 overrides=overrides(db.session))


def document_dir() -> str:
    return str(current_app.config["UPLOAD_DIR"]) + "/disclosure"


def send_document(row: DisclosureDocument):
    """A reply document: always downloaded under its original name, never kept in a shared cache."""
    return serve_stored(document_dir(), row.stored_name, row.kind, public=False, download_name=row.original_name,
                        attachment=True)
