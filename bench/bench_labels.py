"""Serial labels: 1,000 labels rendered as HTML, beside Odoo's own lot labels."""

from bench_deliveries import insert_lots, product

LABELS = 1_000


def run(env, results, best_of):
    labelled = product(env, "Bench labels")
    insert_lots(env, labelled, LABELS, "LBL", in_stock=False)
    lots = env["stock.lot"].search([("product_id", "=", labelled.id)])
    reports = env["ir.actions.report"]
    data = {"labels": [[labelled.id, lot.name] for lot in lots], "copies": 1}
    # Odoo's "Lot/Serial Number" labels: its barcodes come from an image route, so the
    # page only links to them; ours draws every barcode (inline SVG) into the page.
    native = best_of(env, lambda: reports._render_qweb_html("stock.report_lot_label", lots.ids),
                     runs=2)
    ours = best_of(env, lambda: reports._render_qweb_html(
        "stock_serial_tracking.report_serial_label_sheet", [], data=data), runs=2)
    results.add(f"render {LABELS:,} serial labels as HTML (barcodes included)", native, ours, 5.0)
