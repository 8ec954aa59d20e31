"""Dockerfile, compose.yaml and .dockerignore, checked without a container engine (none runs here).

What is checked is what breaks a deployment silently: a variable name the app never reads, a port or
health check pointing somewhere else than the server listens, the app starting before PostgreSQL is
ready, running as root, an unpinned base image, a file the image needs left out of it.
"""

from __future__ import annotations

import fnmatch
import os
import re
import shlex
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.config import CHECKOUT, Settings

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "Dockerfile"
COMPOSE = ROOT / "compose.yaml"
ENV_EXAMPLE = ROOT / "docker" / "motcua.env.example"
# Variables read by something other than Settings: uvicorn, and the postgres image.
OTHER_READERS = {"FORWARDED_ALLOW_IPS", "POSTGRES_USER", "POSTGRES_DB", "POSTGRES_PASSWORD"}
PINNED = re.compile(r"^[\w./-]+:\d+\.\d+(\.\d+)?(-[\w.-]+)?(@sha256:[0-9a-f]{64})?$")


def setting_names() -> set[str]:
    return {f"MOTCUA_{name.upper()}" for name in Settings.model_fields}


# ---- Dockerfile -------------------------------------------------------------------------------------


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    joined: list[str] = []
    pending = ""
    for line in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        if not pending and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1] + " "
            continue
        joined.append(pending + line)
        pending = ""
    out = []
    for line in joined:
        word, _, rest = line.strip().partition(" ")
        out.append((word.upper(), rest.strip()))
    return out


def exec_form(arguments: str) -> list[str]:
    value = yaml.safe_load(arguments)  # a JSON array is YAML
    assert isinstance(value, list), f"use the exec form (a JSON array): {arguments}"
    return [str(v) for v in value]


def ignored(path: str) -> bool:
    """Whether .dockerignore leaves `path` (relative to the repository) out of the build context."""
    patterns = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    parts = Path(path).parts
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    return any(
        fnmatch.fnmatch(prefix, pattern.removeprefix("**/")) or fnmatch.fnmatch(prefix, pattern)
        for pattern in patterns
        for prefix in prefixes
    )


def copies() -> list[tuple[list[str], str]]:
    out = []
    for word, rest in instructions():
        if word == "COPY":
            assert "--from" not in rest  # a single stage: every source is in the build context
            *sources, destination = shlex.split(rest)
            out.append((sources, destination))
    return out


def test_the_base_image_is_a_pinned_python_3_11() -> None:
    bases = [rest.split()[0] for word, rest in instructions() if word == "FROM"]
    assert bases, "no FROM"
    for base in bases:
        assert PINNED.match(base), f"pin the base image to a release: {base}"
        assert "latest" not in base
    assert bases[-1].startswith("python:3.11.")


def test_the_server_runs_as_a_user_without_privileges() -> None:
    steps = instructions()
    users = [i for i, (word, _) in enumerate(steps) if word == "USER"]
    assert users, "no USER: the server would run as root"
    last_user = users[-1]
    user = steps[last_user][1].split(":")[0]
    assert user not in {"root", "0"}
    assert all(word != "RUN" for word, _ in steps[last_user:]), "RUN after USER runs as the unprivileged user"
    assert any(word == "RUN" and "useradd" in rest and user in rest for word, rest in steps)


def test_every_copied_file_exists_and_is_in_the_build_context() -> None:
    for sources, _ in copies():
        for source in sources:
            assert (ROOT / source).exists(), source
            assert not ignored(source), f".dockerignore leaves out {source}, which the image copies"


def test_the_image_holds_the_content_settings_point_at() -> None:
    defaults = Settings.model_construct()
    needed = [
        defaults.catalogue_dir,
        defaults.flows_file,
        defaults.lexicon_file,
        defaults.outreach_file,
        defaults.portal_file,
        CHECKOUT / "report.yaml",
    ]
    copied = {Path(source).name for sources, _ in copies() for source in sources}
    for path in needed:
        assert path is not None
        relative = path.relative_to(CHECKOUT)
        assert str(relative) in copied or relative.name in copied, f"the image lacks {relative}"
    for package in ("bot", "api", "pyproject.toml"):
        assert package in copied


