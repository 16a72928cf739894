from collections import Counter
from dataclasses import dataclass, field

import psycopg2.errors

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tools.serial_parser import (
    DEFAULT_MAX_SERIALS,
    DUPLICATE,
    ERROR,
    compile_serial_pattern,
    parse_serials,
)
from ..tools.serial_text import SerialTextError
from .serial_messages import serial_text
from .set_wise import set_wise_flushes, update_set_wise
from .stock_move_line import odoo_assignment, odoo_reservation

MAX_SERIALS_PARAM = "stock_serial_tracking.max_serials_per_entry"
MAX_LISTED_PROBLEMS = 100


@dataclass
class SerialEntryCheck:
    """What a serial entry would do to a move, found before anything is written."""

    serials: list
    tokens: list
    errors: list = field(default_factory=list)  # (serial or token text, message)
    warnings: list = field(default_factory=list)
    lots: dict = field(default_factory=dict)  # serial -> existing stock.lot id
    # Units taken from stock: serial -> (quant id, location id) of the unit to take.
    quants: dict = field(default_factory=dict)
    # Other transfers' unpicked lines on the chosen units, released when they are taken.
    taken_over: list = field(default_factory=list)

    @property
    def quant_locations(self):
        return {serial: location_id for serial, (_quant, location_id) in self.quants.items()}

    def raise_on_errors(self, move):
        if not self.errors:
            return
        # Every problem would make a message nobody reads when thousands are wrong (a
        # paste of the wrong column): the first ones say what is wrong, with the count.
        listed = self.errors[:MAX_LISTED_PROBLEMS]
        problems = "\n".join(f"- {subject}: {message}" for subject, message in listed)
        if len(self.errors) > len(listed):
            problems += "\n" + move.env._("- … and %s more", len(self.errors) - len(listed))
        raise UserError(move.env._(
            "The serials for %(product)s were not saved:\n%(problems)s",
            product=move.product_id.display_name, problems=problems))


