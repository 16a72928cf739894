"""Run Odoo's native path and ours side by side inside one Odoo registry, print ratios.

Every benchmark works in one transaction that is rolled back: the database is left as
it was. Timings are the best of a few runs (the least disturbed by a noisy machine).
"""

import time
from contextlib import contextmanager


@contextmanager
def odoo_env(config_file, database):
    import odoo  # imported here: the Odoo source is put on the path by the caller
    from odoo import api
    from odoo.modules.registry import Registry
    from odoo.tools import config

    config.parse_config(["-c", config_file, "-d", database, "--log-level=warn"])
    odoo.tools.config["test_enable"] = False
    registry = Registry(database)
    with registry.cursor() as cr:
        env = api.Environment(cr, api.SUPERUSER_ID, {})
        try:
            yield env
        finally:
            cr.rollback()


def confirmed_move(env, product, quantity, picking_type, source, destination):
    """A confirmed transfer of `quantity` units of `product`; returns its move."""
    locations = {"location_id": env.ref(source).id, "location_dest_id": env.ref(destination).id}
    picking = env["stock.picking"].create({
        "picking_type_id": env.ref(picking_type).id, **locations,
        "move_ids": [(0, 0, {"product_id": product.id, "product_uom_qty": quantity,
                             **locations})],
    })
    picking.action_confirm()
    return picking.move_ids


def best_of(env, function, runs=3, setup=None):
    """Best wall time of `runs` calls of `function`, each in a savepoint rolled back after.

    `setup` (untimed) prepares the argument of each call, so every run starts from the
    same database state instead of piling up the records of the previous runs.
    """
    best = None
    for _run in range(runs):
        with env.cr.savepoint(flush=False) as savepoint:
            argument = setup() if setup else None
            env.flush_all()
            start = time.perf_counter()
            function(argument) if setup else function()
            env.flush_all()
            elapsed = time.perf_counter() - start
            savepoint.rollback()
        env.invalidate_all()
        best = elapsed if best is None else min(best, elapsed)
    return best


class Results:
    def __init__(self):
        self.rows = []

    def add(self, name, native, ours, target):
        self.rows.append((name, native, ours, target))

    def print_table(self):
        print("| benchmark | Odoo native (s) | ours (s) | ours / native | target (s) | met |")
        print("| --- | ---: | ---: | ---: | ---: | :---: |")
        for name, native, ours, target in self.rows:
            ratio = f"{ours / native:.2f}" if native else "–"
            native_text = f"{native:.3f}" if native is not None else "–"
            met = "yes" if ours <= target else "**no**"
            print(f"| {name} | {native_text} | {ours:.3f} | {ratio} | {target} | {met} |")

    @property
    def all_met(self):
        return all(ours <= target for _name, _native, ours, target in self.rows)
