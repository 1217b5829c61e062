"""Test data as plain functions with defaults."""
import itertools

from app.accounts import services as accounts
from app.accounts.models import User
from app.accounts.permissions import Role
from app.org.models import Bureau, Place, PlaceLevel

PASSWORD = "correct-horse-battery"
_seq = itertools.count(1)


def place(session, *, level=PlaceLevel.DISTRICT, code=None, **values) -> Place:
    n = next(_seq)
    defaults = dict(name_zh_hans=f"测试区{n}", name_zh_hant=f"測試區{n}", name_en=f"Test District {n}",
                    kind=None if level == PlaceLevel.CITY else "county", terrain="plain", region="central",
                    moisture="humid", population=100_000, sort_order=n)
    defaults.update(values)
    row = Place(level=level.value, code=code or f"place-{n}", **defaults)
    session.add(row)
    session.flush()
    return row


def bureau(session, *, code=None, **values) -> Bureau:
    n = next(_seq)
    defaults = dict(name_zh_hans=f"测试局{n}", name_zh_hant=f"測試局{n}", name_en=f"Test Bureau {n}")
    defaults.update(values)
    row = Bureau(code=code or f"bureau-{n}", **defaults)
    session.add(row)
    session.flush()
    return row


def user(session, *, role=Role.ADMIN, username=None, bureau_=None, password=PASSWORD) -> User:
    n = next(_seq)
    role = Role(role)
    if role.needs_bureau and bureau_ is None:
        bureau_ = bureau(session)
    return accounts.create_user(session, None, username=username or f"user{n}", display_name=f"用户{n}",
                                password=password, role=role, bureau=bureau_)


def staff_set(session) -> dict:
    """One user per role; the bureau roles share one bureau, and a second editor works for another bureau."""
    home = bureau(session, code="eeb", name_zh_hans="市生态环境局")
    other = bureau(session, code="water", name_zh_hans="市水利和湖泊局")
    users = {
        "admin": user(session, role=Role.ADMIN, username="admin"),
        "bureau_editor": user(session, role=Role.BUREAU_EDITOR, username="editor", bureau_=home),
        "tip_handler": user(session, role=Role.TIP_HANDLER, username="handler", bureau_=home),
        "reviewer": user(session, role=Role.REVIEWER, username="reviewer"),
        "other_editor": user(session, role=Role.BUREAU_EDITOR, username="editor2", bureau_=other),
    }
    users["bureaus"] = {"home": home, "other": other}
    return users
