"""Bench survey data: the demo questionnaire as an open survey, bulk-loaded with responses, and counted.

Run as `python -m tests.bench.survey_data <command> …` with DATABASE_URL set; each command prints one JSON line:
  create                       a new open survey with public results    → {"survey_id"}
  load <survey id> <total>     top the survey up to <total> responses   → {"added", "seconds", …}
  answers <survey id> <n>      n valid answer sets as form fields       → {"forms": [[[name, value]…]…]}
  count <survey id> [recount]  stored responses and the tally n; with recount also each option's tally
                               against a count of the stored answers    → {"stored", "tally_n", …}

Going through submit_response would take hours for a million responses, so `load` writes the rows directly:
responses and answers in batches (executemany on SQLite, COPY on PostgreSQL), drawn from a fixed set of valid
answer patterns, and the tallies as each pattern's tally_deltas times the number of responses that used it —
exactly what submit_response would have added.
"""
import json
import random
import sys
import time
from collections import Counter
from datetime import timedelta

from sqlalchemy import func, select, text
from werkzeug.datastructures import MultiDict

from app import create_app
from app.accounts.models import User
from app.db_types import analyze, utcnow
from app.demo.surveys import _random_form
from app.extensions import db
from app.surveys import queries, services
from app.surveys.answers import read_answers
from app.surveys.models import ResponseChannel, SurveyAnswer, SurveyMode, SurveyResponse, SurveyState, SurveyTally
from app.surveys.template import T, build_template

# Distinct answer patterns the responses are drawn from: enough that the tallies have about as many rows
# (score values per district and demographic segment) as real answers would give.
PATTERNS = 5000
BATCH = 20_000
SUGGESTIONS = ["希望加强河道治理，定期公布水质监测结果。", "建议增加公交线路和共享单车停放点。",
               "垃圾分类的宣传还可以更深入社区。", "希望多组织植树和河道清理等志愿活动。",
               "工业园区的异味问题希望尽快解决。"]


def create(session) -> dict:
    now = utcnow()
    survey = build_template(session, None, mode=SurveyMode.OPEN, publish_results=True,
                            opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=365),
                            title=T("性能测试问卷", "性能測試問卷", "Benchmark survey"))
    # The workflow engine wants the acting user: the demo's administrator opens it.
    admin = session.scalar(select(User).where(User.username == "admin"))
    services.change_state(session, admin, survey, SurveyState.OPEN)
    session.commit()
    return {"survey_id": survey.id}


def answer_forms(survey, questions, count: int, seed: int) -> list[MultiDict]:
    """Valid answer sets in the demo's proportions; one in five also leaves a suggestion."""
    rng = random.Random(seed)
    districts = questions[0]
    rates = {o.id: (rng.uniform(0.80, 0.97), rng.uniform(0.78, 0.96)) for o in districts.options}
    text_question = next(q for q in questions if not q.kind.has_options)
    forms = []
    for _ in range(count):
        district = rng.choice(districts.options).id
        form = _random_form(survey, questions, rng, *rates[district])
        form.setlist(districts.field_name, [str(district)])
        if rng.random() < 0.2:
            form.add(text_question.field_name, rng.choice(SUGGESTIONS))
        forms.append(form)
    return forms


def patterns(survey, questions, seed: int) -> list:
    """(answers, answer rows, district option) for each pattern; every pattern passes the real answer check."""
    result = []
    for form in answer_forms(survey, questions, PATTERNS, seed):
        answers = read_answers(questions, form)
        if not answers.valid:
            raise RuntimeError(f"generated answers are not valid: {answers.errors} {answers.form_errors}")
        rows = [(qid, option_id, None) for qid, chosen in answers.chosen.items() for option_id in chosen]
        rows += [(qid, None, value) for qid, value in answers.texts.items()]
        district = answers.chosen[questions[0].id][0]
        result.append((answers, rows, district))
    return result


def _next_id(session, column) -> int:
    return (session.scalar(select(func.max(column))) or 0) + 1


def insert_rows(session, table, columns: list[str], rows: list[tuple]) -> None:
    """Bulk insert for the bench loaders: COPY on PostgreSQL; on SQLite the driver's executemany, each value
    converted as the ORM would for this dialect (`dialect_impl`: a UTC time stored in the site's format)."""
    dialect = session.get_bind().dialect
    cursor = session.connection().connection.driver_connection.cursor()
    if dialect.name == "postgresql":
        # The rows refer only to rows this loader wrote or read: skip the per-row foreign key triggers,
        # which take 90 % of the time of a COPY (40 µs a row instead of 3).
        cursor.execute("SET LOCAL session_replication_role = replica")
        with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    converters = [(index, processor) for index, name in enumerate(columns)
                  if (processor := table.c[name].type.dialect_impl(dialect).bind_processor(dialect)) is not None]
    if converters:
        rows = [list(row) for row in rows]
        for row in rows:
            for index, processor in converters:
                row[index] = processor(row[index])
    cursor.executemany(f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                       rows)


