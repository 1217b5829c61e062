"""The scheduled duties that belong to no domain: the query planner's statistics (`flask db-analyze`)."""
from flask_babel import lazy_gettext as _l

from app.db_types import analyze
from app.jobs.registry import job


@job("db.analyze", title=_l("Query planner statistics"), cron="DB_ANALYZE_CRON", attempts=2)
def db_analyze(context) -> dict:
    """ANALYZE, as `flask db-analyze` does."""
    analyze(context.session)
    return {}
