import xmlrpc.client
from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

# Seconds a call may take (validations on a busy test machine take a few).
CALL_TIMEOUT = 60


class RemoteError(Exception):
    """A call the server refused, carrying the message its client shows (and, over JSON-2,
    the whole error body)."""

    def __init__(self, message, body=None):
        super().__init__(message)
        self.body = body or {}


class RpcScenario:
    """A scenario driven only over an external API, as an integration would, shared by the
    transports: each test class takes `call` from a client below. Parameters are passed by
    name, as JSON-2 requires: `call(model, method, ids, **params)`, with `ids` None for
    model-level methods such as create and search_read.
    """

    # Odoo's runner collects only the test methods a class defines itself, unless told.
    allow_inherited_tests_method = True

    def refused(self, message, model, method, ids=None, **params):
        """Assert the call is refused with a message holding `message`; the error."""
        # The server logs each refused request: expected here.
        with self.assertRaises(RemoteError) as caught, mute_logger("odoo.http"):
            self.call(model, method, ids, **params)
        self.assertIn(message, str(caught.exception))
        return caught.exception

    def transfer(self, picking_type, source, destination, product_id, quantity):
        refs = {xmlid: self.env.ref(xmlid).id for xmlid in (picking_type, source, destination)}
        locations = {"location_id": refs[source], "location_dest_id": refs[destination]}
        [picking_id] = self.call("stock.picking", "create", vals_list=[{
            "picking_type_id": refs[picking_type], **locations,
            "move_ids": [(0, 0, {"product_id": product_id, "product_uom_qty": quantity,
                                 **locations})]}])
        self.call("stock.picking", "action_confirm", [picking_id])
        [picking] = self.call("stock.picking", "read", [picking_id], fields=["move_ids"])
        return picking_id, picking["move_ids"][0]

    def state_of(self, picking_id):
        return self.call("stock.picking", "read", [picking_id], fields=["state"])[0]["state"]


class LifecycleScenario(RpcScenario):
    """The whole life of a unit: every rule holds, and a refused step returns the message
    a user reads."""

    def test_life_of_a_unit(self):
        [template_id] = self.call("product.template", "create", vals_list=[{
            "name": "RPC laptop", "is_storable": True, "is_serialized": True,
            "next_expected_serial": "RPC-7"}])
        [template] = self.call("product.template", "read", [template_id], fields=[
            "next_expected_serial", "product_variant_id", "tracking"])
        self.assertEqual((template["next_expected_serial"], template["tracking"]),
                         ("RPC-00007", "serial"))
        product_id = template["product_variant_id"][0]

        # Receive three units, with a span; the rules hold before anything is written.
        receipt_id, move_id = self.transfer(
            "stock.picking_type_in", "stock.stock_location_suppliers",
            "stock.stock_location_stock", product_id, 3)
        self.refused("3 of 3 units without a serial", "stock.picking", "button_validate",
                     [receipt_id])
        self.refused("A is entered twice", "stock.move", "set_serials_from_text",
                     [move_id], text="A, A")
        self.assertEqual(self.call("stock.move", "set_serials_from_text", [move_id],
                                   text="RPC-00007-RPC-00009"), 3)
        self.call("stock.picking", "button_validate", [receipt_id])
        self.assertEqual(self.state_of(receipt_id), "done")

        # The Serialized flag is now locked, with the reason.
        self.refused("cannot be changed: it already has 1 stock move", "product.template",
                     "write", [template_id], vals={"is_serialized": False})

        # Ship two of them, chosen by serial.
        delivery_id, out_move_id = self.transfer(
            "stock.picking_type_out", "stock.stock_location_stock",
            "stock.stock_location_customers", product_id, 2)
        self.refused("NOT-HERE: unknown serial of RPC laptop", "stock.move",
                     "set_serials_from_text", [out_move_id], text="NOT-HERE, RPC-00007")
        self.call("stock.move", "set_serials_from_text", [out_move_id],
                  text="RPC-00007; RPC-00008")
        self.call("stock.picking", "button_validate", [delivery_id])
        self.assertEqual(self.state_of(delivery_id), "done")

        # Return one unit.
        [lot] = self.call("stock.lot", "search_read", domain=[("name", "=", "RPC-00008")],
                          fields=["serial_status"])
        self.assertEqual(lot["serial_status"], "delivered")
        [wizard_id] = self.call(
            "stock.return.picking", "create", vals_list=[{"picking_id": delivery_id}],
            context={"active_id": delivery_id, "active_model": "stock.picking"})
        [wizard] = self.call("stock.return.picking", "read", [wizard_id],
                             fields=["product_return_moves"])
        self.call("stock.return.picking.line", "write", wizard["product_return_moves"],
                  vals={"lot_ids": [(6, 0, [lot["id"]])], "quantity": 1})
        action = self.call("stock.return.picking", "action_create_returns", [wizard_id])
        self.call("stock.picking", "button_validate", [action["res_id"]])

        # Status and the whole history of the unit.
        [lot] = self.call("stock.lot", "read", [lot["id"]], fields=["serial_status"])
        self.assertEqual(lot["serial_status"], "in_stock")
        history = self.call("stock.lot", "action_serial_history", [lot["id"]])
        moves = self.call("stock.move.line", "search_read", domain=history["domain"],
                          fields=["picking_id"], order="date, id")
        self.assertEqual([move["picking_id"][0] for move in moves],
                         [receipt_id, delivery_id, action["res_id"]])


