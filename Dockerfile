# syntax=docker/dockerfile:1
FROM python:3.11-slim-bookworm AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY gateway ./gateway
COPY matchers ./matchers
RUN python -m venv /opt/dlp && /opt/dlp/bin/pip install --no-cache-dir .

FROM python:3.11-slim-bookworm
RUN useradd --system --create-home --home-dir /srv/dlp --uid 10025 dlp
COPY --from=build /opt/dlp /opt/dlp
COPY config /srv/dlp/config
WORKDIR /srv/dlp
USER dlp
ENV PATH=/opt/dlp/bin:$PATH \
    DLP_DATA_DIR=/srv/dlp/var \
    DLP_SCOPE_DIR=/srv/dlp/config/scope \
    DLP_SMTP__LISTEN=0.0.0.0:10025 \
    DLP_CONSOLE__LISTEN=0.0.0.0:8025
VOLUME ["/srv/dlp/var"]
EXPOSE 10025 8025
ENTRYPOINT ["dlp-gateway"]
CMD ["serve"]
