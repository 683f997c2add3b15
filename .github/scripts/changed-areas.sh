#!/usr/bin/env bash
# Reads changed paths, one per line, and prints which checks they need as step outputs:
#   content=true  when a path is under content/: the fast lane (check, build, links, preview)
#   other=true    when a path is outside content/briefs/ and content/pages/: the full test suite
# (vocabulary.yaml and site.yaml change what the tests build, so they need both).
set -euo pipefail
content=false
other=false
while IFS= read -r path || [ -n "$path" ]; do
  case "$path" in
    "") ;;
    content/briefs/* | content/pages/*) content=true ;;
    content/*) content=true; other=true ;;
    *) other=true ;;
  esac
done
echo "content=$content"
echo "other=$other"
