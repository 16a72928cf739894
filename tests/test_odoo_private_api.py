"""The private names of Odoo listed in models/odoo_private_api.py still exist, as the addon
uses them: an Odoo update that renames or reshapes one fails here, naming it."""

import importlib
import inspect
import re

from odoo import fields
from odoo.tests import TransactionCase, tagged

from ..models import odoo_private_api as private_api

OURS = "odoo.addons.stock_serial_tracking."


def odoo_definition(model_class, name):
    """The nearest definition of `name` in `model_class`'s MRO that is not the addon's."""
    return next((klass for klass in model_class.__mro__
                 if name in vars(klass) and not klass.__module__.startswith(OURS)
                 and klass.__module__.startswith("odoo.")), None)


def parameters(function):
    """The parameters as written, without annotations: (self, lot=None)."""
    signature = inspect.signature(function)
    plain = signature.replace(
        parameters=[parameter.replace(annotation=inspect.Parameter.empty)
                    for parameter in signature.parameters.values()],
        return_annotation=inspect.Signature.empty)
    return str(plain)


@tagged("post_install", "-at_install")
class TestOdooPrivateApi(TransactionCase):

    def test_overridden_methods_exist_with_the_same_parameters(self):
        for (model, name), expected in private_api.OVERRIDDEN_METHODS.items():
            with self.subTest(model=model, name=name):
                model_class = type(self.env[model])
                odoo_class = odoo_definition(model_class, name)
                self.assertIsNotNone(odoo_class, f"Odoo no longer defines {model}.{name}: "
                                     "the addon's override of it is dead code")
                self.assertEqual(parameters(vars(odoo_class)[name]), expected,
                                 f"Odoo changed the parameters of {model}.{name}")

    def test_every_override_is_listed(self):
        found = set()
        for model in self.env.registry:
            model_class = type(self.env[model])
            for klass in model_class.__mro__:
                if not klass.__module__.startswith(OURS):
                    continue
                found.update(
                    (model, name) for name, member in vars(klass).items()
                    if re.match(r"_[a-z]", name) and callable(member)
                    and odoo_definition(model_class, name))
        self.assertEqual(found - set(private_api.OVERRIDDEN_METHODS), set(),
                         "private Odoo methods overridden but not listed in "
                         "models/odoo_private_api.py")

    def test_called_names_exist(self):
        for model, names in private_api.CALLED_ON_MODELS.items():
            for name in names:
                with self.subTest(model=model, name=name):
                    self.assertTrue(hasattr(type(self.env[model]), name),
                                    f"Odoo no longer has {model}.{name}")
        for field_class, names in private_api.FIELD_METHODS.items():
            for name in names:
                with self.subTest(field_class=field_class, name=name):
                    self.assertTrue(hasattr(getattr(fields, field_class), name),
                                    f"Odoo no longer has fields.{field_class}.{name}")
        for module, names in private_api.ORM_MODULE_NAMES.items():
            for name in names:
                with self.subTest(module=module, name=name):
                    self.assertTrue(hasattr(importlib.import_module(module), name),
                                    f"Odoo no longer has {module}.{name}")
        for name in private_api.TRANSACTION_ATTRIBUTES:
            with self.subTest(name=name):
                self.assertTrue(hasattr(self.env.transaction, name),
                                f"Odoo no longer has Transaction.{name}")
        for name in private_api.ENVIRONMENT_METHODS:
            with self.subTest(name=name):
                self.assertTrue(hasattr(self.env, name), f"Odoo no longer has Environment.{name}")
