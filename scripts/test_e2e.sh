#!/usr/bin/env bash
# `make test-e2e`: the outside-in suite (e2e/). A copy of the test database, a real Odoo
# server with two workers, a cron worker and queue_job's runner, driven over XML-RPC and
# JSON-2 by clients in threads, with a worker killed and PostgreSQL restarted mid-job.
# Extra arguments go to pytest (e.g. scripts/test_e2e.sh -k killed).
source "$(dirname "$0")/env.sh"
prepare_test_db
E2E_DB="${E2E_DB:-serial_e2e}"
log "Outside-in tests: a copy of $DB as $E2E_DB, served by a multi-worker Odoo"
stop_e2e() { drop_db "$E2E_DB" || true; rm -rf "$LOCAL_DIR/data/filestore/$E2E_DB"; }
stop_e2e
createdb -T "$DB" "$E2E_DB"
mkdir -p "$LOCAL_DIR/data/filestore"
if [ -d "$LOCAL_DIR/data/filestore/$DB" ]; then
    cp -r "$LOCAL_DIR/data/filestore/$DB" "$LOCAL_DIR/data/filestore/$E2E_DB"
fi
trap 'stop_e2e; [ -n "$PG_STARTED_HERE" ] && stop_postgres' EXIT
export E2E_DB E2E_FIXTURE="$LOCAL_DIR/e2e-fixture.json" E2E_LOG="$LOCAL_DIR/e2e-server.log"
"$VENV/bin/python" "$ODOO_SRC/odoo-bin" shell -c "$ODOO_CONF" -d "$E2E_DB" --log-level=warn <"$ADDON_DIR/e2e/prepare_db.py" \
    >"$LOCAL_DIR/e2e-prepare.log" 2>&1 || die "preparing $E2E_DB failed; see $LOCAL_DIR/e2e-prepare.log"
export E2E_PYTHON="$VENV/bin/python" E2E_ODOO_BIN="$ODOO_SRC/odoo-bin" E2E_CONF="$ODOO_CONF"
export E2E_HTTP_PORT="${E2E_HTTP_PORT:-$(free_port)}" E2E_GEVENT_PORT="$(free_port)"
# How the tests restart PostgreSQL (the private cluster; an external server is not ours).
if use_external_postgres; then
    export E2E_PG_RESTART="echo 'external PostgreSQL: not restarted' >&2; exit 1"
else
    export E2E_PG_RESTART="$(declare -f as_pg_os_user); as_pg_os_user '$(pg_bindir)/pg_ctl' --pgdata='$(pg_data_dir)' --mode=fast --wait restart >/dev/null"
fi
: >"$E2E_LOG"
# Collected through a link outside the addon: the addon's folder is a Python package,
# which pytest would import (as Odoo must not be imported, outside odoo.addons).
ln -sfn "$ADDON_DIR/e2e" "$LOCAL_DIR/e2e"
"$VENV/bin/python" -m pytest -p no:cacheprovider -p no:odoo --rootdir="$LOCAL_DIR/e2e" \
    -c "$ADDON_DIR/pyproject.toml" "$@" "$LOCAL_DIR/e2e"
log "Outside-in tests passed (server log: $E2E_LOG)"
