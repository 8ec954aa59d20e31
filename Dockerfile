# Motcua's image: the same `motcua serve` as README, configured only by MOTCUA_* variables.
#   docker build -t motcua .
#   docker run -p 8000:8000 -e MOTCUA_DATABASE_URL=postgresql+psycopg://... motcua
# See compose.yaml (N workers + PostgreSQL) and docs/deploy.md, section "Containers".

# Pinned to a patch release of Python 3.11 (what Motcua is tested with) on Debian 12. Add the digest your
# registry reports (python:3.11.11-slim-bookworm@sha256:...) to make rebuilds byte-for-byte repeatable.
FROM python:3.11.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    MPLCONFIGDIR=/tmp/matplotlib

# A system user without a login shell runs everything; only /data (SQLite trials) is writable to it.
RUN groupadd --system --gid 10001 motcua \
    && useradd --system --uid 10001 --gid motcua --create-home --home-dir /home/motcua \
       --shell /usr/sbin/nologin motcua \
    && install -d -o motcua -g motcua -m 0750 /data

WORKDIR /app

# Dependencies first: this layer is rebuilt only when pyproject.toml changes, not with every content edit.
COPY pyproject.toml README.md ./
RUN python -m venv /opt/venv \
    && python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
       > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

# The code and the content it serves by default (Settings: procedures/, flows.yaml, lexicon.yaml,
# outreach.yaml, portal.json beside the code; report.yaml for the quarterly report).
COPY bot ./bot
COPY api ./api
COPY procedures ./procedures
COPY flows.yaml lexicon.yaml outreach.yaml report.yaml portal.json ./
COPY docker/entrypoint.sh docker/migrate.py ./docker/
# Editable, like docs/deploy.md's install: Settings find the content beside the code (/app).
# `motcua search` builds the compiled catalogue into the image (/app/.cache, bot/content/compiled.py): each
# worker then loads it instead of parsing and indexing 2,700 procedures at start. The folder stays the
# workers' own, so a revision published later is compiled once, by the worker that publishes it.
RUN pip install --no-deps -e . \
    && chmod 0755 docker/entrypoint.sh \
    && python -m compileall -q bot api \
    && motcua search "khai sinh" > /dev/null \
    && chown -R motcua:motcua /app/.cache

USER motcua:motcua
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=6s --start-period=90s --retries=3 \
    CMD ["/app/docker/entrypoint.sh", "healthcheck", "8000"]
ENTRYPOINT ["/app/docker/entrypoint.sh"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000", "--workers", "2"]
