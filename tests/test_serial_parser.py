from odoo.tests import BaseCase, tagged

from ..tools.gs1 import FNC1, gs1_payload, is_empty_scan
from ..tools.serial_parser import (
    DUPLICATE,
    ERROR,
    LITERAL,
    SPAN,
    compile_serial_pattern,
    format_serials,
    parse_serials,
)
from ..tools.serial_text import SerialMessage, SerialTextError
from .common import require_module


@tagged("post_install", "-at_install")
class TestSerialParser(BaseCase):
    """The parser is plain Python: these tests need no database."""

    def test_every_separator(self):
        text = "A1, A2;A3\nA4\r\nA5\rA6\tA7 ;; ,\n\n  A8  "
        self.assertEqual(parse_serials(text).serials, [f"A{n}" for n in range(1, 9)])

    def test_spreadsheet_block(self):
        block = "SN1\tSN2\tSN3\r\nSN4\tSN5\tSN6\r\n"
        result = parse_serials(block)
        self.assertEqual(result.serials, ["SN1", "SN2", "SN3", "SN4", "SN5", "SN6"])
        self.assertEqual([(t.line, t.column) for t in result.tokens][3:], [(2, 1), (2, 5), (2, 9)])

    def test_positions_are_reported(self):
        tokens = parse_serials("X1,  X2\n  X3").tokens
        self.assertEqual([(t.text, t.line, t.column) for t in tokens],
                         [("X1", 1, 1), ("X2", 1, 6), ("X3", 2, 3)])

    def test_spans(self):
        self.assertEqual(len(parse_serials("1000-1234").serials), 235)
        self.assertEqual(parse_serials("SN0098-SN0102").serials,
                         ["SN0098", "SN0099", "SN0100", "SN0101", "SN0102"])
        self.assertEqual(parse_serials("0098-0102").serials,
                         ["0098", "0099", "0100", "0101", "0102"])
        self.assertEqual(parse_serials("1-100").serials, [str(n) for n in range(1, 101)])
        self.assertEqual(parse_serials("A-1-A-3").serials, ["A-1", "A-2", "A-3"])
        self.assertEqual(parse_serials("9-11X-9-12X").serials, ["9-11X", "9-12X"])
        report = parse_serials("1000-1004").tokens[0]
        self.assertEqual(report.kind, SPAN)
        self.assertEqual(report.describe(), SerialMessage(
            "span", {"count": 5, "first": "1000", "last": "1004"}))

    def test_hyphenated_literals(self):
        for text in ("AB-1234", "SN1-AB5", "12-0034", "-5", "5-"):
            with self.subTest(text=text):
                result = parse_serials(text)
                self.assertEqual(result.serials, [text])
                self.assertEqual(result.tokens[0].kind, LITERAL)

    def test_span_with_the_end_number_only(self):
        """SN-1000-1009 is a span; SN-19074-076, a serial numbered within a batch, is not."""
        result = parse_serials("SN-1000-1009")
        self.assertEqual(result.serials, [f"SN-{n}" for n in range(1000, 1010)])
        self.assertEqual(result.tokens[0].warnings, (SerialMessage("short_span", {
            "serial": "SN-1000-1009", "first": "SN-1000", "last": "SN-1009"}),))
        batch = "\n".join(f"Phone-19074-{n:03d}" for n in range(100))
        result = parse_serials(batch)
        self.assertEqual(result.serials, batch.split("\n"))
        self.assertFalse(result.errors)
        self.assertEqual(result.tokens[76].warnings, (SerialMessage("short_span_kept", {
            "serial": "Phone-19074-076", "first": "Phone-19074", "last": "Phone-19076"}),))

    def test_decreasing_pair_is_one_serial_with_a_warning(self):
        for text in ("1234-1000", "2024-0001"):
            with self.subTest(text=text):
                result = parse_serials(text)
                self.assertEqual(result.serials, [text])
                self.assertEqual(result.tokens[0].warnings, (SerialMessage("span_decreasing"),))

    def test_span_switch_off(self):
        result = parse_serials("1000-1004", spans=False)
        self.assertEqual(result.serials, ["1000-1004"])
        self.assertFalse(result.tokens[0].warnings)

    def test_limits_are_checked_before_expanding(self):
        result = parse_serials("1-100000000", max_serials=1000)
        self.assertEqual(result.serials, [])
        self.assertEqual(result.tokens[0].kind, ERROR)
        self.assertEqual(result.tokens[0].message, SerialMessage(
            "span_over_limit", {"count": 100000000, "limit": 1000}))
        result = parse_serials("1-5, A, B", max_serials=6)
        self.assertEqual(result.serials, ["1", "2", "3", "4", "5", "A"])
        self.assertEqual(result.tokens[2].kind, ERROR)
        self.assertEqual(result.tokens[2].message, SerialMessage("over_limit", {"limit": 6}))

    def test_bad_tokens_name_the_token_and_position(self):
        text = "OK1\nBAD\x00X, " + "Z" * 65
        result = parse_serials(text)
        self.assertEqual(result.serials, ["OK1"])
        kinds = [(t.kind, t.line, t.column) for t in result.tokens]
        self.assertEqual(kinds, [(LITERAL, 1, 1), (ERROR, 2, 1), (ERROR, 2, 8)])
        self.assertEqual(result.tokens[1].where, SerialMessage("where", {"line": 2, "column": 1}))
        self.assertEqual(result.errors, result.tokens[1:])
        self.assertEqual(result.tokens[1].message,
                         SerialMessage("control_character", {"code_point": "U+0000"}))
        self.assertEqual(result.tokens[2].message, SerialMessage("too_long", {"limit": 64}))

    def test_empty_input_and_only_separators(self):
        for text in ("", "  ", ",;\n\t,", None):
            with self.subTest(text=text):
                result = parse_serials(text)
                self.assertEqual((result.tokens, result.serials), ([], []))

    def test_duplicates_are_errors_naming_both_places(self):
        result = parse_serials("A1, A2\nA1, 1-3, 2")
        self.assertEqual(result.serials, ["A1", "A2", "1", "2", "3"])
        duplicates = [t for t in result.tokens if t.kind == DUPLICATE]
        self.assertEqual(len(duplicates), 2)
        self.assertEqual(duplicates[0].message, SerialMessage(
            "duplicate", {"serial": "A1", "first": SerialMessage("line", {"line": 1}),
                          "again": SerialMessage("line", {"line": 2})}))
        self.assertEqual(duplicates[1].message, SerialMessage(
            "duplicate", {"serial": "2", "first": SerialMessage("where", {"line": 2, "column": 5}),
                          "again": SerialMessage("where", {"line": 2, "column": 10})}))

    def test_lookalikes_are_warned(self):
        result = parse_serials("1l1, 1O0, I23, PRO-1234, 111")
        warned = {t.text: t.warnings for t in result.tokens if t.warnings}
        self.assertEqual(set(warned), {"1l1", "1O0", "I23"})
        self.assertEqual(warned["1l1"][0], SerialMessage("lookalike", {
            "reading": "111",
            "letters": (SerialMessage("lookalike_letter", {"letter": "l", "position": 2}),)}))
        self.assertEqual(warned["1O0"][0].params["reading"], "100")

    def test_full_width_digits_are_normalised(self):
        self.assertEqual(parse_serials("ＳＮ１２, ＳＮ１-ＳＮ３").serials,
                         ["SN12", "SN1", "SN2", "SN3"])

    def test_other_unicode_look_alikes_are_warned(self):
        result = parse_serials("SN-1О0, 📦-7, SN-100")  # a Cyrillic О; an emoji
        warnings = [token.warnings for token in result.tokens]
        self.assertIn("'О' (U+041E)", warnings[0][0].params["characters"])
        self.assertIn("(U+1F4E6)", warnings[1][0].params["characters"])
        self.assertEqual(warnings[2], ())
        self.assertEqual(len(result.serials), 3, "a warning, not an error")

    def test_markup_is_kept_as_text(self):
        result = parse_serials("<script>alert(1)</script>")
        self.assertEqual(result.serials, ["<script>alert(1)</script>"])

    def test_quoted_spreadsheet_cell(self):
        self.assertEqual(parse_serials('"SN 1"\t"SN2"').serials, ["SN 1", "SN2"])

    def test_serial_pattern(self):
        mask = compile_serial_pattern("SN-#####")
        result = parse_serials("SN-00001, SN-1, SN-00002-SN-00003", pattern=mask)
        self.assertEqual(result.serials, ["SN-00001", "SN-00002", "SN-00003"])
        self.assertEqual(result.tokens[1].message,
                         SerialMessage("pattern_mismatch", {"serial": "SN-1"}))
        regex = compile_serial_pattern(r"/[A-Z]{2}\d+/")
        self.assertEqual(parse_serials("AB1, ab1", pattern=regex).serials, ["AB1"])
        self.assertIsNone(compile_serial_pattern("  "))
        with self.assertRaises(SerialTextError) as caught:
            compile_serial_pattern("/[A-/")
        self.assertEqual(caught.exception.message.code, "invalid_pattern")

    def test_gs1_payload_only_when_the_scan_says_so(self):
        self.assertIsNone(gs1_payload("21ABC"))
        self.assertIsNone(gs1_payload("0104012345000010"))
        self.assertEqual(gs1_payload("]d20104012345000010"), "]d20104012345000010")
        self.assertEqual(gs1_payload("(01)04012345000010(21)SN-7"),
                         f"0104012345000010{FNC1}21SN-7")

    def test_gs1_payload_keeps_what_says_gs1(self):
        # A leading FNC1 is what marks the raw form: white space goes, FNC1 stays.
        self.assertEqual(gs1_payload(f" {FNC1}010401234500001621SN-7\n"),
                         f"{FNC1}010401234500001621SN-7")
        # An empty value is a GS1 barcode without it (for Odoo's rules to read), not a
        # plain serial.
        self.assertEqual(gs1_payload("(01)04012345000010(21)"), f"0104012345000010{FNC1}21")
        self.assertEqual(gs1_payload("(21)"), "21")

    def test_empty_scans(self):
        for scan in ("", "   ", FNC1, f" {FNC1}{FNC1} ", "]C1", " ]d2", f"]C1{FNC1}"):
            with self.subTest(scan=scan):
                self.assertTrue(is_empty_scan(scan))
        for scan in ("A", "]C10104012345000010", f"{FNC1}21", "(21)", "]C"):
            with self.subTest(scan=scan):
                self.assertFalse(is_empty_scan(scan))


