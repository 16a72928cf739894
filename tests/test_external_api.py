import xmlrpc.client
from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

# Seconds a call may take (validations on a busy test machine take a few).
CALL_TIMEOUT = 60


class RemoteError(Exception):
    """A call the server refused, carrying the message its client shows."""


class LifecycleScenario:
    """The whole life of a unit driven only over an external API, as an integration would:
    every rule holds, and a refused step returns the message a user reads.

    The scenario is shared by the transports; each test class supplies `call`. Parameters
    are passed by name, as JSON-2 requires: `call(model, method, ids, **params)`, with
    `ids` None for model-level methods such as create and search_read.
    """

    # Odoo's runner collects only the test methods a class defines itself, unless told.
    allow_inherited_tests_method = True

    def call(self, model, method, ids=None, **params):
        raise NotImplementedError

    def refused(self, message, model, method, ids=None, **params):
        # The server logs each refused request: expected here.
        with self.assertRaises(RemoteError) as caught, mute_logger("odoo.http"):
            self.call(model, method, ids, **params)
        self.assertIn(message, str(caught.exception))

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


@tagged("post_install", "-at_install", "serial_http")
class TestXmlRpcLifecycle(LifecycleScenario, HttpCase):
    """The scenario over XML-RPC (/xmlrpc/2, deprecated in Odoo 19 but still served)."""

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


@tagged("post_install", "-at_install", "serial_http")
class TestJson2Lifecycle(LifecycleScenario, HttpCase):
    """The scenario over Odoo 19's JSON-2 API, with an API key made for the test."""

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
            raise RemoteError(response.json()["message"])
        return response.json()
