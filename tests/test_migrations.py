"""Migrations: upgrade -> downgrade -> upgrade on an empty database (SQLite or PostgreSQL)."""

from __future__ import annotations

from sqlalchemy import inspect

from storage.db import create_engine, downgrade, migrate
from storage.models import Base


async def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    async with engine.connect() as connection:
        names = await connection.run_sync(lambda sync: set(inspect(sync).get_table_names()))
    await engine.dispose()
    return names - {"alembic_version"}


async def test_upgrade_downgrade_upgrade(empty_database_url: str) -> None:
    engine = create_engine(empty_database_url)
    await migrate(engine)
    assert await _tables(empty_database_url) == set(Base.metadata.tables)
    await downgrade(engine, "base")
    assert await _tables(empty_database_url) == set()
    await migrate(engine)
    assert await _tables(empty_database_url) == set(Base.metadata.tables)
    await engine.dispose()


async def test_models_match_migrations(empty_database_url: str) -> None:
    """Autogenerate finds nothing to add: the models and the migrations agree."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    engine = create_engine(empty_database_url)
    await migrate(engine)
    async with engine.connect() as connection:
        diff = await connection.run_sync(
            lambda sync: compare_metadata(MigrationContext.configure(sync), Base.metadata)
        )
    await engine.dispose()
    assert diff == []
