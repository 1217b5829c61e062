"""Places (the city and its districts, with the attributes indicator targets depend on) and bureaus."""
from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db_types import UTCDateTime, utcnow
from app.extensions import db
from app.i18n import localized


class PlaceLevel(StrEnum):
    CITY = "city"
    DISTRICT = "district"

    @property
    def title(self) -> str:
        return {"city": _l("City"), "district": _l("District")}[self.value]


class DistrictKind(StrEnum):
    """What the district is administratively; counties and county-level cities are judged as 县."""

    URBAN_DISTRICT = "urban_district"
    COUNTY = "county"
    COUNTY_CITY = "county_city"

    @property
    def title(self) -> str:
        return {
            "urban_district": _l("Urban district"),
            "county": _l("County"),
            "county_city": _l("County-level city"),
        }[self.value]


class Terrain(StrEnum):
    PLAIN = "plain"
    HILLY = "hilly"
    MOUNTAIN = "mountain"

    @property
    def title(self) -> str:
        return {"plain": _l("Plain"), "hilly": _l("Hilly"), "mountain": _l("Mountainous")}[self.value]


class Region(StrEnum):
    EAST = "east"
    CENTRAL = "central"
    WEST = "west"

    @property
    def title(self) -> str:
        return {"east": _l("Eastern"), "central": _l("Central"), "west": _l("Western")}[self.value]


class Moisture(StrEnum):
    HUMID = "humid"
    SEMI_HUMID = "semi_humid"
    ARID = "arid"

    @property
    def title(self) -> str:
        return {"humid": _l("Humid"), "semi_humid": _l("Semi-humid"), "arid": _l("Arid or semi-arid")}[self.value]


class CitySize(StrEnum):
    MEGA = "mega"
    LARGE = "large"
    MEDIUM_SMALL = "medium_small"

    @property
    def title(self) -> str:
        return {
            "mega": _l("Megacity or super-large city"),
            "large": _l("Large city"),
            "medium_small": _l("Medium or small city"),
        }[self.value]


def _enum_check(column: str, enum: type[StrEnum]) -> CheckConstraint:
    values = ", ".join(f"'{member.value}'" for member in enum)
    return CheckConstraint(f"{column} IN ({values})", name=f"{column}_valid")


class Place(db.Model):
    """The city (exactly one) or one of its districts (县市区)."""

    __tablename__ = "places"
    __table_args__ = (
        _enum_check("level", PlaceLevel),
        _enum_check("terrain", Terrain),
        _enum_check("region", Region),
        _enum_check("moisture", Moisture),
        CheckConstraint("kind IS NULL OR kind IN ('urban_district', 'county', 'county_city')", name="kind_valid"),
        CheckConstraint("size IS NULL OR size IN ('mega', 'large', 'medium_small')", name="size_valid"),
        CheckConstraint("level = 'city' OR kind IS NOT NULL", name="district_has_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    level: Mapped[str] = mapped_column(String(16))
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name_zh_hans: Mapped[str] = mapped_column(String(80))
    name_zh_hant: Mapped[str] = mapped_column(String(80), default="")
    name_en: Mapped[str] = mapped_column(String(120), default="")
    kind: Mapped[str | None] = mapped_column(String(24))
    terrain: Mapped[str] = mapped_column(String(16))
    region: Mapped[str] = mapped_column(String(16))
    moisture: Mapped[str] = mapped_column(String(16))
    size: Mapped[str | None] = mapped_column(String(16))
    # Where indicators apply only where relevant: coastal ones (近岸海域, 海岸, 自然岸线) and grassland ones.
    coastal: Mapped[bool] = mapped_column(Boolean, default=False)
    # In the Qinghai–Tibet Plateau (青藏高原地区): chooses that variant of a target (林草覆盖率 ≥70).
    plateau: Mapped[bool] = mapped_column(Boolean, default=False)
    has_grassland: Mapped[bool] = mapped_column(Boolean, default=False)
    # Resident population, used to weight survey results by district (post-stratification).
    population: Mapped[int | None] = mapped_column(Integer)
    # Residents aged 18 and over (the population sampled surveys are drawn from): survey results are weighted
    # by it; None where the figure is not known, and then survey results are shown unweighted.
    adult_population: Mapped[int | None] = mapped_column(Integer)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The district's outline for the public map: a GeoJSON Polygon Feature in longitude/latitude; its
    # property "schematic": true marks a drawn stand-in, not a surveyed boundary (app/org/outlines.py).
    outline: Mapped[str | None] = mapped_column(Text)

    @property
    def name(self) -> str:
        return localized(self, "name")

    @property
    def is_city(self) -> bool:
        return self.level == PlaceLevel.CITY

    def audit_state(self) -> dict:
        return {
            "code": self.code, "name_zh_hans": self.name_zh_hans, "name_zh_hant": self.name_zh_hant,
            "name_en": self.name_en, "kind": self.kind, "terrain": self.terrain, "region": self.region,
            "moisture": self.moisture, "size": self.size, "coastal": self.coastal, "plateau": self.plateau,
            "has_grassland": self.has_grassland, "population": self.population,
            "adult_population": self.adult_population, "sort_order": self.sort_order, "active": self.active,
        }

    def __repr__(self) -> str:
        return f"<Place {self.code}>"


class Bureau(db.Model):
    """A responsible unit (责任单位): a city bureau or office that leads indicators and handles cases."""

    __tablename__ = "bureaus"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name_zh_hans: Mapped[str] = mapped_column(String(120))
    name_zh_hant: Mapped[str] = mapped_column(String(120), default="")
    name_en: Mapped[str] = mapped_column(String(200), default="")
    # The district a bureau belongs to, for district-level branches; None for city bureaus.
    place_id: Mapped[int | None] = mapped_column(ForeignKey("places.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    place: Mapped[Place | None] = relationship()

    @property
    def name(self) -> str:
        return localized(self, "name")

    def audit_state(self) -> dict:
        return {
            "code": self.code, "name_zh_hans": self.name_zh_hans, "name_zh_hant": self.name_zh_hant,
            "name_en": self.name_en, "place_id": self.place_id, "active": self.active,
        }

    def __repr__(self) -> str:
        return f"<Bureau {self.code}>"
