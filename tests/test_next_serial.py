import threading

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import SerialCase, committed_env


@tagged("post_install", "-at_install")
class TestNextSerial(SerialCase):

    def test_next_serial_is_padded_and_owned_by_the_product(self):
        template = self.plain_product.product_tmpl_id
        self.assertFalse(template.next_expected_serial)
        template.next_expected_serial = "SN-7"
        self.assertEqual(template.next_expected_serial, "SN-00007")
        self.assertNotEqual(template.lot_sequence_id,
                            self.serial_product.product_tmpl_id.lot_sequence_id)
        template.next_expected_serial = "A7-0099-X"
        self.assertEqual(template.next_expected_serial, "A7-00099-X")

    def test_reserving_a_block_advances_the_field(self):
        product = self.serial_product
        self.assertEqual(product._reserve_serials(3), ["SN-00001", "SN-00002", "SN-00003"])
        self.assertEqual(product.next_expected_serial, "SN-00004")
        self.assertEqual(product._peek_serials(2), ["SN-00004", "SN-00005"])
        self.assertEqual(product.next_expected_serial, "SN-00004", "peeking reserves nothing")
        self.assertEqual(product._reserve_serials(0), [])

    def test_percent_sign_is_kept_literally(self):
        self.serial_product.next_expected_serial = "100%-9"
        self.assertEqual(self.serial_product._reserve_serials(2), ["100%-00009", "100%-00010"])

    def test_clearing_returns_to_odoo_default_sequence(self):
        self.serial_product.next_expected_serial = False
        self.assertFalse(self.serial_product.next_expected_serial)
        with self.assertRaisesRegex(UserError, "has no Next Serial"):
            self.serial_product._reserve_serials(1)

    def test_shared_sequence_is_never_advanced_for_another_product(self):
        other = self.env["product.product"].create({
            "name": "Twin", "is_storable": True, "tracking": "serial",
            "lot_sequence_id": self.serial_product.lot_sequence_id.id})
        other.next_expected_serial = "TW-1"
        self.assertEqual(self.serial_product.next_expected_serial, "SN-00001")
        self.assertEqual(other.next_expected_serial, "TW-00001")

    def test_bad_input_is_refused_and_changes_nothing(self):
        cases = {
            "": None,  # empty clears the field: tested above
            "   ": "is empty",
            "SN-\x0712": "control character",
            "S" * 60 + "12345": "longer than 64",
            "NO-DIGITS": "no number to count from",
        }
        for typed, message in cases.items():
            if message is None:
                continue
            with self.subTest(typed=typed), self.assertRaisesRegex(UserError, message):
                self.serial_product.next_expected_serial = typed
            self.env.invalidate_all()
            self.assertEqual(self.serial_product.next_expected_serial, "SN-00001")

    def test_only_inventory_managers_set_next_serial(self):
        with self.assertRaises(AccessError):
            self.serial_product.with_user(self.stock_user).next_expected_serial = "X-1"
        with self.assertRaisesRegex(AccessError, "Only Inventory managers"):
            self.serial_product.with_user(self.product_manager).next_expected_serial = "X-1"
        self.serial_product.with_user(self.stock_manager).next_expected_serial = "X-1"
        self.assertEqual(self.serial_product.next_expected_serial, "X-00001")


@tagged("post_install", "-at_install")
class TestNextSerialConcurrency(SerialCase):
    """Two real transactions reserving at once never get the same number."""

    def _committed_product(self):
        with committed_env(self.registry) as env:
            product = env["product.template"].create({
                "name": "Concurrent serials", "is_storable": True, "tracking": "serial",
                "next_expected_serial": "CC-1"})
            ids = product.id, product.lot_sequence_id.id
        self.addCleanup(self._drop_product, *ids)
        return ids[0]

    def _drop_product(self, template_id, sequence_id):
        with committed_env(self.registry) as env:
            env["product.template"].browse(template_id).unlink()
            env["ir.sequence"].browse(sequence_id).unlink()

    def test_two_transactions_reserve_disjoint_blocks(self):
        template_id = self._committed_product()
        results = {0: [], 1: []}
        errors = []
        barrier = threading.Barrier(2)

        def reserve(worker):
            try:
                barrier.wait(timeout=10)
                for _round in range(50):
                    with committed_env(self.registry) as env:
                        results[worker] += env["product.template"].browse(
                            template_id)._reserve_serials(2)
            except Exception as error:  # noqa: BLE001 - reported by the main thread
                errors.append(error)

        threads = [threading.Thread(target=reserve, args=(worker,)) for worker in (0, 1)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        self.assertFalse(errors)
        every = results[0] + results[1]
        self.assertEqual(len(every), 200)
        self.assertEqual(len(set(every)), 200, "overlapping reservations")
        self.assertEqual(sorted(every), [f"CC-{n:05d}" for n in range(1, 201)])
