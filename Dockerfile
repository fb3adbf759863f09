# One image for the API and the action server (docker-compose.yml runs both from it).
# The model is trained while the image is built, with the same steps as `make model`, so a
# container starts serving without training or downloading anything.
#
#   docker build -t signpost .
#   docker run -p 8000:8000 signpost            # API only; start the action server too,
#                                               # or use docker-compose.yml
#
# BASE is any Debian-based image with CPython 3.10 at PYTHON: python:3.10-slim by default; on
# machines without a container registry `make image` passes the project's local base
# (deploy/podman/make-base.sh: debootstrap'ed Debian bookworm + the machine's CPython 3.10).
# The container runs as a non-root user and needs no writable root file system: only /tmp
# (e.g. `docker run --read-only --tmpfs /tmp`; docker-compose.yml and deploy/k8s/ do this).
ARG BASE=python:3.10-slim
FROM ${BASE}
ARG PYTHON=/usr/local/bin/python3.10

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    RASA_TELEMETRY_ENABLED=false \
    TF_CPP_MIN_LOG_LEVEL=2 \
    SQLALCHEMY_SILENCE_UBER_WARNING=1 \
    PATH=/app/.venv/bin:$PATH

# make: the Makefile's steps; nothing else is needed at run time.
RUN apt-get update \
    && apt-get install -y --no-install-recommends make \
    && rm -rf /var/lib/apt/lists/*

# Non-root: the build (venv, training) and the server run as this user.
RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin signpost \
    && mkdir /app && chown signpost:signpost /app
WORKDIR /app
USER signpost

# Dependencies first, in their own layer: rebuilt only when the requirements files change.
COPY --chown=signpost:signpost Makefile requirements.txt requirements-models.txt ./
RUN make .venv/.installed PYTHON310=${PYTHON}

# Then the code and training data, and the model (`make model`: rasa train).
COPY --chown=signpost:signpost . .
RUN make model PYTHON310=${PYTHON} \
    && rm -rf .rasa

# Defaults for one container; see docs/operations.md, "Running several replicas".
#   WEB_CONCURRENCY  uvicorn workers (more than 1 needs SIGNPOST_REDIS_URL and SIGNPOST_SESSION_SECRET)
#   SIGNPOST_TRUSTED_PROXIES  the reverse proxy's address, so per-client limits see real clients
ENV WEB_CONCURRENCY=1 \
    SIGNPOST_ACTION_SERVER_URL=http://127.0.0.1:5055/webhook

EXPOSE 8000 5055

# Liveness: the process answers (it only listens once its model is loaded). A load balancer
# should route by /readyz instead, which also checks the action server.
HEALTHCHECK --interval=15s --timeout=5s --start-period=90s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status == 200 else 1)"]

# api.serve runs uvicorn with the project's server settings (api/serve.py: no access log, no
# forwarded headers unless SIGNPOST_TRUSTED_PROXIES, keep-alive and request-read timeouts).
CMD ["python", "-m", "api.serve", "--no-action-server", "--host", "0.0.0.0", "--port", "8000"]
