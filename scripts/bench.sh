#!/usr/bin/env bash
# `make bench`: Odoo's native path and ours, side by side, in one run; prints tables.
# BENCH_SIZES=1000 (serials per transfer) and BENCH_SUITES=transfers shorten a run;
# see bench/run.py.
source "$(dirname "$0")/env.sh"
prepare_test_db
# The addon's overhead on plain transfers is measured against a database with the same
# modules but without the addon, created once.
PLAIN_DB="${BENCH_PLAIN_DB:-serial_bench_plain}"
if [[ ",${BENCH_SUITES:-plain}," == *,plain,* ]] && ! db_exists "$PLAIN_DB"; then
    log "Creating $PLAIN_DB (sale_stock, purchase_stock, without $ADDON_NAME)"
    odoo_bin -d "$PLAIN_DB" -i sale_stock,purchase_stock --without-demo \
        --stop-after-init --log-level=warn
fi
# Earlier runs roll back large inserts: start from a vacuumed database, not their debris.
psql -d "$DB" -qc "VACUUM ANALYZE"
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
"$VENV/bin/python" run.py "$ODOO_CONF" "$DB" "$PLAIN_DB"
