#!/usr/bin/env bash
# Install (if needed) Debian's Chromium, its chromedriver and a small CJK font for the console's
# browser tests (tests/test_console_browser.py); selenium comes with the test extras. Idempotent; needs
# root. The tests then run with YQ_REQUIRE_BROWSER=1 so a missing browser fails instead of skips.
set -euo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -x /usr/bin/chromedriver ] || need+=(chromium-driver)
# Without a CJK font, screenshots show boxes (the tests read text from the DOM, not pixels).
fc-list 2>/dev/null | grep -qi "wenquanyi\|noto sans cjk" || need+=(fonts-wqy-microhei)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}"
fi
/usr/bin/chromium --version
/usr/bin/chromedriver --version
