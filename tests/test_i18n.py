import polib

from odoo.tests import TransactionCase, tagged
from odoo.tools import file_path
from odoo.tools.translate import TranslationModuleReader


@tagged("post_install", "-at_install")
class TestTranslationTemplate(TransactionCase):

    def test_every_translatable_term_is_in_the_pot(self):
        """`make pot` was run after the last change of a translatable text."""
        pot = polib.pofile(file_path("stock_serial_tracking/i18n/stock_serial_tracking.pot"))
        in_pot = {entry.msgid for entry in pot}
        reader = TranslationModuleReader(self.env.cr, modules=["stock_serial_tracking"])
        in_code = {row[4] for row in reader if row[0] == "stock_serial_tracking" and row[4]}
        self.assertIn("Next Serial", in_code)  # the reader really read the addon
        self.assertFalse(sorted(in_code - in_pot), "terms missing from the .pot: run make pot")
