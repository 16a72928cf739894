#!/usr/bin/env bash
# `make run`: set up what is missing, then serve Odoo with the addon and demo data.
# The durable cluster: the demo database may hold real work.
PG_CLUSTER=run
source "$(dirname "$0")/env.sh"
DB="${RUN_DB:-serial_demo}"
PORT="${HTTP_PORT:-8069}"
setup_all
if ! db_exists "$DB"; then
    log "Creating database $DB with demo data (a minute the first time)"
    odoo_bin -d "$DB" -i "$ADDON_NAME" --with-demo --stop-after-init --log-level=warn
fi
log "Odoo is starting on http://127.0.0.1:$PORT (database $DB, login admin / admin)"
exec "$VENV/bin/python" "$ODOO_SRC/odoo-bin" -c "$ODOO_CONF" -d "$DB" --db-filter="^$DB\$" \
    --http-port="$PORT" -u "$ADDON_NAME"
