#!/usr/bin/env bash
# Debian packages the end-to-end tests use: chromium (console tests via Playwright),
# postfix (real-MTA test), postgresql (the PostgreSQL run of the store tests), fonts-wqy-zenhei
# (OCR tests render Chinese pages), prometheus (promtool checks deploy/alerts.yml).
# Installed only when missing and when we may (root with apt-get); otherwise those tests skip,
# unless DLP_TEST_REQUIRE_SYSTEM=1 (CI), where a missing tool fails them.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
[ -x /usr/sbin/postfix ] || need+=(postfix)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
# a CJK font: the OCR tests render pictures of Chinese documents with it
[ -f /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc ] || need+=(fonts-wqy-zenhei)
# promtool: `promtool check rules deploy/alerts.yml`
command -v promtool >/dev/null 2>&1 || need+=(prometheus)
if [ ${#need[@]} -eq 0 ]; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "system-deps: missing ${need[*]}; not root with apt-get, the tests that need them will skip" >&2
    exit 0
fi
echo "system-deps: installing ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
echo "postfix postfix/main_mailer_type select Local only" | debconf-set-selections
echo "postfix postfix/mailname string dlp-test.localdomain" | debconf-set-selections
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
# Debian starts the services it installs where it can; the tests run their own instances.
service postfix stop >/dev/null 2>&1 || true
service postgresql stop >/dev/null 2>&1 || true
service prometheus stop >/dev/null 2>&1 || true
