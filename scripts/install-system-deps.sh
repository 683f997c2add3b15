#!/usr/bin/env bash
# Install the Debian packages the tests need (Chromium for real-browser tests, npm for
# the test-only npm packages, a Java runtime for the Nu Html Checker).
# Idempotent: does nothing when everything is already there.
set -euo pipefail

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v npm >/dev/null 2>&1 || missing+=(npm)  # npm ci fetches the sitemap XSD for the tests
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)  # runs vnu.jar

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "need root to install: ${missing[*]} (apt-get install ${missing[*]})" >&2
    exit 1
  fi
fi
echo "installing Debian packages: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
