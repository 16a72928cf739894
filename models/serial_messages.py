"""The user's words for what the serial tools (tools/, without Odoo) report as codes."""

from odoo.tools.translate import LazyTranslate

from ..tools.serial_text import SerialMessage

_lt = LazyTranslate(__name__)

TEMPLATES = {
    "empty": _lt("the serial is empty"),
    "too_long": _lt("the serial is longer than %(limit)s characters"),
    "control_character": _lt("the serial contains the control character %(code_point)s"),
    "invisible_character": _lt("the serial contains the invisible character %(code_point)s"),
    "surrounding_space": _lt("the serial starts or ends with white space"),
    "span_over_limit": _lt(
        "the span holds %(count)s serials; with the others that is more than the limit "
        "of %(limit)s"),
    "over_limit": _lt("more than the limit of %(limit)s serials"),
    "pattern_mismatch": _lt("%(serial)r does not match the product's serial pattern"),
    "duplicate": _lt("%(serial)s is entered twice: on %(first)s and on %(again)s"),
    "short_span": _lt(
        "read as the span %(first)s … %(last)s; to keep %(serial)s as one serial, turn off "
        "Treat A-B as a span"),
    "short_span_kept": _lt(
        "kept as one serial; for the span %(first)s … %(last)s, write %(first)s-%(last)s"),
    "pattern_span_kept": _lt(
        "kept as one serial, as the product's serial pattern asks; write %(first)s-%(last)s "
        "for the span"),
    "span_decreasing": _lt("read as one serial; a span must increase"),
    "non_ascii": _lt("contains non-ASCII characters: %(characters)s"),
    "lookalike": _lt("looks like %(reading)s: %(letters)s"),
    "lookalike_letter": _lt("letter %(letter)r at position %(position)s"),
    "span": _lt("span of %(count)s serials (%(first)s … %(last)s)"),
    "serial": _lt("serial"),
    "where": _lt("line %(line)s, column %(column)s"),
    "line": _lt("line %(line)s"),
    "next_serial_invalid": _lt("Next Serial %(serial)r: %(problem)s."),
    "next_serial_no_number": _lt(
        "Next Serial %(serial)r has no number to count from; end it with digits, "
        "e.g. SN-00001."),
    "invalid_pattern": _lt(
        "The serial pattern %(pattern)s is not a valid regular expression: %(error)s"),
}


def serial_text(env, message):
    """`message` (a SerialMessage, a tuple of them, or a plain value) in the user's language."""
    if isinstance(message, SerialMessage):
        params = {key: serial_text(env, value) for key, value in message.params.items()}
        return env._(TEMPLATES[message.code]) % params
    if isinstance(message, tuple):
        return ", ".join(serial_text(env, part) for part in message)
    return message
