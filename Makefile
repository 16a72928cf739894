.PHONY: run test lint bench pot screenshots clean

run:  ## serve Odoo with the addon and demo data on http://127.0.0.1:8069
	scripts/run.sh

test: lint  ## lint, then run every test (pytest-odoo and browser tours)
	scripts/test.sh

lint:  ## ruff and pylint-odoo (OCA's mandatory checks)
	bash -c 'source scripts/env.sh && lint'

pot:  ## regenerate i18n/stock_serial_tracking.pot from the test database
	scripts/pot.sh

screenshots:  ## rebuild the README screenshots under static/description/ (headless Chromium)
	scripts/screenshots.sh

bench:  ## benchmarks, Odoo's native path beside ours, printed as ratios
	scripts/bench.sh

clean:  ## stop the private PostgreSQL cluster, remove this checkout's state folder
	bash -c 'source scripts/env.sh && { stop_postgres || true; } && rm -rf "$$LOCAL_DIR" "$$(pg_data_dir)"' 
