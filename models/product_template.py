from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from ..tools.serial_parser import compile_serial_pattern
from ..tools.serial_text import SerialCounter, SerialTextError
from .serial_messages import serial_text

MANAGER_GROUP = "stock.group_stock_manager"
# The code of a product's own Next Serial sequence, which no other product may adopt.
NEXT_SERIAL_SEQUENCE_CODE = "stock_serial_tracking.next_serial"
# The fields whose change can change a product's tracking (type -> is_storable -> tracking).
TRACKING_INPUTS = frozenset({"type", "is_storable", "tracking"})


class ProductTemplate(models.Model):
    _inherit = "product.template"

    is_serialized = fields.Boolean(
        string="Serialized",
        compute="_compute_is_serialized",
        inverse="_inverse_is_serialized",
        search="_search_is_serialized",
        help="Track every unit by its own serial number. It can only be changed while "
        "nothing (stock, orders, journal items) refers to the product yet.",
    )
    # Odoo's own counter (number part only) stays for lots, under a distinct label.
    next_serial = fields.Char(string="Next Lot Number")
    next_expected_serial = fields.Char(
        string="Next Serial",
        compute="_compute_next_expected_serial",
        inverse="_inverse_next_expected_serial",
        help="The serial number expected on the next unit received. Receiving fills it "
        "in for the first unit and counts on from it for the others; numbers shorter "
        "than 5 digits get leading zeroes (SN-7 becomes SN-00007).",
    )

    serial_pattern = fields.Char(
        help="Serials of this product must match it: a mask where # is a digit, ? a letter "
        "and * any character (SN-#####), or a regular expression between slashes "
        "(/[A-Z]{2}\\d{6}/). Empty accepts any serial.",
    )

    warranty_months = fields.Integer(
        string="Warranty (months)",
        help="Warranty of each serialized unit; 0 means no warranty.")
    warranty_start = fields.Selection(
        [("receipt", "Receipt date (vendor warranty)"),
         ("delivery", "Delivery date (customer warranty)")],
        string="Warranty starts on", default="delivery", required=True)

    serial_count = fields.Integer(compute="_compute_serial_counts")
    serial_in_stock_count = fields.Integer(compute="_compute_serial_counts")

    def _compute_serial_counts(self):
        groups = self.env["stock.lot"]._read_group(
            [("product_id.product_tmpl_id", "in", self.ids)],
            ["product_id", "serial_status"], ["__count"])
        totals, in_stock = {}, {}
        for variant, status, count in groups:
            template = variant.product_tmpl_id
            totals[template] = totals.get(template, 0) + count
            if status == "in_stock":
                in_stock[template] = in_stock.get(template, 0) + count
        for template in self:
            template.serial_count = totals.get(template, 0)
            template.serial_in_stock_count = in_stock.get(template, 0)

    def action_print_serial_labels(self):
        """Labels of the product's serials in stock."""
        self.ensure_one()
        lots = self.env["stock.lot"].search(
            [("product_id.product_tmpl_id", "=", self.id),
             ("serial_status", "in", ("in_stock", "reserved"))])
        return lots.action_print_serial_labels()

    def action_view_serials(self):
        """The product's serials by status: which are allocated, which remain."""
        self.ensure_one()
        return self.env["stock.lot"]._serials_action(
            [("product_id.product_tmpl_id", "=", self.id)],
            self.env._("Serials of %s", self.display_name),
            {"search_default_group_by_serial_status": 1, "default_product_id":
             self.product_variant_id.id})

    @api.constrains("serial_pattern")
    def _check_serial_pattern(self):
        for template in self:
            try:
                compile_serial_pattern(template.serial_pattern)
            except SerialTextError as error:
                raise ValidationError(serial_text(self.env, error.message)) from None

    @api.depends("tracking")
    def _compute_is_serialized(self):
        for template in self:
            template.is_serialized = template.tracking == "serial"

    def _inverse_is_serialized(self):
        for template in self:
            if template.is_serialized:
                template.write({"is_storable": True, "tracking": "serial"})
            elif template.tracking == "serial":
                template.tracking = "none"

    def _search_is_serialized(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        positive = (operator == "=") == value
        return [("tracking", "=" if positive else "!=", "serial")]

    # -- Next Serial ------------------------------------------------------------------
    def _default_lot_sequence(self):
        return self.env.ref("stock.sequence_production_lots", raise_if_not_found=False)

    def _own_serial_sequence(self):
        """The product's own lot sequence, or an empty recordset when it uses a shared one."""
        self.ensure_one()
        sequence = self.lot_sequence_id
        if not sequence or sequence == self._default_lot_sequence():
            return sequence.browse()
        shared = self.sudo().with_context(active_test=False).search_count(
            [("lot_sequence_id", "=", sequence.id), ("id", "!=", self.id)], limit=1
        )
        return sequence.browse() if shared else sequence

    @api.depends("lot_sequence_id.number_next_actual", "lot_sequence_id.prefix",
                 "lot_sequence_id.suffix", "lot_sequence_id.padding")
    def _compute_next_expected_serial(self):
        default_sequence = self._default_lot_sequence()
        for template in self:
            sequence = template.lot_sequence_id.sudo()
            if not sequence or sequence == default_sequence:
                template.next_expected_serial = False
                continue
            prefix, suffix = sequence._get_prefix_suffix()
            template.next_expected_serial = (
                f"{prefix}{sequence.number_next_actual:0{sequence.padding}d}{suffix}"
            )

    def _inverse_next_expected_serial(self):
        self._check_serial_manager("Next Serial")
        for template in self:
            if not template.next_expected_serial:
                template.lot_sequence_id = template._default_lot_sequence()
                continue
            try:
                counter = SerialCounter.parse(template.next_expected_serial)
            except SerialTextError as error:
                raise UserError(self.env._(
                    "%(product)s: %(error)s", product=template.display_name,
                    error=serial_text(self.env, error.message))) from None
            values = {
                # ir.sequence interpolates %(year)s and the like: a literal % must be doubled.
                "prefix": counter.prefix.replace("%", "%%"),
                "suffix": counter.suffix.replace("%", "%%"),
                "padding": counter.width,
                "number_next": counter.number,
                "number_increment": 1,
                # A PostgreSQL sequence: see _reserve_serials.
                "implementation": "standard",
            }
            sequence = template._own_serial_sequence().sudo()
            if sequence:
                sequence.write(values)
            else:
                template.lot_sequence_id = self.env["ir.sequence"].sudo().create({
                    **values,
                    "name": self.env._("%s serial numbers", template.display_name),
                    "code": NEXT_SERIAL_SEQUENCE_CODE,
                    "company_id": False,
                })
        self._invalidate_next_serial()

    def _invalidate_next_serial(self):
        """Forget cached counters so Next Serial is read again from the sequence.

        Needed after the inverse (the field is protected while it runs, so the typed
        text, not the normalised SN-00007, would stay cached) and after a reservation.
        The variants hold their own cached copy of the inherited field.
        """
        self.lot_sequence_id.invalidate_recordset(["number_next_actual"])
        self.invalidate_recordset(["next_expected_serial"])
        self.product_variant_ids.invalidate_recordset(["next_expected_serial"])

    def _peek_serials(self, count):
        """The next `count` serials of the product, without reserving them."""
        self.ensure_one()
        if not self.next_expected_serial:
            return []
        return SerialCounter.parse(self.next_expected_serial).block(count)

    def _reserve_serials(self, count, expected_first=None):
        """Reserve the next `count` serials of the product and return them.

        The numbers come from the sequence's PostgreSQL sequence, read and advanced under
        a transaction-level advisory lock: two transactions reserving at once get
        consecutive, never overlapping blocks, and the second one waits instead of
        failing. With `expected_first`, the block must start there (the serials a user
        was shown); otherwise nothing is reserved and the error says what changed.
        """
        self.ensure_one()
        sequence = self._own_serial_sequence().sudo()
        if not sequence:
            raise UserError(self.env._(
                "%s has no Next Serial to generate serial numbers from.", self.display_name))
        if count <= 0:
            return []
        if sequence.implementation != "standard" or sequence.number_increment != 1:
            sequence.write({"implementation": "standard", "number_increment": 1,
                            "number_next": sequence.number_next_actual})
            sequence.flush_recordset()
        pg_sequence = f"ir_sequence_{sequence.id:03d}"
        self.env.cr.execute(SQL(
            "SELECT pg_advisory_xact_lock(hashtext('stock_serial_tracking.reserve'), %s)",
            sequence.id))
        self.env.cr.execute(SQL("SELECT last_value, is_called FROM %s",
                                SQL.identifier(pg_sequence)))
        last_value, is_called = self.env.cr.fetchone()
        start = last_value + 1 if is_called else last_value
        prefix, suffix = sequence._get_prefix_suffix()
        block = [f"{prefix}{number:0{sequence.padding}d}{suffix}"
                 for number in range(start, start + count)]
        if expected_first and block[0] != expected_first:
            raise UserError(self.env._(
                "The Next Serial of %(product)s is now %(next)s, not %(expected)s: other "
                "units were received meanwhile. Generate the serials again.",
                product=self.display_name, next=block[0], expected=expected_first))
        self.env.cr.execute(SQL("SELECT setval(%s, %s)", pg_sequence, start + count - 1))
        self._invalidate_next_serial()
        return block

    # -- Serialized flag lock ---------------------------------------------------------
    @api.model
    def _serialized_lock_models(self):
        """Models whose records lock the Serialized flag of the product they refer to.

        Maps a model name to (product field, singular label, plural label). Other
        modules extend it by overriding this method; models not installed are skipped.
        """
        _ = self.env._
        candidates = {
            "stock.move": ("product_id", _("stock move"), _("stock moves")),
            "stock.move.line": ("product_id", _("stock move line"), _("stock move lines")),
            "stock.quant": ("product_id", _("quant"), _("quants")),
            "stock.lot": ("product_id", _("lot/serial number"), _("lot/serial numbers")),
            "sale.order.line": ("product_id", _("sale order line"), _("sale order lines")),
            "purchase.order.line": ("product_id", _("purchase order line"),
                                    _("purchase order lines")),
            "account.move.line": ("product_id", _("journal item"), _("journal items")),
        }
        return {model: spec for model, spec in candidates.items() if model in self.env}

    def _serialized_lock_links(self):
        """{template: ["3 stock moves", "1 sale order line", ...]} for templates with history."""
        links = {}
        variants = self.with_context(active_test=False).product_variant_ids
        if not variants:
            return links
        for model, (field, singular, plural) in self._serialized_lock_models().items():
            groups = self.env[model].sudo().with_context(active_test=False)._read_group(
                [(field, "in", variants.ids)], [field], ["__count"])
            counts = {}
            for variant, count in groups:
                template = variant.product_tmpl_id
                counts[template] = counts.get(template, 0) + count
            for template, count in counts.items():
                label = singular if count == 1 else plural
                links.setdefault(template, []).append(f"{count} {label}")
        return links

    def _check_serialized_lock(self):
        """Refuse a change of the Serialized flag on products that already have history,
        in the words of what was changed: the flag, Track Inventory, or the product type."""
        links = self._serialized_lock_links()
        if links:
            raise UserError("\n".join(template._serialized_lock_message(", ".join(labels))
                                      for template, labels in links.items()))

    def _serialized_lock_message(self, links):
        self.ensure_one()
        _ = self.env._
        if self.type != "consu":
            types = dict(self._fields["type"]._description_selection(self.env))
            return _("%(product)s cannot become a %(type)s: it is tracked by serial number and "
                     "already has %(links)s. Create a new product for the %(type)s instead.",
                     product=self.display_name, type=types[self.type].lower(), links=links)
        if not self.is_storable:  # it was tracked by serial: only its change is checked
            return _("%(product)s cannot stop tracking its inventory: it is tracked by serial "
                     "number and already has %(links)s. Create a new product instead.",
                     product=self.display_name, links=links)
        return _("The Serialized flag of %(product)s cannot be changed: it already has "
                 "%(links)s. Create a new product for the other tracking instead.",
                 product=self.display_name, links=links)

    def _check_serial_manager(self, field_label):
        if not self.env.su and not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(self.env._(
                "Only Inventory managers can change %(field)s (product: %(products)s).",
                field=field_label, products=", ".join(self.mapped("display_name"))))

    def write(self, vals):
        if "lot_sequence_id" in vals:
            self._check_serial_manager(self.env._("the serial number sequence"))
        if not TRACKING_INPUTS.intersection(vals):
            return super().write(vals)
        # Compared before and after (tracking follows type and Track Inventory through
        # computed fields), inside a savepoint so that a refusal leaves nothing written.
        serialized_before = {template.id for template in self if template.tracking == "serial"}
        with self.env.cr.savepoint():
            result = super().write(vals)
            self.filtered(lambda template: (template.tracking == "serial")
                          != (template.id in serialized_before))._check_serialized_lock()
        return result

    def _inverse_serial_prefix_format(self):
        # Odoo reuses any sequence with the typed prefix: never another product's own
        # Next Serial sequence, whose numbers it would consume.
        sequences_before = {template: template.lot_sequence_id for template in self}
        result = super()._inverse_serial_prefix_format()
        for template in self:
            sequence = template.lot_sequence_id
            adopted = sequence != sequences_before[template]
            if adopted and sequence.code == NEXT_SERIAL_SEQUENCE_CODE:
                template.lot_sequence_id = self.env["ir.sequence"].sudo().create({
                    "name": self.env._("%s serial numbers", template.display_name),
                    "code": "stock.lot.serial", "prefix": template.serial_prefix_format,
                    "padding": 7, "company_id": False})
        return result

    # -- Product form (UI) ----------------------------------------------------------------
    serialized_locked = fields.Boolean(
        compute="_compute_serialized_locked",
        help="The product already has stock history or orders: its tracking is final.")

    @api.depends("tracking")
    def _compute_serialized_locked(self):
        locked = self.filtered("id")._serialized_lock_links()
        for template in self:
            template.serialized_locked = template in locked

    @api.onchange("is_serialized")
    def _onchange_is_serialized(self):
        # What saving would do (see the inverse), shown before saving: Track Inventory by
        # serial number, and the Next Serial field that comes with it.
        if self.is_serialized:
            self.is_storable, self.tracking = True, "serial"
        elif self.tracking == "serial":
            self.tracking = "none"
