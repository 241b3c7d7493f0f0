#!/bin/sh
# expect_output.sh PATTERN PROGRAM [ARGS...]: runs PROGRAM, shows its output, and passes when it
# exits 0 and a line of its standard output matches the extended regular expression PATTERN.
pattern=$1
shift
out=$("$@")
rc=$?
printf '%s\n' "$out"
if [ "$rc" -ne 0 ]; then
  echo "FAIL: $1 exited with status $rc" >&2
  exit 1
fi
if ! printf '%s\n' "$out" | grep -Eq -- "$pattern"; then
  echo "FAIL: no output line matches: $pattern" >&2
  exit 1
fi