class ArgumentsScenario(RpcScenario):
    """Wrong arguments of the public methods, as a client sends them: each is refused with
    the message naming what was expected and what came (exactly that message: no
    traceback, no tuple), and nothing changes."""

    # From the client: `not_text`, (value, how the message names it) pairs the transport
    # can send, and `control_characters` it can carry in a string.

    def setUp(self):
        super().setUp()
        [template_id] = self.call("product.template", "create", vals_list=[{
            "name": "RPC scanner", "is_storable": True, "is_serialized": True,
            "barcode": "04012345000016"}])
        [template] = self.call("product.template", "read", [template_id],
                               fields=["product_variant_id"])
        self.product_id = template["product_variant_id"][0]
        self.receipt_id, self.move_id = self.transfer(
            "stock.picking_type_in", "stock.stock_location_suppliers",
            "stock.stock_location_stock", self.product_id, 2)
        [receipt] = self.call("stock.picking", "read", [self.receipt_id], fields=["name"])
        self.receipt_name = receipt["name"]

    def refused_exactly(self, message, model, method, ids=None, **params):
        error = self.refused(message, model, method, ids, **params)
        self.assertEqual(str(error), message)
        return error

    def lines(self):
        return self.call("stock.move.line", "search_read",
                         domain=[("product_id", "=", self.product_id)],
                         fields=["lot_name", "lot_id", "quantity", "picked", "picking_id"],
                         order="id")

    def test_a_barcode_that_is_not_text(self):
        self.call("stock.picking", "serial_scan", [self.receipt_id], barcode="S-1")
        before = self.lines()
        for value, got in self.not_text:
            with self.subTest(value=value):
                self.refused_exactly(
                    f"serial_scan expects a string for barcode, got {got}.",
                    "stock.picking", "serial_scan", [self.receipt_id], barcode=value)
        self.refused_exactly(
            "find_serials expects a string for text, got int: 5.",
            "stock.lot", "find_serials", text=5)
        self.refused_exactly(
            "serial_scan works on one transfer at a time, got 0.",
            "stock.picking", "serial_scan", [], barcode="S-2")
        self.assertEqual(self.lines(), before)

    def test_serials_missing_is_its_message(self):
        error = self.refused_exactly(
            "Every serialized unit needs its serial number before validation:\n"
            f"- RPC scanner: 2 of 2 units without a serial ({self.receipt_name})",
            "stock.picking", "button_validate", [self.receipt_id])
        if error.body:  # JSON-2 sends what the web client gets: the move to open
            self.assertEqual(error.body["context"]["serial_move_id"], self.move_id)
        self.assertEqual(self.state_of(self.receipt_id), "assigned")

    def test_control_characters_in_a_lot_name(self):
        [location] = self.call("stock.move", "read", [self.move_id],
                               fields=["location_id", "location_dest_id"])
        line = {"move_id": self.move_id, "picking_id": self.receipt_id,
                "product_id": self.product_id, "quantity": 1,
                "location_id": location["location_id"][0],
                "location_dest_id": location["location_dest_id"][0]}
        messages = {
            "\x00": "A serial or lot number cannot contain the control character U+0000 "
                    "(NUL): 'A\\x00B'",
            "\x7f": "These serial numbers cannot be saved:\n- 'A\\x7fB': the serial "
                    "contains the control character U+007F",
        }
        before = self.lines()
        for char in self.control_characters:
            with self.subTest(char=char):
                self.refused_exactly(messages[char], "stock.move.line", "create",
                                     vals_list=[{**line, "lot_name": f"A{char}B"}])
        self.assertEqual(self.lines(), before)


