#!/usr/bin/env bash
# `make test-odoo`: Odoo's own test suites of the modules the addon touches, run with the
# addon installed and every module loaded before any test, compared with the committed
# expectations (tests/odoo_suites_expected_failures.txt).
#
#   BASELINE=1     the same suites on a database without the addon: the environment's
#                  failures, printed in the expectations file's format
#   MODULES=a,b    run only these modules' suites (default: all five below)
#   TEST_TAGS=...  Odoo's --test-tags filter on top (e.g. /stock:TestInventory)
#   FRESH=1        drop and recreate the database first
#   TEST_HTTP_PORT the HTTP port of HttpCase tests (default: a free port)
#
# Databases (without demo data, Odoo 19's default, which Odoo's tests of these modules
# are written for: they create their own records) are reused between runs: the addon's
# database is updated when the addon's files changed, both are recreated when the Odoo
# source changed. The full log goes to a file; only the summary is printed.
source "$(dirname "$0")/env.sh"

SUITE_MODULES=stock,stock_account,purchase_stock,sale_stock,mrp
MODULES="${MODULES:-$SUITE_MODULES}"
EXPECTATIONS="$ADDON_DIR/tests/odoo_suites_expected_failures.txt"

PG_STARTED_HERE=
setup_all
trap '[ -n "$PG_STARTED_HERE" ] && stop_postgres' EXIT

if [ -n "${BASELINE:-}" ]; then
    DB="${TEST_ODOO_DB:-odoo_suites_baseline}"
    install="$SUITE_MODULES"
    compare_mode=(--baseline)
else
    DB="${TEST_ODOO_DB:-odoo_suites}"
    install="$ADDON_NAME,$SUITE_MODULES"
    compare_mode=()
fi

# The stamp records what the database was built from: the Odoo source revision (or, for a
# source tree that is not a git clone, its release file and dates) and the addon's files.
ensure_suites_db() {
    local stamp="$LOCAL_DIR/$DB.installed" odoo_rev built
    odoo_rev=$(git -C "$ODOO_SRC" rev-parse HEAD 2>/dev/null \
               || { cat "$ODOO_SRC/odoo/release.py"; stat -c %Y "$ODOO_SRC" "$ODOO_SRC/addons"; } \
                  | sha256sum | cut -c1-16)
    built=$(cat "$stamp" 2>/dev/null || true)
    if [ -n "${FRESH:-}" ] || [ "${built%% *}" != "$odoo_rev" ]; then
        db_exists "$DB" && { log "Dropping $DB"; drop_db "$DB"; }
    fi
    if ! db_exists "$DB"; then
        log "Creating $DB with $install (a few minutes)"
        odoo_bin -d "$DB" -i "$install" --without-demo --stop-after-init --log-level=warn \
            --http-port="$(free_port)" >"$LOCAL_DIR/$DB.install.log" 2>&1 \
            || die "installing $install failed; see $LOCAL_DIR/$DB.install.log"
    elif [ -z "${BASELINE:-}" ] && [ "${built#* }" != "$(addon_hash)" ]; then
        log "Updating $ADDON_NAME in $DB"
        odoo_bin -d "$DB" -u "$ADDON_NAME" --stop-after-init --log-level=warn \
            --http-port="$(free_port)" >"$LOCAL_DIR/$DB.install.log" 2>&1 \
            || die "updating $ADDON_NAME failed; see $LOCAL_DIR/$DB.install.log"
    fi
    echo "$odoo_rev $(addon_hash)" >"$stamp"
}

ensure_suites_db

run_log="$LOCAL_DIR/$DB.tests.log"
results="$LOCAL_DIR/$DB.results.json"
log "Odoo's suites ($MODULES) on $DB; full log: $run_log"
rc=0
rm -f "$results"
: >"$run_log"  # Odoo appends to its log file
# The CPU time tells what the run costs when the machine is shared (PostgreSQL's not counted).
TIMEFORMAT="Odoo's suites ran in %0lR (Odoo's CPU time: %0lU user, %0lS system)"
time "$VENV/bin/python" "$ADDON_DIR/scripts/odoo_suites.py" --modules "$MODULES" \
    --results "$results" -- -c "$ODOO_CONF" -d "$DB" --http-port="${TEST_HTTP_PORT:-$(free_port)}" \
    --log-level=test --logfile="$run_log" ${TEST_TAGS:+--test-tags="$TEST_TAGS"} || rc=$?
[ "$rc" -eq 0 ] && [ -f "$results" ] || die "the test run itself failed (exit $rc); see $run_log"
"$VENV/bin/python" "$ADDON_DIR/scripts/odoo_suites_compare.py" "${compare_mode[@]}" \
    "$results" "$EXPECTATIONS" || die "Odoo's suites: see above; tracebacks in $run_log"
log "Odoo's suites: as expected"
