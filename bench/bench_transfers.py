"""Whole transfers as a user lives them: confirmation, entry of N serials, validation.

For each N, Odoo's native receipt (confirmed, "Import Serials", Validate) and ours
(confirmed, our entry, Validate) run one after the other, then Odoo's native delivery
(confirmed, its own reservation on request, Validate) and ours (confirmed, our entry on
the delivery move, Validate), then (operation "reserve") a delivery whose confirmation
reserves the serials Odoo chooses, validated as they are, each in a savepoint rolled back
afterwards. Odoo's path runs in a database without the addon (the same modules
otherwise), ours in one with it. The units delivered are in stock beforehand, committed
as units received in an earlier transaction are, and removed after each delivery. Each
step is timed with its query count, and the result is checked: N lots, N done lines of
one unit, the quants where they belong.
"""

import time
from contextlib import contextmanager
from typing import NamedTuple

from bench_deliveries import insert_lots
from bench_receipts import native_import_lines
from harness import odoo_env

from odoo.addons.stock_serial_tracking.models.stock_quant import BATCHED_VALIDATION_PARAM
from odoo.tools import SQL


class Timing(NamedTuple):
    """Seconds and queries of each step of a transfer; the validation's CPU seconds."""
    confirm: float
    confirm_queries: int
    entry: float
    entry_queries: int
    validate: float
    validate_queries: int
    validate_cpu: float

    @property
    def total(self):
        return self.confirm + self.entry + self.validate

    @property
    def queries(self):
        return self.confirm_queries + self.entry_queries + self.validate_queries


class TransferRow:
    def __init__(self, size, operation):
        self.size, self.operation = size, operation
        self.timings = {}  # variant -> Timing


def timed(env, function):
    """Wall time and query count of `function`, flushed: what a request would cost."""
    return timed_with_cpu(env, function)[:2]


def timed_with_cpu(env, function):
    """Wall time, query count and this process's CPU time (PostgreSQL's not included): the
    CPU time says what the wall time would be on cores not shared with other jobs. Like a
    request, `function` starts with an empty cache."""
    env.flush_all()
    env.invalidate_all()
    queries = env.cr.sql_log_count
    start, cpu = time.perf_counter(), time.process_time()
    function()
    env.flush_all()
    return (time.perf_counter() - start, env.cr.sql_log_count - queries,
            time.process_time() - cpu)


def serial_product(env, name):
    return env["product.product"].create({"name": name, "is_storable": True,
                                          "tracking": "serial"})


def new_picking(env, product, quantity, picking_type, source, destination,
                reservation_method="manual"):
    """A draft transfer of `quantity` units; its confirmation is timed.

    A delivery's type reserves on request ("Check Availability") unless told otherwise:
    its serials are chosen by the entry. Confirming a receipt makes a line per unit.
    """
    picking_type = env.ref(picking_type)
    picking_type.reservation_method = reservation_method
    locations = {"location_id": env.ref(source).id, "location_dest_id": env.ref(destination).id}
    return env["stock.picking"].create({
        "picking_type_id": picking_type.id, **locations,
        "move_ids": [(0, 0, {"product_id": product.id, "product_uom_qty": quantity,
                             **locations})],
    })


def delivery_reserved_at_confirmation(env, product, size):
    """A delivery whose type reserves at confirmation (Odoo's default): Odoo chooses the
    serials, which ship as they are."""
    return new_picking(env, product, size, "stock.picking_type_out",
                       "stock.stock_location_stock", "stock.stock_location_customers",
                       reservation_method="at_confirm")


def check_transfer(env, picking, size, destination):
    """N lots moved, N done lines of one unit each, one unit per serial at the destination."""
    picking.invalidate_recordset()
    lines = picking.move_line_ids
    problems = []
    if picking.state != "done":
        problems.append(f"picking is {picking.state}")
    if len(lines) != size or any(line.quantity != 1 or not line.lot_id for line in lines):
        problems.append(f"{len(lines)} lines, expected {size} of one serialized unit")
    if len(lines.lot_id) != size:
        problems.append(f"{len(lines.lot_id)} lots, expected {size}")
    env.cr.execute(SQL(
        """SELECT count(*) FILTER (WHERE location_id = %s AND quantity = 1),
                  count(*) FILTER (WHERE location_id != %s AND quantity > 0
                                   AND location_id IN (SELECT id FROM stock_location
                                                        WHERE usage = 'internal'))
             FROM stock_quant WHERE lot_id IN %s""",
        destination.id, destination.id, tuple(lines.lot_id.ids) or (0,)))
    at_destination, elsewhere_in_stock = env.cr.fetchone()
    if at_destination != size or elsewhere_in_stock:
        problems.append(f"quants: {at_destination} units at {destination.name}, "
                        f"{elsewhere_in_stock} still in stock elsewhere")
    if problems:
        raise AssertionError(f"{picking.name}: " + "; ".join(problems))


def run_scenario(env, transfer, entry, destination, size, native):
    """Confirmation, entry and validation of a fresh transfer (`transfer(env)`), checked,
    then rolled back.

    `native` validates as Odoo does, a line at a time (where the addon is installed, its
    batched paths off).
    """
    with env.cr.savepoint(flush=False) as savepoint:
        env["ir.config_parameter"].set_param(BATCHED_VALIDATION_PARAM, str(not native))
        picking = transfer(env)
        confirm = timed(env, picking.action_confirm)
        entry_time = timed(env, entry(env, picking))
        validate = timed_with_cpu(env, picking.button_validate)
        check_transfer(env, picking, size, destination)
        savepoint.rollback()
    env.invalidate_all()
    env.registry.clear_cache("stable")  # the parameter's cache ignores rollbacks
    return Timing(*confirm, *entry_time, *validate)


