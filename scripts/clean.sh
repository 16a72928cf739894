#!/usr/bin/env bash
# `make clean`: stop everything this checkout runs (Odoo servers, test runs, both private
# PostgreSQL clusters), then remove its state folder and clusters.
source "$(dirname "$0")/env.sh"
stop_checkout_processes
for cluster in run test; do
    if [ -d "$(pg_data_dir "$cluster")" ]; then
        stop_postgres "$cluster" || die "could not stop the $cluster cluster"
    fi
done
rm -rf "$LOCAL_DIR" "$(pg_data_dir run)" "$(pg_data_dir test)"
log "Removed $LOCAL_DIR and this checkout's PostgreSQL clusters"
