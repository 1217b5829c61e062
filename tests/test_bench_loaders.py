"""The bulk loaders of `make bench` still write rows the current schema takes, with tallies that agree with the
rows: a column added to a model without its loader being told stops the bench (the tips loader did once),
and `make bench` is never part of `make test`. Each runs here on the demo city at a small size."""
from sqlalchemy import func, select

from app.participation.models import Registration
from app.rectification.models import RectificationTask as Task
from tests.bench import environment_data, ledger_data, participation_data, survey_data, tip_data


def test_the_tips_loader_matches_the_schema_and_its_tally(demo_city, session):
    result = tip_data.load(session, 300, tip_data._rules())  # the demo's tips topped up to 300
    assert result["stored"] == result["tally_received"] == 300
    assert result["added"] > 250 and result["events_added"] >= result["added"]


def test_the_survey_loader_matches_the_schema_and_its_tallies(demo_city, session):
    survey_id = survey_data.create(session)["survey_id"]
    survey_data.load(session, survey_id, 400)
    counted = survey_data.count(session, survey_id, recount=True)
    assert counted["stored"] == counted["tally_n"] == 400 and counted["options_mismatched"] == 0


def test_the_participation_ledger_and_air_loaders_match_the_schema(demo_city, session):
    registrations = session.scalar(select(func.count()).select_from(Registration))
    participation_data.load(session, 3, 10)
    assert session.scalar(select(func.count()).select_from(Registration)) >= registrations + 30
    ledger_data.load(session, 40)
    assert session.scalar(select(func.count()).select_from(Task).where(Task.parent_id.is_(None))) >= 40
    assert environment_data.load(session, 2, 3)["hours"] > 0
