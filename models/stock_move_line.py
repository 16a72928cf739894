import contextvars
from collections import Counter, defaultdict
from contextlib import contextmanager

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from .set_wise import (
    create_with_known_values,
    log_creation_messages,
    recomputations_dropped,
    records_to_check_one_by_one,
    update_set_wise,
)
from .stock_lot import SERIAL_DATE_FIELDS

# Fields of a done serial line that say where a unit went: an edit re-runs the rules.
DONE_SERIAL_FIELDS = frozenset({
    "lot_id", "lot_name", "quantity", "product_uom_id", "product_id", "location_id",
    "location_dest_id", "package_id", "result_package_id", "owner_id", "move_id",
})


class SerialsMissingError(UserError):
    """Serialized units without a serial at validation.

    A UserError (what Odoo's callers catch) whose only argument is the message: every
    transport words an error from its arguments (XML-RPC `str(error)`, JSON-RPC and
    JSON-2 all of them joined). The move whose serials are missing, for the web client's
    "Enter Serials" button, is `move_id`, sent to the client in the error's `context`
    (as Odoo's record rules send theirs).
    """

    def __init__(self, message, move_id=False):
        super().__init__(message)
        self.move_id = move_id
        self.context = {"serial_move_id": move_id}


# Set while Odoo reserves units on its own (stock.move._update_reserved_quantity): the
# lines it creates then are tentative; a serial any client writes on a line is a choice.
_odoo_reserving = contextvars.ContextVar("stock_serial_tracking_odoo_reserving", default=False)
# Set while Odoo assigns moves (stock.move._action_assign): the one-unit lines it makes for
# serialized units received are created set-wise.
_odoo_assigning = contextvars.ContextVar("stock_serial_tracking_odoo_assigning", default=False)


@contextmanager
def _while_set(flag):
    token = flag.set(True)
    try:
        yield
    finally:
        flag.reset(token)


def odoo_reservation():
    return _while_set(_odoo_reserving)


def odoo_assignment():
    return _while_set(_odoo_assigning)


def _chosen(lot_id):
    """Whether a line given this serial holds a choice: any client's, not Odoo's own
    reservation (whatever path makes the line: create, write, one insert)."""
    return bool(lot_id) and not _odoo_reserving.get()


# What makes a line's serial a firm choice, as a domain.
FIRM_CHOICE_DOMAIN = ["|", ("picked", "=", True), ("serial_chosen", "=", True)]


