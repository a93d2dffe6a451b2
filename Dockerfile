# The briefing bot: one process serving Telegram, Slack, the scheduler and /healthz on port 8080.
#
#   docker build -t briefing-bot .
#   docker run -e TELEGRAM_BOT_TOKEN=... -v briefing-data:/data briefing-bot
#
# BASE_IMAGE is any image with Python 3.11+ and its venv module (python:3.12-slim by default);
# scripts/container-smoke.sh builds from a local Debian base where no registry is reachable.
# EXTRAS=draft adds what `briefing-bot draft` needs (some 200 MB the serving bot never uses).
ARG BASE_IMAGE=python:3.12-slim

# --- build: the project's wheel and every dependency's, installed into a venv -------------------
FROM ${BASE_IMAGE} AS build
ARG EXTRAS=
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 PIP_ROOT_USER_ACTION=ignore
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY content ./content
COPY seeds ./seeds
RUN python3 -m venv /opt/venv \
 && /opt/venv/bin/pip wheel --quiet --wheel-dir /wheels ".${EXTRAS:+[$EXTRAS]}" \
 && /opt/venv/bin/pip install --quiet --no-index --find-links /wheels "briefing-bot${EXTRAS:+[$EXTRAS]}" \
 && /opt/venv/bin/briefing-bot check \
 && /opt/venv/bin/pip uninstall --quiet --yes pip setuptools

# --- runtime: the venv on a clean base, as an unprivileged user ---------------------------------
FROM ${BASE_IMAGE}
ARG UID=10001
RUN groupadd --gid ${UID} briefing \
 && useradd --uid ${UID} --gid briefing --home-dir /data --no-create-home --no-log-init \
        --shell /usr/sbin/nologin briefing \
 && mkdir -p /data /app \
 && chown briefing:briefing /data
COPY --from=build /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    BRIEFING_DATA_DIR=/data \
    BRIEFING_PORT=8080 \
    LOG_FORMAT=json
WORKDIR /app
USER ${UID}:${UID}
VOLUME ["/data"]
EXPOSE 8080
# The runtime's own handler: readiness off, scheduler paused, sends drained (10 s), then exit 0.
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python3", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('BRIEFING_PORT', '8080'), timeout=4)"]
ENTRYPOINT ["briefing-bot"]
CMD ["run"]