class StockMove(models.Model):
    _inherit = "stock.move"

    serial_count = fields.Integer(
        compute="_compute_serial_count",
        help="Units of this move that have a serial number.")
    serial_progress = fields.Char(
        string="Serials", compute="_compute_serial_count",
        help="Units with a serial number / units to process.")
    serials_complete = fields.Boolean(compute="_compute_serial_count")

    @api.depends("move_line_ids.lot_id", "move_line_ids.lot_name", "move_line_ids.quantity",
                 "product_qty", "has_tracking")
    def _compute_serial_count(self):
        for move in self:
            count = len(move._entered_serials())
            expected = move._serial_units()
            move.serial_count = count
            move.serials_complete = move.has_tracking != "serial" or count >= expected
            move.serial_progress = f"{count}/{expected}" if move.has_tracking == "serial" else ""

    @api.model_create_multi
    def create(self, vals_list):
        self.env["stock.picking"].browse(
            {vals["picking_id"] for vals in vals_list if vals.get("picking_id")}
        )._check_serial_validation_lock()
        return super().create(vals_list)

    def write(self, vals):
        self._check_serial_validation_lock(vals)
        if "quantity" in vals:
            self._check_done_serial_quantity_unchanged(vals["quantity"])
        return super().write(vals)

    def unlink(self):
        self._check_serial_validation_lock()
        return super().unlink()

    def _check_serial_validation_lock(self, vals=None):
        """No move of a transfer validated in the background changes (moved to one
        either), whatever the client."""
        pickings = self.picking_id
        if vals and vals.get("picking_id"):
            pickings |= pickings.browse(vals["picking_id"])
        pickings._check_serial_validation_lock()

    def _check_done_serial_quantity_unchanged(self, quantity):
        """Odoo would fill a new quantity of a done move with lines without serials, or ship
        units nobody chose: the units of a done serial move change only line by line."""
        done = self.filtered(lambda move: move.state == "done" and move.has_tracking == "serial"
                             and move.product_uom.compare(quantity, move.quantity) != 0)
        if done:
            raise UserError(self.env._(
                "The quantity of done serial moves cannot change (%(moves)s). Correct stock "
                "with a return or an inventory adjustment instead.",
                moves=", ".join(move.picking_id.name or move.reference or move.display_name
                                for move in done[:10])))

    def _get_out_move_lines(self, lot=None):
        # stock_account adds the lines one at a time to a recordset (`res |= line`), which
        # copies it each time: quadratic in the lines of a move, seconds for 10,000 serials,
        # and called several times per validation. The same lines in the same order.
        return self.move_line_ids.filtered(
            lambda line: (not lot or line.lot_id == lot) and line.picked
            and not line._should_exclude_for_valuation()
            and line.location_id._should_be_valued()
            and not line.location_dest_id._should_be_valued())

    def _action_assign(self, force_qty=False):
        # The lines Odoo makes for serialized units received are created set-wise.
        if not any(move.has_tracking == "serial" for move in self):
            return super()._action_assign(force_qty=force_qty)
        with odoo_assignment(), set_wise_flushes(self.env):
            return super()._action_assign(force_qty=force_qty)

    def _update_reserved_quantity(self, need, location_id, lot_id=None, package_id=None,
                                  owner_id=None, strict=True):
        # Lines Odoo creates or fills here reserve units by themselves: tentative.
        with odoo_reservation():
            return super()._update_reserved_quantity(
                need, location_id, lot_id=lot_id, package_id=package_id, owner_id=owner_id,
                strict=strict)

    def _serial_units(self):
        """Units of the move in the product's unit: a Dozen received is 12 serials."""
        self.ensure_one()
        return round(self.product_qty)

    def _entered_serials(self):
        """The serials already on this move's lines (existing lots or names typed)."""
        self.ensure_one()
        return [line.lot_id.name or line.lot_name for line in self.move_line_ids
                if line.lot_id or line.lot_name]

    # -- Checking an entry ---------------------------------------------------------------
    def _max_serials_per_entry(self):
        value = self.env["ir.config_parameter"].sudo().get_param(MAX_SERIALS_PARAM)
        try:
            return max(1, int(value)) if value else DEFAULT_MAX_SERIALS
        except ValueError:
            return DEFAULT_MAX_SERIALS

    def _check_serial_entry(self, text, spans=True, check_quantity=True, lock=False):
        """Parse `text` for this move and find every problem, with one query per kind.

        `check_quantity=False` leaves out "more serials than units" (for a selector that
        only ticks what is typed and counts on Apply). `lock=True` (before writing) takes
        the row locks of the units leaving stock, so that no concurrent transaction can
        take them meanwhile.
        """
        self.ensure_one()
        if self.has_tracking != "serial":
            raise UserError(self.env._("%s is not a serialized product.",
                                       self.product_id.display_name))
        try:
            pattern = compile_serial_pattern(self.product_id.serial_pattern)
        except SerialTextError as error:
            raise UserError(serial_text(self.env, error.message)) from None
        parsed = parse_serials(text, spans=spans, max_serials=self._max_serials_per_entry(),
                               pattern=pattern)
        check = SerialEntryCheck(serials=parsed.serials, tokens=parsed.tokens)
        if not parsed.tokens:
            check.errors.append((self.env._("Serials"), self.env._("no serial number was entered")))
        # Tokens are quoted as typed, so that invisible characters show (\x00).
        for token in parsed.errors:
            check.errors.append((repr(token.text), self._token_message(token, token.message)))
        # A GS1 barcode typed or pasted whole is kept as typed, but one whose serial, AI
        # (21), is empty holds no serial at all: refused, as its scan is. Only a text
        # starting as GS1 can be one: the others are not read again.
        gs1 = self.env["stock.serial.input.mixin"]
        for token in parsed.tokens:
            if (token.kind != ERROR and token.text.startswith(("(", "]"))
                    and gs1._is_gs1_without_serial(token.text)):
                check.errors.append((repr(token.text), self._token_message(
                    token, self.env._("a GS1 barcode with an empty serial number (AI 21)"))))
        for token, warning in parsed.warnings:
            check.warnings.append((repr(token.text), self._token_message(token, warning)))
        expected = self._serial_units()
        if check_quantity and len(parsed.serials) > expected:
            check.errors.append((self.env._("Quantity"), self.env._(
                "%(count)s serials for %(expected)s units: remove %(extra)s",
                count=len(parsed.serials), expected=expected,
                extra=len(parsed.serials) - expected)))
        if parsed.serials:
            if self._takes_serials_from_stock():
                self._check_serials_available(check, lock=lock)
            else:
                self._check_known_serials(check)
        return check

    def _token_message(self, token, message):
        """`message` about `token`, with its place in the text (a duplicate names both)."""
        if token.kind == DUPLICATE:
            return serial_text(self.env, message)
        return self.env._("%(message)s (%(where)s)", message=serial_text(self.env, message),
                          where=serial_text(self.env, token.place))

    def _takes_serials_from_stock(self):
        """Deliveries, internal transfers, vendor returns: units leave a stock location."""
        return self.location_id.usage == "internal"

    def _available_serial_quants(self, limit=None):
        """Quants of single serials this move can take: in stock under its source location,
        in its company, not reserved by another transfer; oldest received first (FIFO)."""
        own_lots = self.move_line_ids.lot_id
        return self.env["stock.quant"].search_fetch(
            [("product_id", "=", self.product_id.id), ("lot_id", "!=", False),
             ("location_id", "child_of", self.location_id.id), ("quantity", ">", 0),
             ("company_id", "=", self.company_id.id),
             "|", ("reserved_quantity", "=", 0), ("lot_id", "in", own_lots.ids)],
            ["lot_id", "location_id", "in_date"], order="in_date, id", limit=limit)

    def _serial_quant_rows(self, lots, lock=False):
        """[(quant id, lot id, location id, quantity, reserved)] of `lots` in stock under the
        move's source, in one query.

        With `lock`, the row locks are taken (waiting for a transaction that holds them) on
        these units and on the units the move's lines hold now, which the entry may
        release: every unit an entry changes is locked first, all in one statement in id
        order, so two entries that touch the same units (one taking a unit Odoo reserved
        for the other, the other releasing it) wait for each other instead of deadlocking.
        """
        locked_lots = lots
        if lock:
            self.move_line_ids.fetch(["lot_id"])  # in one query, whatever the cache holds
            locked_lots |= self.move_line_ids.lot_id
        query = SQL(
            """SELECT quant.id, quant.lot_id, quant.location_id, quant.quantity,
                      quant.reserved_quantity
                 FROM stock_quant quant
                 JOIN stock_location location ON location.id = quant.location_id
                WHERE quant.product_id = %(product)s AND quant.lot_id IN %(lots)s
                  AND quant.company_id = %(company)s AND location.usage = 'internal'
                  AND location.parent_path LIKE %(source_path)s
                  AND quant.quantity > 0
                ORDER BY quant.id %(lock)s""",
            product=self.product_id.id, lots=tuple(locked_lots.ids), company=self.company_id.id,
            source_path=self.location_id.parent_path + "%",
            lock=SQL("FOR NO KEY UPDATE OF quant") if lock else SQL())
        self.env["stock.quant"].flush_model()  # units received in this transaction count
        if not lock:
            return self.env.execute_query(query)
        try:
            # The savepoint keeps the transaction usable to report a conflict.
            with self.env.cr.savepoint():
                # Not logged as a "bad query": a concurrent change is expected here.
                self.env.cr.execute(query, log_exceptions=False)
                chosen = set(lots.ids)
                return [row for row in self.env.cr.fetchall() if row[1] in chosen]
        except psycopg2.errors.SerializationFailure:
            # Another transaction changed these units since ours began: say who chose them
            # now, or let Odoo retry the whole request with a fresh view of the stock.
            self._raise_serials_taken_meanwhile(lots)
            raise

    def _raise_serials_taken_meanwhile(self, lots):
        """Raise a UserError naming, for each of `lots` that another transaction chose
        after ours began, the open transfer that has it now (read through a new
        transaction, which sees what ours cannot). A unit Odoo only reserved elsewhere
        (not chosen) is not taken: this choice may take it over once Odoo retries."""
        with self.env.registry.cursor() as cr:
            cr.execute(SQL(
                """SELECT lot.name, holder.name
                     FROM stock_lot lot
                     LEFT JOIN LATERAL (
                          SELECT picking.name FROM stock_move_line line
                            JOIN stock_picking picking ON picking.id = line.picking_id
                           WHERE line.lot_id = lot.id AND line.move_id != %(move)s
                             AND line.state NOT IN ('done', 'cancel') AND line.quantity > 0
                             AND (line.picked OR line.serial_chosen)
                           ORDER BY line.id DESC LIMIT 1) holder ON TRUE
                    WHERE lot.id IN %(lots)s
                      AND (holder.name IS NOT NULL OR NOT EXISTS (
                          SELECT 1 FROM stock_quant quant
                            JOIN stock_location location ON location.id = quant.location_id
                           WHERE quant.lot_id = lot.id AND quant.quantity > 0
                             AND location.usage = 'internal'))
                    ORDER BY lot.name""",
                move=self.id, lots=tuple(lots.ids)))
            taken = cr.fetchall()
        if taken:
            raise UserError(self.env._(
                "The serials for %(product)s were not saved: another user has just taken "
                "some of them:\n%(problems)s",
                product=self.product_id.display_name,
                problems="\n".join(
                    f"- {serial}: {transfer or self.env._('no longer in stock')}"
                    for serial, transfer in taken)))

    def _check_serials_available(self, check, lock=False):
        """Each serial must be a unit of this product in stock where the move takes from,
        not chosen by another transfer."""
        names = check.serials
        # The product too: Odoo's constraints on the lines created next read it.
        lots = self.env["stock.lot"].search_fetch(
            [("product_id", "=", self.product_id.id), ("name", "in", names),
             ("company_id", "in", [self.company_id.id, False])],
            ["name", "location_id", "product_id"])
        # Plain values, not records: thousands of serials.
        names_by_id = dict(zip(lots._ids, lots.mapped("name"), strict=True))
        check.lots = {name: lot_id for lot_id, name in names_by_id.items()}
        missing = [name for name in names if name not in check.lots]
        if missing:
            others = {lot.name: lot.product_id for lot in self.env["stock.lot"].search_fetch(
                [("name", "in", missing), ("product_id", "!=", self.product_id.id),
                 ("company_id", "in", [self.company_id.id, False])], ["name", "product_id"])}
            for name in missing:
                check.errors.append((name, self.env._(
                    "a serial of %s, not of this product", others[name].display_name)
                    if name in others else self.env._(
                    "unknown serial of %(product)s in %(company)s",
                    product=self.product_id.display_name, company=self.company_id.name)))
        if not lots:
            return
        quant_rows = self._serial_quant_rows(lots, lock=lock)
        # Other transfers' claims: a picked line, or one whose serial a client wrote, is a
        # serial chosen there (exclusive); any other is Odoo's own tentative reservation,
        # which this choice takes over.
        claims = self.env["stock.move.line"].search_fetch(
            [("lot_id", "in", lots.ids), ("move_id", "!=", self.id), ("quantity", ">", 0),
             ("state", "not in", ("done", "cancel"))],
            ["lot_id", "picked", "serial_chosen", "picking_id"])
        chosen_elsewhere = {line.lot_id.id: line for line in claims
                            if line._is_firm_serial_choice()}
        for quant_id, lot_id, location_id, quantity, _reserved in quant_rows:
            if quantity >= 1 and lot_id not in chosen_elsewhere:
                check.quants.setdefault(names_by_id[lot_id], (quant_id, location_id))
        check.taken_over = [line.id for line in claims if not line._is_firm_serial_choice()
                            and line.lot_id.name in check.quants]
        for lot in lots.browse([lot_id for lot_id, name in names_by_id.items()
                                if name not in check.quants]):
            usage = lot.location_id.usage
            if lot.id in chosen_elsewhere:
                line = chosen_elsewhere[lot.id]
                message = self.env._("chosen on %s", line.picking_id.name or line.reference)
            elif usage == "internal":
                message = self.env._("is at %(where)s, not in %(origin)s",
                                     where=lot.location_id.display_name,
                                     origin=self.location_id.display_name)
            elif usage == "customer":
                message = self.env._("already delivered (%s)", lot.location_id.display_name)
            else:
                message = self.env._("not in stock")
            check.errors.append((lot.name, message))

    def _check_known_serials(self, check):
        """Serials already in stock, on another open transfer, or unknown where required."""
        names = check.serials
        company = self.company_id
        lots = self.env["stock.lot"].sudo().search_fetch(
            [("product_id", "=", self.product_id.id), ("name", "in", names),
             ("company_id", "in", [company.id, False])], ["name"])
        check.lots = {lot.name: lot.id for lot in lots}
        if lots:
            quants = self.env["stock.quant"].sudo()._read_group(
                [("lot_id", "in", lots.ids), ("location_id.usage", "=", "internal"),
                 ("company_id", "=", company.id), ("quantity", ">", 0)],
                ["lot_id", "location_id"])
            for lot, location in quants:
                check.errors.append((lot.name, self.env._(
                    "already in stock at %s", location.display_name)))
        other_lines = self.env["stock.move.line"].sudo().search_fetch(
            [("product_id", "=", self.product_id.id), ("move_id", "!=", self.id),
             ("company_id", "=", company.id),
             ("state", "not in", ("done", "cancel")), ("picking_code", "=", "incoming"),
             "|", ("lot_name", "in", names), ("lot_id", "in", lots.ids)],
            ["lot_name", "lot_id", "picking_id"])
        for line in other_lines:
            check.errors.append((line.lot_id.name or line.lot_name, self.env._(
                "already entered on the open receipt %s", line.picking_id.name)))
        picking_type = self.picking_type_id
        if picking_type and not picking_type.use_create_lots and picking_type.use_existing_lots:
            for name in names:
                if name not in check.lots:
                    check.errors.append((name, self.env._(
                        "unknown serial; %s only accepts existing serials",
                        picking_type.display_name)))

    # -- Writing serials -----------------------------------------------------------------
    def set_serials_from_text(self, text=None, spans=True, *unexpected, **unexpected_keywords):
        """Replace this move's serials with those in `text` (separators, spans, ...).

        The public entry point for XML-RPC clients and the Barcode app, on receipts (new
        or known serials) and on deliveries and transfers (serials in stock at the source,
        then reserved): the same parsing and checks as the dialogs. With any problem,
        nothing is written and the error lists every offending serial. Returns the number
        of serials set.
        """
        if unexpected or unexpected_keywords:
            raise UserError(self.env._(
                "set_serials_from_text takes the serials as text and, optionally, whether "
                "A-B is a span; it got unexpected arguments: %s",
                ", ".join([repr(value) for value in unexpected]
                          + [f"{key}={value!r}" for key, value in unexpected_keywords.items()])))
        if not isinstance(text, str):
            raise UserError(self.env._(
                "The serials must be given as text (one string), not as %s.",
                type(text).__name__))
        if not isinstance(spans, bool):
            raise UserError(self.env._(
                "Whether A-B is a span must be true or false, not %r.", spans))
        self._check_serials_editable()
        return self._apply_serial_entry(text, spans)

    def _apply_serial_entry(self, text, spans=True):
        check = self._check_serial_entry(text, spans=spans, lock=True)
        check.raise_on_errors(self)
        with set_wise_flushes(self.env):
            self._write_serial_lines(check)
        return len(check.serials)

    def _check_serials_editable(self):
        """One open move of a serialized product, or a clear error (never a traceback)."""
        if len(self) != 1:
            raise UserError(self.env._(
                "Serials are set on one move at a time, not on %s moves.", len(self)))
        if self.state in ("done", "cancel"):
            raise UserError(self.env._(
                "The serials of %(product)s on %(transfer)s cannot change: the move is %(state)s."
                " Use a return or an inventory adjustment to correct stock.",
                product=self.product_id.display_name,
                transfer=self.picking_id.name or self.reference,
                state=dict(self._fields["state"]._description_selection(self.env))[self.state]))
        if self.has_tracking != "serial":
            raise UserError(self.env._("%s is not a serialized product.",
                                       self.product_id.display_name))
        self._check_serial_validation_lock()

    def fill_serials_from_next_serial(self):
        """Give the units still without a serial the next serials of the product."""
        self._check_serials_editable()
        present = self._entered_serials()
        missing = self._serial_units() - len(present)
        if missing <= 0:
            return 0
        generated = self.product_id._reserve_serials(missing)
        return self._apply_serial_entry("\n".join(present + generated), spans=False)

    def _write_serial_lines(self, check):
        """One move line per serial, replacing the move's lines.

        The lines are marked picked: the serials were chosen, so Odoo's re-reservation
        (another transfer validating, Unreserve) leaves them on this move, and a partial
        choice ships what was chosen and backorders the rest.
        """
        if self._takes_serials_from_stock():
            self._write_serial_lines_from_stock(check)
            return
        base = self._serial_line_base()
        vals_list = [{**base, "lot_id": check.lots.get(serial, False),
                      "lot_name": False if serial in check.lots else serial}
                     for serial in check.serials]
        # Odoo splits a serialized receipt into one-unit lines: giving them their serials
        # costs a third of deleting and recreating them. Only lot fields are written, so
        # no quantity or reservation changes.
        lines = self.move_line_ids
        # In one query: lines reached from a move kept across a cleared cache (a request's
        # records) are otherwise read one at a time.
        lines.fetch(["quantity_product_uom", "lot_id", "picked"])
        reused = lines.filtered(lambda line: line.quantity_product_uom == 1)[:len(vals_list)]
        named = []  # (line, serial name): lines whose lot stays (none, or the one given)
        for line, vals in zip(reused, vals_list, strict=False):  # reused may be shorter
            if line.lot_id.id != vals["lot_id"]:  # lot_id takes Odoo's slower write path
                line.write({"lot_name": vals["lot_name"], "lot_id": vals["lot_id"],
                            "picked": True})
            else:
                named.append((line, vals["lot_name"]))
        self._name_serial_lines(named)
        (lines - reused).unlink()
        new_vals = vals_list[len(reused):]
        if self.env["stock.move.line"]._create_serial_unit_lines(new_vals) is None:
            self.env["stock.move.line"].create(new_vals)

    def _name_serial_lines(self, named):
        """Give open lines (line, serial name) their serial name and mark them picked.

        Odoo's write on a line only stores a new name (no reservation or valuation
        follows), but costs half a millisecond a line: with the batched paths, thousands
        of names are written in one statement, then checked as Odoo's constraints would.
        """
        lines = self.env["stock.move.line"].browse([line.id for line, _name in named])
        if len(lines) > 1 and self.env["stock.quant"]._batched_validation_enabled():
            update_set_wise(lines, "lot_name", [name or None for _line, name in named])
            lines._validate_fields(["lot_name"])
        else:
            for line, name in named:
                line.lot_name = name
        lines.filtered(lambda line: not line.picked).picked = True

    def _serial_line_base(self):
        return {
            "move_id": self.id,
            "picking_id": self.picking_id.id,
            "product_id": self.product_id.id,
            "product_uom_id": self.product_id.uom_id.id,
            "location_id": self.location_id.id,
            "location_dest_id": self.location_dest_id.id,
            "company_id": self.company_id.id,
            "quantity": 1,
            "picked": True,
        }

    def _write_serial_lines_from_stock(self, check):
        """Reserve exactly the chosen units, set-wise: a constant number of queries.

        The quants were locked by the check. Lines already on a chosen unit stay; the
        others are removed and their units freed; the new lines reserve their units at
        the exact location of each (a serial on a shelf ships from the shelf).
        """
        chosen = {check.lots[serial]: check.quants[serial] for serial in check.serials}
        keep_ids, kept_lots = [], set()
        lines = self.move_line_ids
        lines.fetch(["lot_id", "location_id", "quantity", "product_uom_id", "package_id",
                     "owner_id", "picked"])  # in one query, whatever the cache holds
        for line in lines:
            quant = chosen.get(line.lot_id.id)
            if (quant and line.location_id.id == quant[1] and line.lot_id.id not in kept_lots
                    and line.quantity_product_uom == 1 and not line.package_id
                    and not line.owner_id):
                keep_ids.append(line.id)
                kept_lots.add(line.lot_id.id)
        keep = self.move_line_ids.browse(keep_ids)
        reservation_changes = Counter()  # quant id -> change of its reserved quantity
        self._lock_moves()
        freed = set()  # units this move held and releases: free for the substitutes below
        for quant_id in (self.move_line_ids - keep)._unlink_serial_lines():
            reservation_changes[quant_id] -= 1
            freed.add(quant_id)
        # Odoo's tentative reservations of other deliveries on the chosen units get other
        # free units, as Odoo re-reserves them; those left without one are released, and
        # their moves locked like this one, after the units (the released line's unit is
        # locked by this entry, and by the other delivery's own entry too: two entries
        # that could hold each other's moves have met on that unit first).
        taken_over = self.move_line_ids.browse(check.taken_over).exists()
        taken_over._hand_over_units(
            {lot_id: quant_id for lot_id, (quant_id, _location) in chosen.items()}, freed,
            reservation_changes, self.move_line_ids.browse())
        self.env["stock.quant"]._change_reserved_quantities(reservation_changes)
        base = self._serial_line_base()
        new_vals, quant_ids = [], []
        for lot_id, (quant_id, location_id) in chosen.items():
            if lot_id not in kept_lots:
                new_vals.append({**base, "lot_id": lot_id, "location_id": location_id})
                quant_ids.append(quant_id)
        lines = self.env["stock.move.line"]
        if lines._create_serial_unit_lines(new_vals, reserved_quant_ids=quant_ids) is None:
            lines.create(new_vals)  # Odoo's create reserves each unit
        keep.filtered(lambda line: not line.picked).picked = True
        self._recompute_state()
        self.env["stock.lot"]._compute_serial_history_at_once()

    def _lock_moves(self):
        """Lock these moves, waiting for the transactions that hold them, in id order.

        Changing a move's reservation rewrites the state of all its lines (Odoo's stored
        related field), in an order of its own: two entries releasing units of the same
        delivery deadlocked on those lines. Whoever changes a move's reservation here locks
        the move first (after the units it changes), so they wait for each other instead;
        a move changed meanwhile is a concurrency error that Odoo retries.
        """
        if not self:
            return
        self.env.cr.execute(SQL(
            "SELECT id FROM stock_move WHERE id IN %s ORDER BY id FOR NO KEY UPDATE",
            tuple(self.ids)), log_exceptions=False)  # retried by Odoo, not a bug

    def action_open_serial_entry(self):
        """The receipt dialog, or the selector for units taken from stock."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Serials: %s", self.product_id.display_name),
            "res_model": ("stock.serial.select" if self._takes_serials_from_stock()
                          else "stock.serial.entry"),
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_move_id": self.id},
        }

    # -- Scanning (UI endpoints: the wizards and the scanner screen) ----------------------
    def _check_scanned_serial(self, text, serial, spans=False, check_quantity=True,
                              lock=False):
        """Check `text` once `serial` is added after it: (check, problems of the scan).

        Only problems about the scanned serial (or the count it would exceed) refuse the
        scan; mistakes already in the text are for the preview to show.
        """
        self.ensure_one()
        text = (text or "").rstrip()
        check = self._check_serial_entry(f"{text}\n{serial}" if text else serial,
                                         spans=spans, check_quantity=check_quantity, lock=lock)
        scanned = check.tokens[-1] if check.tokens else None
        if scanned and scanned.kind == DUPLICATE:
            return check, [self.env._("already entered")]
        if scanned and scanned.kind == ERROR:
            # One scan: its place in the text would tell the scanner user nothing.
            return check, [serial_text(self.env, scanned.message)]
        problems = [message for subject, message in check.errors
                    if subject in (serial, repr(serial))]
        expected = self._serial_units()
        if check_quantity and not problems and len(check.serials) > expected:
            problems.append(self.env._("all %s units already have their serial", expected))
        return check, problems

    def _scanned_serials(self):
        """The serials the scanner screen counts: on deliveries only those chosen (picked;
        Odoo reserves serials at confirmation, which nobody has scanned yet); on receipts
        all the serials entered."""
        self.ensure_one()
        if self._takes_serials_from_stock():
            return [line.lot_id.name for line in self.move_line_ids
                    if line.lot_id and line._is_firm_serial_choice()]
        return self._entered_serials()

    def _add_scanned_serial(self, serial):
        """Add one scanned serial to this move, written at once; UserError with the
        reasons when the move's rules refuse it."""
        self._check_serials_editable()
        check, problems = self._check_scanned_serial(
            "\n".join(self._scanned_serials()), serial, lock=True)
        if problems:
            raise UserError(self.env._("%(serial)s refused: %(problems)s",
                                       serial=serial, problems="; ".join(problems)))
        self._write_serial_lines(check)

    def _remove_scanned_serial(self, serial):
        """Take one scanned serial off this move (the scanner screen's undo); UserError
        when it is not on the move."""
        self._check_serials_editable()
        scanned = self._scanned_serials()
        if serial not in scanned:
            raise UserError(self.env._(
                "%(serial)s is not on the line of %(product)s: nothing was taken off.",
                serial=repr(serial), product=self.product_id.display_name))
        remaining = [name for name in scanned if name != serial]
        if remaining:
            self._apply_serial_entry("\n".join(remaining), spans=False)
        elif self._takes_serials_from_stock():
            self._do_unreserve()
        else:
            self.move_line_ids.unlink()
