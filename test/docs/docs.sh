#!/usr/bin/env bash
# The docs test: every ```sql block of README.md and docs/*.md runs as written
# in a fresh database with precmed, and every printed result matches what psql
# prints (test/docs/docs_test.py; conventions in docs/contributing.md).
exec python3 "$(dirname "$0")/docs_test.py" "$@"
