"""Places (the city and its districts, with the attributes indicator targets depend on) and bureaus."""
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db_types import UTCDateTime, utcnow
from app.enums import EnumColumn, TitledEnum, enum_check
from app.extensions import db
from app.i18n import localized


class PlaceLevel(TitledEnum):
    CITY = "city", _l("City")
    DISTRICT = "district", _l("District")


class DistrictKind(TitledEnum):
    """What the district is administratively; counties and county-level cities are judged as 县."""

    URBAN_DISTRICT = "urban_district", _l("Urban district")
    COUNTY = "county", _l("County")
    COUNTY_CITY = "county_city", _l("County-level city")


class Terrain(TitledEnum):
    PLAIN = "plain", _l("Plain")
    HILLY = "hilly", _l("Hilly")
    MOUNTAIN = "mountain", _l("Mountainous")


class Region(TitledEnum):
    EAST = "east", _l("Eastern")
    CENTRAL = "central", _l("Central")
    WEST = "west", _l("Western")


class Moisture(TitledEnum):
    HUMID = "humid", _l("Humid")
    SEMI_HUMID = "semi_humid", _l("Semi-humid")
    ARID = "arid", _l("Arid or semi-arid")


class CitySize(TitledEnum):
    MEGA = "mega", _l("Megacity or super-large city")
    LARGE = "large", _l("Large city")
    MEDIUM_SMALL = "medium_small", _l("Medium or small city")


class Place(db.Model):
    """The city (exactly one) or one of its districts (县市区)."""

    __tablename__ = "places"
    __table_args__ = (
        enum_check("level", PlaceLevel),
        enum_check("terrain", Terrain),
        enum_check("region", Region),
        enum_check("moisture", Moisture),
        enum_check("kind", DistrictKind, nullable=True),
        enum_check("size", CitySize, nullable=True),
        CheckConstraint("level = 'city' OR kind IS NOT NULL", name="district_has_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    level: Mapped[PlaceLevel] = mapped_column(EnumColumn(PlaceLevel, 16))
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name_zh_hans: Mapped[str] = mapped_column(String(80))
    name_zh_hant: Mapped[str] = mapped_column(String(80), default="")
    name_en: Mapped[str] = mapped_column(String(120), default="")
    kind: Mapped[DistrictKind | None] = mapped_column(EnumColumn(DistrictKind, 24))
    terrain: Mapped[Terrain] = mapped_column(EnumColumn(Terrain, 16))
    region: Mapped[Region] = mapped_column(EnumColumn(Region, 16))
    moisture: Mapped[Moisture] = mapped_column(EnumColumn(Moisture, 16))
    size: Mapped[CitySize | None] = mapped_column(EnumColumn(CitySize, 16))
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
