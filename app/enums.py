"""Enums whose members carry a translated title, and the column type that stores them by value.

A member is declared with its title: `SUBMITTED = "submitted", _l("Received")`. The column type
(`EnumColumn`, after Indico's PyIntEnum) stores the value in a plain VARCHAR (the schema is unchanged) and gives
members back; a string assigned to such an attribute becomes the member at once, so templates can always ask
`tip.state.title`. The CHECK constraint listing the values comes from the enum too (`enum_check`)."""
from enum import StrEnum
from functools import partial
from typing import Any

from sqlalchemy import CheckConstraint, String, event
from sqlalchemy.orm import Mapper
from sqlalchemy.types import TypeDecorator


class TitledEnum(StrEnum):
    """A string enum with a translated title per member (the value when none is given)."""

    _title: object

    def __new__(cls, value: str, title: object = None) -> "TitledEnum":
        member = str.__new__(cls, value)
        member._value_ = value
        member._title = title
        return member

    @property
    def title(self) -> str:  # type: ignore[override]  # str.title is a method; members are labels
        return self._title if self._title is not None else self.value  # type: ignore[return-value]

    @classmethod
    def choices(cls) -> list[tuple[str, object]]:
        """(value, title) pairs for a form's select field, in declaration order."""
        return [(member.value, member.title) for member in cls]

    @classmethod
    def values(cls) -> list[str]:
        return [member.value for member in cls]


class EnumColumn(TypeDecorator[StrEnum]):
    """A StrEnum stored by value in a VARCHAR of `length`; reads give members, writes take members or values."""

    impl = String
    cache_ok = True

    def __init__(self, enum: type[StrEnum], length: int) -> None:
        super().__init__(length)
        self.enum = enum

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        if value is None:
            return None
        return self.enum(value).value  # an unknown value is refused here, before the database's CHECK

    def process_result_value(self, value: Any, dialect: Any) -> StrEnum | None:
        return None if value is None else self.enum(value)

    def coerce_compared_value(self, op: Any, value: Any) -> "EnumColumn":
        return self  # comparisons with plain strings bind through the enum too


def enum_check(column: str, enum: type[StrEnum], *, name: str | None = None, nullable: bool = False) -> CheckConstraint:
    """`column IN (…every value…)`, named as the migrations named it (`<column>_valid` unless given)."""
    values = ", ".join(f"'{member.value}'" for member in enum)
    condition = f"{column} IN ({values})"
    if nullable:
        condition = f"{column} IS NULL OR {condition}"
    return CheckConstraint(condition, name=name or f"{column}_valid")


def _to_member(enum: type[StrEnum], target: Any, value: Any, oldvalue: Any, initiator: Any) -> StrEnum | None:
    return None if value is None else enum(value)


@event.listens_for(Mapper, "mapper_configured")
def _coerce_on_set(mapper: Mapper[Any], cls: type) -> None:
    """Attributes of an EnumColumn hold members, also between an assignment of a plain value and the next load."""
    for prop in mapper.column_attrs:
        column_type = getattr(prop.columns[0], "type", None)
        if isinstance(column_type, EnumColumn) and prop.parent is mapper:
            event.listen(getattr(cls, prop.key), "set", partial(_to_member, column_type.enum), retval=True)
