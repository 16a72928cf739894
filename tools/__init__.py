"""Pure serial-number logic: no Odoo import, unit-tested without a database."""
