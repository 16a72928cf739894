"""Whole transfers as a user lives them: entry of N serials, then validation.

For each N, Odoo's native receipt ("Import Serials", then Validate) and ours (our entry,
then Validate) run one after the other, then Odoo's native delivery (its own
reservation, then Validate) and ours (our entry on the delivery move, then Validate), then
(operation "reserve") a delivery whose confirmation reserves the serials Odoo chooses,
validated as they are, on Odoo's path and on the addon's, each in a savepoint rolled back
afterwards. The units delivered are in stock beforehand,
committed as units received in an earlier transaction are, and removed after both
deliveries. Entry and validation are timed separately, with their query counts, and the
result is checked: N lots, N done lines of one unit, the quants where they belong.
"""

import time
from contextlib import contextmanager

from bench_deliveries import insert_lots
from bench_receipts import native_import_lines
from harness import odoo_env

from odoo.addons.stock_serial_tracking.models.stock_quant import BATCHED_VALIDATION_PARAM
from odoo.tools import SQL


class TransferRow:
    def __init__(self, size, operation):
        self.size, self.operation = size, operation
        # variant -> (entry s, entry queries, validate s, validate queries, validate CPU s)
        self.timings = {}

    def total(self, variant):
        entry, _entry_queries, validate, _validate_queries, _cpu = self.timings[variant]
        return entry + validate


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


def new_picking(env, product, quantity, picking_type, source, destination):
    """A confirmed transfer of `quantity` units, not reserved yet.

    Its type reserves on request ("Check Availability"), so confirming it leaves the
    stock untouched: in use the serials are chosen in a later request than the
    confirmation. (Reserving at confirmation and unreserving, in the benchmark's one
    transaction, took a minute per 10,000 units and rewrote every unit in that
    transaction, which PostgreSQL then checks again at each later update.) A receipt's
    lines, made at confirmation, are removed: the entries make their own.
    """
    picking_type = env.ref(picking_type)
    picking_type.reservation_method = "manual"
    locations = {"location_id": env.ref(source).id, "location_dest_id": env.ref(destination).id}
    picking = env["stock.picking"].create({
        "picking_type_id": picking_type.id, **locations,
        "move_ids": [(0, 0, {"product_id": product.id, "product_uom_qty": quantity,
                             **locations})],
    })
    picking.action_confirm()
    picking.do_unreserve()
    return picking


def delivery_reserved_at_confirmation(env, product, size):
    """A delivery of `size` units, not confirmed yet, of a type that reserves at
    confirmation (Odoo's default for deliveries): its entry is the confirmation."""
    picking_type = env.ref("stock.picking_type_out")
    picking_type.reservation_method = "at_confirm"
    locations = {"location_id": env.ref("stock.stock_location_stock").id,
                 "location_dest_id": env.ref("stock.stock_location_customers").id}
    return env["stock.picking"].create({
        "picking_type_id": picking_type.id, **locations,
        "move_ids": [(0, 0, {"product_id": product.id, "product_uom_qty": size,
                             **locations})],
    })


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
    """Entry then validation of a fresh transfer (`transfer(env)`), checked, then rolled
    back.

    `native` validates as Odoo does, a line at a time (the addon's batched validation off).
    """
    with env.cr.savepoint(flush=False) as savepoint:
        env["ir.config_parameter"].set_param(BATCHED_VALIDATION_PARAM, str(not native))
        picking = transfer(env)
        entry_time, entry_queries = timed(env, entry(env, picking))
        validate_time, validate_queries, validate_cpu = timed_with_cpu(
            env, picking.button_validate)
        check_transfer(env, picking, size, destination)
        savepoint.rollback()
    env.invalidate_all()
    env.registry.clear_cache("stable")  # the parameter's cache ignores rollbacks
    return entry_time, entry_queries, validate_time, validate_queries, validate_cpu


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


def confirmation_entry(env, picking):
    return picking.action_confirm  # Odoo reserves the oldest serials, the addon set-wise


def our_delivery_entry(env, picking):
    # Every serial in stock, as a user pastes them: those the delivery ships.
    text = "\n".join(env["stock.lot"].search(
        [("product_id", "=", picking.product_id.id)]).mapped("name"))
    return lambda: picking.move_ids.set_serials_from_text(text, spans=False)


def compare(env, operation, size, transfer, entries, destination):
    """Odoo's path, then ours, on the same kind of transfer (`transfer(env)`)."""
    row = TransferRow(size, operation)
    for variant, entry in zip(("native", "ours"), entries, strict=True):
        row.timings[variant] = run_scenario(env, transfer, entry, env.ref(destination), size,
                                            native=variant == "native")
        entry_time, entry_queries, validate, validate_queries, cpu = row.timings[variant]
        print(f"  {size:,} {operation} {variant}: entry {entry_time:.2f} s ({entry_queries:,} "
              f"queries), validate {validate:.2f} s ({cpu:.2f} s CPU, {validate_queries:,} "
              "queries)", flush=True)
    return row


def run(config_file, database, sizes, operations=("receive", "deliver", "reserve")):
    """Each in sessions of its own, none holding back the cleanup of the others' rows."""
    rows = []
    for size in sizes:
        if "receive" in operations:
            with odoo_env(config_file, database) as env:
                rows.append(compare(
                    env, "receive", size,
                    lambda env, size=size: receipt(env, serial_product(
                        env, f"Bench receipt {size}"), size),
                    (native_receive_entry, our_receive_entry), "stock.stock_location_stock"))
        if "deliver" in operations:
            with (committed_stock(config_file, database, size) as product_id,
                  odoo_env(config_file, database) as env):
                rows.append(compare(
                    env, "deliver", size,
                    lambda env, size=size, product_id=product_id: delivery(
                        env, env["product.product"].browse(product_id), size),
                    (native_delivery_entry, our_delivery_entry),
                    "stock.stock_location_customers"))
        if "reserve" in operations:  # confirmed as a user confirms: Odoo's serials ship
            with (committed_stock(config_file, database, size) as product_id,
                  odoo_env(config_file, database) as env):
                rows.append(compare(
                    env, "deliver, serials Odoo reserves at confirmation", size,
                    lambda env, size=size, product_id=product_id:
                        delivery_reserved_at_confirmation(
                            env, env["product.product"].browse(product_id), size),
                    (confirmation_entry, confirmation_entry), "stock.stock_location_customers"))
    return rows


def print_table(rows):
    print("| N serials | operation | native entry + validate (s) | ours entry + validate (s) "
          "| native total (s) | ours total (s) | ours / native | validate CPU native / ours (s) "
          "| queries native / ours |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        native, ours = row.timings["native"], row.timings["ours"]
        print(f"| {row.size:,} | {row.operation} | {native[0]:.2f} + {native[2]:.2f} "
              f"| {ours[0]:.2f} + {ours[2]:.2f} | {row.total('native'):.2f} "
              f"| {row.total('ours'):.2f} | {row.total('ours') / row.total('native'):.2f} "
              f"| {native[4]:.1f} / {ours[4]:.1f} "
              f"| {native[1] + native[3]:,} / {ours[1] + ours[3]:,} |")
