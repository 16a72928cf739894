#!/usr/bin/env bash
# `make bench`: Odoo's native path and ours, side by side, in one run; prints ratios.
source "$(dirname "$0")/env.sh"
prepare_test_db
# Earlier runs roll back large inserts: start from a vacuumed database, not their debris.
psql -d "$DB" -qc "VACUUM ANALYZE"
log "Benchmarks on $DB (each in a rolled-back transaction)"
cd "$ADDON_DIR/bench"
"$VENV/bin/python" run.py "$ODOO_CONF" "$DB"
