#!/usr/bin/env bash
# `make test`: set up what is missing, refresh the test database, run every test.
# Extra arguments go to pytest (e.g. scripts/test.sh -k next_serial).
source "$(dirname "$0")/env.sh"
prepare_test_db

log "Unit and integration tests (pytest-odoo)"
# Collected through the addons-path link: pytest-odoo names the module after its folder.
linked="$LOCAL_DIR/addons/$ADDON_NAME"
pytest_on() {
    local db="$1"
    shift
    "$VENV/bin/python" -m pytest -p no:cacheprovider --rootdir="$linked" \
        --odoo-config="$ODOO_CONF" --odoo-database="$db" \
        --ignore="$linked/tests/test_tours.py" --ignore="$linked/tests/test_external_api.py" \
        "$@"
}
pytest_on "$DB" "$@" "$linked/tests"
if [ $# -eq 0 ]; then
    # Again where other modules add to the lines, quants and serials the batched paths
    # write (the equivalence test proves them equal to Odoo's own path there too).
    MIX_DB="${DB}_module_mix"
    ensure_test_db "$MIX_DB" "$MODULE_MIX_DB_MODULES"
    log "Unit and integration tests with $MODULE_MIX_DB_MODULES (pytest-odoo on $MIX_DB)"
    pytest_on "$MIX_DB" "$linked/tests"
fi
# Tests that need Odoo's HTTP server (tours in Chromium, XML-RPC and JSON-2) are tagged
# serial_http and run by Odoo's own test runner, on a free port unless one is given.
if [ $# -eq 0 ]; then
    log "Browser tours and external API tests (Odoo's test runner, headless Chromium)"
    tour_log="$LOCAL_DIR/tours.log"
    rc=0
    odoo_bin -d "$DB" --test-enable --test-tags="serial_http" --stop-after-init \
        --http-port="${TEST_HTTP_PORT:-$(free_port)}" --log-level=test >"$tour_log" 2>&1 || rc=$?
    # Odoo's runner logs "skipped <test> : <reason>" when Chromium cannot run: a failure here.
    skipped=$(grep -E "INFO .* skipped .* : " "$tour_log" || true)
    problems=$(grep -E "^[0-9-]+ [0-9:,]+ [0-9]+ (WARNING|ERROR|CRITICAL) " "$tour_log" || true)
    if [ "$rc" -ne 0 ] || [ -n "$skipped$problems" ]; then
        grep -E "Tour .* Step|FAIL|ERROR|WARNING|tests when loading|skipped " "$tour_log" \
            | grep -v "Step .*(trigger" | tail -n 20 || true
    fi
    [ -z "$skipped" ] || die "a browser tour was skipped (see $tour_log): Chromium must run the tours"
    [ "$rc" -eq 0 ] || die "a browser or external API test failed (see $tour_log)"
    [ -z "$problems" ] || die "warnings or errors were logged (see $tour_log)"
    tests=$(grep -oE "0 failed, 0 error\(s\) of [0-9]+ tests" "$tour_log" | grep -oE "of [0-9]+" | cut -c4-)
    [ "${tests:-0}" -gt 0 ] || die "no browser tour ran (see $tour_log)"
    echo "$tests passed, 0 failed (browser tours, XML-RPC and JSON-2)"
fi
log "All tests passed"
