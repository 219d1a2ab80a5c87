"""The register's sync engine: pairing, one push-then-pull cycle, status and issues.

One cycle at a time per engine (a lock). Two engines on the same data folder (two app
instances) may still push the same events at once: the server serialises a device's pushes
on its row and answers the second copy `duplicate`, and deleting acknowledged events here
tolerates rows the other instance already deleted, so nothing is sent twice into the books.

Network and server trouble never raises out of `sync_once`: it lands in the status
(`last_error` in plain words, `online`), the failure count grows and `next_attempt_at`
moves out (2 s doubling to 5 min, with jitter) for the background runner to respect.
"""

from __future__ import annotations

import logging
import random
import threading
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import httpx
from sqlalchemy import select

from core.clock import Clock
from core.services import audit
from core.services.approval import Approval
from core.services.guard import require
from core.services.identity import load_this_device
from core.staff.actor import Actor
from core.staff.permissions import Permission
from db.models import SyncIssue
from db.uow import UowFactory
from sync.client.backoff import backoff_seconds
from sync.client.errors import ServerProblemError, SyncError
from sync.client.http import ServerApi
from sync.client.local import LocalReads
from sync.client.pairing import pair_register
from sync.client.pull import PULL_LIMIT, pull_all
from sync.client.push import PushOutcome, check_restored, push_all
from sync.client.state import load_state, open_issue_count, state_row, waiting_count
from sync.client.status import SyncIssueRow, SyncReport, SyncStatus
from sync.client.tokens import TokenStore
from sync.protocol import PairResponse

__all__ = ["SyncEngine"]

log = logging.getLogger(__name__)

_NOT_IN_KEYRING = (
    "This register's sync token is missing from this computer's password store. Pair it "
    "again from its settings with a new pairing code."
)
_UNEXPECTED = (
    "Sync stopped on an unexpected problem; it will be tried again. The details are in the log."
)


@dataclass
class _Progress:
    push: PushOutcome = field(default_factory=PushOutcome)
    pulled: int = 0

    @property
    def pushed(self) -> int:
        return self.push.pushed


@dataclass(frozen=True, slots=True)
class _Setup:
    server_url: str
    ca_file: Path | None
    device_id: uuid.UUID
    company_id: uuid.UUID


