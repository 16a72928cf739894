import importlib
from contextlib import contextmanager

from odoo import SUPERUSER_ID, Command, api
from odoo.orm.environments import Transaction
from odoo.tests import TransactionCase, new_test_user

from ..tools.serial_parser import parse_serials


@contextmanager
def committed_env(registry, uid=SUPERUSER_ID, context=None):
    """An environment on a new cursor of its own, from any thread; commits at the end
    (rolls back on error). For tests of real, committed, concurrent transactions.

    The cursor gets its transaction before the environment is made: otherwise the
    environment looks the registry up by database name under the registry lock, which
    Odoo's test runner holds while it runs the tests, and a test thread would wait forever.
    """
    with registry.cursor() as cr:
        cr.transaction = Transaction(registry)
        yield api.Environment(cr, uid, context or {})


def require_module(test, name):
    """Import `name`, an optional test library, or skip `test` when it is not installed."""
    try:
        return importlib.import_module(name)
    except ImportError:
        test.skipTest(f"{name} is not installed (pip install -r test-requirements.txt)")


class SerialCase(TransactionCase):
    """Products, locations and users shared by the serial tracking tests."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stock_location = cls.env.ref("stock.stock_location_stock")
        cls.supplier_location = cls.env.ref("stock.stock_location_suppliers")
        cls.customer_location = cls.env.ref("stock.stock_location_customers")
        cls.receipt_type = cls.env.ref("stock.picking_type_in")
        cls.delivery_type = cls.env.ref("stock.picking_type_out")
        cls.serial_product = cls.env["product.product"].create({
            "name": "Laptop", "is_storable": True, "tracking": "serial",
            "next_expected_serial": "SN-00001",
        })
        cls.plain_product = cls.env["product.product"].create({
            "name": "Cable", "is_storable": True,
        })
        cls.customer = cls.env["res.partner"].create({"name": "Customer Ltd"})
        cls.stock_manager = new_test_user(
            cls.env, "serial_manager",
            groups="stock.group_stock_manager,product.group_product_manager")
        cls.stock_user = new_test_user(
            cls.env, "serial_user", groups="stock.group_stock_user")
        # May edit products, but is no Inventory manager.
        cls.product_manager = new_test_user(
            cls.env, "serial_product_manager",
            groups="stock.group_stock_user,product.group_product_manager")

    def setUp(self):
        super().setUp()
        # PostgreSQL sequences ignore rollbacks: start every test from the same number.
        self.serial_product.next_expected_serial = "SN-00001"

    def require_models(self, *models):
        """Skip the test unless every model is installed (e.g. sale.order, not a dependency).

        `make test` installs sale_stock and purchase_stock beside the addon; OCA's CI
        installs the addon alone.
        """
        missing = [model for model in models if model not in self.env]
        if missing:
            self.skipTest(f"needs {', '.join(missing)} (module not installed)")

    @classmethod
    def receive(cls, product, serials, location=None):
        """Receive `serials` (words of a text) of `product` into stock; return the receipt."""
        serials = serials.split()
        receipt = cls.create_receipt(product, len(serials), location=location)
        receipt.move_ids.set_serials_from_text("\n".join(serials))
        receipt.button_validate()
        return receipt

    @classmethod
    def ship(cls, product, serials):
        """Ship `serials` (words of a text; spans allowed) of `product` from stock to the
        customer; return the delivery."""
        text = "\n".join(serials.split())
        delivery = cls.create_delivery(product, len(parse_serials(text).serials))
        delivery.move_ids.set_serials_from_text(text)
        delivery.button_validate()
        return delivery

    @classmethod
    def create_delivery(cls, product, quantity, partner=None, confirm=True):
        delivery = cls.env["stock.picking"].create({
            "picking_type_id": cls.delivery_type.id,
            "partner_id": (partner or cls.customer).id,
            "location_id": cls.stock_location.id,
            "location_dest_id": cls.customer_location.id,
            "move_ids": [Command.create({
                "product_id": product.id, "product_uom_qty": quantity,
                "location_id": cls.stock_location.id,
                "location_dest_id": cls.customer_location.id,
            })],
        })
        if confirm:
            delivery.action_confirm()
            delivery.action_assign()
        return delivery

    @classmethod
    def create_receipt(cls, product, quantity, confirm=True, location=None):
        picking = cls.env["stock.picking"].create({
            "picking_type_id": cls.receipt_type.id,
            "location_id": cls.supplier_location.id,
            "location_dest_id": (location or cls.stock_location).id,
            "move_ids": [Command.create({
                "product_id": product.id, "product_uom_qty": quantity,
                "location_id": cls.supplier_location.id,
                "location_dest_id": (location or cls.stock_location).id,
            })],
        })
        if confirm:
            picking.action_confirm()
        return picking
