"""Indicator catalogues (versions → domains → task groups → indicators → measures) and reported values."""
from datetime import datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as pgettext  # the name pybabel's default keywords extract (with the context)
from sqlalchemy import (Boolean, CheckConstraint, ForeignKey, Index, Integer, Numeric, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.db_types import UTCDateTime, utcnow
from app.enums import EnumColumn, TitledEnum, enum_check
from app.extensions import db
from app.i18n import localized
from app.org.models import Bureau, Place


class IndicatorProperty(TitledEnum):
    BINDING = "binding", _l("Binding")          # 约束性
    REFERENCE = "reference", _l("Reference")    # 参考性


class IndicatorScope(TitledEnum):
    CITY = "city", _l("City")                   # 市
    COUNTY = "county", _l("County")             # 县
    BOTH = "both", _l("City and county")        # 市县

    def applies_to(self, place: Place) -> bool:
        return self == IndicatorScope.BOTH or (self == IndicatorScope.CITY) == place.is_city


class DataSource(TitledEnum):
    ENTERED = "entered", _l("Entered by the lead bureau")
    COMPUTED = "computed", _l("Computed by this site")  # supplied by a module of this site (surveys, notices)


class ValueState(TitledEnum):
    DRAFT = "draft", _l("Draft")
    SUBMITTED = "submitted", _l("Awaiting review")
    APPROVED = "approved", _l("Approved")
    RETURNED = "returned", _l("Returned")
    SUPERSEDED = "superseded", _l("Superseded")

    @property
    def is_editable(self) -> bool:
        """A draft, or a value returned to its editor: the editor may still change it."""
        return self in (ValueState.DRAFT, ValueState.RETURNED)

    @property
    def is_published(self) -> bool:
        """Approved, or approved once and since corrected: public, with its evidence."""
        return self in (ValueState.APPROVED, ValueState.SUPERSEDED)


# Only-where-relevant indicators (近岸海域…, 海岸生态修复, 自然岸线保有率, 草原综合植被盖度) are recognised by their
# name; the place's attribute then decides whether they apply. The official tables mark these rows with a note
# ("沿海地区", "*"), not a column, so the catalogue carries only the only_where_relevant flag.
RELEVANCE_KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("coastal", ("近岸海域", "海岸", "滨海", "海域", "自然岸线")),
    ("has_grassland", ("草原",)),
)


class LocalizedName:
    @property
    def name(self) -> str:
        return localized(self, "name")


