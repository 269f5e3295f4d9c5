# Minga: `docker build -t minga . && docker run -e BOT_TOKEN=… -v minga-data:/data minga`
# One image, both modes: `minga run` (long polling, SQLite on the volume; the default) or
# `minga setup` once and then `minga serve` replicas on PostgreSQL (see compose.yaml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY locales ./locales
COPY migrations ./migrations
RUN pip install . \
    && useradd --create-home --uid 10001 minga \
    && mkdir /data \
    && chown minga:minga /data \
    && rm -rf /src

USER minga
WORKDIR /data
# the SQLite file lives on the volume; set DATABASE_URL to use PostgreSQL instead
ENV DATABASE_URL=sqlite+aiosqlite:////data/minga.db
VOLUME ["/data"]

# `minga serve` listens here (LISTEN_PORT) and, with METRICS_PORT=9100, serves /metrics there
EXPOSE 8080 9100
# `minga run` applies migrations, then polls; `minga serve` finishes the requests in flight;
# SIGTERM stops either gracefully
STOPSIGNAL SIGTERM
CMD ["minga", "run"]
