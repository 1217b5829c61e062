"""survey method: the adult population of a place, and exact respondent rates in the survey tallies

Adds places.adult_population (residents aged 18+, nullable: survey results are unweighted without it).
Rebuilds the score rows of survey_tallies ("satisfaction:0.6667" → "satisfaction:2/3") from the stored,
non-voided responses, so results are computed from exact numerators; the other tally rows (raw counts per
question and option) are left as they are.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 05:10:00

"""
from collections import Counter
from fractions import Fraction

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

MEASURES = ("satisfaction", "participation")
WEIGHTED_SCORE = "satisfaction_score"
BREAKS_DOWN = ("district", "demographic")

tallies = sa.table('survey_tallies', sa.column('survey_id', sa.Integer), sa.column('name', sa.String),
                   sa.column('segment', sa.String), sa.column('total', sa.Integer))


def _score_rows(connection, survey_id: int) -> Counter:
    """The exact score tally rows of one survey, recounted from its non-voided responses (frozen copy of
    app.surveys.services.tally_deltas as of this revision)."""
    questions = {qid: (kind, measure) for qid, kind, measure in connection.execute(sa.text(
        "SELECT id, kind, measure FROM survey_questions WHERE survey_id = :s"), {"s": survey_id})}
    options = {oid: (counts_as, weight) for oid, counts_as, weight in connection.execute(sa.text(
        "SELECT o.id, o.counts_as, o.weight FROM survey_options o JOIN survey_questions q ON q.id = o.question_id "
        "WHERE q.survey_id = :s"), {"s": survey_id})}
    chosen: dict[int, list[tuple[int, int]]] = {}
    for response_id, question_id, option_id in connection.execute(sa.text(
            "SELECT a.response_id, a.question_id, a.option_id FROM survey_answers a "
            "JOIN survey_responses r ON r.id = a.response_id "
            "WHERE r.survey_id = :s AND r.voided_at IS NULL AND a.option_id IS NOT NULL "
            "ORDER BY a.response_id, a.id"), {"s": survey_id}):
        chosen.setdefault(response_id, []).append((question_id, option_id))
    rows = Counter()
    for answers in chosen.values():
        segments = [""] + [f"o{oid}" for qid, oid in answers if questions[qid][0] in BREAKS_DOWN]
        names = []
        for measure in MEASURES:
            counts = [options[oid][0] for qid, oid in answers if questions[qid][1] == measure]
            positive, negative = counts.count("positive"), counts.count("negative")
            if positive + negative:
                names.append(f"{measure}:{positive}/{positive + negative}")
        weights = [Fraction(str(options[oid][1])) for qid, oid in answers
                   if questions[qid][1] == "satisfaction" and options[oid][1] is not None]
        if weights:
            names.append(f"{WEIGHTED_SCORE}:{sum(weights, Fraction(0)) / len(weights)}")
        for name in names:
            for segment in segments:
                rows[(name, segment)] += 1
    return rows


def upgrade():
    with op.batch_alter_table('places', schema=None) as batch_op:
        batch_op.add_column(sa.Column('adult_population', sa.Integer(), nullable=True))
    connection = op.get_bind()
    for (survey_id,) in connection.execute(sa.text("SELECT id FROM surveys ORDER BY id")).all():
        connection.execute(tallies.delete().where(tallies.c.survey_id == survey_id, tallies.c.name.like('%:%')))
        rows = _score_rows(connection, survey_id)
        if rows:
            connection.execute(tallies.insert(), [
                {"survey_id": survey_id, "name": name, "segment": segment, "total": total}
                for (name, segment), total in sorted(rows.items())])


def downgrade():
    connection = op.get_bind()
    for survey_id, name, segment, total in connection.execute(sa.text(
            "SELECT survey_id, name, segment, total FROM survey_tallies WHERE name LIKE '%:%'")).all():
        measure, _, score = name.rpartition(":")
        rounded = f"{measure}:{float(Fraction(score)):.4f}"
        if rounded == name:
            continue
        connection.execute(tallies.delete().where(tallies.c.survey_id == survey_id, tallies.c.name == name,
                                                  tallies.c.segment == segment))
        updated = connection.execute(tallies.update().where(
            tallies.c.survey_id == survey_id, tallies.c.name == rounded, tallies.c.segment == segment)
            .values(total=tallies.c.total + total)).rowcount
        if not updated:
            connection.execute(tallies.insert(), [{"survey_id": survey_id, "name": rounded, "segment": segment,
                                                   "total": total}])
    if connection.dialect.name == 'sqlite':
        # A plain DROP COLUMN (SQLite ≥ 3.35): a batch copy of places would be refused by the foreign keys
        # that point at it once the table has rows.
        op.execute('ALTER TABLE places DROP COLUMN adult_population')
    else:
        op.drop_column('places', 'adult_population')
