"""Titled enums and the enum column type: members with their titles, stored by value, read back as members."""
import pytest
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import create_engine, select
from sqlalchemy.exc import StatementError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from app.enums import EnumColumn, TitledEnum, enum_check


class Colour(TitledEnum):
    RED = "red", _l("Closed")  # a msgid the catalogues translate, to see the title follow the locale
    PLAIN = "plain"


class Base(DeclarativeBase):
    pass


class Thing(Base):
    __tablename__ = "things"
    __table_args__ = (enum_check("colour", Colour),)

    id: Mapped[int] = mapped_column(primary_key=True)
    colour: Mapped[Colour] = mapped_column(EnumColumn(Colour, 8))
    shade: Mapped[Colour | None] = mapped_column(EnumColumn(Colour, 8), nullable=True)


@pytest.fixture
def things():
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        yield session


def test_a_member_is_its_value_and_carries_its_title(app):
    assert Colour.RED == "red" and Colour("red") is Colour.RED and f"{Colour.RED}" == "red"
    with force_locale("en"):
        assert Colour.RED.title == "Closed"
    with force_locale("zh_Hans"):
        assert Colour.RED.title == "已关闭"
    assert Colour.PLAIN.title == "plain"
    assert Colour.values() == ["red", "plain"]
    assert [value for value, _ in Colour.choices()] == ["red", "plain"]


def test_the_column_stores_the_value_and_reads_a_member(things):
    things.add(Thing(id=1, colour="red"))
    things.commit()
    raw = things.connection().exec_driver_sql("SELECT colour, shade FROM things").one()
    assert tuple(raw) == ("red", None)
    things.expire_all()
    thing = things.get(Thing, 1)
    assert thing.colour is Colour.RED and thing.shade is None
    assert things.scalar(select(Thing.id).where(Thing.colour == "red")) == 1  # plain strings still compare


def test_a_plain_value_assigned_becomes_the_member_at_once(things):
    thing = Thing(id=2, colour="plain")
    assert thing.colour is Colour.PLAIN
    thing.shade = "red"
    assert thing.shade is Colour.RED


def test_an_unknown_value_is_refused_before_the_database(things):
    with pytest.raises(ValueError):
        Thing(id=3, colour="purple")
    thing = Thing(id=4, colour="red")
    things.add(thing)
    things.flush()
    with pytest.raises(StatementError):
        things.execute(Thing.__table__.update().values(colour="purple"))


def test_the_check_constraint_lists_every_value():
    check = enum_check("colour", Colour, nullable=True)
    assert check.name == "colour_valid"
    assert str(check.sqltext) == "colour IS NULL OR colour IN ('red', 'plain')"