class StockMoveLine(models.Model):
    _name = "stock.move.line"
    _inherit = ["stock.move.line", "stock.serial.set.wise.flush"]

    serial_chosen = fields.Boolean(
        copy=False, readonly=True,
        help="Somebody chose this serial (a dialog, a scan, the detailed operations, an "
        "integration): unlike the serials Odoo reserves by itself, it is never swapped for "
        "another unit.")

    @api.model_create_multi
    def create(self, vals_list):
        self._check_serial_validation_lock_of_values(vals_list)
        if _odoo_reserving.get():
            lines = self._create_odoo_reserved_serial_units(vals_list)
        elif _odoo_assigning.get():
            lines = self._create_odoo_received_serial_units(vals_list)
        else:
            lines = None
        if lines is not None:
            return lines
        self.env["stock.lot"]._check_storable_names(vals_list, "lot_name")
        self._check_done_serial_line_values(vals_list)
        vals_list = [{**vals, "serial_chosen": _chosen(vals.get("lot_id"))}
                     for vals in vals_list]
        lines = super().create(vals_list)
        lines._check_serials_chosen_once()
        lines._take_chosen_units_from_tentative_reservations()
        lines.filtered(lambda line: line.state == "done").lot_id._check_single_units()
        return lines

    def _is_firm_serial_choice(self):
        self.ensure_one()
        return self.picked or self.serial_chosen

    def _take_chosen_units_from_tentative_reservations(self):
        """Units chosen on these lines that Odoo had reserved by itself for other
        transfers: those transfers get other free units (or release theirs), as Odoo
        re-reserves, so that no unit is ever reserved twice; each is told in its chatter.

        The entries do this for their own serials (StockMove._write_serial_lines_from_stock);
        this is the same rule for lines any client writes.
        """
        chosen = self.filtered(
            lambda line: line.lot_id and line.serial_chosen
            and line.product_id.tracking == "serial"
            and line.state not in ("done", "cancel") and line.location_id.usage == "internal")
        if not chosen:
            return
        tentative = self.search(
            [("lot_id", "in", chosen.lot_id.ids), ("move_id", "not in", chosen.move_id.ids),
             ("state", "not in", ("done", "cancel")), ("quantity", ">", 0),
             ("picked", "=", False), ("serial_chosen", "=", False),
             ("location_id.usage", "=", "internal")])
        if not tentative:
            return
        quants = self.env["stock.quant"].sudo()
        quants.flush_model()
        taken = {quant.lot_id.id: quant.id for quant in quants.search(
            [("lot_id", "in", tentative.lot_id.ids), ("location_id", "in", chosen.location_id.ids),
             ("quantity", ">", 0)])}
        reservation_changes = Counter()
        tentative._hand_over_units(taken, set(), reservation_changes, chosen)
        quants._change_reserved_quantities(reservation_changes)

    def _hand_over_units(self, taken, freed, reservation_changes, chosen_lines):
        """These lines are Odoo's tentative reservations of other transfers on units now
        chosen on `chosen_lines` (`taken`: lot id -> quant id of the chosen unit): each
        moves to another free unit of its move, or is released; `reservation_changes`
        (quant id -> change) gets what that does to the units' reservations. Each transfer
        changed is told which serial went where."""
        before = {line.id: (line.picking_id, line.lot_id.name) for line in self}
        chooser = {line.lot_id.id: line.picking_id.name or line.reference
                   for line in chosen_lines}
        chooser_of = {line.id: chooser.get(line.lot_id.id, "") for line in self}
        moved = self._move_to_substitute_units(taken, freed, reservation_changes)
        released = self - moved
        released.move_id._lock_moves()
        for quant_id in released._unlink_serial_lines():
            reservation_changes[quant_id] -= 1
        notes = defaultdict(list)
        for line in moved:
            picking, serial = before[line.id]
            notes[picking].append(self.env._(
                "%(serial)s was chosen on %(transfer)s: %(other)s is reserved instead",
                serial=serial, transfer=chooser_of[line.id], other=line.lot_id.name))
        for line_id in released.ids:
            picking, serial = before[line_id]
            notes[picking].append(self.env._(
                "%(serial)s was chosen on %(transfer)s: no other unit was free to reserve",
                serial=serial, transfer=chooser_of[line_id]))
        for picking, lines in notes.items():
            if picking:
                picking.sudo().message_post(body=self.env._(
                    "Serials Odoo had reserved here were taken by another transfer:\n%s",
                    "\n".join(f"- {line}" for line in lines)))

    def unlink(self):
        self._check_serial_validation_lock_of_values([])
        return super().unlink()

    def _check_serial_validation_lock_of_values(self, vals_list):
        """No line of a transfer validated in the background changes (none is added to it
        or moved to it either), whatever the client."""
        picking_ids = {vals["picking_id"] for vals in vals_list if vals.get("picking_id")}
        move_ids = {vals["move_id"] for vals in vals_list if vals.get("move_id")}
        pickings = self.picking_id | self.env["stock.picking"].browse(picking_ids)
        if move_ids:
            pickings |= self.env["stock.move"].browse(move_ids).picking_id
        pickings._check_serial_validation_lock()

    @api.model
    def _create_serial_unit_lines(self, vals_list, reserved_quant_ids=()):
        """Create open lines of one serialized unit each, with the same fields given, in
        one insert: units chosen from stock, each reserving a unit of its quant in
        `reserved_quant_ids` (in the order of `vals_list`; locked by the caller), or units
        received (nothing to reserve); their moves' states are recomputed, as Odoo's create
        does. Returns None, creating nothing, when Odoo's create must make them (a line in
        another unit than its product's, a module adding to create, the batched paths
        off): the caller's create then reserves the units as Odoo does.

        For such lines Odoo's create (stock, stock_account; mrp adds nothing to open lines
        made outside its manual consumption) only computes values, reserves the units one
        line at a time (four queries each) and recomputes the moves' states. The rule of
        this addon's create (a serial is chosen on one transfer) is the caller's: an entry
        checks it for all its serials while it holds their units' locks
        (StockMove._check_serials_available).
        """
        moves = self.env["stock.move"].browse({vals["move_id"] for vals in vals_list})
        if any(move.product_uom != move.product_id.uom_id or move.state in ("done", "cancel")
               for move in moves) or self.env.context.get("force_manual_consumption"):
            return None
        # A line's state is its move's: given the state the move is about to take (units
        # reserved: all of them, or some), the lines are not all rewritten right after.
        # Like Odoo's create, only moves that reserve have their state recomputed (a
        # receipt's units come from a vendor: nothing is reserved, the state stays).
        reserving = moves.filtered(lambda move: not move._should_bypass_reservation())
        units = Counter(vals["move_id"] for vals in vals_list)
        expected = {move.id: move.state for move in moves - reserving} | {
            move.id: "assigned" if move.product_uom.compare(
                move.quantity + units[move.id], move.product_uom_qty) >= 0
            else "partially_available" for move in reserving}
        now = fields.Datetime.now()  # the default of a line's date
        # Open lines leave the serials' dates as they are (only done lines change them).
        with recomputations_dropped(self.env["stock.lot"], SERIAL_DATE_FIELDS):
            lines = create_with_known_values(self, [
                {**vals, "quantity_product_uom": vals["quantity"], "date": now,
                 "state": expected[vals["move_id"]],
                 "serial_chosen": _chosen(vals.get("lot_id"))}
                for vals in vals_list],
                {"stock", "stock_account", "mrp"},
                enabled=self.env["stock.quant"]._batched_validation_enabled())
            if lines is None:
                return None
            self.env["stock.quant"]._change_reserved_quantities(Counter(reserved_quant_ids))
            reserving._recompute_state()
        predicted = {move.id for move in moves if move.state == expected[move.id]}

        def lines_where(condition):
            return lines.browse([line_id for line_id, vals
                                 in zip(lines._ids, vals_list, strict=True) if condition(vals)])

        # A move whose state changed had Odoo mark all its lines for recomputation: the new
        # lines already hold what it would give them (their move's state, and `picked`,
        # which follows the state and which it never unsets).
        self.env.remove_to_compute(self._fields["state"], lines_where(
            lambda vals: vals["move_id"] in predicted))
        self.env.remove_to_compute(self._fields["picked"], lines_where(
            lambda vals: vals["move_id"] in predicted and vals.get("picked")))
        # Odoo decided otherwise (a move it does not recompute): its lines follow it.
        self.env.add_to_compute(self._fields["state"], lines_where(
            lambda vals: vals["move_id"] not in predicted))
        return lines

    def _create_odoo_reserved_serial_units(self, vals_list):
        """The lines Odoo's reservation makes for serialized units (Check Availability,
        confirming a delivery that reserves at once), set-wise; None when Odoo's create
        must make them.

        Odoo chooses the units (removal strategy, packages, owners) and gives one line of
        one unit per serial, then its create reserves them a line at a time (four queries
        each: 40,000 for a delivery of 10,000 serials). Here each unit's quant is locked,
        waiting, and reserved with the others in one query, provided it is the only quant
        of its serial there, in stock since a known date, with a unit free: then Odoo's
        write would change nothing else. Any other shape is left to Odoo's create.
        """
        quants = self.env["stock.quant"]
        if not vals_list or any(
                vals.get("quantity") != 1 or not vals.get("lot_id") or not vals.get("move_id")
                or vals.get("quant_id") for vals in vals_list
        ) or not quants._batched_validation_enabled():
            return None
        moves = self.env["stock.move"].browse({vals["move_id"] for vals in vals_list})
        if any(move.has_tracking != "serial" or move.product_uom != move.product_id.uom_id
               or move._should_bypass_reservation() for move in moves):
            return None
        units = quants._lock_free_serial_units(vals_list)
        if units is None:
            return None
        picked = {move.id: move.picked for move in moves}
        return self._create_serial_unit_lines(
            [{"picked": picked[vals["move_id"]], **vals} for vals in vals_list],
            reserved_quant_ids=units)

    def _create_odoo_received_serial_units(self, vals_list):
        """The lines Odoo's assignment makes for serialized units that reserve nothing (a
        receipt confirmed: a line a unit, whose serial is entered later), set-wise, and the
        other lines of the call through Odoo's create; None when all are Odoo's."""
        units = [index for index, vals in enumerate(vals_list)  # one unit, no serial yet
                 if vals.get("move_id") and vals.get("quantity") == 1
                 and not (vals.get("lot_id") or vals.get("lot_name") or vals.get("quant_id"))]
        if not units or not self.env["stock.quant"]._batched_validation_enabled():
            return None
        moves = self.env["stock.move"].browse({vals_list[index]["move_id"] for index in units})
        receiving = {move.id: move.picked for move in moves
                     if move.has_tracking == "serial" and move.state not in ("done", "cancel")
                     and move.product_uom == move.product_id.uom_id
                     and move._should_bypass_reservation()}
        units = [index for index in units if vals_list[index]["move_id"] in receiving]
        if not units:
            return None
        ids = [None] * len(vals_list)
        lines = self._create_serial_unit_lines([
            {"picked": receiving[vals_list[index]["move_id"]], **vals_list[index]}
            for index in units])
        if lines is None:
            return None
        for index, line_id in zip(units, lines._ids, strict=True):
            ids[index] = line_id
        others = [index for index, line_id in enumerate(ids) if line_id is None]
        for index, line_id in zip(others, self.create(
                [vals_list[index] for index in others])._ids, strict=True):
            ids[index] = line_id
        return self.browse(ids)

    def _move_to_substitute_units(self, taken, freed, reservation_changes):
        """Move these lines, Odoo's tentative reservations of other transfers on units an
        entry takes (`taken`: lot id -> quant id), each to another free unit of its move,
        in the move's removal order, as Odoo re-reserves a transfer whose unit was taken;
        units the entry releases (`freed`, quant ids, locked by it) count as free. Adds
        the changes of reservations to `reservation_changes` (quant id -> change).
        Returns the lines moved; the others found no free unit and are for the caller to
        release.

        Only units nobody is locking are taken (SKIP LOCKED): the entry never waits here,
        so it cannot close a cycle with other entries. The transfer keeps its state and
        its other lines: entries taking units of one transfer change different lines.
        """
        moved_ids, lot_ids, location_ids = [], [], []
        substitutes = []  # (line, quant id of the unit taken, quant id of the substitute)
        given = set()  # quants given to a line here: not free for the next move any more
        quants = self.env["stock.quant"]
        quants.flush_model(["quantity", "reserved_quantity"])
        for move, lines in self.grouped("move_id").items():
            lines = lines.filtered(lambda line: line.lot_id.id in taken
                                   and line.quantity_product_uom == 1
                                   and not (line.package_id or line.owner_id))
            candidates = lines and quants._gather(move.product_id, move.location_id).filtered(
                lambda quant, move=move: quant.lot_id and quant.lot_id.id not in taken
                and quant.id not in given and quant.quantity == 1
                and (not quant.reserved_quantity or quant.id in freed)
                and not (quant.package_id or quant.owner_id)
                and quant.company_id == move.company_id)
            if not candidates:
                continue
            self.env.cr.execute(SQL(
                """SELECT quant.id, quant.lot_id, quant.location_id
                     FROM unnest(%s::int[]) WITH ORDINALITY AS candidate(id, position)
                     JOIN stock_quant quant ON quant.id = candidate.id
                    WHERE quant.quantity = 1
                      AND (quant.reserved_quantity = 0 OR quant.id = ANY(%s))
                    ORDER BY candidate.position
                    LIMIT %s
                      FOR NO KEY UPDATE OF quant SKIP LOCKED""",
                candidates.ids, list(freed), len(lines)), log_exceptions=False)  # retried
            for line, (quant_id, lot_id, location_id) in zip(
                    lines.sorted("id"), self.env.cr.fetchall(), strict=False):
                substitutes.append((line, taken[line.lot_id.id], quant_id))
                given.add(quant_id)
                moved_ids.append(line.id)
                lot_ids.append(lot_id)
                location_ids.append(location_id)
        moved = self.browse(moved_ids)
        if not moved:
            return moved
        if not quants._batched_validation_enabled():
            # Odoo's write moves each line's reservation; the line stays Odoo's choice.
            with odoo_reservation():
                for line, lot_id, location_id in zip(moved, lot_ids, location_ids,
                                                     strict=True):
                    line.write({"lot_id": lot_id, "location_id": location_id})
            return moved
        for _line, old_quant_id, new_quant_id in substitutes:
            reservation_changes[old_quant_id] -= 1
            reservation_changes[new_quant_id] += 1
        update_set_wise(moved, "lot_id", lot_ids)
        update_set_wise(moved, "location_id", location_ids)
        return moved

    @api.model
    def _check_done_serial_line_values(self, vals_list):
        """A line added to a done serial move (Odoo lets a validated move take more units,
        e.g. untracked ones given serials on the fly) carries one unit of an existing serial:
        a name alone never becomes a serial on a done line."""
        moves = self.env["stock.move"].browse(
            {vals["move_id"] for vals in vals_list if vals.get("move_id")})
        done = moves.filtered(lambda move: move.state == "done" and move.has_tracking == "serial")
        bad = [vals for vals in vals_list if vals.get("move_id") in done.ids and (
            not vals.get("lot_id") or vals.get("quantity", 0) != 1)]
        if bad:
            raise UserError(self.env._(
                "A line added to a done serial move needs one unit of an existing serial "
                "(%(moves)s).",
                moves=", ".join(move.picking_id.name or move.reference or move.display_name
                                for move in done.browse({vals["move_id"] for vals in bad}))))

    def write(self, vals):
        self._check_serial_validation_lock_of_values([vals])
        if "lot_id" in vals:
            vals = {**vals, "serial_chosen": _chosen(vals["lot_id"])}
        elif "serial_chosen" in vals:
            vals = {key: value for key, value in vals.items() if key != "serial_chosen"}
        self.env["stock.lot"]._check_storable_names([vals], "lot_name")
        done_serial = self.browse()
        if DONE_SERIAL_FIELDS.intersection(vals):
            done_serial = self.filtered(lambda line: line.state == "done"
                                        and line.product_id.tracking == "serial")
            done_serial._check_done_serial_edit(vals)
        lots_before = done_serial.lot_id
        result = super().write(vals)
        if done_serial:
            # Odoo moved the units again: each serial must still be one unit in one place.
            (lots_before | done_serial.lot_id)._check_single_units()
        if "lot_id" in vals or vals.get("picked"):
            self._check_serials_chosen_once()
        if _chosen(vals.get("lot_id")):
            self._take_chosen_units_from_tentative_reservations()
        return result

    def _check_serials_chosen_once(self):
        """A serial is chosen (picked, or written on its line by a client) on one open
        transfer at a time, whichever client chooses it: the Barcode app, RPC, the detailed
        operations or the dialogs. Odoo would let two transfers pick
        the same unit and over-reserve it; the second one is refused, naming the first."""
        chosen = self.filtered(lambda line: line._is_firm_serial_choice() and line.lot_id
                               and line.picking_id
                               and line.product_id.tracking == "serial"
                               and line.state not in ("done", "cancel")
                               and line.location_id.usage == "internal")
        if not chosen:
            return
        elsewhere = self.search_fetch(
            [("lot_id", "in", chosen.lot_id.ids), *FIRM_CHOICE_DOMAIN,
             ("picking_id", "!=", False),
             ("state", "not in", ("done", "cancel")), ("id", "not in", chosen.ids),
             ("location_id.usage", "=", "internal")], ["lot_id", "move_id", "picking_id"])
        holders = {line.lot_id: line for line in elsewhere}
        problems = [self.env._("%(serial)s (%(product)s) is chosen on %(transfer)s",
                               serial=line.lot_id.name, product=line.product_id.display_name,
                               transfer=holders[line.lot_id].picking_id.name
                               or holders[line.lot_id].reference)
                    for line in chosen if line.lot_id in holders
                    and holders[line.lot_id].move_id != line.move_id]
        if problems:
            raise UserError(self.env._("A serial can be chosen on one transfer at a time:\n%s",
                                       "\n".join(f"- {problem}" for problem in problems)))

    def _check_done_serial_edit(self, vals):
        """A done serial line may be corrected (Odoo moves the units again), under the rules
        of a validation: one unit with its serial, or none; the serial is its lot."""
        problems = []
        quantity = vals.get("quantity", 1)
        if quantity not in (0, 1):
            problems.append(self.env._("a serial is one unit, not %s", quantity))
        if "lot_id" in vals and not vals["lot_id"] and quantity:
            problems.append(self.env._("a unit needs its serial"))
        if vals.get("lot_name") and any(vals["lot_name"] != line.lot_name for line in self):
            problems.append(self.env._("a done line's serial is its lot, not a typed name"))
        for name in ("product_id", "product_uom_id", "move_id"):
            if name in vals and any(line[name].id != vals[name] for line in self):
                problems.append(self.env._("its %s cannot change", self._fields[name].string))
        if self and problems:
            raise UserError(self.env._(
                "Done serial lines cannot be changed this way (%(lines)s): %(problems)s. "
                "Correct stock with a return or an inventory adjustment instead.",
                lines=", ".join(f"{line.lot_id.name or line.lot_name or '?'} "
                                f"({line.reference or line.picking_id.name or ''})"
                                for line in self[:10]),
                problems="; ".join(problems)))

    @api.constrains("lot_name", "product_id")
    def _check_serial_lot_name(self):
        self.env["stock.lot"]._check_serial_names(self.filtered(
            lambda line: line.lot_name and line.product_id.tracking == "serial"
        ).mapped("lot_name"))

    def _serial_lines(self):
        """Lines that move serialized units on a transfer whose operation type tracks serials
        (an operation type with neither "create" nor "use existing" lots does not, in Odoo)."""
        return self.filtered(
            lambda line: line.product_id.tracking == "serial" and line.picking_id
            and line.quantity > 0 and (line.picking_type_id.use_create_lots
                                       or line.picking_type_id.use_existing_lots))

    def _serial_shortages(self):
        """{move: units without a serial} for the serialized units of these lines; a line
        added to a transfer without a move (Odoo makes its move at validation) counts
        under (product, transfer)."""
        shortages = Counter()
        for line in self._serial_lines():
            if not line.lot_id and not line.lot_name:
                shortages[line.move_id or (line.product_id, line.picking_id)] += int(
                    line.quantity_product_uom)
        return shortages

    def _raise_serial_shortages(self):
        shortages = self._serial_shortages()
        if not shortages:
            return

        def shortage(key, missing):
            if isinstance(key, tuple):
                product, picking = key
                return self.env._("- %(product)s: %(missing)s units without a serial "
                                  "(%(transfer)s)", product=product.display_name,
                                  missing=missing, transfer=picking.name)
            return self.env._("- %(product)s: %(missing)s of %(units)s units without a "
                              "serial (%(transfer)s)", product=key.product_id.display_name,
                              missing=missing, units=key._serial_units(),
                              transfer=key.picking_id.name)

        message = self.env._(
            "Every serialized unit needs its serial number before validation:\n%s",
            "\n".join(shortage(key, missing) for key, missing in shortages.items()))
        # The web client's "Enter Serials" opens the dialog on the first move missing some.
        move_id = next((key.id for key in shortages if not isinstance(key, tuple)), False)
        raise SerialsMissingError(message, move_id)

    def _check_serial_rules(self):
        """Refuse serialized lines without a serial, with more than one unit per serial,
        bringing into stock a serial that is already there, or taking one that is not in
        stock where it leaves from."""
        lines = self._serial_lines()
        if not lines:
            return
        lines._raise_serial_shortages()
        for line in lines:
            if line.product_uom_id.compare(line.quantity_product_uom, 1) != 0:
                raise UserError(self.env._(
                    "The serial %(serial)s of %(product)s is on %(quantity)s units: a serial "
                    "number identifies exactly one unit.",
                    serial=line.lot_id.name or line.lot_name,
                    product=line.product_id.display_name, quantity=line.quantity))
        # The return rule first: it says more than "already in stock" would.
        lines.filtered(lambda line: line.move_id.origin_returned_move_id
                       )._check_serials_returnable()
        lines.filtered(lambda line: line.location_id.usage not in ("internal", "transit")
                       and line.location_dest_id.usage == "internal")._check_serials_not_in_stock()
        lines.filtered(lambda line: line.location_id.usage == "internal"
                       )._check_serials_at_source()

    def _check_serials_not_in_stock(self):
        """A unit arriving in stock must not be there already, nor arrive twice at once."""
        by_product = defaultdict(list)
        for line in self:
            by_product[line.product_id, line.company_id].append(line.lot_id.name or line.lot_name)
        problems = []
        for (product, company), names in by_product.items():
            problems += [self.env._("%(serial)s (%(product)s) is entered twice",
                                    serial=name, product=product.display_name)
                         for name, count in Counter(names).items() if count > 1]
            quants = self.env["stock.quant"].sudo()._read_group(
                [("product_id", "=", product.id), ("lot_id.name", "in", names),
                 ("company_id", "=", company.id), ("location_id.usage", "=", "internal"),
                 ("quantity", ">", 0)], ["lot_id", "location_id"])
            problems += [self.env._("%(serial)s (%(product)s) is already in stock at %(location)s",
                                    serial=lot.name, product=product.display_name,
                                    location=location.display_name)
                         for lot, location in quants]
        if problems:
            # ValidationError, as Odoo's own duplicate-serial checks.
            raise ValidationError(self.env._("A serial number can be received only once:\n%s",
                                       "\n".join(f"- {problem}" for problem in problems)))

    def _check_serials_at_source(self):
        """A unit leaves from the exact location of its line, where it must be in stock
        (Odoo would take it from there and go negative), and must not be the unit another
        open transfer has chosen. Untracked units there may be named, as Odoo allows."""
        # In one read: the serials' units in every warehouse location, and the untracked
        # units of these products where the lines leave from.
        quants = self.env["stock.quant"].sudo()._read_group(
            [("location_id.usage", "=", "internal"), "|", ("lot_id", "in", self.lot_id.ids),
             "&", "&", ("lot_id", "=", False), ("product_id", "in", self.product_id.ids),
             ("location_id", "in", self.location_id.ids)],
            ["product_id", "location_id", "lot_id"], ["quantity:sum"])
        on_hand = {(product, location, lot): quantity
                   for product, location, lot, quantity in quants}
        in_stock_somewhere = {lot for _product, _location, lot, quantity in quants
                              if lot and quantity > 0}
        chosen_elsewhere = {line.lot_id: line for line in self.search_fetch(
            [("lot_id", "in", self.lot_id.ids), *FIRM_CHOICE_DOMAIN,
             ("state", "not in", ("done", "cancel")), ("id", "not in", self.ids)],
            ["lot_id", "picking_id", "move_id"])}
        problems = []
        for line in self:
            serial = line.lot_id.name or line.lot_name
            other = chosen_elsewhere.get(line.lot_id)
            if other and other.move_id != line.move_id:
                problems.append(self.env._(
                    "%(serial)s (%(product)s) is chosen on %(transfer)s",
                    serial=serial, product=line.product_id.display_name,
                    transfer=other.picking_id.name or other.reference))
                continue
            if on_hand.get((line.product_id, line.location_id, line.lot_id), 0) >= 1:
                continue
            # Odoo gives an untracked unit there this serial — unless it is a unit already
            # in stock somewhere else, which would then be in two places.
            untracked = on_hand.get((line.product_id, line.location_id, line.lot_id.browse()), 0)
            if untracked >= 1 and line.lot_id not in in_stock_somewhere:
                continue
            where = line.lot_id.location_id.display_name or self.env._("nowhere in stock")
            problems.append(self.env._(
                "%(serial)s (%(product)s) is not in stock at %(origin)s: it is at %(where)s",
                serial=serial, product=line.product_id.display_name,
                origin=line.location_id.display_name, where=where))
        if problems:
            raise UserError(self.env._("Only units in stock where they leave from can ship:\n%s",
                                       "\n".join(f"- {problem}" for problem in problems)))

    def _check_serials_returnable(self):
        """A return brings back only serials of the original transfer, each once."""
        problems = []
        for origin, lines in self.grouped(lambda line: line.move_id.origin_returned_move_id
                                          ).items():
            shipped = set(origin.move_line_ids.filtered(
                lambda line: line.state == "done").lot_id.mapped("name"))
            returned = {line.lot_id.name: line.picking_id for line in self.search_fetch(
                [("move_id.origin_returned_move_id", "=", origin.id), ("state", "=", "done"),
                 ("lot_id", "!=", False)], ["lot_id", "picking_id"])}
            for line in lines:
                serial = line.lot_id.name or line.lot_name
                if serial not in shipped:
                    problems.append(self.env._(
                        "%(serial)s was not on %(transfer)s; only its serials can come back",
                        serial=serial, transfer=origin.picking_id.name))
                elif serial in returned:
                    problems.append(self.env._(
                        "%(serial)s was already returned with %(transfer)s",
                        serial=serial, transfer=returned[serial].name))
        if problems:
            raise UserError(self.env._("This return cannot be validated:\n%s",
                                       "\n".join(f"- {problem}" for problem in problems)))

    def _unlink_serial_lines(self):
        """Unlink these open lines. Returns the quants whose one-unit serial reservations
        the caller releases set-wise (other lines are unreserved by Odoo, one by one, as
        all are with the batched paths off)."""
        if not self.env["stock.quant"]._batched_validation_enabled():
            self.unlink()
            return []
        set_wise = self.filtered(
            lambda line: line.lot_id and line.quantity_product_uom == 1 and not line.package_id
            and not line.owner_id and not line.move_id._should_bypass_reservation(line.location_id))
        quant_ids = []
        if set_wise:
            quants = {(quant.lot_id.id, quant.location_id.id): quant.id
                      for quant in self.env["stock.quant"].sudo().search_fetch(
                          [("product_id", "in", set_wise.product_id.ids),
                           ("lot_id", "in", set_wise.lot_id.ids),
                           ("location_id", "in", set_wise.location_id.ids),
                           ("package_id", "=", False), ("owner_id", "=", False)],
                          ["lot_id", "location_id"])}
            quant_ids = [quants[key] for key in
                         ((line.lot_id.id, line.location_id.id) for line in set_wise)
                         if key in quants]
        (self - set_wise).unlink()
        if set_wise:
            # Odoo's unlink releases each line's quantity, a query or four a line: emptied
            # first, in one update, the lines leave it nothing to release.
            update_set_wise(set_wise, "quantity", [0] * len(set_wise))
            set_wise.unlink()
        return quant_ids

    def _prepare_new_lot_vals(self):
        vals = super()._prepare_new_lot_vals()
        if self.product_id.tracking == "serial":
            # A received unit belongs to the company that received it, even when the
            # product is shared: each company sees and ships only its own serials.
            vals["company_id"] = self.company_id.id
        return vals

    def _action_done(self):
        self._check_serial_rules()
        batch = self._serial_unit_batch()
        if not batch:
            return super()._action_done()
        progress = self.env["stock.serial.validation"]._report_progress
        progress(40)  # serials checked, lots created
        # Odoo's own validation runs on every line; only the quant updates of the batched
        # lines are left out of its per-line loop and applied afterwards, set-wise.
        result = super(StockMoveLine, self.with_context(
            serial_batch_line_ids=frozenset(batch.line_ids)))._action_done()
        progress(70)
        batch.apply()
        progress(90)
        return result

    # -- Batched validation of serialized units ------------------------------------------
    # Odoo validates a line at a time: a quant search and a quant insert or update per unit
    # and location, a lot write per line. For lines that are single serialized units the
    # same changes are made here for the whole transfer at once; every other line keeps
    # Odoo's path. tests/test_fast_validation_equivalence.py proves both give one result.

    def _serial_unit_batch(self):
        """The batch of quant updates for the serialized units among these lines, their lots
        assigned; an empty batch when the fast path is off or nothing fits it."""
        quants = self.env["stock.quant"]
        if not self or len(self.company_id) != 1 or not quants._batched_validation_enabled():
            return quants._serial_unit_batch(self.browse())
        fitting = self.filtered(lambda line: line._is_serial_unit())
        # A product is batched only when all its lines are: no order between two paths.
        others = (self - fitting).product_id
        fitting = fitting.filtered(lambda line: line.product_id not in others)
        fitting._assign_serial_unit_lots()
        return quants._serial_unit_batch(fitting)

    def _is_serial_unit(self):
        """One unit of a serialized product with its serial, no package, no owner."""
        self.ensure_one()
        product = self.product_id
        return (
            product.tracking == "serial" and product.is_storable and self.move_id
            and self.state not in ("done", "cancel") and not self.is_inventory
            and self.product_uom_id == product.uom_id
            and self.product_uom_id.compare(self.quantity, 1) == 0
            and not (self.package_id or self.result_package_id or self.owner_id)
            and bool(self.lot_id or (
                self.lot_name and self.move_id.picking_type_id.use_create_lots))
        )

    def _assign_serial_unit_lots(self):
        """What Odoo's validation does for lines with a serial name and no lot: the lot of
        that name, else a new one; here the new lots in one batch, their creation messages
        in one statement, and the lines' lot written in one query."""
        lines = self.filtered(lambda line: not line.lot_id)
        if not lines:
            return
        lot_by_line = {}
        # The batch's context: the new lots' companies are checked per company, not per lot;
        # no chatter work per lot (Odoo subscribes nobody to a new lot and posts no tracking
        # on creation, but spends a loop per lot finding that out); the message Odoo logs on
        # each new lot is logged for all of them at once.
        lot_model = self.env["stock.lot"].with_context(
            tracking_disable=True, serial_batch_line_ids=frozenset(self.ids))
        for (product, company), group in lines.grouped(
                lambda line: (line.product_id, line.company_id)).items():
            existing = {lot.name: lot for lot in self.env["stock.lot"].search([
                "|", ("company_id", "=", False), ("company_id", "=", company.id),
                ("product_id", "=", product.id), ("name", "in", group.mapped("lot_name"))])}
            new_lines = group.filtered(lambda line, known=existing: line.lot_name not in known)
            new_lots = lot_model.create([line._prepare_new_lot_vals() for line in new_lines])
            log_creation_messages(new_lots.with_context(tracking_disable=False))
            created = dict(zip(new_lines, new_lots, strict=True))
            lot_by_line.update(
                (line, (existing.get(line.lot_name) or created[line]).id) for line in group)
        # Then the fields computed from the lines' lots (statuses, counts) are recomputed
        # as after a write. In the lines' order: the products' lines may be interleaved (a
        # transfer scanned product by product), the groups are not.
        update_set_wise(lines, "lot_id", [lot_by_line[line] for line in lines])
        # A serial written on a line is a choice (this addon's write says so too).
        update_set_wise(lines, "serial_chosen", [True] * len(lines))

    def _check_company(self, fnames=None):
        return super(StockMoveLine, records_to_check_one_by_one(self, fnames))._check_company(
            fnames)

    def _synchronize_quant(self, quantity, location, action="available", in_date=False,
                           **quants_value):
        if self.id in self.env.context.get("serial_batch_line_ids", ()):
            # Applied with the whole batch once Odoo's per-line loop is over.
            return 0, in_date
        return super()._synchronize_quant(quantity, location, action=action, in_date=in_date,
                                          **quants_value)