@tagged("post_install", "-at_install")
class TestSerialParserProperties(BaseCase):
    """Properties that hold for any text, checked on random ones by hypothesis (an optional
    test library: these tests skip without it)."""

    def setUp(self):
        super().setUp()
        self.hypothesis = require_module(self, "hypothesis")
        st = self.st = require_module(self, "hypothesis.strategies")
        serial_chars = st.sampled_from("0123456789ABCXYZabclIOo-_/ .#ＳＮ１２")
        self.text = st.text(
            alphabet=st.one_of(serial_chars, st.sampled_from(",;\t\r\n"), st.characters()),
            max_size=200)

    def test_never_raises_and_respects_the_cap(self):
        hypothesis, st = self.hypothesis, self.st

        @hypothesis.settings(max_examples=300, deadline=None,
                             suppress_health_check=[hypothesis.HealthCheck.too_slow])
        @hypothesis.given(text=self.text, spans=st.booleans(),
                          cap=st.integers(min_value=1, max_value=50))
        def check(text, spans, cap):
            result = parse_serials(text, spans=spans, max_serials=cap)
            self.assertLessEqual(len(result.serials), cap)
            self.assertEqual(len(result.serials), len(set(result.serials)))
            # Every token is accounted for: a serial (or span of them), or a reason it is not.
            for token in result.tokens:
                self.assertTrue(token.serials or token.message)
            self.assertEqual(len(result.serials), sum(
                len(token.serials) for token in result.tokens if token.kind in (LITERAL, SPAN)))

        check()

    def test_parsing_the_printed_result_gives_the_same_serials(self):
        hypothesis = self.hypothesis

        @hypothesis.settings(max_examples=300, deadline=None)
        @hypothesis.given(text=self.text, spans=self.st.booleans())
        def check(text, spans):
            serials = parse_serials(text, spans=spans).serials
            self.assertEqual(parse_serials(format_serials(serials), spans=spans).serials,
                             serials)

        check()
