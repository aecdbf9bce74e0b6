"""Many clients at once: every message gets exactly one outcome, none is lost or doubled."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from gateway.service import Gateway
from gateway.store.models import Case
from tests.fixtures_smtp import CLEAN_TEXT, SENSITIVE_TEXT, Answer, Sink, message, submit_sync


async def test_fifty_concurrent_clients_lose_nothing(smtp_gateway: Gateway, upstream: Sink) -> None:
    loop = asyncio.get_running_loop()
    # 50 client threads, all connected before the first DATA (a barrier), like 50 MTAs.
    barrier = threading.Barrier(50)

    def client(n: int) -> Answer:
        text = SENSITIVE_TEXT if n % 5 == 0 else CLEAN_TEXT
        raw = message(text + f"\n编号 {n}\n", subject=f"第{n}号")
        barrier.wait(timeout=60)
        return submit_sync(
            smtp_gateway.smtp_port, "zhang.san@example.gov.cn", [f"p{n}@example.com"], raw
        )

    with ThreadPoolExecutor(max_workers=50) as pool:
        answers = await asyncio.gather(*(loop.run_in_executor(pool, client, n) for n in range(50)))

    assert [a.code for a in answers] == [250] * 50
    held = [a for a in answers if a.text.startswith("2.6.0 held for review as ")]
    relayed = [a for a in answers if a.text.startswith("2.0.0 relayed")]
    assert len(held) == 10 and len(relayed) == 40
    # Each clean message reached upstream exactly once, addressed to its own recipient.
    delivered = sorted(r for m in upstream.messages for r in m.rcpt_to if r.startswith("p"))
    assert delivered == sorted(f"p{n}@example.com" for n in range(50) if n % 5)
    assert smtp_gateway.sessionmaker is not None
    async with smtp_gateway.sessionmaker() as session:
        ids = set((await session.scalars(select(Case.id))).all())
        count = await session.scalar(select(func.count()).select_from(Case))
    assert count == 10 and ids == {a.text.rsplit(" ", 1)[1] for a in held}
