"""`make bench`: python bench/run.py CONFIG DATABASE [PLAIN_DATABASE [MIX_DATABASE
PLAIN_MIX_DATABASE]] — prints Markdown tables.

The PLAIN databases have the modules of the one before them, without the addon: Odoo's own
path runs there. MIX_DATABASE adds the modules most companies tracking serials run
(manufacturing, expiry dates, landed costs, dropshipping, batch transfers).

Environment: BENCH_SUITES (comma-separated, default "steps,transfers,plain"; "background"
adds the 100,000-serial receipt through queue_job's runner in a prefork server),
BENCH_SIZES (serials per transfer, default "1000,5000,10000"), BENCH_OPERATIONS (default
"receive,deliver,reserve"), BENCH_CONFIGURATIONS (default "stock,module_mix": the
databases the whole transfers run on), BENCH_BACKGROUND_SIZE (serials of the background
receipt, default 100000).
"""

import os
import subprocess
import sys

from harness import Results, best_of, odoo_env

DEFAULT_SUITES = "steps,transfers,plain"
DEFAULT_SIZES = "1000,5000,10000"
PLAIN_OVERHEAD_TARGET = 0.05
BACKGROUND_TARGET = 60  # seconds, 100,000 serials from the click on Validate to done


def plain_transfer_time(config_file, database):
    """Best time, queries and best CPU time of the plain-transfer scenario, in a process of
    its own."""
    output = subprocess.run(
        [sys.executable, "bench_plain.py", config_file, database], check=True,
        capture_output=True, text=True).stdout.split()
    return float(output[-3]), int(output[-2]), float(output[-1])


def plain_overhead(config_file, database, plain_database):
    """The addon's database against one without the addon, alternated three times.

    The target is judged on the Odoo process's CPU time: on cores shared with other jobs
    the wall time varies more than the overhead measured."""
    with_addon, without_addon = [], []
    for _round in range(3):
        with_addon.append(plain_transfer_time(config_file, database))
        without_addon.append(plain_transfer_time(config_file, plain_database))
    ours, native = min(with_addon), min(without_addon)
    ours_cpu = min(run[2] for run in with_addon)
    native_cpu = min(run[2] for run in without_addon)
    overhead, cpu_overhead = ours[0] / native[0] - 1, ours_cpu / native_cpu - 1
    print("| plain transfer (20 products: receive, then ship) | without the addon | with it "
          "| overhead | target |")
    print("|---|---:|---:|---:|---:|")
    print(f"| wall time (s) | {native[0]:.3f} | {ours[0]:.3f} | {overhead:+.1%} | |")
    print(f"| CPU time of Odoo (s) | {native_cpu:.3f} | {ours_cpu:.3f} | {cpu_overhead:+.1%} "
          f"| ≤ {PLAIN_OVERHEAD_TARGET:.0%} |")
    print(f"| queries | {native[1]} | {ours[1]} | {ours[1] - native[1]:+d} | |")
    return cpu_overhead <= PLAIN_OVERHEAD_TARGET


def main(config_file, database, plain_database=None, mix_database=None,
         plain_mix_database=None):
    suites = os.environ.get("BENCH_SUITES", DEFAULT_SUITES).split(",")
    sizes = [int(size) for size in os.environ.get("BENCH_SIZES", DEFAULT_SIZES).split(",")]
    met = True
    with odoo_env(config_file, database) as env:
        from odoo import release  # needs the Odoo source on the path, done by odoo_env

        print(f"Odoo {release.version}, {os.cpu_count()} CPUs, database {database}\n")
        if "steps" in suites:
            from bench_deliveries import run as deliveries
            from bench_labels import run as labels
            from bench_receipts import run as receipts

            results = Results()
            receipts(env, results, best_of)
            deliveries(env, results, best_of)
            labels(env, results, best_of)
            results.print_table()
            met = results.all_met
            print()
    if "transfers" in suites:
        from bench_transfers import print_table
        from bench_transfers import run as transfers

        operations = os.environ.get("BENCH_OPERATIONS", "receive,deliver,reserve").split(",")
        configurations = {
            "stock": ("the addon with sale_stock and purchase_stock", database,
                      plain_database),
            "module_mix": ("the addon with sale_stock, purchase_stock, mrp, product_expiry, "
                           "stock_landed_costs, stock_dropshipping, stock_picking_batch",
                           mix_database, plain_mix_database)}
        for name in os.environ.get("BENCH_CONFIGURATIONS", "stock,module_mix").split(","):
            label, ours, native = configurations[name]
            if not ours:
                continue
            # Without a database lacking the addon, Odoo's path is the addon's switched off.
            print(f"Whole transfers, {label}; Odoo's path in "
                  f"{native or ours + ' (batched paths off)'}:\n")
            print_table(transfers(config_file, {"native": native or ours, "ours": ours},
                                  sizes, operations))
            print()
    if "background" in suites:
        from bench_background import run_background

        click_to_done = run_background(int(os.environ.get("BENCH_BACKGROUND_SIZE", "100000")))
        print(f"\nGoal: ≤ {BACKGROUND_TARGET} s from the click to done.\n")
        met = click_to_done <= BACKGROUND_TARGET and met
    if "plain" in suites and plain_database:
        met = plain_overhead(config_file, database, plain_database) and met
    if not met:
        print("\nSome targets were missed.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:6]))