def receipt(env, product, size):
    return new_picking(env, product, size, "stock.picking_type_in",
                       "stock.stock_location_suppliers", "stock.stock_location_stock")


def delivery(env, product, size):
    return new_picking(env, product, size, "stock.picking_type_out",
                       "stock.stock_location_stock", "stock.stock_location_customers")


@contextmanager
def committed_stock(config_file, database, size):
    """A serialized product with `size` units in stock, committed as units received in an
    earlier transaction are; removed afterwards. Yields the product's id.

    Units inserted in the transaction that ships them would cost more to ship than in
    use: PostgreSQL checks the foreign keys of a row again when its own transaction
    updates it (reservations, statuses), and skips that for older rows.
    """
    with odoo_env(config_file, database) as env:
        product = serial_product(env, f"Bench stock {size}")
        insert_lots(env, product, size, f"BD{size}-", in_stock=True)
        env.cr.commit()
        product_id, template_id = product.id, product.product_tmpl_id.id
    try:
        yield product_id
    finally:
        with odoo_env(config_file, database) as env:
            for table in ("stock_quant", "stock_lot", "product_product"):
                env.cr.execute(SQL("DELETE FROM %s WHERE %s = %s", SQL.identifier(table),
                                   SQL.identifier("id" if table == "product_product"
                                                  else "product_id"), product_id))
            env.cr.execute(SQL("DELETE FROM product_template WHERE id = %s", template_id))
            env.cr.commit()


def new_serials(size):
    return "\n".join(f"BT{size}-{index:06d}" for index in range(size))


# Each entry prepares what the user brings (the pasted text) and returns the timed step.
def native_receive_entry(env, picking):
    text = new_serials(int(picking.move_ids.product_uom_qty))
    return lambda: native_import_lines(env, picking.move_ids, text)


def our_receive_entry(env, picking):
    text = new_serials(int(picking.move_ids.product_uom_qty))
    return lambda: picking.move_ids.set_serials_from_text(text, spans=False)


def native_delivery_entry(env, picking):
    return picking.action_assign  # Odoo chooses the serials (FIFO) and reserves them


def no_entry(env, picking):
    return lambda: None  # the serials Odoo reserved at confirmation ship


def our_delivery_entry(env, picking):
    # Every serial in stock, as a user pastes them: those the delivery ships.
    text = "\n".join(env["stock.lot"].search(
        [("product_id", "=", picking.product_id.id)]).mapped("name"))
    return lambda: picking.move_ids.set_serials_from_text(text, spans=False)


OPERATIONS = {
    "receive": "receive",
    "deliver": "deliver",
    "reserve": "deliver, serials Odoo reserves at confirmation",
}


def run_operation(config_file, database, operation, size, native):
    """One operation on a fresh transfer of `size` serials in `database`, in a session of
    its own (none holds back the cleanup of the others' rows): Odoo's path (`native`) or
    ours."""
    if operation == "receive":
        with odoo_env(config_file, database) as env:
            return run_scenario(
                env, lambda env: receipt(env, serial_product(env, f"Bench receipt {size}"),
                                         size),
                native_receive_entry if native else our_receive_entry,
                env.ref("stock.stock_location_stock"), size, native)
    with (committed_stock(config_file, database, size) as product_id,
          odoo_env(config_file, database) as env):
        if operation == "deliver":
            transfer, entry = delivery, native_delivery_entry if native else our_delivery_entry
        else:  # confirmed as a user confirms: the serials Odoo reserves are shipped
            transfer, entry = delivery_reserved_at_confirmation, no_entry
        return run_scenario(
            env, lambda env: transfer(env, env["product.product"].browse(product_id), size),
            entry, env.ref("stock.stock_location_customers"), size, native)


def run(config_file, databases, sizes, operations=tuple(OPERATIONS)):
    """Each operation on Odoo's path in `databases["native"]` (without the addon, or
    with its batched paths off), then on ours in `databases["ours"]`."""
    rows = []
    for size in sizes:
        for operation in operations:
            row = TransferRow(size, OPERATIONS[operation])
            for variant in ("native", "ours"):
                row.timings[variant] = run_operation(
                    config_file, databases[variant], operation, size, variant == "native")
                timing = row.timings[variant]
                print(f"  {size:,} {row.operation} {variant}: confirm {timing.confirm:.2f} s "
                      f"({timing.confirm_queries:,} queries), entry {timing.entry:.2f} s "
                      f"({timing.entry_queries:,} queries), validate {timing.validate:.2f} s "
                      f"({timing.validate_cpu:.2f} s CPU, {timing.validate_queries:,} "
                      "queries)", flush=True)
            rows.append(row)
    return rows


def print_table(rows):
    print("| N serials | operation | native confirm + entry + validate (s) "
          "| ours confirm + entry + validate (s) | native total (s) | ours total (s) "
          "| ours / native | validate CPU native / ours (s) | queries native / ours |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        native, ours = row.timings["native"], row.timings["ours"]
        print(f"| {row.size:,} | {row.operation} "
              f"| {native.confirm:.2f} + {native.entry:.2f} + {native.validate:.2f} "
              f"| {ours.confirm:.2f} + {ours.entry:.2f} + {ours.validate:.2f} "
              f"| {native.total:.2f} | {ours.total:.2f} | {ours.total / native.total:.2f} "
              f"| {native.validate_cpu:.1f} / {ours.validate_cpu:.1f} "
              f"| {native.queries:,} / {ours.queries:,} |")
