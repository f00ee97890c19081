from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "outreach"
    verbose_name = _("Chiến dịch")

    def ready(self):
        from .accounts import receivers as _accounts  # noqa: F401 - connects the receivers
        from .audit import receivers as _audit  # noqa: F401 - roster imports, the request origin
        from .rollups import receivers  # noqa: F401 - connects the receivers
        from .sync import signals  # noqa: F401 - connects the receivers
