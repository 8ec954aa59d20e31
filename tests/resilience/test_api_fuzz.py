"""API fuzzing with schemathesis against the app's own OpenAPI schema (/openapi.json).

Schemathesis generates requests for every operation the schema lists — valid ones and deliberately
invalid ones (wrong types, missing fields, strings where numbers go, odd unicode) — and sends them to
the real app under uvicorn on 127.0.0.1, with the Zalo and Telegram channels on. Whatever arrives, the
app must answer without a 5xx and without a stack trace in the body. Routes behind a login answer 401 to
a stranger, which is a fine answer: the point is that nothing breaks.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from bot.config import load_settings
from tests.fakes.telegram_server import FakeTelegram
from tests.fakes.zalo_server import FakeZalo
from tests.support.server import live_app

pytestmark = pytest.mark.e2e

APP_ID, APP_SECRET, OA_SECRET = "2553928453557884079", "app-secret", "oa-secret"
# PDF printing starts a browser per request: a few examples of those routes say as much as many.
TRACE_SIGNS = ("Traceback (most recent call last)", 'File "/', "sqlalchemy.", "psycopg.", 'line ')


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory: pytest.TempPathFactory) -> Iterator[schemathesis.BaseSchema]:
    zalo = FakeZalo(app_id=APP_ID, app_secret=APP_SECRET).start()
    try:
        with FakeTelegram().running() as telegram:
            settings_ = load_settings(
                database_url=f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'motcua.db'}",
                zalo_app_id=APP_ID,
                zalo_app_secret=APP_SECRET,
                zalo_oa_secret_key=OA_SECRET,
                zalo_access_token="at-0",
                zalo_openapi_base=zalo.url,
                zalo_oauth_base=zalo.url,
                telegram_token=telegram.token,
                telegram_base_url=telegram.base_url,
                telegram_webhook_secret="fuzz_secret",
            )
            with live_app(settings_) as url:
                yield schemathesis.openapi.from_url(f"{url}/openapi.json")
    finally:
        zalo.stop()


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_request_gets_a_5xx_or_a_stack_trace(case: schemathesis.Case) -> None:
    response = case.call(timeout=60)

    assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.status_code}"
    body = response.text
    assert not any(sign in body for sign in TRACE_SIGNS[:4]), body[:500]
