"""The schema is built only by migrations, and the migrations produce exactly the models' schema."""
from datetime import datetime, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import text

from app import create_app
from app.extensions import db
from app.notices.search import include_name
from tests.conftest import base_config, scratch_database


def test_migrations_match_the_models(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True,
                                                                 "include_name": include_name})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_migrations_have_a_single_head():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", "migrations")
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1


@pytest.fixture
def empty_database(tmp_path):
    """An empty database of its own (a SQLite file, or a PostgreSQL schema next to the test schema)."""
    with scratch_database(tmp_path, "migrations") as url:
        yield url


def test_migration_0011_strips_control_characters_from_every_stored_text(empty_database):
    app = create_app(base_config(empty_database))
    dirty = "东湖\x0b区\x01环境\x1f局\t(\r\n)"
    with app.app_context():
        upgrade(revision="0010")
        with db.engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO bureaus (code, name_zh_hans, name_zh_hant, name_en, active, created_at) "
                "VALUES ('b\x0b1', :dirty, :dirty, 'Bureau\x0b', :yes, :now)"),
                {"dirty": dirty, "yes": True, "now": datetime(2026, 1, 1, tzinfo=timezone.utc)})
            connection.execute(text(
                "INSERT INTO audit_entries (at, actor_label, action, object_type, object_id, ip, note) "
                "VALUES (:now, 'x\x02', 'a.b', 'bureau', '1', '127.0.0.1', :dirty)"),
                {"dirty": dirty, "now": datetime(2026, 1, 1, tzinfo=timezone.utc)})
            if db.engine.dialect.name == "sqlite":
                connection.execute(text("INSERT INTO notices_fts (rowid, search_text) VALUES (1, :dirty)"),
                                   {"dirty": dirty})
        upgrade(revision="0011")
        with db.engine.connect() as connection:
            bureau = connection.execute(text("SELECT code, name_zh_hans, name_zh_hant, name_en FROM bureaus")).one()
            note, label = connection.execute(text("SELECT note, actor_label FROM audit_entries")).one()
            fts = (connection.execute(text("SELECT search_text FROM notices_fts")).scalar()
                   if db.engine.dialect.name == "sqlite" else "东湖区环境局\t(\r\n)")
        db.engine.dispose()
    # Tab, newline and CR stay; every other C0 control is gone.
    assert tuple(bureau) == ("b1", "东湖区环境局\t(\r\n)", "东湖区环境局\t(\r\n)", "Bureau")
    assert (note, label, fts) == ("东湖区环境局\t(\r\n)", "x", "东湖区环境局\t(\r\n)")


def test_migrations_that_rebuild_tables_upgrade_a_database_holding_data(empty_database):
    """SQLite rebuilds a table to alter it (users in 0017, places in 0021): with rows pointing at those tables
    (a bureau in a place, an audit entry by a user) the upgrade must still succeed and keep every row."""
    app = create_app(base_config(empty_database))
    now = datetime(2026, 1, 1, tzinfo=timezone.utc)
    with app.app_context():
        upgrade(revision="0015")
        with db.engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO places (id, level, kind, code, name_zh_hans, name_zh_hant, name_en, terrain, region, "
                "moisture, coastal, has_grassland, sort_order, active, created_at) "
                "VALUES (1, 'district', 'urban_district', 'east', '东区', "
                "'東區', 'East', 'plain', 'central', 'humid', :no, :no, 1, :yes, :now)"),
                {"no": False, "yes": True, "now": now})
            connection.execute(text(
                "INSERT INTO bureaus (id, code, name_zh_hans, name_zh_hant, name_en, place_id, active, created_at) "
                "VALUES (1, 'eeb', '局', '局', 'Bureau', 1, :yes, :now)"), {"yes": True, "now": now})
            connection.execute(text(
                "INSERT INTO users (id, username, display_name, password_hash, role, bureau_id, active, "
                "failed_logins, session_version, created_at) VALUES (1, 'editor', 'Editor', 'x', 'bureau_editor', 1, "
                ":yes, 0, 1, :now)"), {"yes": True, "now": now})
            connection.execute(text(
                "INSERT INTO audit_entries (at, actor_id, actor_label, action, object_type, object_id, ip, note) "
                "VALUES (:now, 1, 'editor', 'a.b', 'bureau', '1', '127.0.0.1', '')"), {"now": now})
        upgrade()
        with db.engine.connect() as connection:
            kept = connection.execute(text(
                "SELECT places.code, bureaus.code, users.username, audit_entries.action FROM audit_entries "
                "JOIN users ON users.id = audit_entries.actor_id JOIN bureaus ON bureaus.id = users.bureau_id "
                "JOIN places ON places.id = bureaus.place_id")).one()
            plateau = connection.execute(text("SELECT plateau FROM places")).scalar()
        db.engine.dispose()
    assert tuple(kept) == ("east", "eeb", "editor", "a.b") and not plateau
