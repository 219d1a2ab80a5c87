"""Pulling: pages of changes after the stored cursor until the server has no more.

Each page is applied in one local transaction together with its cursor, so a register
killed during a long first download (100,000 products) resumes after the last page it
committed, and a page applied twice changes nothing (records are upserts, stock
movements are inserted once by id). While one page is applied the next is already being
fetched: the network and SQLite work at the same time. Only the bytes are fetched there;
parsing happens here, since Python work on that thread would hold the GIL that SQLite
needs back after every row it writes.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.clock import Clock
from db.uow import UowFactory
from sync.client.errors import ServerProblemError
from sync.client.http import ServerApi
from sync.client.pull_page import apply_page, is_foreign_key_failure, plan_page
from sync.client.state import load_state
from sync.protocol import MAX_PULL_LIMIT, ErrorCode, PullResponse

__all__ = ["PULL_LIMIT", "apply_pulled_page", "pull_all"]

log = logging.getLogger(__name__)

PULL_LIMIT = MAX_PULL_LIMIT

Reads = Callable[[], AbstractContextManager[Session]]


def pull_all(
    reads: Reads,
    uow_factory: UowFactory,
    api: ServerApi,
    company_id: uuid.UUID,
    clock: Clock,
    *,
    limit: int = PULL_LIMIT,
    on_page: Callable[[int], None] | None = None,
) -> int:
    """Pull until up to date; returns how many changes were received. Raises
    ServerProblemError (the server) or SyncError (a page that cannot be saved here)."""
    with reads() as session:
        state = load_state(session)
        cursor = None if state is None else state.pull_cursor
    pulled = 0
    stored = cursor
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="lunarfront-pull") as fetcher:
        upcoming: Future[bytes] = fetcher.submit(api.pull_bytes, cursor, limit)
        while True:
            try:
                page = api.read_pull(upcoming.result())
            except ServerProblemError as exc:
                if not _stale(exc, cursor, stored):
                    raise
                # The server does not know the stored cursor (its database was replaced):
                # start over. Safe: records are upserts and movements count once by id.
                log.warning("the sync server refused the stored pull cursor; pulling again")
                cursor = stored = None
                upcoming = fetcher.submit(api.pull_bytes, None, limit)
                continue
            if page.more:
                upcoming = fetcher.submit(api.pull_bytes, page.cursor, limit)
            if page.changes or page.cursor != cursor:
                apply_pulled_page(uow_factory, page, company_id, clock)
            pulled += len(page.changes)
            if on_page is not None:
                on_page(len(page.changes))
            cursor = page.cursor
            if not page.more:
                return pulled


def _stale(exc: ServerProblemError, cursor: str | None, stored: str | None) -> bool:
    return exc.code == ErrorCode.INVALID_REQUEST and cursor is not None and cursor == stored


def apply_pulled_page(
    uow_factory: UowFactory, page: PullResponse, company_id: uuid.UUID, clock: Clock
) -> None:
    """One page and its cursor in one transaction; again with repairs if a record points at
    something this register does not have."""
    plan = plan_page(page.changes)
    try:
        with uow_factory() as uow:
            apply_page(
                uow.session, plan, company_id=company_id, cursor=page.cursor, now=clock.now()
            )
            uow.commit()
        return
    except IntegrityError as exc:
        if not is_foreign_key_failure(exc):
            raise
    with uow_factory() as uow:
        apply_page(
            uow.session,
            plan,
            company_id=company_id,
            cursor=page.cursor,
            now=clock.now(),
            repair=True,
        )
        uow.commit()
