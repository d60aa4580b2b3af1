#!/usr/bin/env bash
# The PostgreSQL tests (the API suite run again on PostgreSQL, tests/postgres.rs): Debian's
# PostgreSQL server binaries (initdb, postgres) and the psql client. The tests start their own
# throwaway cluster from these binaries (tests/common/postgres.rs: initdb in a temporary
# folder, a free loopback port); no cluster of the package is used. PostgreSQL refuses to run
# as root, so when the tests run as root they run it as the system user provenance-test, made
# here. Idempotent: the package is installed only when no initdb is found, the user only when
# missing.
set -euo pipefail

if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || ! command -v psql >/dev/null; then
  echo "setup: installing Debian's postgresql for the PostgreSQL tests"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends postgresql postgresql-client >/dev/null
fi

if [ "$(id -u)" -eq 0 ] && ! id provenance-test >/dev/null 2>&1; then
  echo "setup: adding the system user provenance-test (runs the tests' PostgreSQL)"
  useradd --system --no-create-home --shell /usr/sbin/nologin provenance-test
fi
