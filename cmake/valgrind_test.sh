#!/bin/sh
# valgrind_test.sh VALGRIND PROGRAM [ARGS...]: runs PROGRAM under memcheck; any error or leak
# fails the test. Exit 77 (CTest: skipped) when valgrind is not installed.
valgrind=$1
shift
if [ -z "$valgrind" ] || ! command -v "$valgrind" >/dev/null 2>&1; then
  echo "valgrind is not installed: test skipped"
  exit 77
fi
exec "$valgrind" --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect,possible \
  --track-origins=yes --suppressions="$(dirname "$0")/valgrind.supp" "$@"