def load(session, survey_id: int, total: int, seed: int = 2024) -> dict:
    """Add responses until the survey has `total`, with their answers and tallies; returns what it took."""
    postgres = session.get_bind().dialect.name == "postgresql"
    if not postgres:
        session.execute(text("PRAGMA cache_size=-262144"))  # the loader's connection only: 256 MB
    survey = queries.load_survey(session, survey_id)
    questions = services.ordered_questions(survey)
    shapes = patterns(survey, questions, seed)
    started = time.perf_counter()
    existing = session.scalar(select(func.count()).where(SurveyResponse.survey_id == survey_id))
    wanted = max(0, total - existing)
    rng = random.Random(seed + existing)
    response_id = _next_id(session, SurveyResponse.id)
    answer_id = _next_id(session, SurveyAnswer.id)
    used = Counter()
    now = utcnow()
    answers_added = 0
    response_columns = ["id", "survey_id", "channel", "submission_key", "browser_key", "district_option_id",
                        "locale", "submitted_at", "void_reason"]
    answer_columns = ["id", "response_id", "question_id", "option_id", "text"]
    for start in range(0, wanted, BATCH):
        responses, answers = [], []
        for _ in range(min(BATCH, wanted - start)):
            number = rng.randrange(len(shapes))
            used[number] += 1
            _answers, rows, district = shapes[number]
            responses.append((response_id, survey_id, ResponseChannel.WEB.value, f"bulk-{response_id}",
                              f"{rng.getrandbits(256):064x}", district, "zh_Hans",
                              now - timedelta(seconds=rng.randrange(30 * 86400)), ""))
            for question_id, option_id, value in rows:
                answers.append((answer_id, response_id, question_id, option_id, value))
                answer_id += 1
            response_id += 1
        insert_rows(session, SurveyResponse.__table__, response_columns, responses)
        insert_rows(session, SurveyAnswer.__table__, answer_columns, answers)
        session.commit()
        answers_added += len(answers)
    rows_seconds = time.perf_counter() - started  # responses and answers
    deltas = Counter()
    for number, times in used.items():
        for key, delta in services.tally_deltas(questions, shapes[number][0]).items():
            deltas[key] += delta * times
    items = sorted(deltas.items())
    for start in range(0, len(items), 1000):  # stay under SQLite's limit on bound parameters
        services.apply_tallies(session, survey_id, Counter(dict(items[start:start + 1000])))
    if postgres:  # ids were given explicitly: move the sequences past them for later inserts
        for table in ("survey_responses", "survey_answers"):
            session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                 f"(SELECT max(id) FROM {table}))"))
    session.commit()
    if postgres:  # what autovacuum would soon do; measuring before it runs would measure its timing
        connection = session.connection().connection.driver_connection
        connection.autocommit = True
        for table in ("survey_responses", "survey_answers", "survey_tallies"):
            connection.execute(f"VACUUM ANALYZE {table}")
        connection.autocommit = False
    else:  # the statistics `flask db-analyze` keeps (daily in production) for the loaded tables
        analyze(session)
        session.commit()
        session.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    return {"added": wanted, "answers_added": answers_added, "total": existing + wanted,
            "rows_seconds": round(rows_seconds, 2), "seconds": round(time.perf_counter() - started, 2),
            "tally_rows": session.scalar(select(func.count()).where(SurveyTally.survey_id == survey_id)),
            "patterns": PATTERNS, "questions": len(questions), "sections": len(survey.sections),
            **count(session, survey_id)}


def answers(session, survey_id: int, count: int) -> dict:
    survey = queries.load_survey(session, survey_id)
    questions = services.ordered_questions(survey)
    return {"forms": [list(form.items(multi=True)) for form in answer_forms(survey, questions, count, seed=99)]}


def count(session, survey_id: int, recount: bool = False) -> dict:
    """Stored responses against the tally n; with recount, also each option's tally against the answers."""
    stored = session.scalar(select(func.count()).where(SurveyResponse.survey_id == survey_id,
                                                       SurveyResponse.voided_at.is_(None)))
    tallies = queries.tallies(session, survey_id, [""])
    if not recount:
        return {"stored": stored, "tally_n": tallies.get(("n", ""), 0)}
    counted = dict(session.execute(
        select(SurveyAnswer.option_id, func.count())
        .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
        .where(SurveyResponse.survey_id == survey_id, SurveyResponse.voided_at.is_(None),
               SurveyAnswer.option_id.is_not(None))
        .group_by(SurveyAnswer.option_id)).all())
    survey = queries.load_survey(session, survey_id)
    options = [o.id for q in services.ordered_questions(survey) if q.kind.has_options for o in q.options]
    mismatched = [o for o in options if counted.get(o, 0) != tallies.get((f"o{o}", ""), 0)]
    return {"stored": stored, "tally_n": tallies.get(("n", ""), 0), "options_checked": len(options),
            "options_mismatched": len(mismatched)}


def main() -> None:
    command, *args = sys.argv[1:]
    app = create_app()
    with app.app_context():
        if command == "create":
            result = create(db.session)
        elif command == "load":
            result = load(db.session, int(args[0]), int(args[1]))
        elif command == "answers":
            result = answers(db.session, int(args[0]), int(args[1]))
        elif command == "count":
            result = count(db.session, int(args[0]), recount=args[1:] == ["recount"])
        else:
            sys.exit(__doc__)
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
