.PHONY: run test test-e2e test-oca test-odoo test-wheel lint bench pot screenshots clean

run:  ## serve Odoo with the addon and demo data on http://127.0.0.1:8069
	scripts/run.sh

test: lint  ## lint, then run every test (pytest-odoo, browser tours, the outside-in suite)
	scripts/test.sh
	scripts/test_e2e.sh

test-e2e:  ## the outside-in suite: a multi-worker server with queue_job's runner, RPC clients in threads, faults
	scripts/test_e2e.sh

test-oca:  ## the addon's tests as OCA's CI runs them: Odoo's runner, a fresh database, the addon alone
	scripts/test_oca.sh

test-wheel:  ## build the addon's wheel (whool), install it apart, check that Odoo finds it
	scripts/test_wheel.sh

test-odoo:  ## Odoo's suites (stock, stock_account, purchase_stock, sale_stock, mrp) with the addon; BASELINE=1 without it
	scripts/test_odoo.sh

lint:  ## ruff, pylint-odoo, prettier and eslint (OCA's pre-commit checks)
	bash -c 'source scripts/env.sh && lint'

pot:  ## regenerate i18n/stock_serial_tracking.pot from the test database
	scripts/pot.sh

screenshots:  ## rebuild the README screenshots under static/description/ (headless Chromium)
	scripts/screenshots.sh

bench:  ## benchmarks, Odoo's native path beside ours, printed as ratios
	scripts/bench.sh

clean:  ## stop this checkout's servers and PostgreSQL clusters, remove its state folder
	scripts/clean.sh
