# shellcheck shell=bash
# Shared set-up for `make run`, `make test` and the benchmarks: sourced, never run.
# Each ensure_* step is idempotent and returns quickly when there is nothing to do.
set -euo pipefail

ADDON_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ADDON_NAME=stock_serial_tracking
# Local state (virtualenv, addons-path link, config, logs, filestore) lives outside the
# checkout: the checkout is the addon, and Odoo walks an addon's folder following links
# (translation export), so a link back to it, or a virtualenv inside it, would loop or
# pour other packages' strings into ours. One state folder per checkout.
CHECKOUT_ID="$(basename "$ADDON_DIR")-$(printf '%s' "$ADDON_DIR" | sha1sum | cut -c1-12)"
LOCAL_DIR="${SERIAL_STATE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/$ADDON_NAME/$CHECKOUT_ID}"
ODOO_SRC="${ODOO_SRC:-$HOME/.cache/odoo/19.0}"
ODOO_REPO_URL="${ODOO_REPO_URL:-https://github.com/odoo/odoo.git}"
VENV="${VENV:-$LOCAL_DIR/venv}"
PYTHON="${PYTHON:-python3}"
# Two private PostgreSQL clusters per checkout (below): `run` serves `make run`'s data and
# keeps PostgreSQL's durability; `test` holds throwaway databases and trades durability
# for speed. A script picks one before setup_all; the default is `test`.
PG_CLUSTER="${PG_CLUSTER:-test}"
case "$PG_CLUSTER" in
    test) ODOO_CONF="$LOCAL_DIR/odoo.conf" ;;
    run) ODOO_CONF="$LOCAL_DIR/odoo-run.conf" ;;
    *) printf 'ERROR: PG_CLUSTER must be run or test, not %s\n' "$PG_CLUSTER" >&2; exit 1 ;;
esac
# Debian 12 names. Compilers and headers: pip builds python-ldap and psycopg2 from source.
SYSTEM_PACKAGES=(build-essential python3-dev python3-venv libpq-dev libldap2-dev libsasl2-dev
                 postgresql postgresql-client chromium wkhtmltopdf fonts-dejavu-core)

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

