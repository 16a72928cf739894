#!/usr/bin/env bash
# `make bench`: Odoo's native path and ours, side by side, in one run; prints tables.
# BENCH_SIZES=1000 (serials per transfer) and BENCH_SUITES=transfers shorten a run;
# see bench/run.py.
source "$(dirname "$0")/env.sh"
prepare_test_db
# The addon's overhead on plain transfers is measured against a database with the same
# modules but without the addon, created once. Odoo's own path in the whole transfers runs
# there too, and on a pair of databases with the modules most companies tracking serials
# run (see scripts/env.sh).
PLAIN_DB="${BENCH_PLAIN_DB:-serial_bench_plain}"
MIX_DB="${DB}_module_mix"
PLAIN_MIX_DB="${PLAIN_DB}_module_mix"
suites=",${BENCH_SUITES:-steps,transfers,plain},"
plain_db() {  # name, modules: a database with these modules, without the addon
    db_exists "$1" && return
    log "Creating $1 ($2, without $ADDON_NAME)"
    odoo_bin -d "$1" -i "$2" --without-demo --stop-after-init --log-level=warn
}
if [[ "$suites" == *,plain,* || "$suites" == *,transfers,* ]]; then
    plain_db "$PLAIN_DB" "$TEST_DB_MODULES"
fi
if [[ "$suites" == *,transfers,* && ",${BENCH_CONFIGURATIONS:-module_mix}," == *,module_mix,* ]]; then
    ensure_test_db "$MIX_DB" "$MODULE_MIX_DB_MODULES"
    plain_db "$PLAIN_MIX_DB" "$MODULE_MIX_DB_MODULES"
fi
# Earlier runs roll back large inserts: start from a vacuumed database, not their debris.
for db in "$DB" "$PLAIN_DB" "$MIX_DB" "$PLAIN_MIX_DB"; do
    if db_exists "$db"; then psql -d "$db" -qc "VACUUM ANALYZE"; fi
done
# The background receipt commits what its job validates: on a copy, dropped afterwards.
if [[ ",${BENCH_SUITES:-}," == *,background,* ]]; then
    export BENCH_JOBS_DB="${DB}_jobs" BENCH_LOG_DIR="$LOCAL_DIR" BENCH_CONFIG="$ODOO_CONF"
    export BENCH_ODOO_BIN="$ODOO_SRC/odoo-bin" BENCH_HTTP_PORT="$(free_port)"
    export BENCH_GEVENT_PORT="$(free_port)"
    drop_db "$BENCH_JOBS_DB"
    createdb -T "$DB" "$BENCH_JOBS_DB"
    trap 'drop_db "$BENCH_JOBS_DB"; rm -rf "$LOCAL_DIR/data/filestore/$BENCH_JOBS_DB"; [ -n "$PG_STARTED_HERE" ] && stop_postgres' EXIT
fi
log "Benchmarks on $DB (each in a rolled-back transaction)"
cd "$ADDON_DIR/bench"
"$VENV/bin/python" run.py "$ODOO_CONF" "$DB" "$PLAIN_DB" "$MIX_DB" "$PLAIN_MIX_DB"
