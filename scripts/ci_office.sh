#!/usr/bin/env bash
# Install (if needed) Debian's headless LibreOffice Writer (reports as PDF), poppler-utils (pdftoppm,
# the test that renders a report's page 1 to PNG) and the AR PL serif/kai CJK fonts that stand in
# for 仿宋/小标宋 (alerts/reports/fonts.conf). Idempotent; needs root. About 120 MB installed.
set -euo pipefail
need=()
command -v soffice >/dev/null || need+=(libreoffice-writer-nogui)
command -v pdftoppm >/dev/null || need+=(poppler-utils)
fc-list 2>/dev/null | grep -qi "AR PL UKai" || need+=(fonts-arphic-ukai)
fc-list 2>/dev/null | grep -qi "AR PL UMing" || need+=(fonts-arphic-uming)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}"
fi
soffice --version