class XmlRpcClient:
    """Calls over XML-RPC (/xmlrpc/2, deprecated in Odoo 19 but still served)."""

    # XML-RPC has no null, and XML 1.0 no NUL.
    not_text = ((5, "int: 5"), (True, "bool: True"), (1.5, "float: 1.5"),
                (["A"], "list: ['A']"), ({"A": 1}, "dict: {'A': 1}"))
    control_characters = ("\x7f",)

    def setUp(self):
        super().setUp()
        # Odoo logs a deprecation warning for every XML-RPC request: known, and not ours.
        muted = mute_logger("odoo.addons.rpc.controllers.xmlrpc")
        muted.__enter__()
        self.addCleanup(muted.__exit__, None, None, None)
        self.db = self.env.cr.dbname
        self.uid = self.xmlrpc_common.authenticate(self.db, "admin", "admin", {})
        self.assertTrue(self.uid)

    def call(self, model, method, ids=None, **params):
        args = [] if ids is None else [ids]
        if method == "create":  # Odoo's XML-RPC reads create's values positionally
            args.append(params.pop("vals_list"))
        try:
            return self.xmlrpc_object.execute_kw(
                self.db, self.uid, "admin", model, method, args, params)
        except xmlrpc.client.Fault as fault:
            raise RemoteError(fault.faultString) from fault


class Json2Client:
    """Calls over Odoo 19's JSON-2 API, with an API key made for the test."""

    not_text = ((5, "int: 5"), (None, "NoneType: None"), (True, "bool: True"),
                (1.5, "float: 1.5"), (["A"], "list: ['A']"), ({"A": 1}, "dict: {'A': 1}"))
    control_characters = ("\x00", "\x7f")

    def setUp(self):
        super().setUp()
        admin = self.env.ref("base.user_admin")
        key = self.env["res.users.apikeys"].with_user(admin)._generate(
            scope="rpc", name="Serial lifecycle test",
            expiration_date=fields.Datetime.now() + timedelta(days=1))
        self.headers = {"Authorization": f"bearer {key}",
                        "X-Odoo-Database": self.env.cr.dbname}

    def call(self, model, method, ids=None, **params):
        body = params if ids is None else {"ids": ids, **params}
        response = self.url_open(f"/json/2/{model}/{method}", json=body,
                                 headers=self.headers, timeout=CALL_TIMEOUT)
        if response.status_code != 200:
            raise RemoteError(response.json()["message"], response.json())
        return response.json()


@tagged("post_install", "-at_install", "serial_http")
class TestXmlRpcLifecycle(LifecycleScenario, XmlRpcClient, HttpCase):
    """The life of a unit over XML-RPC."""


@tagged("post_install", "-at_install", "serial_http")
class TestJson2Lifecycle(LifecycleScenario, Json2Client, HttpCase):
    """The life of a unit over JSON-2."""


@tagged("post_install", "-at_install", "serial_http")
class TestXmlRpcArguments(ArgumentsScenario, XmlRpcClient, HttpCase):
    """Wrong arguments over XML-RPC."""


@tagged("post_install", "-at_install", "serial_http")
class TestJson2Arguments(ArgumentsScenario, Json2Client, HttpCase):
    """Wrong arguments over JSON-2."""
