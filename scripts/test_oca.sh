#!/usr/bin/env bash
# `make test-oca`: the addon's tests as OCA's CI runs them. A fresh database with the
# addon's dependencies and demo data, then the addon installed with Odoo's own test
# runner (at-install and post-install tests, browser tours included) and nothing else:
# tests needing sale, purchase or accounting skip. Fails on any failed test and on any
# ERROR or CRITICAL line in the log.
source "$(dirname "$0")/env.sh"
DB="${OCA_TEST_DB:-serial_oca}"
PG_STARTED_HERE=
setup_all
trap '[ -n "$PG_STARTED_HERE" ] && stop_postgres' EXIT
log_file="$LOCAL_DIR/test-oca.log"

drop_db "$DB"
depends=$("$VENV/bin/python" -c 'import ast, sys
print(",".join(ast.literal_eval(open(sys.argv[1]).read())["depends"]))' "$ADDON_DIR/__manifest__.py")
log "Fresh database $DB: $depends with demo data (no tests)"
odoo_bin -d "$DB" -i "$depends" --with-demo --stop-after-init --log-level=warn

log "Installing $ADDON_NAME with its tests (Odoo's test runner; log: $log_file)"
rc=0
odoo_bin -d "$DB" -i "$ADDON_NAME" --test-enable --stop-after-init \
    --http-port="${TEST_HTTP_PORT:-$(free_port)}" --log-level=info >"$log_file" 2>&1 || rc=$?
summary=$(grep -E "tests when loading database" "$log_file" | tail -n1 || true)
problems=$(grep -E "^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) " "$log_file" || true)
if [ -n "$problems" ]; then
    printf '%s\n' "$problems" | head -n 40 >&2
fi
echo "${summary#* odoo.tests.result: }"
[ "$rc" -eq 0 ] && [ -z "$problems" ] || die "Odoo's test runner reported failures (see $log_file)"
tests=$(grep -oE "of [0-9]+ tests when loading" <<<"$summary" | grep -oE "[0-9]+")
[ "${tests:-0}" -gt 0 ] || die "no test ran (see $log_file)"
dropdb "$DB"
log "All tests passed under Odoo's test runner"
