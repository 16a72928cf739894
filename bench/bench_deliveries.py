"""Deliveries and the serial list at scale. Bulk data is inserted with SQL (the ORM
would take minutes to create a million lots) inside the rolled-back transaction."""

from harness import confirmed_move

from odoo.tools import SQL

IN_STOCK = 100_000
TO_SHIP = 1_000
LOTS = 1_000_000
PASTED = 1_000
STATUS_SERIALS = 10_000


def product(env, name):
    return env["product.product"].create(
        {"name": name, "is_storable": True, "tracking": "serial", "warranty_months": 12})


def insert_lots(env, product, count, prefix, in_stock):
    """`count` lots of `product`; with `in_stock`, one unit each in WH/Stock."""
    company = env.company.id
    env.cr.execute(SQL(
        """INSERT INTO stock_lot (name, product_id, company_id, create_uid, write_uid,
                                  create_date, write_date)
           SELECT %s || lpad(n::text, 7, '0'), %s, %s, 1, 1, now(), now()
             FROM generate_series(1, %s) n""", prefix, product.id, company, count))
    if in_stock:
        location = env.ref("stock.stock_location_stock").id
        env.cr.execute(SQL(
            """INSERT INTO stock_quant (product_id, location_id, lot_id, company_id, quantity,
                                        reserved_quantity, in_date, create_uid, write_uid,
                                        create_date, write_date)
               SELECT %s, %s, id, %s, 1, 0, now() - (id || ' seconds')::interval, 1, 1,
                      now(), now()
                 FROM stock_lot WHERE product_id = %s""", product.id, location, company,
            product.id))
    env.cr.execute("ANALYZE stock_lot")
    env.cr.execute("ANALYZE stock_quant")
    env.invalidate_all()


def delivery_move(env, product, quantity):
    return confirmed_move(env, product, quantity, "stock.picking_type_out",
                          "stock.stock_location_stock", "stock.stock_location_customers")


def run(env, results, best_of):
    def measure(function, **kwargs):
        return best_of(env, function, **kwargs)

    # Selector over 100,000 serials in stock, for a move of 1,000 units.
    shipped = product(env, "Bench selector")
    insert_lots(env, shipped, IN_STOCK, "SEL", in_stock=True)

    def unreserved_move():
        move = delivery_move(env, shipped, TO_SHIP)
        move._do_unreserve()
        return move

    # Native: Odoo picks (reserves) the serials itself when the delivery is confirmed.
    native = measure(lambda move: move._action_assign(), runs=2, setup=unreserved_move)
    ours = measure(lambda move: env["stock.serial.select"].with_context(
        default_move_id=move.id).create({}).selected_count, runs=2, setup=unreserved_move)
    results.add(f"selector: suggest {TO_SHIP:,} of {IN_STOCK:,} serials in stock "
                "(native: reserve them)", native, ours, 1.0)

    # Multi-serial search: 1,000 pasted serials among 1,000,000 lots.
    searched = product(env, "Bench search")
    insert_lots(env, searched, LOTS, "SRCH", in_stock=False)
    wanted = [f"SRCH{n:07d}" for n in range(1, LOTS, LOTS // PASTED)][:PASTED]
    pasted = "\n".join(wanted)
    lots = env["stock.lot"]
    native = measure(lambda: [lots.search([("name", "=", name)]) for name in wanted], runs=1)
    ours = measure(lambda: lots.search([("serial_search", "ilike", pasted)]), runs=3)
    results.add(f"search {PASTED:,} pasted serials among {LOTS:,} lots "
                "(native: one search per serial)", native, ours, 1.0)

    # Status, history and warranty of 10,000 received serials.
    received = product(env, "Bench status")
    insert_lots(env, received, STATUS_SERIALS, "ST", in_stock=True)
    batch = env["stock.lot"].search([("product_id", "=", received.id)])

    def native_compute():
        batch.invalidate_recordset(["partner_ids"])
        batch.mapped("partner_ids")  # Odoo's "delivered to", over the lots' transfers

    def ours_compute():
        # What Odoo does when moves or a product's warranty change: mark and recompute.
        for name in ("serial_status", "receipt_date", "delivery_date", "last_partner_id",
                     "warranty_start_date", "warranty_end_date"):
            env.add_to_compute(batch._fields[name], batch)
        batch.flush_recordset()

    native = measure(native_compute, runs=2)
    ours = measure(ours_compute, runs=2)
    results.add(f"status, history and warranty of {STATUS_SERIALS:,} serials "
                "(native: delivered-to partners)", native, ours, 2.0)
