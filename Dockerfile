# syntax=docker/dockerfile:1
# dlp-gateway image: docs/deployment.md ("Containers") explains networks, TLS and the volume.
FROM python:3.11-slim-bookworm AS build
WORKDIR /src
COPY pyproject.toml README.md constraints.txt ./
COPY gateway ./gateway
COPY matchers ./matchers
# gateway/default_scope links to config/scope: the default tables travel inside the package
COPY config ./config
RUN python -m venv /opt/dlp \
    && /opt/dlp/bin/pip install --no-cache-dir -c constraints.txt .

FROM python:3.11-slim-bookworm
# non-root user; the data volume is created owned by it so a named volume starts writable
RUN useradd --system --create-home --home-dir /srv/dlp --uid 10025 dlp \
    && mkdir -p /srv/dlp/var \
    && chown dlp:dlp /srv/dlp/var
COPY --from=build /opt/dlp /opt/dlp
WORKDIR /srv/dlp
USER dlp
ENV PATH=/opt/dlp/bin:$PATH \
    DLP_DATA_DIR=/srv/dlp/var \
    DLP_SMTP__LISTEN=0.0.0.0:10025 \
    DLP_CONSOLE__LISTEN=0.0.0.0:8025
VOLUME ["/srv/dlp/var"]
EXPOSE 10025 8025
# liveness: /healthz on the console port (readiness, /readyz, is for load balancers)
HEALTHCHECK --interval=30s --timeout=5s --start-period=90s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8025/healthz', timeout=4)"]
ENTRYPOINT ["dlp-gateway"]
CMD ["serve"]
