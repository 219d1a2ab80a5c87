"""Serving pulls: changes made elsewhere, after the register's cursor, in commit-safe order.

Why the cursor cannot skip a row committed late
-----------------------------------------------
Every `change_log` row records the id of the transaction that wrote it (`txid`, PostgreSQL's
64-bit `pg_current_xact_id()`), and pulls read rows in `(txid, id)` order. Ordering by the
row id alone is not safe: ids are taken from a sequence when a row is inserted, not when its
transaction commits, so a long push can take id 100, a short one id 101 and commit first; a
pull between the two commits would see 101, move its cursor past it, and never return 100.

So a pull only reads rows whose `txid` is below `pg_snapshot_xmin(pg_current_snapshot())`,
the oldest transaction still running when the query starts. Every transaction below that
horizon has finished — committed (its rows are visible now, all of them) or rolled back (its
rows never will be) — and every transaction that starts later gets a larger id. Hence the set
of rows below the horizon is final: no row can later appear before a cursor that points below
it. A row of a transaction still in flight (or one that started earlier and commits later) is
held back until that transaction ends, not skipped; an empty page means "up to date for now".
The horizon is taken in the same statement that reads the rows, so both see one snapshot.

The price: transaction ids are shared by the whole PostgreSQL cluster, so any transaction that
has written something and is still open — on this database or another one of the same
cluster — holds pulls back while it runs (read-only transactions do not). Pushes are short
(one batch); give the server's role an `idle_in_transaction_session_timeout`, and do not run
long batch jobs on the same cluster, or registers see changes only after they end.

Transaction ids give a safe order, not the commit order: a push that took its id early can
commit after a later one that changed the same record. So a record's row is served as the
record is NOW (its current `record` row, or a delete if it is gone), not as that change wrote
it: whichever of a record's rows a register reads last, it holds the latest committed
version. Stock rows are deltas and are served as written.

The cursor is opaque text, `"1:<txid>:<id>"` (format version, then the position of the last
row the register has been given or that was passed over for it). Rows are the device's
company's only (tenant isolation); stock movements the device itself made are passed over
(it has them), but the cursor still moves past them so they are never scanned twice. One
page holds at most `limit` changes; `more` says another page is ready now.
"""

from __future__ import annotations

import re

from pydantic import TypeAdapter
from sqlalchemy import text
from sqlalchemy.orm import Session

from sync.protocol import Change, PullResponse
from sync.server.errors import InvalidRequest
from sync.server.models import Device

CURSOR_VERSION = "1"
_CURSOR = re.compile(r"^1:(\d{1,20}):(\d{1,19})$")
_MAX_XID8 = 2**64 - 1
_MAX_ID = 2**63 - 1
# One pull scans at most this many pages' worth of rows (the device's own stock movements
# are passed over) before it answers, so a pull is always bounded.
MAX_PAGES_SCANNED = 10

# One page in one statement. PostgreSQL builds the changes as one JSON array, which pydantic
# parses and checks in one call: a tenth of the cost of a Python object per row. The device's
# own stock movements are scanned (the cursor moves past them) but left out of the array.
_PAGE = text(
    """
    WITH page AS (
        SELECT id, txid, kind, table_name, entity_id, location_id, data, origin_device_id
          FROM change_log
         WHERE company_id = :company_id
           AND (txid, id) > (CAST(:txid AS xid8), :id)
           AND txid < pg_snapshot_xmin(pg_current_snapshot())
         ORDER BY txid, id
         LIMIT :limit
    )
    SELECT count(*) AS scanned,
           (SELECT txid::text FROM page ORDER BY txid DESC, id DESC LIMIT 1) AS last_txid,
           (SELECT id FROM page ORDER BY txid DESC, id DESC LIMIT 1) AS last_id,
           coalesce(
               json_agg(
                   json_build_object(
                       'kind', CASE WHEN p.kind = 'stock' THEN 'stock'
                                    WHEN r.id IS NULL THEN 'delete'
                                    ELSE 'upsert' END,
                       'table', p.table_name, 'id', p.entity_id,
                       'location_id', CASE WHEN p.kind = 'stock' THEN p.location_id
                                           ELSE r.location_id END,
                       'data', CASE WHEN p.kind = 'stock' THEN p.data ELSE r.data END,
                       'origin_device_id', p.origin_device_id
                   ) ORDER BY p.txid, p.id
               ) FILTER (
                   WHERE p.kind <> 'stock' OR p.origin_device_id IS DISTINCT FROM :device_id
               ),
               '[]'
           )::text AS changes
      FROM page AS p
      -- One primary-key lookup per change. The company is checked on the row found, not in
      -- the lookup: asked for it there, the planner may pick the (company, table) index and
      -- read a whole table per change. (Pushes refuse another company's ids; this makes
      -- sure no such row is ever served.)
      LEFT JOIN LATERAL (
            SELECT found.id, found.data, found.location_id
              FROM (SELECT record.id, record.data, record.location_id, record.company_id
                      FROM record
                     WHERE p.kind <> 'stock'
                       AND record.table_name = p.table_name
                       AND record.id = p.entity_id
                    OFFSET 0) AS found
             WHERE found.company_id = :company_id
      ) AS r ON true
    """
)
_CHANGES = TypeAdapter(list[Change])


def pull_changes(session: Session, device: Device, cursor: str | None, limit: int) -> PullResponse:
    position = parse_cursor(cursor)
    if position[0] and _from_the_future(session, position[0]):
        # A cursor beyond every transaction this server has started: its database was
        # replaced or restored. Answering "nothing new" would leave the register behind
        # forever; refusing makes it pull again from the start (records are upserts and
        # stock movements are taken once by id, so that is safe).
        raise InvalidRequest(
            "The sync cursor is ahead of this server's data (was its database restored?); "
            "sync again from the start (without a cursor)."
        )
    changes: list[Change] = []
    more = False
    for _ in range(MAX_PAGES_SCANNED):
        wanted = limit - len(changes)
        row = session.execute(
            _PAGE,
            {
                "company_id": device.company_id,
                "device_id": device.id,
                "txid": str(position[0]),
                "id": position[1],
                "limit": wanted,
            },
        ).one()
        if row.scanned:
            position = (int(row.last_txid), row.last_id)
            changes.extend(_CHANGES.validate_json(row.changes))
        more = row.scanned == wanted
        if not more or len(changes) == limit:
            break
    return PullResponse(changes=changes, cursor=format_cursor(*position), more=more)


_NEXT_TXID = text("SELECT pg_snapshot_xmax(pg_current_snapshot())::text")


def _from_the_future(session: Session, txid: int) -> bool:
    return txid >= int(session.execute(_NEXT_TXID).scalar_one())


def parse_cursor(cursor: str | None) -> tuple[int, int]:
    """The position after which to read; `None` (a first pull) is the very beginning."""
    if cursor is None or cursor == "":
        return (0, 0)
    match = _CURSOR.match(cursor)
    if match is None or int(match[1]) > _MAX_XID8 or int(match[2]) > _MAX_ID:
        raise InvalidRequest(
            "The sync cursor is not one this server gave out; "
            "sync again from the start (without a cursor)."
        )
    return int(match[1]), int(match[2])


def format_cursor(txid: int, row_id: int) -> str:
    return f"{CURSOR_VERSION}:{txid}:{row_id}"
