from odoo.tests import BaseCase, tagged

from ..tools.serial_text import SerialCounter, SerialTextError, normalize_serial, serial_problem


@tagged("post_install", "-at_install")
class TestSerialText(BaseCase):
    """Pure logic: no database involved."""

    def test_padding_table(self):
        table = {
            "42": "00042",
            "SN-7": "SN-00007",
            "SN-01000": "SN-01000",
            "4711": "04711",
            "A7-0099-X": "A7-00099-X",
            "LP-123456": "LP-123456",
            "X0": "X00000",
        }
        for typed, shown in table.items():
            with self.subTest(typed=typed):
                counter = SerialCounter.parse(typed)
                self.assertEqual(counter.format(counter.number), shown)

    def test_counting_keeps_prefix_suffix_and_width(self):
        self.assertEqual(SerialCounter.parse("A7-0099-X").block(3),
                         ["A7-00099-X", "A7-00100-X", "A7-00101-X"])
        self.assertEqual(SerialCounter.parse("99999").block(2), ["99999", "100000"])

    def test_bad_next_serials_name_the_problem(self):
        cases = {
            "": "is empty",
            "   ": "is empty",
            "SN-\x0012": r"control character U\+0000",
            "SN-" + "1" * 62: "longer than 64",
            "ABC": "no number to count from",
        }
        for typed, message in cases.items():
            with self.subTest(typed=typed), self.assertRaisesRegex(SerialTextError, message):
                SerialCounter.parse(typed)

    def test_full_width_digits_are_normalised(self):
        self.assertEqual(normalize_serial(" ＳＮ－１２ "), "SN-12")
        self.assertEqual(SerialCounter.parse("ＳＮ１２").format(12), "SN00012")

    def test_serial_problem(self):
        self.assertIsNone(serial_problem("A-1"))
        self.assertIn("U+0007", serial_problem("A\x07"))