ensure_system_packages() {
    local missing=() pkg
    for pkg in "${SYSTEM_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return
    if [ "$(id -u)" -ne 0 ]; then
        die "missing system packages: ${missing[*]} (install them: sudo apt-get install ${missing[*]})"
    fi
    log "Installing system packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

ensure_odoo_src() {
    [ -x "$ODOO_SRC/odoo-bin" ] && return
    log "No Odoo source in $ODOO_SRC: cloning Odoo 19.0 from $ODOO_REPO_URL"
    mkdir -p "$(dirname "$ODOO_SRC")"
    if ! git clone --quiet --depth 1 --branch 19.0 "$ODOO_REPO_URL" "$ODOO_SRC"; then
        rm -rf "$ODOO_SRC"
        die "could not clone Odoo 19.0. Put an Odoo 19.0 source tree (the folder holding odoo-bin) at $ODOO_SRC, or point ODOO_SRC at one."
    fi
}

# Odoo's requirements minus any line for the PyPI package `barcode`: its import name
# collides with python-barcode, which this addon needs.
odoo_requirements() {
    grep -viE '^[[:space:]]*barcode[[:space:]]*([=<>!~;[:space:]]|$)' "$ODOO_SRC/requirements.txt"
}

# The Odoo addons this one depends on, as wheels (OCA's queue_job). They require the
# `odoo` distribution, which an Odoo source tree does not register: installed without
# dependencies, whose Python ones requirements.txt lists.
addon_requirements() { grep '^odoo-addon-' "$ADDON_DIR/requirements.txt"; }

# Every path to pip goes through here: the system packages come first (python-ldap and
# psycopg2 compile against them), then Odoo's source (its requirements.txt).
ensure_venv() {
    local site
    ensure_system_packages
    ensure_odoo_src
    _install_venv
    # pytest and pylint import odoo from the source tree in use.
    site=$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
    echo "$ODOO_SRC" >"$site/odoo-source.pth"
}

_install_venv() {
    local stamp="$VENV/.requirements.sha256" wanted
    wanted=$( { odoo_requirements; cat "$ADDON_DIR/requirements.txt" "$ADDON_DIR/test-requirements.txt"; } \
              | sha256sum | cut -d' ' -f1)
    [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ] && return
    log "Installing the Python environment in $VENV"
    [ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
    mkdir -p "$LOCAL_DIR"
    {
        "$VENV/bin/pip" install --upgrade pip wheel "setuptools<81" &&
        "$VENV/bin/pip" install -r <(odoo_requirements) \
            -r <(grep -v '^odoo-addon-' "$ADDON_DIR/requirements.txt") \
            -r "$ADDON_DIR/test-requirements.txt" &&
        "$VENV/bin/pip" install --no-deps -r <(addon_requirements)
    } >"$LOCAL_DIR/pip.log" 2>&1 || die "pip install failed; see $LOCAL_DIR/pip.log"
    if "$VENV/bin/pip" show barcode >/dev/null 2>&1; then
        die "the PyPI package 'barcode' got installed; it shadows python-barcode"
    fi
    echo "$wanted" >"$stamp"
}

# --- PostgreSQL --------------------------------------------------------------------
# By default private clusters (initdb + pg_ctl) listening only on a Unix socket inside
# their data folder: $PG_CLUSTER selects which. PGHOST/PGPORT/PGUSER select an existing
# server instead (for both uses).
# Decided once, before ensure_postgres exports PG* for the private cluster.
EXTERNAL_PG="${PGHOST:-}${PGPORT:-}${PGUSER:-}"
use_external_postgres() { [ -n "$EXTERNAL_PG" ]; }

pg_bindir() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
    [ -n "$dir" ] || die "PostgreSQL server binaries not found (install Debian's postgresql)"
    echo "$dir"
}

# PostgreSQL refuses to run as root: then the cluster belongs to the unprivileged
# `postgres` user while its superuser role is named after the invoking user.
pg_os_user() { if [ "$(id -u)" -eq 0 ]; then echo postgres; else id -un; fi; }

as_pg_os_user() {
    # From /, which that user can enter whatever the current folder is.
    if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

# A cluster lives in the state folder unless the unprivileged user cannot reach it
# (running as root, whose home is private); then in a per-checkout folder under /var/tmp.
# pg_data_dir [run|test], by default the one of $PG_CLUSTER.
pg_data_dir() {
    local suffix=
    [ "${1:-$PG_CLUSTER}" = run ] && suffix=-run
    if as_pg_os_user test -x "$LOCAL_DIR" 2>/dev/null; then
        echo "$LOCAL_DIR/pgdata$suffix"
    else
        echo "/var/tmp/$ADDON_NAME-pg/$CHECKOUT_ID$suffix"
    fi
}

# The test cluster runs without fsync and full-page writes: a crash may corrupt it, which
# costs a test database. The run cluster keeps PostgreSQL's defaults: it holds real work.
pg_server_options() {
    local options="-c listen_addresses='' -c unix_socket_directories='$1/run'"
    if [ "$PG_CLUSTER" = test ]; then
        options+=" -c fsync=off -c full_page_writes=off -c synchronous_commit=off"
    fi
    echo "$options"
}

pg_socket_dir() { echo "$(pg_data_dir)/run"; }

pg_is_running() { use_external_postgres || "$(pg_bindir)/pg_isready" -q -h "$(pg_socket_dir)" -p 5432; }

ensure_postgres() {
    if use_external_postgres; then
        export PGHOST="${PGHOST:-localhost}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-$(id -un)}"
        return
    fi
    local bindir data
    bindir=$(pg_bindir)
    mkdir -p "$LOCAL_DIR"
    data=$(pg_data_dir)
    if [ ! -f "$data/PG_VERSION" ]; then
        log "Creating a private PostgreSQL cluster ($PG_CLUSTER) in $data"
        mkdir -p "$data"
        [ "$(id -u)" -eq 0 ] && chown "$(pg_os_user)" "$data"
        as_pg_os_user "$bindir/initdb" --pgdata="$data" --username="$(id -un)" \
            --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
        as_pg_os_user mkdir -p "$data/run"
    fi
    export PGHOST="$data/run" PGPORT=5432 PGUSER="$(id -un)"
    if ! pg_is_running; then
        log "Starting PostgreSQL ($PG_CLUSTER cluster, $data)"
        as_pg_os_user "$bindir/pg_ctl" --pgdata="$data" --log="$data/server.log" --wait \
            --options="$(pg_server_options "$data")" \
            start >/dev/null || die "PostgreSQL did not start; see $data/server.log"
        PG_STARTED_HERE=1
    fi
}

# stop_postgres [run|test], by default the cluster of $PG_CLUSTER; quiet when not running.
stop_postgres() {
    use_external_postgres && return
    local data
    data=$(pg_data_dir "${1:-}")
    [ -f "$data/postmaster.pid" ] || return 0
    as_pg_os_user "$(pg_bindir)/pg_ctl" --pgdata="$data" --mode=fast --wait stop >/dev/null
}

# Every process of this checkout: its Odoo servers, test runs and benchmarks all run the
# checkout's virtualenv or configuration, both under the state folder (its PostgreSQL
# clusters too, when not running as root: stop_postgres stops those). Read from /proc:
# a minimal Debian has no ps.
checkout_pids() {
    local cmdline pid args
    for cmdline in /proc/[0-9]*/cmdline; do
        pid=${cmdline#/proc/}
        pid=${pid%/cmdline}
        [ "$pid" = "$$" ] || [ "$pid" = "$BASHPID" ] && continue
        args=$( { tr '\0' ' ' <"$cmdline"; } 2>/dev/null) || continue  # gone meanwhile
        case "$args" in
            *"/bin/postgres "*) ;;
            *"$LOCAL_DIR/"*) echo "$pid" ;;
        esac
    done
}

stop_checkout_processes() {
    local pids _
    pids=$(checkout_pids)
    [ -n "$pids" ] || return 0
    log "Stopping this checkout's processes: $(echo $pids)"
    kill $pids 2>/dev/null || true
    for _ in $(seq 20); do
        pids=$(checkout_pids)
        [ -z "$pids" ] && return
        sleep 0.5
    done
    kill -KILL $pids 2>/dev/null || true
}

drop_db() { PGOPTIONS="-c client_min_messages=warning" dropdb --if-exists "$1"; }

db_exists() { psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$1'" | grep -q 1; }

# --- Odoo configuration ------------------------------------------------------------
ensure_config() {
    mkdir -p "$LOCAL_DIR/addons"
    # The description of Odoo's mail module has an RST slip that docutils reports on the
    # terminal whenever a database is created: not ours to fix, and noise in every run.
    printf '[general]\nreport_level: 5\n' >"$LOCAL_DIR/docutils.conf"
    export DOCUTILSCONFIG="$LOCAL_DIR/docutils.conf"
    ln -sfn "$ADDON_DIR" "$LOCAL_DIR/addons/$ADDON_NAME"
    cat >"$ODOO_CONF" <<CONF
[options]
addons_path = $LOCAL_DIR/addons,$ODOO_SRC/addons,$ODOO_SRC/odoo/addons
data_dir = $LOCAL_DIR/data
db_host = $PGHOST
db_port = $PGPORT
db_user = $PGUSER
http_interface = 127.0.0.1
admin_passwd = admin
list_db = False
; OCA's queue_job runs the background validations: its job runner starts with the server
; (a thread, or a process of its own with --workers) and calls the jobs over HTTP.
server_wide_modules = base,web,queue_job

[queue_job]
; How many jobs run at once: two in all, one of them a serial validation.
channels = root:2,root.serial_validation:1
CONF
}

# A hash of the addon's installed files: a database is refreshed when it changes.
addon_hash() {
    (cd "$ADDON_DIR" && git ls-files -co --exclude-standard -- ':!tests' ':!bench' ':!*.md' \
        | sort | xargs -d '\n' sha256sum 2>/dev/null | sha256sum | cut -c1-16)
}

# The test database: the addon plus test-only modules (the Serialized lock is tested
# against real sale/purchase order lines and journal items; they are not dependencies).
# Refreshed only when the addon's files changed since it was last installed or updated.
# The modules installed beside the addon in the test database, and in the database of the
# modules most companies tracking serials also run (manufacturing, expiry dates, landed
# costs, dropshipping, batch transfers), where the batched paths are tested again.
TEST_DB_MODULES=sale_stock,purchase_stock
MODULE_MIX_DB_MODULES=sale_stock,purchase_stock,mrp,product_expiry,stock_landed_costs,stock_dropshipping,stock_picking_batch

ensure_test_db() {
    local db="$1" modules="${2:-$TEST_DB_MODULES}" stamp="$LOCAL_DIR/$1.installed" addon_hash
    addon_hash=$(addon_hash)
    if ! db_exists "$db"; then
        log "Creating test database $db ($ADDON_NAME, $modules)"
        odoo_bin -d "$db" -i "$ADDON_NAME,$modules" --without-demo \
            --stop-after-init --log-level=warn
    elif [ "$(cat "$stamp" 2>/dev/null)" != "$addon_hash" ]; then
        log "Updating $ADDON_NAME in $db"
        odoo_bin -d "$db" -u "$ADDON_NAME" --stop-after-init --log-level=warn
    fi
    echo "$addon_hash" >"$stamp"
}

# OCA's pre-commit set for the JavaScript, SCSS and XML: prettier (with its XML plugin)
# and eslint, pinned, installed from npm into the state folder.
NODE_LINTERS=(prettier@3.6.2 @prettier/plugin-xml@3.4.2 eslint@9.39.1
              eslint-plugin-jsdoc@50.8.0 globals@16.3.0)
NODE_LINTERS_DIR="$LOCAL_DIR/node-linters"

ensure_node_linters() {
    if ! command -v npm >/dev/null; then
        [ "$(id -u)" -eq 0 ] || die "npm is missing (install it: sudo apt-get install nodejs npm)"
        log "Installing Node.js and npm"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
    fi
    local stamp="$NODE_LINTERS_DIR/.installed"
    [ -f "$stamp" ] && [ "$(cat "$stamp")" = "${NODE_LINTERS[*]}" ] && return
    log "Installing prettier and eslint (${NODE_LINTERS[*]})"
    mkdir -p "$NODE_LINTERS_DIR"
    npm install --prefix "$NODE_LINTERS_DIR" --no-save --no-audit --no-fund --silent \
        "${NODE_LINTERS[@]}" >/dev/null
    printf '%s' "${NODE_LINTERS[*]}" >"$stamp"
}

lint() {
    ensure_venv
    ensure_node_linters
    local node_bin="$NODE_LINTERS_DIR/node_modules/.bin"
    (cd "$ADDON_DIR" && "$VENV/bin/ruff" check . &&
        "$VENV/bin/pylint" --rcfile=.pylintrc --score=n \
            $(git ls-files -co --exclude-standard '*.py' | grep -v '^bench/\|^scripts/\|^e2e/') &&
        NODE_PATH="$NODE_LINTERS_DIR/node_modules" "$node_bin/prettier" --check --log-level=warn \
            $(git ls-files -co --exclude-standard '*.js' '*.scss' '*.xml' '*.cjs') &&
        NODE_PATH="$NODE_LINTERS_DIR/node_modules" "$node_bin/eslint" --max-warnings=0 \
            $(git ls-files -co --exclude-standard '*.js'))
}

# For scripts working on the test database: set everything up, start PostgreSQL if
# needed (stopped again when the script ends), and refresh the database ($DB).
prepare_test_db() {
    DB="${TEST_DB:-serial_test}"
    PG_STARTED_HERE=
    setup_all
    trap '[ -n "$PG_STARTED_HERE" ] && stop_postgres' EXIT
    ensure_test_db "$DB"
}

setup_all() {
    ensure_system_packages
    ensure_odoo_src
    ensure_venv
    ensure_postgres
    ensure_config
}

# A TCP port nothing listens on now, for a test server: checkouts test side by side.
free_port() {
    "$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

odoo_bin() { "$VENV/bin/python" "$ODOO_SRC/odoo-bin" -c "$ODOO_CONF" "$@"; }
