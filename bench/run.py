"""`make bench`: python bench/run.py CONFIG DATABASE — prints a Markdown table."""

import sys

from harness import Results, best_of, odoo_env


def main(config_file, database):
    results = Results()
    with odoo_env(config_file, database) as env:
        from bench_deliveries import run as deliveries  # needs Odoo loaded first
        from bench_labels import run as labels
        from bench_receipts import run as receipts

        receipts(env, results, best_of)
        deliveries(env, results, best_of)
        labels(env, results, best_of)
    results.print_table()
    if not results.all_met:
        print("\nSome targets were missed.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
