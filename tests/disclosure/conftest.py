"""Shared set-up for disclosure-request tests: the staff set, a way to file an application through the service
and get its tracking code, and example documents."""
from datetime import date, datetime, timezone

import pytest

from app.disclosure import services
from tests.tips.conftest import PDF  # noqa: F401  (re-exported for the tests)

SECRET = "test-secret-key-not-for-production"
# A Monday morning in Beijing (02:00 UTC).
MONDAY = datetime(2026, 9, 28, 2, 0, tzinfo=timezone.utc)
# Example days shaped like the 2026 National Day week: 1–7 October off, Saturday 10 October worked.
NATIONAL_DAY = {date(2026, 10, d): False for d in range(1, 8)} | {date(2026, 10, 10): True}


def application(bureau_id: int, **values) -> services.Application:
    defaults = dict(applicant_type="citizen", name="李四", id_type="resident_id", id_number="420102199001011234",
                    phone="13900000000", address="和平大道1号", email="li@example.cn", bureau_id=bureau_id,
                    description="请公开2025年度本市重点排污单位名录", delivery_form="electronic",
                    delivery_method="email")
    defaults.update(values)
    return services.Application(**defaults)


@pytest.fixture
def apply(session, staff):
    """File an application to the home bureau (or another) through the service; returns (request, code)."""
    def file_request(*, bureau=None, rules=None, now=None, **values):
        bureau = bureau or staff["bureaus"]["home"]
        created, code = services.submit_request(session, application(bureau.id, **values),
                                                rules or services.Rules(), SECRET, now=now)
        session.commit()
        return created, code
    return file_request
