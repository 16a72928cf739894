#!/usr/bin/env bash
# `make pot`: export the addon's translatable terms with Odoo's own exporter.
source "$(dirname "$0")/env.sh"
prepare_test_db
"$VENV/bin/python" "$ODOO_SRC/odoo-bin" i18n export -c "$ODOO_CONF" -d "$DB" \
    -o "$ADDON_DIR/i18n/$ADDON_NAME.pot" "$ADDON_NAME"
log "Wrote i18n/$ADDON_NAME.pot"
