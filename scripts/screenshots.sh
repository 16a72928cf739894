#!/usr/bin/env bash
# `make screenshots`: rebuild the README's screenshots from a fresh demo database.
source "$(dirname "$0")/env.sh"
DB=serial_screens
PORT="${SCREENSHOT_PORT:-8070}"
PG_STARTED_HERE=
setup_all
drop_db "$DB"
log "Creating $DB with demo data"
odoo_bin -d "$DB" -i "$ADDON_NAME" --with-demo --stop-after-init --log-level=warn
# Python itself in the background (not the odoo_bin function's subshell), so that the
# trap below stops the server.
"$VENV/bin/python" "$ODOO_SRC/odoo-bin" -c "$ODOO_CONF" -d "$DB" --db-filter="^$DB\$" \
    --http-port="$PORT" --log-level=warn >"$LOCAL_DIR/screenshots-server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; [ -n "$PG_STARTED_HERE" ] && stop_postgres; true' EXIT
"$VENV/bin/python" "$ADDON_DIR/scripts/screenshots.py" "http://127.0.0.1:$PORT" "$DB" \
    "$ADDON_DIR/static/description"
