"""Shared set-up of the consultation and suggestion tests: consultations in each state, suggestions through the
service (with their personal codes), published or answered."""
from datetime import date, datetime, timedelta, timezone

from app.casework.deadlines import DeadlineRules
from app.i18n import local_today
from app.participation import consultations, suggestions
from app.participation.models import Consultation, Suggestion

SECRET = "test-secret-key-not-for-production"
# A Monday morning in Beijing (02:00 UTC), and days shaped like the 2026 National Day week.
MONDAY = datetime(2026, 9, 28, 2, 0, tzinfo=timezone.utc)
NATIONAL_DAY = {date(2026, 10, d): False for d in range(1, 8)} | {date(2026, 10, 10): True}


def rules(overrides=None) -> DeadlineRules:
    return DeadlineRules(working_days=True, overrides=overrides or {})


def consultation_input(bureau_id: int, **values) -> consultations.ConsultationInput:
    today = local_today()
    defaults = dict(bureau_id=bureau_id, title_zh_hans="云溪河生态修复方案征求意见",
                    background_zh_hans="市生态环境局拟定了云溪河生态修复方案，现公开征求意见。",
                    how_to_submit_zh_hans="本网站、信函（云溪市人民路1号）或电子邮件",
                    contact="市生态环境局 0571-88886666",
                    starts_on=today - timedelta(days=1), ends_on=today + timedelta(days=20), answer_days=10,
                    title_en="Yunxi River restoration plan")
    defaults.update(values)
    return consultations.ConsultationInput(**defaults)


def consultation(session, actor, bureau, *, state="published", **values) -> Consultation:
    """A consultation of `bureau` in `state` (draft, published, closed), flushed."""
    row = consultations.create_consultation(session, actor, consultation_input(bureau.id, **values))
    if state in ("published", "closed"):
        consultations.publish_consultation(session, actor, row)
    if state == "closed":
        consultations.close_consultation(session, actor, row, summary_zh_hans="采纳了增加湿地面积的建议。")
    return row


def suggestion(session, consultation_=None, *, body="建议在云溪河两岸增加湿地，联系我13812345678。",
               title="增加湿地", today=None, **values) -> tuple[Suggestion, str]:
    """A suggestion through the service (to `consultation_`, or standing), with its personal code."""
    data = suggestions.SuggestionInput(title=title, body=body, **values)
    return suggestions.submit_suggestion(session, data, consultation_, SECRET, today=today or local_today())


def published(session, admin, consultation_=None, *, bureau_id=None, now=None, overrides=None, **values):
    row, code = suggestion(session, consultation_, **values)
    suggestions.publish_suggestion(session, admin, row, public_body=row.public_body, rules=rules(overrides),
                                   bureau_id=bureau_id, now=now)
    return row, code
