# The comment moderation service in a container (docs/deployment.md).
#
#   docker build -t moderation .
#   docker volume create moderation-data
#   docker run --rm -v moderation-data:/data moderation moderation init --db /data/moderation.db
#   docker run -d --name moderation -p 127.0.0.1:8080:8080 -v moderation-data:/data --env-file moderation.env moderation
#   docker kill --signal HUP moderation      # rules reloaded, no request dropped
#
# Nothing secret is in the image: the webhook secret and the session key are
# made by `moderation init` in the /data volume (owner-only), or come from the
# environment at run time (MODERATION_WEBHOOK_SECRET, MODERATION_SECRET_KEY).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN groupadd --system --gid 10001 moderation \
 && useradd --system --uid 10001 --gid moderation --home-dir /data --shell /usr/sbin/nologin moderation \
 && install -d -o moderation -g moderation -m 0700 /data

WORKDIR /app
# The dependencies first, so a change to the code does not reinstall them.
COPY pyproject.toml README.md ./
COPY moderation moderation
COPY webhook webhook
COPY rules rules
COPY seeds seeds
# Editable: the rules/ and seeds/ folders are read beside the packages, as in a checkout.
RUN pip install -e . && python -m compileall -q moderation webhook

USER moderation
VOLUME ["/data"]
EXPOSE 8080

HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=4).status == 200 else 1)"]

# Every interface inside the container; publish the port on the host's loopback and put nginx in front.
CMD ["moderation", "serve", "--host", "0.0.0.0", "--port", "8080", "--db", "/data/moderation.db"]
