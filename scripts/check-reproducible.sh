#!/usr/bin/env bash
# Reproducible build check: builds this working tree twice, from two copies at different paths, and
# compares every jar and archive the build makes (modules' jars, -sources and -javadoc jars, nn.jar, the
# distribution zip and tar.gz) byte for byte. Exit 0 when all are identical, 1 naming those that differ.
# What makes it hold: project.build.outputTimestamp in the parent POM (one time for every file in every
# archive) and nothing in the build that writes the date, the path or the user into a file.
# Takes two full packages without tests (about 1.5 min each on 2 cores). .ci/run runs it after the tests.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
for copy in first second-copy; do
  mkdir -p "$TMP/$copy"
  # the files git would commit (tracked, and new ones not ignored): no target/, no logs
  (cd "$ROOT" && git ls-files -z -co --exclude-standard | tar --null -T - -cf -) | tar -xf - -C "$TMP/$copy"
  echo "check-reproducible: building $TMP/$copy ..." >&2
  if ! (cd "$TMP/$copy" && ./mvnw -B -q -DskipTests package >"$TMP/$copy.log" 2>&1); then
    echo "check-reproducible: the build in $TMP/$copy failed:" >&2
    tail -30 "$TMP/$copy.log" >&2
    exit 1
  fi
  (cd "$TMP/$copy" && find . -path '*/target/*' \( -name '*.jar' -o -name '*.zip' -o -name '*.tar.gz' \) \
        ! -name 'original-*' ! -path '*/target/dependency/*' -print0 | sort -z | xargs -0 sha256sum) >"$TMP/$copy.sums"
done
count=$(wc -l <"$TMP/first.sums")
if diff "$TMP/first.sums" "$TMP/second-copy.sums" >"$TMP/diff"; then
  echo "check-reproducible: $count archives, byte-identical in both builds"
else
  echo "check-reproducible: archives that differ between two builds of the same tree:" >&2
  grep '^<' "$TMP/diff" | awk '{print "  " $3}' >&2
  exit 1
fi
