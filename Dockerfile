# syntax=docker/dockerfile:1
#
# One image for every process of the portal: gunicorn (default CMD), the Celery worker and
# beat, and the one-shot `migrate` (see docker-compose.yml, which chooses the command).
#
# Build:  docker build -t circulair-portal .
# Run:    docker compose up -d   (configuration comes from .env; see .env.example)

ARG PYTHON_IMAGE=python:3.12-slim-bookworm

# --- Stage 1: the virtualenv, from uv.lock exactly -------------------------------------------
FROM ${PYTHON_IMAGE} AS build

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PYTHON_PREFERENCE=only-system \
    UV_PROJECT_ENVIRONMENT=/app/.venv

RUN pip install uv==0.13.8

WORKDIR /app
# Only the dependency files: this layer is rebuilt when the lock changes, not on every edit.
COPY pyproject.toml uv.lock .python-version ./
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --locked --no-dev

# --- Stage 2: what runs -------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS runtime

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH="/app/.venv/bin:${PATH}"

# Shared libraries and a font for WeasyPrint (PDF reports).
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz-subset0 \
        fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin app

WORKDIR /app
COPY --from=build /app/.venv /app/.venv

# The project, listed explicitly so that a local .venv/, .git/, var/ or .env never ends up
# in the image. A new Django app or shared package needs its own line here
# (tests/test_compose.py checks it).
COPY manage.py ./
COPY kit ./kit
COPY portal ./portal
COPY community ./community
COPY procurement ./procurement
COPY cases ./cases
COPY reports ./reports
COPY templates ./templates
COPY static ./static

# collectstatic in production mode (DJANGO_DEBUG=0), so that whitenoise's
# CompressedManifestStaticFilesStorage writes staticfiles.json and the compressed files;
# with DJANGO_DEBUG=1 the manifest would be missing and every {% static %} would fail in
# production. The values below are dummies that exist only for this RUN: collectstatic
# connects to neither the database nor Redis. Files stay root-owned (read-only for `app`);
# var/ and var/media/ (the media volume's mount point) belong to `app`.
RUN DJANGO_DEBUG=0 \
    SECRET_KEY=collectstatic-build-only-not-a-secret \
    DATABASE_URL=postgres://build:build@127.0.0.1:5432/build \
    REDIS_URL=redis://127.0.0.1:6379/0 \
    ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput \
    && chown app:app /app/var \
    && install -d -o app -g app /app/var/media \
    && install -d -o app -g app /app/var/private /app/var/private/reports

USER app

EXPOSE 8000

# No HEALTHCHECK here: the same image runs the worker and beat, which serve no HTTP.
# docker-compose.yml defines a health check per service instead.
CMD ["gunicorn", "portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
