"""Shared set-up for tip tests: a district, categories routed to the two staff bureaus, photos, and a way to
file a tip that hands back its tracking code."""
import io
import struct
import zlib
from datetime import date, datetime, timezone
from decimal import Decimal
from types import SimpleNamespace

import pytest
from PIL import Image
from sqlalchemy import insert, select

from app.accounts.permissions import Role
from app.tips import services
from app.db_types import analyze
from app.tips.models import Tip, TipCategory, tip_category_links
from app.tips.workflow import TipState
from tests import factories

# A Monday morning in Beijing (02:00 UTC), an example date.
MONDAY = datetime(2026, 9, 28, 2, 0, tzinfo=timezone.utc)
# Example dates shaped like the 2026 National Day week (not the official calendar): 1–7 October off,
# Sunday 20 September and Saturday 10 October worked.
NATIONAL_DAY = {date(2026, 10, d): False for d in range(1, 8)} | {date(2026, 9, 20): True, date(2026, 10, 10): True}


@pytest.fixture
def city(session, staff):
    """A district and three categories: air (to the home bureau "eeb"), water (to "water"), other (unrouted)."""
    home, elsewhere = staff["bureaus"]["home"], staff["bureaus"]["other"]
    district = factories.place(session, code="wuchang", name_zh_hans="武昌区", name_en="Wuchang District")
    air = TipCategory(code="air", name_zh_hans="大气污染", name_en="Air pollution", bureau_id=home.id, sort_order=1)
    water = TipCategory(code="water", name_zh_hans="水污染", name_en="Water pollution", bureau_id=elsewhere.id,
                        sort_order=2)
    other = TipCategory(code="other", name_zh_hans="其他", name_en="Other", bureau_id=None, sort_order=3)
    session.add_all([air, water, other])
    session.commit()
    return SimpleNamespace(district=district, air=air, water=water, other=other, home=home, elsewhere=elsewhere)


@pytest.fixture
def other_handler(session, staff):
    """A tip handler of the other bureau ("water")."""
    user = factories.user(session, role=Role.TIP_HANDLER, username="handler2", bureau_=staff["bureaus"]["other"])
    session.commit()
    return user


@pytest.fixture
def photo_dir(app):
    return str(app.config["UPLOAD_DIR"]) + "/tips"


@pytest.fixture
def report(session, city):
    """File a tip through the service; returns (tip, tracking code)."""
    def file_tip(*, categories=None, anonymous=True, name="张三", phone="13800000000", rules=None, now=None,
                 photos=(), upload_dir="", **values):
        values.setdefault("description", "化工厂夜间排放黄色烟雾，气味刺鼻")
        values.setdefault("address", "和平大道100号")
        data = services.TipInput(categories=categories or [city.air], district=city.district, anonymous=anonymous,
                                 reporter_name="" if anonymous else name, reporter_phone="" if anonymous else phone,
                                 **values)
        tip, code = services.submit_tip(session, data, list(photos), rules or services.Rules(), upload_dir,
                                        now=now)
        session.commit()
        return tip, code
    return file_tip


def add_handled_tips(session, like, number: int = 2000) -> None:
    """A city's many handled (closed) tips like `like` (its district, kinds, day), with the planner's statistics
    taken after (as `flask db-analyze` keeps them daily): a plan checked on a handful of tips is a planner's guess."""
    columns = ("description", "district_id", "address", "bureau_id", "submitted_at", "accept_due")
    copied = {column: getattr(like, column) for column in columns}
    session.execute(insert(Tip), [{**copied, "code_hash": f"handled-{n}", "state": TipState.CLOSED}
                                  for n in range(number)])
    handled = session.scalars(select(Tip.id).where(Tip.code_hash.like("handled-%"))).all()
    session.execute(insert(tip_category_links), [{"tip_id": tip_id, "category_id": category.id}
                                                 for tip_id in handled for category in like.categories])
    analyze(session)
    session.commit()


LATITUDE, LONGITUDE = Decimal("30.553108"), Decimal("114.334517")


# Images built with Pillow.

def image_bytes(fmt="JPEG", size=(64, 48), mode="RGB", **save) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, 128 if mode in ("1", "L") else (200, 40, 40)).save(buffer, fmt, **save)
    return buffer.getvalue()


def gps_exif(orientation: int | None = None) -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"    # Make
    exif[0x0110] = "Model Seven"   # Model
    exif[0x8825] = {1: "N", 2: (30.0, 33.0, 11.0), 3: "E", 4: (114.0, 20.0, 4.0)}  # GPSInfo
    if orientation:
        exif[0x0112] = orientation
    return exif.tobytes()


def jpeg_with_gps(orientation: int | None = None, size=(64, 48)) -> bytes:
    return image_bytes("JPEG", size=size, exif=gps_exif(orientation))


def png_declaring(width: int, height: int) -> bytes:
    """A real 1×1 PNG whose header then claims width × height pixels (CRC fixed, so it parses)."""
    data = bytearray(image_bytes("PNG", size=(1, 1), mode="L"))
    # signature (8) + length (4) + b"IHDR" (4) + width (4) + height (4) + … + CRC after 13 bytes of data
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
