.PHONY: run test lint bench pot clean

run:  ## serve Odoo with the addon and demo data on http://127.0.0.1:8069
	scripts/run.sh

test: lint  ## lint, then run every test (pytest-odoo and browser tours)
	scripts/test.sh

lint:
	@bash -c 'source scripts/env.sh && ensure_venv'
	.venv/bin/ruff check .
	.venv/bin/pylint --rcfile=.pylintrc --load-plugins=pylint_odoo --score=n \
		$$(git ls-files -co --exclude-standard '*.py' | grep -v '^bench/\|^scripts/')

bench:  ## benchmarks, Odoo's native path beside ours, printed as ratios
	scripts/bench.sh

clean:  ## remove the virtualenv, the private PostgreSQL cluster and the databases
	-bash -c 'source scripts/env.sh && stop_postgres'
	rm -rf .venv .local
