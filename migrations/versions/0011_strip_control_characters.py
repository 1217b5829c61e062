"""strip control characters: remove the C0 controls other than tab, newline and CR from every stored text

Before the forms, the API and the imports dropped them, a single \\x0b in a survey answer, a tip address or a
bureau name made the XLSX exports and the Open311 XML unreadable. This cleans what is already stored: every
String/Text column of every table (reflected, so a table added later is covered when this runs before it),
on SQLite with a Python function registered on the connection, on PostgreSQL with regexp_replace
(PostgreSQL text cannot hold NUL anyway).
The data change cannot be undone; downgrade does nothing.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 01:40:00

"""
import re

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

# C0 controls except tab, newline and carriage return (a copy: migrations do not import the app).
CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
PG_PATTERN = r"[\x01-\x08\x0b\x0c\x0e-\x1f]"
FTS_TABLE = "notices_fts"  # SQLite's full-text table (app/notices/search.py): reflected without types


def _strip_controls(value):
    return CONTROLS.sub("", value) if isinstance(value, str) else value


def _cleaned(dialect: str, column: str) -> str:
    if dialect == "postgresql":
        return f"regexp_replace({column}, '{PG_PATTERN}', '', 'g')"
    return f"strip_controls({column})"


def _clean_column(connection, dialect: str, table: str, column: str) -> None:
    preparer = connection.dialect.identifier_preparer
    quoted_table, quoted_column = preparer.quote(table), preparer.quote(column)
    cleaned = _cleaned(dialect, quoted_column)
    if dialect == "postgresql":
        condition = f"{quoted_column} ~ '{PG_PATTERN}'"
    else:
        condition = f"{quoted_column} <> {cleaned}"
    connection.execute(sa.text(f"UPDATE {quoted_table} SET {quoted_column} = {cleaned} WHERE {condition}"))


def upgrade():
    connection = op.get_bind()
    dialect = connection.dialect.name
    if dialect == "sqlite":
        connection.connection.driver_connection.create_function("strip_controls", 1, _strip_controls,
                                                                deterministic=True)
    inspector = sa.inspect(connection)
    for table in inspector.get_table_names():
        if table == "alembic_version" or table.startswith(FTS_TABLE):
            continue
        for column in inspector.get_columns(table):
            if isinstance(column["type"], sa.String | sa.Text):
                _clean_column(connection, dialect, table, column["name"])
    if dialect == "sqlite" and FTS_TABLE in inspector.get_table_names():
        _clean_column(connection, dialect, FTS_TABLE, "search_text")


def downgrade():
    pass
