import xmlrpc.client

from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install", "serial_http")
class TestXmlRpcLifecycle(HttpCase):
    """The whole life of a unit driven only over XML-RPC, as an integration would:
    every rule holds, and a refused step returns the message a user reads."""

    def setUp(self):
        super().setUp()
        self.db = self.env.cr.dbname
        self.uid = self.xmlrpc_common.authenticate(self.db, "admin", "admin", {})
        self.assertTrue(self.uid)

    def call(self, model, method, *args, **kwargs):
        return self.xmlrpc_object.execute_kw(
            self.db, self.uid, "admin", model, method, list(args), kwargs)

    def refused(self, message, model, method, *args, **kwargs):
        with self.assertRaises(xmlrpc.client.Fault) as caught:
            self.call(model, method, *args, **kwargs)
        self.assertIn(message, caught.exception.faultString)

    def transfer(self, picking_type, source, destination, product_id, quantity):
        refs = {xmlid: self.env.ref(xmlid).id for xmlid in (picking_type, source, destination)}
        locations = {"location_id": refs[source], "location_dest_id": refs[destination]}
        picking_id = self.call("stock.picking", "create", {
            "picking_type_id": refs[picking_type], **locations,
            "move_ids": [(0, 0, {"product_id": product_id, "product_uom_qty": quantity,
                                 **locations})]})
        self.call("stock.picking", "action_confirm", [picking_id])
        [picking] = self.call("stock.picking", "read", [picking_id], ["move_ids", "state"])
        return picking_id, picking["move_ids"][0]

    def test_life_of_a_unit(self):
        template_id = self.call("product.template", "create", {
            "name": "RPC laptop", "is_storable": True, "is_serialized": True,
            "next_expected_serial": "RPC-7"})
        [template] = self.call("product.template", "read", [template_id],
                               ["next_expected_serial", "product_variant_id", "tracking"])
        self.assertEqual((template["next_expected_serial"], template["tracking"]),
                         ("RPC-00007", "serial"))
        product_id = template["product_variant_id"][0]

        # Receive three units; the rules hold before anything is written.
        receipt_id, move_id = self.transfer(
            "stock.picking_type_in", "stock.stock_location_suppliers",
            "stock.stock_location_stock", product_id, 3)
        self.refused("3 of 3 units without a serial", "stock.picking", "button_validate",
                     [receipt_id])
        self.refused("A is entered twice", "stock.move", "set_serials_from_text",
                     [move_id], "A, A")
        self.assertEqual(self.call("stock.move", "set_serials_from_text", [move_id],
                                   "RPC-00007-RPC-00009"), 3)
        self.call("stock.picking", "button_validate", [receipt_id])
        self.assertEqual(self.call("stock.picking", "read", [receipt_id], ["state"])[0]["state"],
                         "done")

        # The Serialized flag is now locked, with the reason.
        self.refused("cannot be changed: it already has 1 stock move", "product.template",
                     "write", [template_id], {"is_serialized": False})

        # Ship two of them.
        delivery_id, out_move_id = self.transfer(
            "stock.picking_type_out", "stock.stock_location_stock",
            "stock.stock_location_customers", product_id, 2)
        self.refused("NOT-HERE: unknown serial of RPC laptop", "stock.move",
                     "set_serials_from_text", [out_move_id], "NOT-HERE, RPC-00007")
        self.call("stock.move", "set_serials_from_text", [out_move_id], "RPC-00007; RPC-00008")
        self.call("stock.picking", "button_validate", [delivery_id])

        # Return one unit.
        [lot] = self.call("stock.lot", "search_read", [("name", "=", "RPC-00008")],
                          ["serial_status"])
        self.assertEqual(lot["serial_status"], "delivered")
        wizard_id = self.call("stock.return.picking", "create", {"picking_id": delivery_id},
                              context={"active_id": delivery_id,
                                       "active_model": "stock.picking"})
        [wizard] = self.call("stock.return.picking", "read", [wizard_id],
                             ["product_return_moves"])
        self.call("stock.return.picking.line", "write", wizard["product_return_moves"],
                  {"lot_ids": [(6, 0, [lot["id"]])], "quantity": 1})
        action = self.call("stock.return.picking", "action_create_returns", [wizard_id])
        self.call("stock.picking", "button_validate", [action["res_id"]])

        # Status and the whole history of the unit.
        [lot] = self.call("stock.lot", "read", [lot["id"]], ["serial_status"])
        self.assertEqual(lot["serial_status"], "in_stock")
        history = self.call("stock.lot", "action_serial_history", [lot["id"]])
        moves = self.call("stock.move.line", "search_read", history["domain"],
                          ["picking_id"], order="date, id")
        self.assertEqual([move["picking_id"][0] for move in moves],
                         [receipt_id, delivery_id, action["res_id"]])
