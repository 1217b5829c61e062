"""Writes for pollution tips: reporting (with photos re-encoded), the handling steps, extensions, ratings,
and every look at a reporter's identity. Flush, audit, return; never commit."""
import hashlib
import io
import secrets
import warnings
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from PIL import Image, ImageOps

from app import audit
from app.accounts.permissions import Role
from app.db_types import utcnow
from app.tips.models import ExtensionState, Tip, TipEvent, TipPhoto
from app.tips.workflow import OFFICE_STEPS, REPORTER_STEPS, Step, TipState, TransitionError, next_state
from app.web import uploads
from app.workdays.days import add_days

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 16  # 31^16 ≈ 7·10^23 codes: guessing one is hopeless, and the lookup is rate-limited
MAX_PIXELS = 40_000_000  # refuse decompression bombs before decoding
PHOTO_FORMATS = {"jpeg": "JPEG", "png": "PNG", "webp": "WEBP"}


class TipError(Exception):
    """A tip action that cannot be done; the message is for the user."""


@dataclass
class Rules:
    """Deadline rules from the configuration, with the holiday calendar."""

    accept_days: int = 15
    conclude_days: int = 60
    extension_max_days: int = 30
    working_days: bool = False
    overrides: dict = field(default_factory=dict)
    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Shanghai"))

    def due(self, start: date, days: int) -> date:
        return add_days(start, days, working=self.working_days, overrides=self.overrides)

    def local_date(self, moment: datetime) -> date:
        """Deadlines count from the city's date, not UTC's (8 hours apart in the early morning)."""
        return moment.astimezone(self.zone).date()


@dataclass
class TipInput:
    categories: list
    description: str
    district: object
    address: str
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    observed_at: datetime | None = None
    reported_unit: str = ""
    anonymous: bool = True
    reporter_name: str = ""
    reporter_phone: str = ""


def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i:i + 4] for i in range(0, CODE_LENGTH, 4))


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def code_hash(code: str) -> str:
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


