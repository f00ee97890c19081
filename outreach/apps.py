from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "outreach"
    verbose_name = _("Chiến dịch")

    def ready(self):
        from .rollups import receivers  # noqa: F401 - connects the receivers
        from .sync import signals  # noqa: F401 - connects the receivers
