"""Deterministic synthetic demo city (Jiangmen-like) for `shian demo`, tests and benchmarks."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    name = "shian.demo"
    label = "demo"
    verbose_name = _("Demo city")
