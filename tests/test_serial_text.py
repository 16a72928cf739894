from odoo.tests import BaseCase, tagged

from ..tools.serial_text import (
    SerialCounter,
    SerialMessage,
    SerialTextError,
    control_character,
    normalize_serial,
    serial_problem,
    stored_serial_problem,
)


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
            "": SerialMessage("empty"),
            "   ": SerialMessage("empty"),
            "SN-\x0012": SerialMessage("control_character", {"code_point": "U+0000"}),
            "SN-" + "1" * 62: SerialMessage("too_long", {"limit": 64}),
        }
        for typed, problem in cases.items():
            with self.subTest(typed=typed), self.assertRaises(SerialTextError) as caught:
                SerialCounter.parse(typed)
            self.assertEqual(caught.exception.message.params["problem"], problem)
        with self.assertRaises(SerialTextError) as caught:
            SerialCounter.parse("ABC")
        self.assertEqual(caught.exception.message,
                         SerialMessage("next_serial_no_number", {"serial": "ABC"}))

    def test_full_width_digits_are_normalised(self):
        self.assertEqual(normalize_serial(" ＳＮ－１２ "), "SN-12")
        self.assertEqual(SerialCounter.parse("ＳＮ１２").format(12), "SN00012")

    def test_serial_problem(self):
        self.assertIsNone(serial_problem("A-1"))
        self.assertEqual(serial_problem("A\x07"),
                         SerialMessage("control_character", {"code_point": "U+0007"}))
        self.assertEqual(serial_problem("A\u200bB"),
                         SerialMessage("invisible_character", {"code_point": "U+200B"}))
        self.assertEqual(serial_problem("A\u2028B"),
                         SerialMessage("invisible_character", {"code_point": "U+2028"}))
        self.assertEqual(stored_serial_problem(" A"), SerialMessage("surrounding_space"))

    def test_control_character(self):
        self.assertEqual(control_character("A\x00B"), "U+0000")
        self.assertEqual(control_character("AB\x7f\x01"), "U+007F")
        self.assertEqual(control_character("A\x85B"), "U+0085")  # C1: next line
        self.assertIsNone(control_character("A\u200bB é"))  # invisible, not a control
