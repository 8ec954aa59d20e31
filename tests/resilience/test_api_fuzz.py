"""API fuzzing with schemathesis against the app's own OpenAPI schema (/openapi.json).

Schemathesis generates requests for every operation the schema lists — valid ones and deliberately
invalid ones (wrong types, missing fields, strings where numbers go, odd unicode) — and sends them to
the real app under uvicorn on 127.0.0.1, with the Zalo and Telegram channels on. Whatever arrives, the
app must answer without a 5xx and without a stack trace in the body. Routes behind a login answer 401 to
a stranger, which is a fine answer: the point is that nothing breaks.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import HealthCheck, settings

from api.main import create_app
from bot.config import Settings, load_settings
from tests.fakes.telegram_server import FakeTelegram
from tests.fakes.zalo_server import FakeZalo
from tests.support.server import live_app

if TYPE_CHECKING:
    import schemathesis
else:  # a development dependency; without it this module is skipped, saying why
    schemathesis = pytest.importorskip("schemathesis", reason="pip install schemathesis to fuzz the API")

pytestmark = pytest.mark.e2e

APP_ID, APP_SECRET, OA_SECRET = "2553928453557884079", "app-secret", "oa-secret"
TRACE_SIGNS = ("Traceback (most recent call last)", 'File "/', "sqlalchemy.exc", "psycopg.errors")


def _settings(database_url: str, zalo_url: str, telegram: FakeTelegram) -> Settings:
    return load_settings(
        database_url=database_url,
        zalo_app_id=APP_ID,
        zalo_app_secret=APP_SECRET,
        zalo_oa_secret_key=OA_SECRET,
        zalo_access_token="at-0",
        zalo_openapi_base=zalo_url,
        zalo_oauth_base=zalo_url,
        telegram_token=telegram.token,
        telegram_base_url=telegram.base_url,
        telegram_webhook_secret="fuzz_secret",
    )


# The schema is the app's own, read without serving it; the requests go to the app served below.
schema = schemathesis.openapi.from_dict(
    create_app(load_settings(database_url="sqlite:///:memory:")).openapi()
)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    zalo = FakeZalo(app_id=APP_ID, app_secret=APP_SECRET).start()
    try:
        with FakeTelegram().running() as telegram:
            database = f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'motcua.db'}"
            with live_app(_settings(database, zalo.url, telegram)) as url:
                yield url
    finally:
        zalo.stop()


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_request_gets_a_5xx_or_a_stack_trace(served: str, case: schemathesis.Case[Any]) -> None:
    response = case.call(base_url=served, timeout=60)

    assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.status_code}"
    assert not any(sign in response.text for sign in TRACE_SIGNS), response.text[:500]