class SyncEngine:
    def __init__(
        self,
        uow_factory: UowFactory,
        clock: Clock,
        tokens: TokenStore,
        transport: httpx.BaseTransport | None = None,
        *,
        pull_limit: int = PULL_LIMIT,
    ) -> None:
        self._uow_factory = uow_factory
        self._pull_limit = pull_limit
        self._clock = clock
        self._tokens = tokens
        self._transport = transport
        self._reads = LocalReads(uow_factory)
        self._lock = threading.Lock()
        self._running = False
        self._api: ServerApi | None = None
        self._api_key: tuple[str, Path | None, str] | None = None
        # Whether this engine has compared its outbox numbering with the server's yet.
        self._numbering_checked = False
        self._rng = random.Random()  # noqa: S311  (retry jitter, not a secret)

    # -- reading ------------------------------------------------------------------------

    def status(self) -> SyncStatus:
        """Local reads only: safe to call often, and while a cycle runs."""
        with self._reads() as session:
            state = load_state(session)
            waiting = waiting_count(session)
            issues = open_issue_count(session)
        if state is None:
            return SyncStatus(False, None, None, waiting, None, None, issues, self._running)
        return SyncStatus(
            paired=state.server_url is not None and state.paired_at is not None,
            server_url=state.server_url,
            online=state.online,
            waiting=waiting,
            last_sync_at=state.last_sync_at,
            last_error=state.last_error,
            issues=issues,
            running=self._running,
        )

    def retry_in(self) -> float | None:
        """Seconds until the background runner may try again after failures; None when the
        last cycle succeeded (the runner's own interval applies)."""
        with self._reads() as session:
            state = load_state(session)
        if state is None or state.next_attempt_at is None:
            return None
        return max(0.0, (state.next_attempt_at - self._clock.now()).total_seconds())

    def issues(self, include_dismissed: bool = False) -> list[SyncIssueRow]:
        query = select(SyncIssue).order_by(SyncIssue.created_at.desc(), SyncIssue.id.desc())
        if not include_dismissed:
            query = query.where(SyncIssue.dismissed_at.is_(None))
        with self._reads() as session:
            return [
                SyncIssueRow(
                    id=row.id,
                    kind=row.kind,
                    event_type=row.event_type,
                    sequence=row.sequence,
                    message=row.message,
                    created_at=row.created_at,
                    dismissed=row.dismissed_at is not None,
                )
                for row in session.scalars(query)
            ]

    # -- writing ------------------------------------------------------------------------

    def dismiss_issue(
        self, actor: Actor, issue_id: uuid.UUID, *, approval: Approval | None = None
    ) -> None:
        """Mark an issue as seen by a manager (kept, never deleted); audited."""
        approved_by = require(actor, Permission.MANAGE_SYNC, approval)
        now = self._clock.now()
        with self._uow_factory() as uow:
            issue = uow.session.get(SyncIssue, issue_id)
            if issue is None:
                raise SyncError("That sync issue no longer exists.")
            if issue.dismissed_at is not None:
                return
            issue.dismissed_at = now
            issue.dismissed_by_id = actor.user_id
            audit.record(
                uow,
                actor,
                now,
                "sync.dismiss_issue",
                "sync_issue",
                issue.id,
                before={"kind": issue.kind, "message": issue.message},
                after={"dismissed": True},
                approved_by=approved_by,
            )
            uow.commit()

    def pair(
        self,
        server_url: str,
        code: str,
        ca_file: Path | None = None,
        *,
        device_name: str | None = None,
        prefix: str | None = None,
        by: Actor | None = None,
        approved_by: uuid.UUID | None = None,
    ) -> PairResponse:
        """Pair with the server (raises SyncError in plain words). A fresh register then
        downloads its store; trouble during that first download shows in the status and
        the next cycle carries on from where it stopped.

        `by`: the signed-in user the app checked `manage_sync` for (and the manager who
        approved, if one did); the pairing is written to the audit log in their name. The
        command line pairs a machine before anyone signs in, so it passes nobody."""
        with self._lock:
            paired = pair_register(
                self._uow_factory,
                self._reads,
                self._clock,
                self._tokens,
                server_url,
                code,
                ca_file,
                transport=self._transport,
                device_name=device_name,
                prefix=prefix,
            )
            self._numbering_checked = False
            if by is not None:
                self._audit_pairing(by, approved_by, server_url, paired.response)
            if paired.fresh:
                self._running = True
                try:
                    self._cycle()
                finally:
                    self._running = False
            return paired.response

    def _audit_pairing(
        self, by: Actor, approved_by: uuid.UUID | None, server_url: str, reply: PairResponse
    ) -> None:
        with self._uow_factory() as uow:
            audit.record(
                uow,
                by,
                self._clock.now(),
                "sync.paired",
                "device",
                reply.device_id,
                after={
                    "server": server_url,
                    "company": str(reply.company.id),
                    "location": str(reply.location.id),
                },
                approved_by=approved_by,
            )
            uow.commit()

    def sync_once(self) -> SyncReport:
        """Push until the outbox is empty (or the server says stop), then pull until up to
        date. Network and server trouble goes into the status; this never raises for it."""
        with self._lock:
            self._running = True
            try:
                progress = self._cycle()
            finally:
                self._running = False
        return SyncReport(pushed=progress.pushed, pulled=progress.pulled, status=self.status())

    def close(self) -> None:
        with self._lock:
            if self._api is not None:
                self._api.close()
                self._api = None
                self._api_key = None

    # -- the cycle ----------------------------------------------------------------------

    def _setup(self) -> _Setup | None:
        with self._reads() as session:
            state = load_state(session)
            this = load_this_device(session)
        if state is None or state.server_url is None or state.paired_at is None or this is None:
            return None
        ca_file = None if state.ca_file is None else Path(state.ca_file)
        return _Setup(state.server_url, ca_file, this.device_id, this.company_id)

    def _cycle(self) -> _Progress:
        progress = _Progress()
        setup = self._setup()
        if setup is None:
            return progress
        problem: str | None = None
        retry_after: float | None = None
        try:
            api = self._api_for(setup)
            self._check_numbering(api, setup.device_id)
            pushed = progress.push
            push_all(
                self._reads, self._uow_factory, api, setup.device_id, self._clock, outcome=pushed
            )
            problem, retry_after = pushed.problem, pushed.retry_after

            def counted(changes: int) -> None:
                progress.pulled += changes

            pull_all(
                self._reads,
                self._uow_factory,
                api,
                setup.company_id,
                self._clock,
                limit=self._pull_limit,
                on_page=counted,
            )
        except ServerProblemError as exc:
            self._record_failure(exc.message, online=exc.answered, retry_after=exc.retry_after)
            return progress
        except SyncError as exc:
            self._record_failure(exc.message, online=None, retry_after=None)
            return progress
        except Exception:
            log.exception("sync cycle failed")
            self._record_failure(_UNEXPECTED, online=None, retry_after=None)
            return progress
        if problem is not None:
            self._record_failure(problem, online=True, retry_after=retry_after)
        else:
            self._record_success()
        return progress

    def _api_for(self, setup: _Setup) -> ServerApi:
        token = self._tokens.get(setup.device_id)
        if token is None:
            raise SyncError(_NOT_IN_KEYRING)
        key = (setup.server_url, setup.ca_file, token)
        if self._api is None or self._api_key != key:
            if self._api is not None:
                self._api.close()
            self._api = ServerApi(
                setup.server_url, token=token, ca_file=setup.ca_file, transport=self._transport
            )
            self._api_key = key
        return self._api

    def _check_numbering(self, api: ServerApi, device_id: uuid.UUID) -> None:
        """Once per engine (each app start): has the server seen more of this device's
        events than this register numbered? Then the data folder was restored or copied;
        the counter moves past the server's before more sales take colliding numbers."""
        if self._numbering_checked:
            return
        server = api.device()
        with self._uow_factory() as uow:
            check_restored(uow.session, device_id, server.last_sequence, self._clock.now())
            uow.commit()
        self._numbering_checked = True

    def _record_success(self) -> None:
        now = self._clock.now()
        with self._uow_factory() as uow:
            state = state_row(uow.session)
            state.last_attempt_at = now
            state.last_sync_at = now
            state.online = True
            state.last_error = None
            state.failures = 0
            state.next_attempt_at = None
            uow.commit()

    def _record_failure(
        self, message: str, *, online: bool | None, retry_after: float | None
    ) -> None:
        now = self._clock.now()
        with self._uow_factory() as uow:
            state = state_row(uow.session)
            state.last_attempt_at = now
            if online is not None:
                state.online = online
            state.last_error = message
            state.failures = (state.failures or 0) + 1
            delay = backoff_seconds(state.failures, retry_after=retry_after, rng=self._rng)
            state.next_attempt_at = now + timedelta(seconds=delay)
            uow.commit()
