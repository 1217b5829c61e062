"""Registered organisations and their organisers' accounts for the organisation tests, through the services."""
import itertools

from app.accounts import services as accounts
from app.accounts.permissions import Role
from app.participation import organisations
from app.participation.models import Organisation
from tests import factories

_seq = itertools.count(1)


def organisation(session, office, *, place=None, **values) -> Organisation:
    """An approved organisation registered by `office` (an admin)."""
    n = next(_seq)
    data = dict(kind="volunteer", name_zh_hans=f"测试志愿者协会{n}", name_zh_hant=f"測試志願者協會{n}",
                name_en=f"Test Volunteers {n}", place_id=(place or factories.place(session)).id,
                contact_name="周晓梅", contact_phone="13800000080")
    data.update(values)
    return organisations.register_organisation(session, office, organisations.OrganisationInput(**data))


def organiser(session, organisation_: Organisation, *, username=None):
    """An account of the organisation's organiser (password factories.PASSWORD)."""
    n = next(_seq)
    return accounts.create_user(session, None, username=username or f"organiser{n}", display_name=f"组织者{n}",
                                password=factories.PASSWORD, role=Role.ORGANISATION_ORGANISER,
                                organisation=organisation_)