def process_photo(data: bytes, max_bytes: int) -> tuple[bytes, str]:
    """Check a photo by its content and re-encode it, which drops location and camera metadata."""
    kind = uploads.sniff(data)
    if kind not in PHOTO_FORMATS:
        raise TipError(_("Photos must be JPEG, PNG or WebP images."))
    if len(data) > max_bytes:
        raise TipError(_("Each photo must be smaller than %(mb)d MB.", mb=max_bytes // (1024 * 1024)))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.width * image.height > MAX_PIXELS:
                raise TipError(_("This photo is too large in pixels; please send a smaller one."))
            image = ImageOps.exif_transpose(image)
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise TipError(_("This photo is too large in pixels; please send a smaller one.")) from error
    except (OSError, SyntaxError, ValueError) as error:
        raise TipError(_("This photo could not be read; please send another.")) from error
    if kind == "jpeg" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    image.info.pop("comment", None)  # a JPEG comment could carry a name or phone number
    output = io.BytesIO()
    image.save(output, PHOTO_FORMATS[kind])  # no exif= argument: metadata is not carried over
    return output.getvalue(), kind


def _event(session, tip: Tip, step: str, *, actor=None, note: str = "", public: bool = True, bureau=None):
    session.add(TipEvent(tip=tip, step=step, public=public, note=note, actor_id=getattr(actor, "id", None),
                         bureau_id=getattr(bureau, "id", None), at=utcnow()))


def _store_photos(session, tip: Tip, photos: list[tuple[bytes, str]], upload_dir: str, *, by_staff: bool) -> None:
    for data, kind in photos:
        stored = uploads.store(data, f"photo.{kind}", kind, upload_dir)
        session.add(TipPhoto(tip=tip, stored_name=stored.stored_name, kind=kind, size=len(data), by_staff=by_staff))


def submit_tip(session, data: TipInput, photos: list[tuple[bytes, str]], rules: Rules, upload_dir: str,
               now: datetime | None = None) -> tuple[Tip, str]:
    """Store a new tip and return it with the reporter's tracking code (shown once, stored only as a hash)."""
    now = now or utcnow()
    code = new_code()
    bureau_id = next((c.bureau_id for c in data.categories if c.bureau_id), None)
    tip = Tip(code_hash=code_hash(code), description=data.description, district_id=data.district.id,
              address=data.address, latitude=data.latitude, longitude=data.longitude, observed_at=data.observed_at,
              reported_unit=data.reported_unit, anonymous=data.anonymous,
              reporter_name="" if data.anonymous else data.reporter_name,
              reporter_phone="" if data.anonymous else data.reporter_phone, bureau_id=bureau_id,
              submitted_at=now, accept_due=rules.due(rules.local_date(now), rules.accept_days), state=TipState.SUBMITTED.value)
    tip.categories = list(data.categories)
    session.add(tip)
    session.flush()
    _store_photos(session, tip, photos, upload_dir, by_staff=False)
    _event(session, tip, "submitted")
    session.flush()
    return tip, code


def add_internal_note(session, tip: Tip, note: str, actor=None) -> None:
    """An internal timeline note (never public), e.g. a link an Open311 client sent with a report."""
    _event(session, tip, "note", actor=actor, note=note, public=False)
    session.flush()


def can_handle(user, tip: Tip) -> bool:
    """Admins handle every tip; a tip handler only those assigned (or routed) to their own bureau."""
    if not user.active:
        return False
    if user.role == Role.ADMIN:
        return True
    return user.role == Role.TIP_HANDLER and tip.bureau_id is not None and tip.bureau_id == user.bureau_id


def take_step(session, actor, tip: Tip, step: Step, rules: Rules, *, note: str = "", bureau=None,
              findings: str = "", measures_taken: str = "", reply: str = "", photos=(), upload_dir: str = "",
              now: datetime | None = None) -> None:
    """Move a tip one step on, with the checks each step needs, a timeline entry and an audit entry."""
    now = now or utcnow()
    if not can_handle(actor, tip):
        raise TipError(_("You cannot act on this tip."))
    if step in REPORTER_STEPS:
        raise TipError(_("Only the reporter rates the handling."))
    if step in OFFICE_STEPS and actor.role != Role.ADMIN:
        raise TipError(_("Only the office that receives tips can do this."))
    try:
        target = next_state(tip.state_enum, step)
    except TransitionError as error:
        raise TipError(_("This step is not possible while the tip is “%(state)s”.",
                         state=tip.state_enum.title)) from error
    before = tip.snapshot()
    note = note.strip()
    if step == Step.REJECT:
        if not note:
            raise TipError(_("Say why the tip is not accepted and where the reporter can turn instead."))
        tip.not_accepted_reason = note
    if step in (Step.ASSIGN, Step.TRANSFER):
        if bureau is None:
            raise TipError(_("Choose the bureau."))
        if step == Step.TRANSFER and bureau.id == tip.bureau_id:
            raise TipError(_("The tip is already with this bureau."))
        tip.bureau_id = bureau.id
    if step == Step.ACCEPT:
        tip.accepted_at = now
        tip.conclude_due = rules.due(rules.local_date(now), rules.conclude_days)
    if step == Step.CONCLUDE:
        if not (findings.strip() and reply.strip()):
            raise TipError(_("Write the findings and the reply to the reporter before concluding."))
        tip.findings, tip.measures_taken, tip.reply = findings.strip(), measures_taken.strip(), reply.strip()
        tip.concluded_at = now
        _store_photos(session, tip, list(photos), upload_dir, by_staff=True)
    if step == Step.CLOSE and tip.rating is None and note == "":
        note = _("Closed without a rating from the reporter.")
    tip.state = target.value
    public_note = {Step.REJECT: note, Step.CONCLUDE: reply.strip()}.get(step, "")
    _event(session, tip, step.value, actor=actor, note=public_note, public=True, bureau=bureau)
    if note and step != Step.REJECT:
        _event(session, tip, "note", actor=actor, note=note, public=False)
    session.flush()
    audit.record(session, f"tips.{step.value}", tip, actor=actor, before=before, after=tip.snapshot(),
                 note=note[:500])


def request_extension(session, actor, tip: Tip, days: int, reason: str, rules: Rules) -> None:
    """A handler asks once for more time (at most the configured maximum), with a reason."""
    if not can_handle(actor, tip):
        raise TipError(_("You cannot act on this tip."))
    if tip.state_enum not in (TipState.ACCEPTED, TipState.ASSIGNED, TipState.INVESTIGATING):
        raise TipError(_("An extension can only be asked for while the tip is being handled."))
    if tip.extension_state is not None:
        raise TipError(_("An extension has already been asked for this tip; only one is allowed."))
    if not 1 <= days <= rules.extension_max_days:
        raise TipError(_("An extension is between 1 and %(n)d days.", n=rules.extension_max_days))
    if not reason.strip():
        raise TipError(_("Give the reason for the extension."))
    tip.extension_state, tip.extension_days, tip.extension_reason = ExtensionState.REQUESTED.value, days, reason.strip()
    _event(session, tip, "extension_requested", actor=actor, note=reason.strip(), public=False)
    session.flush()
    audit.record(session, "tips.extension_request", tip, actor=actor, after={"days": days}, note=reason[:500])


def decide_extension(session, actor, tip: Tip, approve: bool, rules: Rules) -> None:
    """The office approves (the conclusion deadline moves) or refuses a requested extension."""
    if actor.role != Role.ADMIN:
        raise TipError(_("Only the office that receives tips can do this."))
    if tip.extension_state != ExtensionState.REQUESTED:
        raise TipError(_("No extension is waiting for a decision."))
    before = tip.snapshot()
    if approve:
        tip.extension_state = ExtensionState.APPROVED.value
        tip.conclude_due = rules.due(tip.conclude_due or rules.local_date(utcnow()), tip.extension_days)
        _event(session, tip, "extension_approved", actor=actor,
               note=_("Deadline extended by %(n)d days: %(reason)s", n=tip.extension_days, reason=tip.extension_reason))
    else:
        tip.extension_state = ExtensionState.REFUSED.value
        _event(session, tip, "extension_refused", actor=actor, public=False)
    session.flush()
    audit.record(session, "tips.extension_" + ("approve" if approve else "refuse"), tip, actor=actor,
                 before=before, after=tip.snapshot())


def rate(session, tip: Tip, satisfied: bool, comment: str) -> None:
    """The reporter rates the handling; "not satisfied" sends it back for review once, then it closes."""
    if tip.state_enum != TipState.CONCLUDED:
        raise TipError(_("The handling can be rated once the tip is concluded."))
    step = Step.RATE_SATISFIED if satisfied or tip.review_requested else Step.RATE_UNSATISFIED
    tip.rating = "satisfied" if satisfied else "unsatisfied"
    tip.rating_comment = comment.strip()[:1000]
    if step == Step.RATE_UNSATISFIED:
        tip.review_requested = True
        tip.concluded_at = None
    tip.state = next_state(tip.state_enum, step).value
    final_no = not satisfied and step == Step.RATE_SATISFIED  # reviewed once already: the case closes
    _event(session, tip, "rated_unsatisfied_closed" if final_no else "rated_" + tip.rating, public=True)
    if tip.rating_comment:
        _event(session, tip, "rating_comment", note=tip.rating_comment, public=False)
    session.flush()
    audit.record(session, "tips.rate", tip, actor=None, after={"rating": tip.rating, "state": tip.state})


def reveal_reporter(session, actor, tip: Tip) -> dict:
    """The reporter's identity for a handler who must contact them; every look is audited."""
    audit.record(session, "tips.reporter_viewed", tip, actor=actor)
    return {"name": tip.reporter_name, "phone": tip.reporter_phone}


def clear_photo(session, actor, photo: TipPhoto, cleared: bool) -> None:
    """Staff decide whether a photo may appear on public pages (faces, plates and homes are checked first)."""
    photo.cleared = cleared
    session.flush()
    audit.record(session, "tips.photo_" + ("clear" if cleared else "hide"), photo, actor=actor)
