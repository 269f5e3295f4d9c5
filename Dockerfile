# Minga: `docker build -t minga . && docker run -e BOT_TOKEN=… -v minga-data:/data minga`
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

# `minga run` applies migrations, then polls; SIGTERM stops it gracefully
STOPSIGNAL SIGTERM
CMD ["minga", "run"]