def test_the_entrypoint_is_copied_executable_and_is_what_runs() -> None:
    steps = instructions()
    (entrypoint,) = [exec_form(rest) for word, rest in steps if word == "ENTRYPOINT"]
    assert entrypoint == ["/app/docker/entrypoint.sh"]
    workdir = [rest for word, rest in steps if word == "WORKDIR"][-1]
    destinations = {
        str(Path(workdir) / destination / Path(source).name)
        for sources, destination in copies()
        for source in sources
        if source.startswith("docker/")
    }
    assert entrypoint[0] in destinations
    script = ROOT / "docker" / "entrypoint.sh"
    assert os.access(script, os.X_OK)
    assert script.read_text(encoding="utf-8").startswith("#!/bin/sh\n")
    assert subprocess.run(["sh", "-n", str(script)], capture_output=True).returncode == 0
    assert str(Path(workdir) / "docker" / "migrate.py") in destinations


def test_the_default_command_serves_on_the_exposed_port_with_a_health_check() -> None:
    steps = instructions()
    (command,) = [exec_form(rest) for word, rest in steps if word == "CMD"]
    assert command[0] == "serve"
    port = command[command.index("--port") + 1]
    assert command[command.index("--host") + 1] == "0.0.0.0"  # reachable from outside the container
    assert [rest for word, rest in steps if word == "EXPOSE"] == [port]
    (check,) = [rest for word, rest in steps if word == "HEALTHCHECK"]
    assert exec_form(check.split(" CMD ", 1)[1]) == ["/app/docker/entrypoint.sh", "healthcheck", port]


def test_secrets_and_local_state_stay_out_of_the_build_context() -> None:
    for path in (".git/config", ".venv/bin/python", "motcua.env", "motcua.db", "tests/conftest.py", ".env"):
        assert ignored(path), path


# ---- compose.yaml -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    return data


def variables(text: str) -> set[str]:
    """Compose interpolations (${NAME}, ${NAME:-default}, ${NAME:?message}) in `text`."""
    return set(re.findall(r"\$\{([A-Z_][A-Z0-9_]*)", text))


def test_compose_has_postgresql_and_the_app(compose: dict[str, Any]) -> None:
    assert set(compose["services"]) == {"db", "app"}
    assert "pgdata" in compose["volumes"]
    db = compose["services"]["db"]
    assert PINNED.match(db["image"]) and db["image"].startswith("postgres:15.")
    assert any(v.endswith(":/var/lib/postgresql/data") for v in db["volumes"])
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])


def test_the_app_starts_once_postgresql_is_ready(compose: dict[str, Any]) -> None:
    app = compose["services"]["app"]
    assert app["depends_on"] == {"db": {"condition": "service_healthy"}}
    assert app["build"] == "." and "latest" not in app["image"]


def test_n_workers_share_one_port_and_the_health_check_asks_it(compose: dict[str, Any]) -> None:
    app = compose["services"]["app"]
    command = app["command"]
    assert command[0] == "serve"
    assert "WORKERS" in variables(command[command.index("--workers") + 1])
    port = command[command.index("--port") + 1]
    assert command[command.index("--host") + 1] == "0.0.0.0"
    (mapping,) = app["ports"]
    host, _published, target = mapping.split(":")
    assert (host, target) == ("127.0.0.1", port)  # behind a proxy on the same machine
    assert app["healthcheck"]["test"] == ["CMD", "/app/docker/entrypoint.sh", "healthcheck", port]
    assert "start_period" in app["healthcheck"]  # content is loaded before the first 200


def test_the_app_reads_every_variable_compose_sets(compose: dict[str, Any]) -> None:
    known = setting_names()
    environment = compose["services"]["app"]["environment"]
    for name in environment:
        assert name in known or name in OTHER_READERS, f"{name} is read by nothing"
    example = [
        line.lstrip("# ").split("=", 1)[0]
        for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines()
        if re.match(r"^#? ?MOTCUA_\w+=", line)
    ]
    assert example
    for name in example:
        assert name in known, f"{ENV_EXAMPLE.name}: {name} is read by nothing"


def test_the_database_url_names_the_db_service_with_the_psycopg_driver(compose: dict[str, Any]) -> None:
    url = compose["services"]["app"]["environment"]["MOTCUA_DATABASE_URL"]
    db = compose["services"]["db"]["environment"]
    assert url.startswith("postgresql+psycopg://")
    assert f"{db['POSTGRES_USER']}:" in url and url.endswith(f"@db:5432/{db['POSTGRES_DB']}")
    assert variables(url) == variables(db["POSTGRES_PASSWORD"]) == {"POSTGRES_PASSWORD"}


def test_secrets_are_required_not_defaulted() -> None:
    text = COMPOSE.read_text(encoding="utf-8")
    for name in ("POSTGRES_PASSWORD", "MOTCUA_SECRET_SALT"):
        assert re.search(r"\$\{" + name + r":\?", text), f"{name} must be set, with no default"
        assert not re.search(r"\$\{" + name + r":-", text)
