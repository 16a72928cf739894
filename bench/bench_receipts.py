"""Receipts: parsing a pasted list; Odoo's "Import Serials" for the transfer benchmark."""

from odoo import Command
from odoo.addons.stock_serial_tracking.tools.serial_parser import parse_serials

PARSE_TOKENS = 100_000


def pasted_text(tokens):
    """A paste as people make them: mostly single serials, some spans, mixed separators."""
    parts = []
    for index in range(tokens):
        if index % 50 == 0:
            parts.append(f"R{index:07d}-R{index + 3:07d}")  # a span of 4
        else:
            parts.append(f"SN{index:08d}")
    return ",\n".join(parts)


def one_per_line(serials):
    return "\n".join(serials)


def native_import_lines(env, move, serial_text):
    """Odoo's "Import Serials": values from the pasted text, then the lines written."""
    context = {
        "default_product_id": move.product_id.id, "default_tracking": "serial",
        "default_move_id": move.id, "default_picking_id": move.picking_id.id,
        "default_location_id": move.location_id.id,
        "default_location_dest_id": move.location_dest_id.id,
        "default_product_uom_id": move.product_uom.id,
        "default_company_id": move.company_id.id,
        "default_quantity": serial_text.count("\n") + 1,
    }
    vals_list = env["stock.move"].action_generate_lot_line_vals(
        context, "import", False, 0, serial_text)
    # Those values are in the web client's format: a many2one is {"id": ..., ...}.
    vals_list = [{key: value["id"] if isinstance(value, dict) else value
                  for key, value in vals.items()} for vals in vals_list]
    # The dialog's lines replace those made at confirmation, which the client deletes.
    move.move_line_ids = ([Command.delete(line.id) for line in move.move_line_ids]
                          + [Command.create(vals) for vals in vals_list])


def run(env, results, best_of):
    def measure(function, **kwargs):
        return best_of(env, function, **kwargs)

    text = pasted_text(PARSE_TOKENS)
    literal_text = one_per_line(parse_serials(text, max_serials=10 * PARSE_TOKENS).serials)
    native = measure(lambda: env["stock.move"].split_lots(literal_text))
    ours = measure(lambda: parse_serials(text, max_serials=10 * PARSE_TOKENS))
    results.add(f"parse {PARSE_TOKENS:,} tokens (lists and spans)", native, ours, 0.3)