class IndicatorCatalogue(LocalizedName, db.Model):
    """One version of the official indicator table (2019, 2021, 2024-city…) and the years judged under it."""

    __tablename__ = "indicator_catalogues"
    __table_args__ = (CheckConstraint("last_year IS NULL OR last_year >= first_year", name="years_ordered"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name_zh_hans: Mapped[str] = mapped_column(String(200))
    name_zh_hant: Mapped[str] = mapped_column(String(200), default="")
    name_en: Mapped[str] = mapped_column(String(300), default="")
    document: Mapped[str] = mapped_column(String(200), default="")  # e.g. 环生态〔2019〕76号
    first_year: Mapped[int] = mapped_column(Integer)
    last_year: Mapped[int | None] = mapped_column(Integer)
    # What is known of this version's text and what is not (e.g. "the 2024 table was not found in full").
    note_zh_hans: Mapped[str] = mapped_column(Text, default="")
    note_zh_hant: Mapped[str] = mapped_column(Text, default="")
    note_en: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    domains: Mapped[list["IndicatorDomain"]] = relationship(back_populates="catalogue",
                                                           order_by="IndicatorDomain.sort_order")


UNCONFIRMABLE_CELLS = ("name", "unit", "target", "property", "scope")


class IndicatorDomain(LocalizedName, db.Model):
    """A domain (领域) such as 生态制度."""

    __tablename__ = "indicator_domains"
    __table_args__ = (UniqueConstraint("catalogue_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    catalogue_id: Mapped[int] = mapped_column(ForeignKey("indicator_catalogues.id"))
    code: Mapped[str] = mapped_column(String(32))
    name_zh_hans: Mapped[str] = mapped_column(String(80))
    name_zh_hant: Mapped[str] = mapped_column(String(80), default="")
    name_en: Mapped[str] = mapped_column(String(120), default="")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)

    catalogue: Mapped[IndicatorCatalogue] = relationship(back_populates="domains")
    task_groups: Mapped[list["IndicatorTaskGroup"]] = relationship(back_populates="domain",
                                                                  order_by="IndicatorTaskGroup.sort_order")


class IndicatorTaskGroup(LocalizedName, db.Model):
    """A task group (任务) such as (一)目标责任体系与制度建设."""

    __tablename__ = "indicator_task_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    domain_id: Mapped[int] = mapped_column(ForeignKey("indicator_domains.id"))
    name_zh_hans: Mapped[str] = mapped_column(String(120))
    name_zh_hant: Mapped[str] = mapped_column(String(120), default="")
    name_en: Mapped[str] = mapped_column(String(200), default="")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)

    domain: Mapped[IndicatorDomain] = relationship(back_populates="task_groups")
    indicators: Mapped[list["Indicator"]] = relationship(back_populates="task_group",
                                                         order_by="Indicator.sort_order")


class Indicator(LocalizedName, db.Model):
    """One indicator of a catalogue; judged through one measure, or one per sub-indicator."""

    __tablename__ = "indicators"
    __table_args__ = (
        UniqueConstraint("catalogue_id", "code"),
        enum_check("property", IndicatorProperty, name="property_valid", nullable=True),
        enum_check("scope", IndicatorScope, name="scope_valid"),
        enum_check("data_source", DataSource, name="data_source_valid"),
        CheckConstraint("data_source = 'entered' OR provider IS NOT NULL", name="computed_has_provider"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    catalogue_id: Mapped[int] = mapped_column(ForeignKey("indicator_catalogues.id"), index=True)
    task_group_id: Mapped[int] = mapped_column(ForeignKey("indicator_task_groups.id"))
    code: Mapped[str] = mapped_column(String(32))  # the row number in the official table, e.g. "7"
    name_zh_hans: Mapped[str] = mapped_column(String(200))
    name_zh_hant: Mapped[str] = mapped_column(String(200), default="")
    name_en: Mapped[str] = mapped_column(String(300), default="")
    definition_zh_hans: Mapped[str] = mapped_column(Text, default="")
    definition_zh_hant: Mapped[str] = mapped_column(Text, default="")
    definition_en: Mapped[str] = mapped_column(Text, default="")
    property_type: Mapped[IndicatorProperty | None] = mapped_column(  # 指标属性
        "property", EnumColumn(IndicatorProperty, 16))
    scope: Mapped[IndicatorScope] = mapped_column(EnumColumn(IndicatorScope, 16))
    lead_bureau_id: Mapped[int | None] = mapped_column(ForeignKey("bureaus.id"), index=True)
    data_source: Mapped[DataSource] = mapped_column(EnumColumn(DataSource, 16), default=DataSource.ENTERED)
    # Key of the module that computes the value ("surveys.satisfaction", "notices.disclosure_rate").
    provider: Mapped[str | None] = mapped_column(String(64))
    # Indicators such as coastal ones that apply only where relevant; a place marks them not applicable.
    only_where_relevant: Mapped[bool] = mapped_column(Boolean, default=False)
    # Cells of this row not confirmed against the official text, comma-separated (UNCONFIRMABLE_CELLS);
    # a measure's own unit and target are flagged on the measure.
    unconfirmed: Mapped[str] = mapped_column(String(100), default="")
    source_note_zh_hans: Mapped[str] = mapped_column(Text, default="")
    source_note_zh_hant: Mapped[str] = mapped_column(Text, default="")
    source_note_en: Mapped[str] = mapped_column(Text, default="")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)

    catalogue: Mapped[IndicatorCatalogue] = relationship()
    task_group: Mapped[IndicatorTaskGroup] = relationship(back_populates="indicators")
    lead_bureau: Mapped[Bureau | None] = relationship()
    # The measures of the official table (one per sub-indicator), in order. The measures that hold the higher
    # authority's target for a computed measure (IndicatorMeasure.target_of) are not among them.
    measures: Mapped[list["IndicatorMeasure"]] = relationship(
        primaryjoin="and_(Indicator.id == IndicatorMeasure.indicator_id, IndicatorMeasure.target_of_id.is_(None))",
        order_by="IndicatorMeasure.sort_order", viewonly=True)

    @property
    def definition(self) -> str:
        return localized(self, "definition")

    @property
    def is_computed(self) -> bool:
        return self.data_source == DataSource.COMPUTED

    @property
    def has_computed_measures(self) -> bool:
        """An entered indicator some of whose measures this site computes, each by its own provider (indicator
        7's 优良天数比例 from the air data), while the lead bureau enters the rest and the higher authority's
        targets."""
        return not self.is_computed and any(m.provider for m in self.measures)

    @property
    def entered_measures(self) -> list["IndicatorMeasure"]:
        """What the lead bureau enters by hand, in table order: each measure not computed, and for each computed
        measure the measure holding the target the higher authority set for it, if it has one."""
        if self.is_computed:
            return []
        entered: list[IndicatorMeasure] = []
        for measure in self.measures:
            if not measure.provider:
                entered.append(measure)
            elif measure.assigned_target is not None:
                entered.append(measure.assigned_target)
        return entered

    def is_unconfirmed(self, cell: str) -> bool:
        """Whether a cell of the row (name, property, scope) is not confirmed against the official text."""
        return cell in self.unconfirmed.split(",")

    @property
    def any_unconfirmed(self) -> bool:
        """Whether any cell of the row, or any measure's unit or target, is unconfirmed."""
        return bool(self.unconfirmed) or any(m.unconfirmed for m in self.measures)

    @property
    def relevance_attribute(self) -> str | None:
        """For an only-where-relevant indicator, the place attribute that decides whether it applies
        ("coastal", "has_grassland"); None when its name names neither (a value then marks it not applicable,
        with a reason)."""
        if not self.only_where_relevant:
            return None
        return next((attribute for attribute, words in RELEVANCE_KEYWORDS
                     if any(word in self.name_zh_hans for word in words)), None)

    def applies_to(self, place: Place) -> bool:
        """In scope for the place (市/县) and, where relevant only, relevant there (a coastal indicator applies
        only to a coastal place): decided by the place's attributes, never by a typed value."""
        if not self.scope.applies_to(place):
            return False
        attribute = self.relevance_attribute
        return attribute is None or bool(getattr(place, attribute))


class IndicatorMeasure(LocalizedName, db.Model):
    """What is reported and judged: the indicator itself, or one of its sub-indicators, with its target."""

    __tablename__ = "indicator_measures"
    __table_args__ = (
        UniqueConstraint("indicator_id", "code"),
        CheckConstraint("provider IS NULL OR target_of_id IS NULL", name="computed_or_target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id"), index=True)
    code: Mapped[str] = mapped_column(String(32))  # "7" or "7.1"
    name_zh_hans: Mapped[str] = mapped_column(String(200))
    name_zh_hant: Mapped[str] = mapped_column(String(200), default="")
    name_en: Mapped[str] = mapped_column(String(300), default="")
    unit: Mapped[str] = mapped_column(String(40), default="")
    # The target as written in the official table; parsed by app.indicators.rules.
    target: Mapped[str] = mapped_column(String(300))
    higher_is_better: Mapped[bool] = mapped_column(Boolean, default=True)
    # "unit", "target" or "unit,target" when that cell is not confirmed against the official text.
    unconfirmed: Mapped[str] = mapped_column(String(40), default="")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    # Key of the module that computes this measure by itself ("environment.good_air_days"), in an indicator whose
    # other measures are entered; None when the measure is entered, or computed with its whole indicator.
    provider: Mapped[str | None] = mapped_column(String(64))
    # Set on the measure whose values are the target the higher authority set, per place and year, for a
    # computed measure whose official target is "完成上级规定的考核任务…": entered and reviewed like any value,
    # and not one of the indicator's measures (Indicator.measures).
    target_of_id: Mapped[int | None] = mapped_column(ForeignKey("indicator_measures.id"), unique=True)

    indicator: Mapped[Indicator] = relationship()
    target_of: Mapped["IndicatorMeasure | None"] = relationship(remote_side=[id], back_populates="assigned_target")
    assigned_target: Mapped["IndicatorMeasure | None"] = relationship(back_populates="target_of", uselist=False)

    def is_unconfirmed(self, cell: str) -> bool:
        """Whether this measure's unit or target is not confirmed against the official text."""
        return cell in self.unconfirmed.split(",")

    @property
    def is_computed(self) -> bool:
        """Computed by this site, by its own provider or with its whole indicator; never entered by hand."""
        return bool(self.provider) or (self.target_of_id is None and self.indicator.is_computed)

    @property
    def computed_by(self) -> str | None:
        """The provider key the measure's values come from, or None when they are entered."""
        if self.provider:
            return self.provider
        return self.indicator.provider if self.target_of_id is None and self.indicator.is_computed else None


class IndicatorValue(db.Model):
    """A reported value of one measure for one place and period. Approved versions are never overwritten:
    a correction is a new version that supersedes the old one, with a reason."""

    __tablename__ = "indicator_values"
    __table_args__ = (
        UniqueConstraint("measure_id", "place_id", "period", "version"),
        enum_check("state", ValueState, name="state_valid"),
        CheckConstraint("version >= 1", name="version_positive"),
        CheckConstraint("NOT not_applicable OR length(not_applicable_reason) > 0", name="not_applicable_has_reason"),
        Index("ix_indicator_values_lookup", "period", "state", "measure_id", "place_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("indicator_measures.id"))
    place_id: Mapped[int] = mapped_column(ForeignKey("places.id"), index=True)
    period: Mapped[str] = mapped_column(String(7))  # "2025", "2025-Q3" or "2025-07"
    version: Mapped[int] = mapped_column(Integer, default=1)
    state: Mapped[ValueState] = mapped_column(EnumColumn(ValueState, 16), default=ValueState.DRAFT)
    numeric_value: Mapped[Decimal | None] = mapped_column(Numeric(18, 4))
    state_value: Mapped[str | None] = mapped_column(String(40))  # a qualitative state such as 建立
    task_completed: Mapped[bool | None] = mapped_column(Boolean)  # "完成上级规定的考核任务", confirmed
    not_applicable: Mapped[bool] = mapped_column(Boolean, default=False)
    not_applicable_reason: Mapped[str] = mapped_column(String(500), default="")
    evidence: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(300), default="")
    correction_reason: Mapped[str] = mapped_column(String(500), default="")
    review_comment: Mapped[str] = mapped_column(String(1000), default="")
    # Computed values: how, from how many answers, and when.
    computed: Mapped[bool] = mapped_column(Boolean, default=False)
    method: Mapped[str] = mapped_column(String(500), default="")
    sample_size: Mapped[int | None] = mapped_column(Integer)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    measure: Mapped[IndicatorMeasure] = relationship()
    place: Mapped[Place] = relationship()
    entered_by: Mapped[User | None] = relationship(foreign_keys=[entered_by_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])

    def audit_state(self) -> dict:
        return {
            "measure_id": self.measure_id, "place_id": self.place_id, "period": self.period,
            "version": self.version, "state": self.state,
            "numeric_value": str(self.numeric_value) if self.numeric_value is not None else None,
            "state_value": self.state_value, "task_completed": self.task_completed,
            "not_applicable": self.not_applicable, "not_applicable_reason": self.not_applicable_reason,
            "source": self.source, "correction_reason": self.correction_reason,
            "review_comment": self.review_comment, "computed": self.computed,
        }


class IndicatorEvidenceFile(db.Model):
    """A document or photo attached to one version of a value (public once that version is approved)."""

    __tablename__ = "indicator_evidence_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    value_id: Mapped[int] = mapped_column(ForeignKey("indicator_values.id"), index=True)
    original_name: Mapped[str] = mapped_column(String(200))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    value: Mapped[IndicatorValue] = relationship()


class IndicatorGeneration(db.Model):
    """A counter bumped in the same transaction as every write that can change a public status (values,
    catalogues, places, bureaus); the public pages cache their judgements under it (app.indicators.cache).
    One row, id 1, created by the first bump."""

    __tablename__ = "indicator_generations"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    generation: Mapped[int] = mapped_column(Integer, default=0)


class PreconditionStatus(TitledEnum):
    """Where a place stands on one precondition (基本条件) in one year, as the office recorded it.
    符合 / 不符合: a precondition is fulfilled or not, not "reached" (达标) like an indicator."""

    MET = "met", pgettext("precondition", "Met")                # 符合
    NOT_MET = "not_met", pgettext("precondition", "Not met")    # 不符合
    PENDING = "pending", _l("Being verified")                   # 待核实: looked at, not yet settled


class IndicatorPrecondition(LocalizedName, db.Model):
    """A precondition (基本条件) of the programme a catalogue belongs to: checked before any indicator, since
    a place that fails one cannot be named whatever its indicators show (e.g. a major environmental incident)."""

    __tablename__ = "indicator_preconditions"
    __table_args__ = (UniqueConstraint("catalogue_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    catalogue_id: Mapped[int] = mapped_column(ForeignKey("indicator_catalogues.id"), index=True)
    code: Mapped[str] = mapped_column(String(32))
    name_zh_hans: Mapped[str] = mapped_column(String(300))
    name_zh_hant: Mapped[str] = mapped_column(String(300), default="")
    name_en: Mapped[str] = mapped_column(String(400), default="")
    # Where the condition is written (document and article), shown beside it.
    source: Mapped[str] = mapped_column(String(300), default="")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)

    catalogue: Mapped[IndicatorCatalogue] = relationship()


class PreconditionCheck(db.Model):
    """The office's finding on one precondition for one place and year, with its evidence or notes. Changed
    in place by the office; every change is in the audit log with the before and after."""

    __tablename__ = "precondition_checks"
    __table_args__ = (
        UniqueConstraint("precondition_id", "place_id", "year"),
        enum_check("status", PreconditionStatus, name="status_valid"),
        CheckConstraint("status = 'pending' OR length(notes) > 0", name="finding_has_notes"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    precondition_id: Mapped[int] = mapped_column(ForeignKey("indicator_preconditions.id"))
    place_id: Mapped[int] = mapped_column(ForeignKey("places.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    status: Mapped[PreconditionStatus] = mapped_column(EnumColumn(PreconditionStatus, 16))
    notes: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    precondition: Mapped[IndicatorPrecondition] = relationship()
    place: Mapped[Place] = relationship()
    recorded_by: Mapped[User | None] = relationship()

    def audit_state(self) -> dict:
        return {"precondition_id": self.precondition_id, "place_id": self.place_id, "year": self.year,
                "status": self.status, "notes": self.notes}
