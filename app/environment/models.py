"""Monitoring sites (air stations, water sections, drinking-water sources), the values they report, and the
daily, monthly and yearly tables that public pages read.

Hourly air values are labelled by the END of their hour, as the national monitoring centre (CNEMC) publishes
them: `observed_at` 01:00 (Beijing time, stored in UTC) holds 00:00–01:00. A station-day is a Beijing calendar
day. Pages never scan hours: they read `air_days` (one row per station and day), `air_place_days` (the city's
and each district's daily values, the mean over their stations) and `air_place_periods` (a month "2025-03" or a
year "2025" per place, evaluated by HJ 663-2013). These are rebuilt from the values whenever values change.

Every value has a state: provisional (实时, unaudited) or validated (审核后). A validated value replaces a
provisional one; what it replaced is kept in `measurement_revisions`.
"""
from collections.abc import Mapping
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (Boolean, CheckConstraint, Date, Float, ForeignKey, Index, Integer, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db_types import UTCDateTime, utcnow
from app.enums import EnumColumn, TitledEnum, enum_check
from app.environment import drinking, water
from app.environment.measured import Measured
from app.extensions import db
from app.i18n import localized
from app.org.models import Bureau, Place


class ControlLevel(TitledEnum):
    """Who runs and assesses the site: the city value is the mean over national and provincial stations."""

    NATIONAL = "national", _l("National control")
    PROVINCIAL = "provincial", _l("Provincial control")
    MUNICIPAL = "municipal", _l("Municipal control")

    @property
    def counts_for_city(self) -> bool:
        return self in (ControlLevel.NATIONAL, ControlLevel.PROVINCIAL)


class WaterBody(TitledEnum):
    RIVER = "river", _l("River")
    LAKE = "lake", _l("Lake or reservoir")


class SourceKind(TitledEnum):
    SURFACE = "surface", _l("Surface water")
    GROUND = "ground", _l("Groundwater")


class DataState(TitledEnum):
    PROVISIONAL = "provisional", _l("Provisional (real-time, not yet audited)")
    VALIDATED = "validated", _l("Validated (audited)")


class DataOrigin(TitledEnum):
    IMPORT = "import", _l("File import")
    PUSH = "push", _l("Automatic station (API)")
    COMPUTED = "computed", _l("Computed from hourly values")
    DEMO = "demo", _l("Demonstration data")


class SiteMixin:
    """What every monitoring site has: a code, names in three languages, a district, a point, a bureau."""

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name_zh_hans: Mapped[str] = mapped_column(String(120))
    name_zh_hant: Mapped[str] = mapped_column(String(120), default="")
    name_en: Mapped[str] = mapped_column(String(200), default="")
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def name(self) -> str:
        return localized(self, "name")

    def _site_state(self) -> dict:
        return {"code": self.code, "name_zh_hans": self.name_zh_hans, "name_zh_hant": self.name_zh_hant,
                "name_en": self.name_en, "latitude": self.latitude, "longitude": self.longitude,
                "place_id": self.place_id, "bureau_id": self.bureau_id, "sort_order": self.sort_order,
                "active": self.active}


class AirStation(SiteMixin, db.Model):
    """An ambient air monitoring station (空气自动监测站)."""

    __tablename__ = "air_stations"
    __table_args__ = (enum_check("control_level", ControlLevel),)

    control_level: Mapped[ControlLevel] = mapped_column(EnumColumn(ControlLevel, 16))
    # The district the station stands in; its bureau is the one whose editors manage it and its data.
    place_id: Mapped[int] = mapped_column(ForeignKey("places.id"))
    bureau_id: Mapped[int] = mapped_column(ForeignKey("bureaus.id"))

    place: Mapped[Place] = relationship()
    bureau: Mapped[Bureau] = relationship()

    def audit_state(self) -> dict:
        return {**self._site_state(), "control_level": self.control_level}

    def __repr__(self) -> str:
        return f"<AirStation {self.code}>"


class WaterSection(SiteMixin, db.Model):
    """A surface-water monitoring section (断面) with the class it must meet (水质目标)."""

    __tablename__ = "water_sections"
    __table_args__ = (
        enum_check("control_level", ControlLevel),
        enum_check("body", WaterBody),
        CheckConstraint("target_class BETWEEN 1 AND 5", name="target_class_valid"),
    )

    control_level: Mapped[ControlLevel] = mapped_column(EnumColumn(ControlLevel, 16))
    body: Mapped[WaterBody] = mapped_column(EnumColumn(WaterBody, 8))
    # The river or lake the section lies on (stored per locale, as admins type it).
    water_zh_hans: Mapped[str] = mapped_column(String(120))
    water_zh_hant: Mapped[str] = mapped_column(String(120), default="")
    water_en: Mapped[str] = mapped_column(String(200), default="")
    # GB 3838-2002 class Ⅰ..Ⅴ as 1..5.
    target_class: Mapped[int] = mapped_column(Integer)
    place_id: Mapped[int] = mapped_column(ForeignKey("places.id"))
    bureau_id: Mapped[int] = mapped_column(ForeignKey("bureaus.id"))

    place: Mapped[Place] = relationship()
    bureau: Mapped[Bureau] = relationship()

    @property
    def water(self) -> str:
        return localized(self, "water")

    def audit_state(self) -> dict:
        return {**self._site_state(), "control_level": self.control_level, "body": self.body,
                "water_zh_hans": self.water_zh_hans, "water_zh_hant": self.water_zh_hant,
                "water_en": self.water_en, "target_class": self.target_class}

    def __repr__(self) -> str:
        return f"<WaterSection {self.code}>"


class DrinkingSource(SiteMixin, db.Model):
    """A centralised drinking-water source (集中式饮用水水源地)."""

    __tablename__ = "drinking_sources"
    __table_args__ = (
        enum_check("kind", SourceKind),
        enum_check("body", WaterBody, nullable=True),
        CheckConstraint("(kind = 'surface') = (body IS NOT NULL)", name="body_for_surface_only"),
    )

    kind: Mapped[SourceKind] = mapped_column(EnumColumn(SourceKind, 8))
    # A surface source lies on a river or on a lake or reservoir (湖、库), which GB 3838-2002 gives stricter total
    # phosphorus limits; a groundwater source has none.
    body: Mapped[WaterBody | None] = mapped_column(EnumColumn(WaterBody, 8))
    place_id: Mapped[int] = mapped_column(ForeignKey("places.id"))
    bureau_id: Mapped[int] = mapped_column(ForeignKey("bureaus.id"))

    place: Mapped[Place] = relationship()
    bureau: Mapped[Bureau] = relationship()

    def audit_state(self) -> dict:
        return {**self._site_state(), "kind": self.kind, "body": self.body}

    def evaluate(self, values: Mapping[str, Measured]) -> drinking.SourceResult:
        """One sample judged by the standard of this source: its kind and, for a surface source, its water body."""
        body = water.BodyKind.LAKE if self.body == WaterBody.LAKE else water.BodyKind.RIVER
        return drinking.evaluate_source(values, drinking.SourceKind(self.kind.value), body)

    def __repr__(self) -> str:
        return f"<DrinkingSource {self.code}>"


class AirValues:
    """The six items' concentrations (μg/m³; CO in mg/m³), None where not measured or invalid."""

    so2: Mapped[float | None] = mapped_column(Float)
    no2: Mapped[float | None] = mapped_column(Float)
    co: Mapped[float | None] = mapped_column(Float)
    pm10: Mapped[float | None] = mapped_column(Float)
    pm25: Mapped[float | None] = mapped_column(Float)
    # AQI as published for the row, and its primary pollutants as Pollutant values joined by "," (enum order).
    aqi: Mapped[int | None] = mapped_column(Integer)
    primary_pollutants: Mapped[str] = mapped_column(String(40), default="")


class AirHour(AirValues, db.Model):
    """One station-hour, labelled by the end of the hour (see the module docstring)."""

    __tablename__ = "air_hours"
    __table_args__ = (
        UniqueConstraint("station_id", "observed_at", name="uq_air_hours_station_hour"),
        enum_check("state", DataState),
        enum_check("origin", DataOrigin),
        CheckConstraint("coalesce(so2, 0) >= 0 AND coalesce(no2, 0) >= 0 AND coalesce(co, 0) >= 0 AND "
                        "coalesce(o3, 0) >= 0 AND coalesce(pm10, 0) >= 0 AND coalesce(pm25, 0) >= 0",
                        name="not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("air_stations.id"))
    observed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # O3 1-hour concentration (the hourly report uses 1-hour values for every item).
    o3: Mapped[float | None] = mapped_column(Float)
    state: Mapped[DataState] = mapped_column(EnumColumn(DataState, 16))
    origin: Mapped[DataOrigin] = mapped_column(EnumColumn(DataOrigin, 16))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    station: Mapped[AirStation] = relationship()


class AirDayValues(AirValues):
    """A day's values: 24-hour means, and O3 as its daily maximum 1-hour and maximum 8-hour values."""

    o3_1h_max: Mapped[float | None] = mapped_column(Float)
    o3_8h_max: Mapped[float | None] = mapped_column(Float)


class AirDay(AirDayValues, db.Model):
    """One station-day: computed from the station's hours, or imported as the centre's daily values (an imported
    day is kept as given and not recomputed from hours)."""

    __tablename__ = "air_days"
    __table_args__ = (
        UniqueConstraint("station_id", "day", name="uq_air_days_station_day"),
        enum_check("state", DataState),
        enum_check("origin", DataOrigin),
        Index("ix_air_days_day", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("air_stations.id"))
    day: Mapped[date] = mapped_column(Date)
    state: Mapped[DataState] = mapped_column(EnumColumn(DataState, 16))
    origin: Mapped[DataOrigin] = mapped_column(EnumColumn(DataOrigin, 16))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    station: Mapped[AirStation] = relationship()


class AirPlaceDay(AirDayValues, db.Model):
    """The city's or a district's day: each item the mean over its stations' valid days (the city over its
    national and provincial stations, a district over the stations in it), the AQI computed from those means."""

    __tablename__ = "air_place_days"
    __table_args__ = (
        UniqueConstraint("place_id", "day", name="uq_air_place_days_place_day"),
        Index("ix_air_place_days_day", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    place_id: Mapped[int] = mapped_column(ForeignKey("places.id"))
    day: Mapped[date] = mapped_column(Date)
    stations: Mapped[int] = mapped_column(Integer)
    # True while any station-day behind it is still provisional.
    provisional: Mapped[bool] = mapped_column(Boolean)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    place: Mapped[Place] = relationship()


class AirPlacePeriod(db.Model):
    """A place's month ("2025-03") or year ("2025") evaluated by HJ 663-2013: the figures of the monthly
    ranking, the yearly bulletin and indicator 7."""

    __tablename__ = "air_place_periods"
    __table_args__ = (UniqueConstraint("place_id", "period", name="uq_air_place_periods_place_period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    place_id: Mapped[int] = mapped_column(ForeignKey("places.id"))
    period: Mapped[str] = mapped_column(String(7))
    so2: Mapped[float | None] = mapped_column(Float)
    no2: Mapped[float | None] = mapped_column(Float)
    pm10: Mapped[float | None] = mapped_column(Float)
    pm25: Mapped[float | None] = mapped_column(Float)
    co_p95: Mapped[float | None] = mapped_column(Float)
    o3_8h_p90: Mapped[float | None] = mapped_column(Float)
    valid_days: Mapped[int] = mapped_column(Integer)
    good_days: Mapped[int] = mapped_column(Integer)
    # Days per AQI category level 1..6, as "n1,n2,n3,n4,n5,n6".
    days_by_level: Mapped[str] = mapped_column(String(48))
    good_ratio: Mapped[float | None] = mapped_column(Float)
    composite_index: Mapped[float | None] = mapped_column(Float)
    meets_grade2: Mapped[bool | None] = mapped_column(Boolean)
    # A year with enough valid days (GB 3095-2012 table 4); always False for a month.
    annual_valid: Mapped[bool] = mapped_column(Boolean, default=False)
    provisional: Mapped[bool] = mapped_column(Boolean)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    place: Mapped[Place] = relationship()


class WaterSample(db.Model):
    """One evaluated sample: a section's month ("2025-03") or a drinking-water source's quarter ("2025Q1").
    The class (sections) or compliance (sources) is computed from its values when they are recorded."""

    __tablename__ = "water_samples"
    __table_args__ = (
        CheckConstraint("(section_id IS NULL) <> (source_id IS NULL)", name="one_site"),
        UniqueConstraint("section_id", "period", name="uq_water_samples_section_period"),
        UniqueConstraint("source_id", "period", name="uq_water_samples_source_period"),
        enum_check("state", DataState),
        enum_check("origin", DataOrigin),
        CheckConstraint("water_class IS NULL OR water_class BETWEEN 1 AND 6", name="water_class_valid"),
        Index("ix_water_samples_period", "period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int | None] = mapped_column(ForeignKey("water_sections.id"))
    source_id: Mapped[int | None] = mapped_column(ForeignKey("drinking_sources.id"))
    period: Mapped[str] = mapped_column(String(7))
    sampled_on: Mapped[date | None] = mapped_column(Date)
    state: Mapped[DataState] = mapped_column(EnumColumn(DataState, 16))
    origin: Mapped[DataOrigin] = mapped_column(EnumColumn(DataOrigin, 16))
    # Sections: GB 3838-2002 class 1..5, 6 = 劣Ⅴ; whether it meets the section's target; the exceeding items
    # as "item:multiple" joined by "," (multiple empty for dissolved oxygen).
    water_class: Mapped[int | None] = mapped_column(Integer)
    meets_target: Mapped[bool | None] = mapped_column(Boolean)
    exceeding: Mapped[str] = mapped_column(String(400), default="")
    # Sources: whether every item met its limit; the failing items as "item" joined by ",".
    compliant: Mapped[bool | None] = mapped_column(Boolean)
    failing: Mapped[str] = mapped_column(String(400), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    section: Mapped[WaterSection | None] = relationship()
    source: Mapped[DrinkingSource | None] = relationship()
    values: Mapped[list["WaterValue"]] = relationship(back_populates="sample", cascade="all, delete-orphan",
                                                      order_by="WaterValue.id")


class WaterValue(db.Model):
    """One item of a sample, kept as reported: "0.01L" (below the detection limit 0.01) stays below detection."""

    __tablename__ = "water_values"
    __table_args__ = (
        UniqueConstraint("sample_id", "item", name="uq_water_values_sample_item"),
        CheckConstraint("value >= 0", name="not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sample_id: Mapped[int] = mapped_column(ForeignKey("water_samples.id", ondelete="CASCADE"))
    item: Mapped[str] = mapped_column(String(24))
    reported: Mapped[str] = mapped_column(String(24))
    # The number in `reported` (the detection limit when below it).
    value: Mapped[float] = mapped_column(Float)
    below_detection: Mapped[bool] = mapped_column(Boolean, default=False)

    sample: Mapped[WaterSample] = relationship(back_populates="values")


class MeasurementRevision(db.Model):
    """What a newer value replaced (a validated value over a provisional one, a corrected import): the old
    values as JSON, so that a published figure's history can be shown and audited."""

    __tablename__ = "measurement_revisions"
    __table_args__ = (
        CheckConstraint("kind IN ('air_hour', 'air_day', 'water_sample')", name="kind_valid"),
        enum_check("previous_state", DataState),
        enum_check("new_state", DataState),
        Index("ix_measurement_revisions_record", "kind", "record_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    record_id: Mapped[int] = mapped_column(Integer)
    previous: Mapped[str] = mapped_column(Text)
    previous_state: Mapped[DataState] = mapped_column(EnumColumn(DataState, 16))
    new_state: Mapped[DataState] = mapped_column(EnumColumn(DataState, 16))
    # Who brought the new value: "user:<id>", "key:<id>" or "demo".
    replaced_by: Mapped[str] = mapped_column(String(40))
    replaced_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class StationKey(db.Model):
    """An API key with which automatic stations push their values; only its SHA-256 digest is stored."""

    __tablename__ = "station_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    # Stations of this bureau may push with the key.
    bureau_id: Mapped[int] = mapped_column(ForeignKey("bureaus.id"))
    key_digest: Mapped[str] = mapped_column(String(64), unique=True)
    # The key's first characters, to recognise it in lists.
    prefix: Mapped[str] = mapped_column(String(12))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    bureau: Mapped[Bureau] = relationship()

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def audit_state(self) -> dict:
        return {"name": self.name, "bureau_id": self.bureau_id, "prefix": self.prefix,
                "revoked": self.revoked_at is not None}
