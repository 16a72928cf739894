# Run by scripts/test_e2e.sh inside `odoo-bin shell` on the outside-in test database:
# what only the server side can make (users with passwords and API keys), written to the
# JSON file named by E2E_FIXTURE. Everything else the tests make over RPC, as a client.
import json
import os
from datetime import timedelta

from odoo import fields

env = globals()["env"]  # given by odoo-bin shell
company_a = env.ref("base.main_company")
company_b = env["res.company"].create({"name": "E2E Company B"})
stock_user = env.ref("stock.group_stock_user")
users = {}
for login, companies in (("e2e_stock_a", company_a), ("e2e_stock_b", company_b)):
    users[login] = env["res.users"].create({
        "name": login, "login": login, "password": login,
        "company_id": companies[0].id, "company_ids": [(6, 0, companies.ids)],
        "group_ids": [(6, 0, stock_user.ids)]})
admin = env.ref("base.user_admin")
admin.company_ids |= company_b
expiry = fields.Datetime.now() + timedelta(days=1)
keys = {login: env["res.users.apikeys"].with_user(user)._generate(
    scope="rpc", name="outside-in tests", expiration_date=expiry)
    for login, user in [*users.items(), ("admin", admin)]}
# Small enough that a test receipt goes to the background.
env["ir.config_parameter"].set_param(
    "stock_serial_tracking.background_validation_threshold", "100")
env.cr.commit()
with open(os.environ["E2E_FIXTURE"], "w") as fixture:
    refs = {xmlid: env.ref(xmlid).id for xmlid in (
        "stock.picking_type_in", "stock.picking_type_out", "stock.stock_location_suppliers",
        "stock.stock_location_stock", "stock.stock_location_customers")}
    json.dump({"keys": keys, "refs": refs,
               "uids": {login: user.id for login, user in users.items()},
               "admin_uid": admin.id, "company_a": company_a.id, "company_b": company_b.id},
              fixture)
