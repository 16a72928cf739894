"""Checks of the arguments of the addon's public methods, which any RPC client can call.

A wrong type is the client's programming error: it is raised as a UserError naming the
method, the argument, what was expected and what came, never left to fail further down
as an AttributeError or a database error.
"""

import reprlib

from odoo.exceptions import UserError


def _got(value):
    return {"type": type(value).__name__, "value": reprlib.repr(value)}


def check_text(env, method, argument, value):
    """`value` (the argument `argument` of `method`) must be a string."""
    if not isinstance(value, str):
        raise UserError(env._(
            "%(method)s expects a string for %(argument)s, got %(type)s: %(value)s.",
            method=method, argument=argument, **_got(value)))


def check_optional_id(env, method, argument, value):
    """`value` must be a record id (an integer) or False (None, JSON's null, too)."""
    if value is None or value is False:
        return
    if isinstance(value, bool) or not isinstance(value, int):
        raise UserError(env._(
            "%(method)s expects a record id (an integer) or false for %(argument)s, got "
            "%(type)s: %(value)s.", method=method, argument=argument, **_got(value)))


def check_id(env, method, argument, value):
    """`value` must be a record id (an integer; a boolean is none)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise UserError(env._(
            "%(method)s expects a record id (an integer) for %(argument)s, got "
            "%(type)s: %(value)s.", method=method, argument=argument, **_got(value)))


def check_bool(env, method, argument, value):
    """`value` must be true or false."""
    if not isinstance(value, bool):
        raise UserError(env._(
            "%(method)s expects true or false for %(argument)s, got %(type)s: %(value)s.",
            method=method, argument=argument, **_got(value)))
