"""The addon's overhead on a plain (non-serialized) transfer: run in a subprocess on the
test database (addon installed) and on a database without the addon, same scenario.

python bench_plain.py CONFIG DATABASE  -> prints the best time (s), the query count and the
best CPU time of the process (s).
"""

import sys
import time

from harness import odoo_env

PRODUCTS = 20
UNITS = 10
RUNS = 5


def transfer(env, products, picking_type, source, destination):
    """Create, confirm and validate one transfer of UNITS of each product."""
    locations = {"location_id": env.ref(source).id, "location_dest_id": env.ref(destination).id}
    picking = env["stock.picking"].create({
        "picking_type_id": env.ref(picking_type).id, **locations,
        "move_ids": [(0, 0, {"product_id": product.id, "product_uom_qty": UNITS, **locations})
                     for product in products],
    })
    picking.action_confirm()
    picking.action_assign()
    picking.button_validate()
    assert picking.state == "done", picking.state


def receive_and_ship(env, products):
    transfer(env, products, "stock.picking_type_in", "stock.stock_location_suppliers",
             "stock.stock_location_stock")
    transfer(env, products, "stock.picking_type_out", "stock.stock_location_stock",
             "stock.stock_location_customers")


def main(config_file, database):
    with odoo_env(config_file, database) as env:
        products = env["product.product"].create([
            {"name": f"Bench plain {index}", "is_storable": True} for index in range(PRODUCTS)])
        receive_and_ship(env, products)  # warm the caches: the first run pays for them
        best, best_cpu, queries = None, None, 0
        for _run in range(RUNS):
            with env.cr.savepoint(flush=False) as savepoint:
                env.flush_all()
                count = env.cr.sql_log_count
                start, cpu = time.perf_counter(), time.process_time()
                receive_and_ship(env, products)
                env.flush_all()
                elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
                queries = env.cr.sql_log_count - count
                savepoint.rollback()
            env.invalidate_all()
            best = elapsed if best is None else min(best, elapsed)
            best_cpu = cpu if best_cpu is None else min(best_cpu, cpu)
    print(f"{best:.4f} {queries} {best_cpu:.4f}")


if __name__ == "__main__":
    main(*sys.argv[1:3])
