"""One set of mail addresses for every test (``example.gov.cn`` is the unit's internal domain)."""

from __future__ import annotations

INTERNAL_DOMAIN = "example.gov.cn"
SENDER = "zhang.san@example.gov.cn"  # an internal sender
INTERNAL = "li.si@example.gov.cn"  # an internal recipient (not inspected by default)
EXTERNAL = "partner@example.com"  # an outside recipient
OFFICER = "baomi@example.gov.cn"  # the officers' mailbox (daily digest)
NOTICE_FROM = "dlp@example.gov.cn"  # the gateway's own notices
