#!/usr/bin/env bash
# `make test-wheel`: the addon as a Python wheel built by OCA's whool, installed the way a
# pip-based Odoo deployment installs it. It builds the committed state (HEAD) from a clone
# named after the addon (whool names the package after the addon's folder), installs the
# wheel into a throwaway folder layered on the project's virtualenv (which provides Odoo
# and python-barcode), then installs the addon on a scratch database with an addons path
# that does not hold this checkout: Odoo must find it in the odoo/addons namespace.
source "$(dirname "$0")/env.sh"
DB="${WHEEL_TEST_DB:-serial_wheel}"
PG_STARTED_HERE=
setup_all
work=$(mktemp -d)
trap 'rm -rf "$work"; drop_db "$DB"; [ -n "$PG_STARTED_HERE" ] && stop_postgres; true' EXIT

log "Building the wheel with whool"
git clone --quiet "$ADDON_DIR" "$work/$ADDON_NAME"
git -C "$work/$ADDON_NAME" checkout --quiet "$(git -C "$ADDON_DIR" rev-parse HEAD)"
"$VENV/bin/pip" wheel --quiet --no-deps --wheel-dir "$work/dist" "$work/$ADDON_NAME" \
    >"$LOCAL_DIR/wheel.log" 2>&1 || die "the wheel did not build; see $LOCAL_DIR/wheel.log"
version=$(sed -nE 's/^[[:space:]]*"version": "([^"]+)".*/\1/p' "$ADDON_DIR/__manifest__.py")
wheel=$(ls "$work/dist/odoo_addon_${ADDON_NAME}-${version}"*-py3-none-any.whl 2>/dev/null) \
    || die "no odoo_addon_${ADDON_NAME}-${version}*.whl in: $(ls "$work/dist")"
echo "$(basename "$wheel")"

"$VENV/bin/pip" install --quiet --no-deps --target "$work/site" "$wheel"
installed="$work/site/odoo/addons/$ADDON_NAME"
[ -f "$installed/__manifest__.py" ] || die "the wheel does not install odoo/addons/$ADDON_NAME"

log "Installing the addon from the wheel on $DB (this checkout is not on the addons path)"
sed "s|^addons_path = .*|addons_path = $ODOO_SRC/addons,$ODOO_SRC/odoo/addons|" "$ODOO_CONF" \
    >"$work/odoo.conf"
drop_db "$DB"
export PYTHONPATH="$work/site"
"$VENV/bin/python" "$ODOO_SRC/odoo-bin" -c "$work/odoo.conf" -d "$DB" -i "$ADDON_NAME" \
    --stop-after-init --log-level=warn
found=$("$VENV/bin/python" "$ODOO_SRC/odoo-bin" shell -c "$work/odoo.conf" -d "$DB" \
        --log-level=error <<<"print('FOUND', odoo.modules.module.get_module_path('$ADDON_NAME'))" \
        | sed -n 's/^FOUND //p')
state=$(psql -d "$DB" -tAc "SELECT state FROM ir_module_module WHERE name = '$ADDON_NAME'")
[ "$found" = "$installed" ] || die "Odoo found the addon at '$found', not in the wheel ($installed)"
[ "$state" = installed ] || die "the addon is '$state' on $DB, not installed"
log "The wheel installs, and Odoo loads the addon from it ($found)"
