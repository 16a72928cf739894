from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

from ..tools.serial_parser import parse_serials
from .stock_quant import records_to_check_one_by_one

SERIAL_STATUSES = [
    ("in_stock", "In stock"),
    ("reserved", "Reserved"),
    ("delivered", "Delivered"),
    ("returned", "Returned to vendor"),
    ("scrapped", "Scrapped / lost"),
    ("elsewhere", "Not in stock"),
]


class StockLot(models.Model):
    _inherit = "stock.lot"

    # Odoo checks this uniqueness in Python, which two concurrent validations both pass;
    # the database is the last line of defence. Lots without company count as company 0.
    _product_company_name_uniq = models.UniqueIndex(
        "(product_id, COALESCE(company_id, 0), name)",
        "A serial or lot number can exist only once per product and company.")
    # Odoo indexes the name for "contains" searches (trigram); finding many exact serials
    # at once needs a plain b-tree.
    _name_exact_idx = models.Index("(name)")

    move_line_ids = fields.One2many("stock.move.line", "lot_id", string="Moves")
    serial_status = fields.Selection(
        SERIAL_STATUSES, string="Status", compute="_compute_serial_history", store=True,
        help="In stock: free in a warehouse. Reserved: on an open transfer. Delivered: at a "
        "customer. Returned to vendor: sent back to a supplier. Scrapped / lost: in an "
        "inventory loss location (scrap, or written off by a count). Not in stock: anywhere "
        "else, or never received.")
    receipt_date = fields.Datetime(
        compute="_compute_serial_history", store=True,
        help="When the unit was first received from a vendor.")
    delivery_date = fields.Datetime(
        compute="_compute_serial_history", store=True,
        help="When the unit was last delivered to a customer.")
    last_partner_id = fields.Many2one(
        "res.partner", string="Delivered to", compute="_compute_serial_history", store=True,
        help="The customer this unit was last delivered to.")
    warranty_start_date = fields.Date(compute="_compute_warranty", store=True)
    warranty_end_date = fields.Date(compute="_compute_warranty", store=True)
    under_warranty = fields.Boolean(compute="_compute_under_warranty",
                                    search="_search_under_warranty")
    serial_search = fields.Char(
        string="Serials", compute="_compute_serial_search", search="_search_serial_search",
        help="Search many serials at once: paste them with any separator.")

    @api.depends("quant_ids.quantity", "quant_ids.reserved_quantity",
                 "quant_ids.location_id.usage", "move_line_ids.state", "move_line_ids.date",
                 "move_line_ids.location_id.usage", "move_line_ids.location_dest_id.usage")
    def _compute_serial_history(self):
        """Status, dates and customer from one read of the done move lines of all the lots.

        A unit in a warehouse is in stock (or reserved); otherwise its status is where its
        last done move took it: a customer, a vendor, an inventory loss (scrap) location.
        """
        first_receipt, last_line = {}, {}
        last_delivery = {}
        lines = self.env["stock.move.line"].sudo().search_fetch(
            [("lot_id", "in", self.ids), ("state", "=", "done")],
            ["lot_id", "date", "location_id", "location_dest_id", "picking_partner_id"],
            order="date, id")
        for line in lines:
            if line.location_id.usage == "supplier" and line.lot_id not in first_receipt:
                first_receipt[line.lot_id] = line.date
            if line.location_dest_id.usage == "customer":
                last_delivery[line.lot_id] = line
            last_line[line.lot_id] = line
        statuses = {"customer": "delivered", "supplier": "returned", "inventory": "scrapped"}
        for lot in self:
            delivery = last_delivery.get(lot)
            lot.receipt_date = first_receipt.get(lot)
            lot.delivery_date = delivery.date if delivery else False
            lot.last_partner_id = delivery.picking_partner_id if delivery else False
            in_stock = lot.quant_ids.filtered(
                lambda q: q.location_id.usage == "internal" and q.quantity > 0)
            if in_stock:
                reserved = any(quant.reserved_quantity > 0 for quant in in_stock)
                lot.serial_status = "reserved" if reserved else "in_stock"
            else:
                last = last_line.get(lot)
                lot.serial_status = statuses.get(
                    last.location_dest_id.usage if last else None, "elsewhere")

    @api.depends("receipt_date", "delivery_date", "product_id.warranty_months",
                 "product_id.warranty_start")
    def _compute_warranty(self):
        for lot in self:
            product = lot.product_id
            start = lot.receipt_date if product.warranty_start == "receipt" else lot.delivery_date
            if product.warranty_months and start:
                lot.warranty_start_date = start.date()
                lot.warranty_end_date = start.date() + relativedelta(months=product.warranty_months)
            else:
                lot.warranty_start_date = lot.warranty_end_date = False

    def _compute_under_warranty(self):
        today = fields.Date.context_today(self)
        for lot in self:
            lot.under_warranty = bool(lot.warranty_end_date and lot.warranty_end_date >= today)

    def _search_under_warranty(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        today = fields.Date.context_today(self)
        if (operator == "=") == value:
            return [("warranty_end_date", ">=", today)]
        return ["|", ("warranty_end_date", "=", False), ("warranty_end_date", "<", today)]

    def _compute_serial_search(self):
        self.serial_search = False

    def _search_serial_search(self, operator, value):
        if operator not in ("ilike", "=", "in") or not value:
            return NotImplemented
        text = value if isinstance(value, str) else "\n".join(value)
        serials = parse_serials(text).serials
        if len(serials) <= 1 and operator == "ilike":
            return [("name", "ilike", text.strip())]
        return [("name", "in", serials)]

    @api.model
    def find_serials(self, text):
        """{'found': lot ids, 'missing': serials not found} for a pasted list."""
        serials = parse_serials(text).serials
        lots = self.search_fetch([("name", "in", serials)], ["name"])
        found = set(lots.mapped("name"))
        return {"found": lots.ids, "missing": [name for name in serials if name not in found]}

    # -- Actions -----------------------------------------------------------------------
    def action_print_serial_labels(self):
        return self.env["stock.serial.label.print"].action_open(
            [(lot.product_id, lot.name) for lot in self])

    def action_serial_history(self):
        """Every done move of the unit, oldest first: its whole inventory history."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("History of %s", self.name),
            "res_model": "stock.move.line",
            "view_mode": "list",
            "views": [(self.env.ref("stock_serial_tracking.stock_move_line_serial_history").id,
                       "list")],
            "domain": [("lot_id", "=", self.id), ("state", "=", "done")],
            "context": {"create": False},
        }

    @api.model
    def _serials_action(self, domain, name, context=None):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "stock_serial_tracking.action_serial_numbers")
        action.update(name=name, domain=domain, context=context or {})
        return action

    # -- Batched validation of serialized units (see stock_quant.py) ---------------------
    def _check_company(self, fnames=None):
        return super(StockLot, records_to_check_one_by_one(self, fnames))._check_company(fnames)
