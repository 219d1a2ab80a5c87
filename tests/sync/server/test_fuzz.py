"""A schemathesis run over the server's OpenAPI description, against the real app on a real
socket: valid and malformed requests, with a valid device token and without one. No reply
may be a server error, and every reply must match the description (status, content type,
body schema)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import Engine

from tests.sync.fixtures import LiveServer, PairedDevice, ServerDb, pair_device

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES_PER_OPERATION = 30
NO_INPUT = {"GET /health", "GET /v1/device"}


@dataclass
class Target:
    server: LiveServer
    device: PairedDevice
    schema: schemathesis.BaseSchema


@pytest.fixture(scope="module")
def target(pg_url: str, _server_engine: Engine) -> Iterator[Target]:
    """One server for the module, with one paired device whose token stays valid."""
    database = ServerDb(pg_url, _server_engine)
    database.truncate()
    server = LiveServer(database)
    server.start()
    try:
        device = pair_device(server)
        yield Target(server, device, schemathesis.openapi.from_dict(server.app.openapi()))
    finally:
        server.stop()


def test_every_operation_is_fuzzed(target: Target) -> None:
    labels = {result.ok().label for result in target.schema.get_all_operations()}
    assert labels == {
        "GET /health",
        "POST /v1/pair",
        "POST /v1/push",
        "GET /v1/pull",
        "GET /v1/device",
        "GET /v1/reports/sales",
    }


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize("authenticated", [True, False], ids=["token", "no-token"])
def test_no_server_error_and_every_reply_as_described(
    target: Target, mode: GenerationMode, authenticated: bool
) -> None:
    headers = target.device.headers if authenticated else {}
    statuses: list[int] = []
    for result in target.schema.get_all_operations():
        operation = result.ok()
        strategy = operation.as_strategy(generation_mode=mode, headers=headers or None)

        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        @given(case=strategy)
        def call(case: schemathesis.Case) -> None:
            response = case.call_and_validate(
                base_url=target.server.url, headers=headers, checks=CHECKS, timeout=30
            )
            statuses.append(response.status_code)

        try:
            call()
        except Unsatisfiable:
            # No input to corrupt: a malformed request to these cannot be made.
            if not (mode is GenerationMode.NEGATIVE and operation.label in NO_INPUT):
                raise
    assert statuses
    assert max(statuses) < 500
    if authenticated and mode is GenerationMode.POSITIVE:
        assert 200 in statuses
