from collections import Counter, defaultdict

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from ..tools.serial_parser import parse_serials
from ..tools.serial_text import stored_serial_problem
from .arguments import check_text
from .serial_messages import serial_text
from .set_wise import records_to_check_one_by_one

SERIAL_STATUSES = [
    ("in_stock", "In stock"),
    ("reserved", "Reserved"),
    ("delivered", "Delivered"),
    ("returned", "Returned to vendor"),
    ("scrapped", "Scrapped / lost"),
    ("elsewhere", "Not in stock"),
]

# What only done moves change: an open line of a serial leaves them as they are.
SERIAL_DATE_FIELDS = ("receipt_date", "delivery_date", "last_partner_id",
                      "warranty_start_date", "warranty_end_date")


class StockLot(models.Model):
    _name = "stock.lot"
    _inherit = ["stock.lot", "stock.serial.set.wise.flush"]

    # Odoo checks this uniqueness in Python, which two concurrent validations both pass;
    # the database is the last line of defence. Lots without company count as company 0.
    _product_company_name_uniq = models.UniqueIndex(
        "(product_id, COALESCE(company_id, 0), name)",
        "A serial or lot number can exist only once per product and company.")
    # Odoo indexes the name for "contains" searches (trigram); finding many exact serials
    # at once needs a plain b-tree.
    _name_exact_idx = models.Index("(name)")

    move_line_ids = fields.One2many("stock.move.line", "lot_id", string="Moves")
    product_tracking = fields.Selection(related="product_id.tracking")
    serial_status = fields.Selection(
        SERIAL_STATUSES, string="Status", compute="_compute_serial_status", store=True,
        help="In stock: free in a warehouse. Reserved: on an open transfer. Delivered: at a "
        "customer. Returned to vendor: sent back to a supplier. Scrapped / lost: in an "
        "inventory loss location (scrap, or written off by a count). Not in stock: anywhere "
        "else, or never received.")
    receipt_date = fields.Datetime(
        compute="_compute_serial_dates", store=True,
        help="When the unit was first received from a vendor.")
    delivery_date = fields.Datetime(
        compute="_compute_serial_dates", store=True,
        help="When the unit was last delivered to a customer.")
    last_partner_id = fields.Many2one(
        "res.partner", string="Delivered to", compute="_compute_serial_dates", store=True,
        help="The customer this unit was last delivered to.")
    warranty_start_date = fields.Date(compute="_compute_warranty", store=True)
    warranty_end_date = fields.Date(compute="_compute_warranty", store=True)
    under_warranty = fields.Boolean(compute="_compute_under_warranty",
                                    search="_search_under_warranty")
    serial_search = fields.Char(
        string="Serials", compute="_compute_serial_search", search="_search_serial_search",
        help="Search many serials at once: paste them with any separator.")

    # -- Valid serial names on every path -------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        self._check_storable_names(vals_list, "name")
        self._check_unique_before_insert(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._check_storable_names([vals], "name")
        return super().write(vals)

    @api.model
    def _check_storable_names(self, vals_list, field_name):
        """Refuse, before the ORM writes it, a name that is not text (a list would become
        the serial "['A', 'B']") or holds NUL (PostgreSQL refuses it with a raw error),
        whatever the product's tracking. The other rules of serial names are the
        constraints' (`_check_serial_name`)."""
        for vals in vals_list:
            value = vals.get(field_name)
            if value is None or value is False:
                continue
            if not isinstance(value, str):
                raise ValidationError(self.env._(
                    "A serial or lot number must be text, not %(type)s: %(value)r",
                    type=type(value).__name__, value=value))
            if "\x00" in value:
                raise ValidationError(self.env._(
                    "A serial or lot number cannot contain the control character U+0000 "
                    "(NUL): %s", repr(value)))

    @api.constrains("name", "product_id")
    def _check_serial_name(self):
        self._check_serial_names(self.filtered(
            lambda lot: lot.product_id.tracking == "serial").mapped("name"))

    @api.model
    def _check_serial_names(self, names):
        """The rules of the serial dialogs, for serials written by any other path."""
        problems = [(name, problem) for name in names
                    if (problem := stored_serial_problem(name))]
        if problems:
            raise ValidationError(self.env._(
                "These serial numbers cannot be saved:\n%s",
                "\n".join(f"- {name!r}: {serial_text(self.env, problem)}"
                          for name, problem in problems)))

    @api.model
    def _check_unique_before_insert(self, vals_list):
        """Odoo's duplicate check, run before the insert that the unique index would refuse
        with a raw database error (the index stays as the backstop for concurrent inserts)."""
        keys = Counter(
            (vals.get("product_id") or self.env.context.get("default_product_id"),
             vals.get("company_id") or False, vals["name"])
            for vals in vals_list if vals.get("name"))
        if not keys:
            return
        existing = self.sudo().with_context(active_test=False).search_fetch(
            [("product_id", "in", [product for product, _company, _name in keys]),
             ("name", "in", [name for _product, _company, name in keys])],
            ["product_id", "company_id", "name"])
        duplicates = {key for key, count in keys.items() if count > 1} | (
            {(lot.product_id.id, lot.company_id.id, lot.name) for lot in existing} & keys.keys())
        if duplicates:
            products = self.env["product.product"].browse(
                {product for product, _company, _name in duplicates})
            raise ValidationError(self.env._(
                "The combination of lot/serial number and product must be unique within a "
                "company including when no company is defined.\nThe following combinations "
                "contain duplicates:\n%(error_lines)s",
                error_lines="\n".join(
                    self.env._(" - Product: %(product)s, Lot/Serial Number: %(lot)s",
                               product=products.browse(product).display_name, lot=name)
                    for product, _company, name in sorted(duplicates, key=str))))

    def _serial_history_rows(self, done_lines_of_lots_in_stock=True):
        """({lot id: units reserved}, for the lots in stock in a warehouse; the done move
        lines of the lots (all, or those not in stock) as (lot id, date, source usage,
        destination usage, partner of the transfer), oldest first): plain rows of two
        queries, not records: thousands of lots are computed at once (a validation)."""
        lot_ids = [lot_id for lot_id in self._ids if isinstance(lot_id, int)]  # not drafts
        self.env["stock.move.line"].flush_model(
            ["lot_id", "state", "date", "location_id", "location_dest_id", "picking_id"])
        self.env["stock.quant"].flush_model(
            ["lot_id", "location_id", "quantity", "reserved_quantity"])
        self.env["stock.location"].flush_model(["usage"])
        self.env["stock.picking"].flush_model(["partner_id"])
        reserved_in_stock = dict(self.env.execute_query(SQL(
            """SELECT quant.lot_id, SUM(quant.reserved_quantity)
                 FROM stock_quant quant
                 JOIN stock_location location ON location.id = quant.location_id
                WHERE quant.lot_id = ANY(%s) AND location.usage = 'internal'
                  AND quant.quantity > 0
                GROUP BY quant.lot_id""", lot_ids)))
        if not done_lines_of_lots_in_stock:
            lot_ids = [lot_id for lot_id in lot_ids if lot_id not in reserved_in_stock]
        done_lines = lot_ids and self.env.execute_query(SQL(
            """SELECT line.lot_id, line.date, source.usage, destination.usage,
                      picking.partner_id
                 FROM stock_move_line line
                 JOIN stock_location source ON source.id = line.location_id
                 JOIN stock_location destination ON destination.id = line.location_dest_id
                 LEFT JOIN stock_picking picking ON picking.id = line.picking_id
                WHERE line.lot_id = ANY(%s) AND line.state = 'done'
                ORDER BY line.date, line.id""", lot_ids))
        return reserved_in_stock, done_lines

    def _assign_by_values(self, fnames, values_of_lot):
        """Give each lot the values `values_of_lot(lot id)` of `fnames`, a group of lots with
        the same values at a time (thousands of lots, a few distinct values)."""
        lots_by_values = defaultdict(list)
        for lot_id in self._ids:
            lots_by_values[values_of_lot(lot_id)].append(lot_id)
        for values, ids in lots_by_values.items():
            lots = self.browse(ids)
            for fname, value in zip(fnames, values, strict=True):
                lots[fname] = value

    @api.depends("quant_ids.quantity", "quant_ids.reserved_quantity",
                 "quant_ids.location_id.usage", "move_line_ids.state",
                 "move_line_ids.location_dest_id.usage")
    def _compute_serial_status(self):
        """A unit in a warehouse is in stock (or reserved); otherwise its status is where its
        last done move took it: a customer, a vendor, an inventory loss (scrap) location.
        Its own computation: a reservation changes the status, never the dates."""
        reserved_in_stock, done_lines = self._serial_history_rows(
            done_lines_of_lots_in_stock=False)
        last_destination = {lot_id: destination
                            for lot_id, _date, _source, destination, _partner in done_lines}
        statuses = {"customer": "delivered", "supplier": "returned", "inventory": "scrapped"}

        def status(lot_id):
            if lot_id in reserved_in_stock:
                return ("reserved" if reserved_in_stock[lot_id] > 0 else "in_stock",)
            return (statuses.get(last_destination.get(lot_id), "elsewhere"),)

        self._assign_by_values(["serial_status"], status)

    @api.depends("quant_ids.quantity", "quant_ids.location_id.usage", "move_line_ids.state",
                 "move_line_ids.date", "move_line_ids.location_id.usage",
                 "move_line_ids.location_dest_id.usage")
    def _compute_serial_dates(self):
        """First receipt from a vendor; last delivery to a customer, and who to. A unit back
        in stock (returned) is no longer delivered: no customer shown, no customer warranty
        running, until it is delivered again."""
        in_stock, done_lines = self._serial_history_rows()
        first_receipt, last_delivery = {}, {}
        for lot_id, date, source, destination, partner_id in done_lines:
            if source == "supplier":
                first_receipt.setdefault(lot_id, date)
            if destination == "customer":
                last_delivery[lot_id] = (date, partner_id)
        self._assign_by_values(
            ["receipt_date", "delivery_date", "last_partner_id"],
            lambda lot_id: (first_receipt.get(lot_id, False), *(
                (False, False) if lot_id in in_stock
                else last_delivery.get(lot_id, (False, False)))))

    @api.model
    def _compute_serial_history_at_once(self):
        """Compute the pending statuses, dates and locations of serials in one call each:
        Odoo recomputes stored fields a thousand records at a time, and these computations
        read the lines or quants of their lots in a query or two per call, whatever the
        number of lots. One of the batched paths (off with them, see
        StockQuant._batched_validation_enabled)."""
        if not self.env["stock.quant"]._batched_validation_enabled():
            return
        for fname in ("serial_status", "receipt_date", "location_id"):
            field = self._fields[fname]
            lots = self.env.records_to_compute(field)
            if lots:
                field.compute_value(lots)

    @api.depends("receipt_date", "delivery_date", "product_id.warranty_months",
                 "product_id.warranty_start")
    def _compute_warranty(self):
        # A product at a time, and its lots' dates set a group at a time: thousands of lots
        # are computed together (a validation), most often of a product without warranty.
        for product, product_lots in self.grouped("product_id").items():
            if not product.warranty_months:
                product_lots.warranty_start_date = product_lots.warranty_end_date = False
                continue
            lots_by_start = defaultdict(list)  # start date -> lots
            dates = product_lots.mapped(
                "receipt_date" if product.warranty_start == "receipt" else "delivery_date")
            for lot_id, start in zip(product_lots._ids, dates, strict=True):
                lots_by_start[start.date() if start else False].append(lot_id)
            for start, ids in lots_by_start.items():
                lots = self.browse(ids)
                lots.warranty_start_date = start
                lots.warranty_end_date = start and start + relativedelta(
                    months=product.warranty_months)

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
            words = text.split()
            if len(words) > 1:
                # A column pasted into the search box arrives with its line breaks turned
                # into spaces: the words, or the whole text for a serial with a space.
                return ["|", ("name", "in", words), ("name", "ilike", text.strip())]
            return [("name", "ilike", text.strip())]
        return [("name", "in", serials)]

    @api.model
    def find_serials(self, text):
        """{'found': lot ids, 'missing': serials not found} for a pasted list."""
        check_text(self.env, "find_serials", "text", text)
        serials = parse_serials(text).serials
        lots = self.search_fetch([("name", "in", serials)], ["name"])
        found = set(lots.mapped("name"))
        return {"found": lots.ids, "missing": [name for name in serials if name not in found]}

    # -- Invariants ----------------------------------------------------------------------
    def _check_single_units(self):
        """After units moved outside a validation: each serial is at most one unit in stock,
        and never a negative one."""
        serials = self.filtered(lambda lot: lot.product_id.tracking == "serial")
        if not serials:
            return
        self.env["stock.quant"].flush_model()
        rows = self.env["stock.quant"].sudo()._read_group(
            [("lot_id", "in", serials.ids), ("location_id.usage", "=", "internal")],
            ["lot_id", "location_id"], ["quantity:sum"])
        totals = Counter()
        problems = []
        for lot, location, quantity in rows:
            totals[lot] += quantity
            if quantity < 0:
                problems.append(self.env._("%(serial)s would be %(quantity)s at %(location)s",
                                           serial=lot.name, quantity=quantity,
                                           location=location.display_name))
        problems += [self.env._("%(serial)s would be %(quantity)s units in stock",
                                serial=lot.name, quantity=quantity)
                     for lot, quantity in totals.items() if quantity > 1]
        if problems:
            raise ValidationError(self.env._(
                "A serial number is one unit in one place:\n%s",
                "\n".join(f"- {problem}" for problem in problems)))

    @api.model
    def _serial_invariant_violations(self):
        """{rule: offending rows} for the rules no path may break, one query per rule.

        Used by the concurrency tests; an administrator can run it to audit a database.
        Untracked units of serialized products are reported too: Odoo lets a count load
        them (opening stock), but each should get its serial.
        """
        def serial(table):  # restricts `table` to serialized products
            return SQL("JOIN product_product product ON product.id = %s "
                       "JOIN product_template template ON template.id = product.product_tmpl_id "
                       "AND template.tracking = 'serial'", SQL.identifier(table, "product_id"))

        internal = SQL("JOIN stock_location location ON location.id = quant.location_id "
                       "AND location.usage = 'internal'")
        rules = {
            "lot with more than one unit in stock": SQL(
                """SELECT quant.lot_id, SUM(quant.quantity) FROM stock_quant quant %s %s
                    WHERE quant.lot_id IS NOT NULL GROUP BY quant.lot_id
                   HAVING SUM(quant.quantity) > 1""",
                serial("quant"), internal),
            "negative serial quant": SQL(
                """SELECT quant.id, quant.lot_id, quant.quantity FROM stock_quant quant %s %s
                    WHERE quant.lot_id IS NOT NULL AND quant.quantity < 0""",
                serial("quant"), internal),
            "serial reserved more than it is in stock": SQL(
                """SELECT quant.id, quant.lot_id, quant.quantity, quant.reserved_quantity
                     FROM stock_quant quant %s %s
                    WHERE quant.lot_id IS NOT NULL AND quant.reserved_quantity > quant.quantity""",
                serial("quant"), internal),
            "serialized unit without a serial in stock": SQL(
                """SELECT quant.id, quant.product_id, quant.quantity FROM stock_quant quant %s %s
                    WHERE quant.lot_id IS NULL AND quant.quantity != 0""",
                serial("quant"), internal),
            "done serial line with a quantity other than 1": SQL(
                """SELECT line.id, line.lot_id, line.quantity_product_uom
                     FROM stock_move_line line %s
                    WHERE line.state = 'done' AND line.quantity_product_uom != 1""",
                serial("line")),
            "serial name twice for a product and company": SQL(
                """SELECT lot.product_id, lot.company_id, lot.name, COUNT(*) FROM stock_lot lot
                    GROUP BY lot.product_id, COALESCE(lot.company_id, 0), lot.company_id, lot.name
                   HAVING COUNT(*) > 1"""),
        }
        self.env.flush_all()
        violations = {}
        for rule, query in rules.items():
            rows = self.env.execute_query(query)
            if rows:
                violations[rule] = rows
        return violations

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
