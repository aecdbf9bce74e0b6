"""Fingerprint schemes in the store (issue 14, cost): registrations made before scheme 2 keep
working after migration 0007, new ones use scheme 2, and a lookup computes scheme 1 only while
scheme-1 registrations remain."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
from alembic import command
from sqlalchemy import Connection, text

from gateway.store.engine import make_engine, make_sessionmaker
from gateway.store.migrations import alembic_config, upgrade
from gateway.store.registry import add_document, fingerprint_key, load_registrations, remove
from matchers.fingerprint import CURRENT_SCHEME, fingerprints, kgram_hashes
from tests.support.registered import ORDINARY, PARAGRAPHS, SECRET_TEXT, STANDARD, other_report
from tests.support.settings import AUDIT_KEY

KEY = fingerprint_key(b"k" * 32)
NOW = datetime(2026, 12, 5, tzinfo=UTC)


def _to_0006(connection: Connection, url: str) -> None:
    config = alembic_config(url)
    config.attributes["connection"] = connection
    command.upgrade(config, "0006")


async def test_registrations_from_before_scheme_2_still_match_and_new_ones_use_it(
    db_url: str,
) -> None:
    engine = make_engine(db_url)
    try:
        async with engine.begin() as conn:  # a store as the previous release left it
            await conn.run_sync(_to_0006, db_url)
            old = sorted({h for h, _ in fingerprints(SECRET_TEXT, KEY, 1)})
            await conn.execute(
                text(
                    "INSERT INTO registered_documents (id, label, category, threshold, chars, "
                    "fingerprint_count, hashes, created_by, created_at) VALUES ('D20261201-OLD000', "
                    "'旧报告', 'land', 10, 900, :count, :hashes, 'li', :now)"
                ),
                {"count": len(old), "hashes": np.asarray(old, "<u8").tobytes(), "now": NOW},
            )
            corpus = sorted(kgram_hashes(f"{ORDINARY}\n{STANDARD}", KEY, 1))
            await conn.execute(
                text(
                    "INSERT INTO registered_common (id, label, files, chars, fingerprint_count, "
                    "hashes, created_by, created_at) VALUES ('C20261201-OLD000', '日常邮件', 1, "
                    "100, :count, :hashes, 'li', :now)"
                ),
                {"count": len(corpus), "hashes": np.asarray(corpus, "<u8").tobytes(), "now": NOW},
            )
        await upgrade(db_url)  # 0007: the existing rows are scheme 1
        async with engine.connect() as conn:
            schemes = (await conn.execute(text("SELECT scheme FROM registered_documents"))).all()
            corpora = (await conn.execute(text("SELECT scheme FROM registered_common"))).all()
        assert [tuple(r) for r in schemes] == [(1,)] and [tuple(r) for r in corpora] == [(1,)]

        sessions = make_sessionmaker(engine, audit_key=AUDIT_KEY)
        loaded = (await load_registrations(sessions, KEY)).documents
        assert loaded is not None and loaded.schemes == (1,)
        assert [m.id for m in loaded.match(PARAGRAPHS[1] + PARAGRAPHS[2])] == ["D20261201-OLD000"]
        assert loaded.match(other_report(3)) == []

        other = other_report(5)
        new = await add_document(
            sessions, KEY, text=other, label="新报告", category="land", threshold=10, actor="li"
        )
        async with engine.connect() as conn:
            row = await conn.execute(
                text("SELECT scheme FROM registered_documents WHERE id = :id"), {"id": new.id}
            )
            assert row.scalar() == CURRENT_SCHEME == 2
        both = (await load_registrations(sessions, KEY)).documents
        assert both is not None and both.schemes == (1, 2)
        assert [m.id for m in both.match(PARAGRAPHS[1] + PARAGRAPHS[2])] == ["D20261201-OLD000"]
        assert [m.id for m in both.match(other[200:700])] == [new.id]

        # re-registering the old document moves it to scheme 2: lookups compute scheme 2 only
        await remove(sessions, "D20261201-OLD000", "li")
        again = await add_document(
            sessions, KEY, text=SECRET_TEXT, label="旧报告", category="land", threshold=10,
            actor="li",
        )  # fmt: skip
        moved = (await load_registrations(sessions, KEY)).documents
        assert moved is not None and moved.schemes == (2,)
        assert [m.id for m in moved.match(PARAGRAPHS[1] + PARAGRAPHS[2])] == [again.id]
    finally:
        await engine.dispose()
