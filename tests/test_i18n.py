import re

import polib
from lxml import etree

from odoo.exceptions import UserError
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
        is_demo = self.demo_record_test()
        in_code = {row[4] for row in reader
                   if row[0] == "stock_serial_tracking" and row[4] and not is_demo(row[3])}
        self.assertIn("Next Serial", in_code)  # the reader really read the addon
        self.assertFalse(sorted(in_code - in_pot), "terms missing from the .pot: run make pot")

    def demo_record_test(self):
        """A predicate on xmlids: is it a demo record's? Names of demo records (in a database
        with demo data, as OCA's CI uses) are not the addon's texts: the .pot, exported
        without demo data, leaves them out. Odoo derives more xmlids from a demo record's
        (a product's template: <id>_product_template)."""
        manifest = self.env["ir.module.module"].get_module_info("stock_serial_tracking")
        prefixes = tuple(
            f"stock_serial_tracking.{record.get('id')}"
            for path in manifest["demo"]
            for record in etree.parse(file_path(f"stock_serial_tracking/{path}")).iter("record"))
        return lambda xmlid: str(xmlid).startswith(prefixes)

    def test_french_translation_is_complete_and_keeps_placeholders(self):
        pot = polib.pofile(file_path("stock_serial_tracking/i18n/stock_serial_tracking.pot"))
        french = {entry.msgid: entry.msgstr
                  for entry in polib.pofile(file_path("stock_serial_tracking/i18n/fr.po"))}
        placeholder = re.compile(r"%\(\w+\)s|%s")
        for entry in pot:
            with self.subTest(msgid=entry.msgid):
                self.assertTrue(french.get(entry.msgid), "untranslated")
                self.assertEqual(sorted(placeholder.findall(entry.msgid)),
                                 sorted(placeholder.findall(french[entry.msgid])))

    def test_messages_reach_users_in_french(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["stock_serial_tracking"], ["fr_FR"])
        product = self.env["product.product"].create(
            {"name": "Portable", "is_storable": True, "tracking": "serial"})
        self.env["stock.lot"].create({"name": "FR-1", "product_id": product.id})
        with self.assertRaisesRegex(UserError, "ne peut plus être modifié : il a déjà 1 numéro"):
            product.with_context(lang="fr_FR").tracking = "none"

    def test_parser_messages_reach_users_in_french(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["stock_serial_tracking"], ["fr_FR"])
        product = self.env["product.product"].create(
            {"name": "Portable", "is_storable": True, "tracking": "serial"})
        receipt = self.env["stock.picking"].create({
            "picking_type_id": self.env.ref("stock.picking_type_in").id,
            "move_ids": [(0, 0, {"product_id": product.id, "product_uom_qty": 3})],
        })
        receipt.action_confirm()
        french_user = self.env["res.users"].create({
            "name": "Utilisateur", "login": "utilisateur_fr", "lang": "fr_FR",
            "group_ids": [(6, 0, [self.env.ref("stock.group_stock_user").id])]})
        with self.assertRaises(UserError) as caught:
            receipt.move_ids.with_user(french_user).with_context(
                lang=french_user.lang).set_serials_from_text("A\nB\nA")
        message = str(caught.exception)
        self.assertIn("A est saisi deux fois : ligne 1 et ligne 3", message)
        self.assertNotIn("entered twice", message)
