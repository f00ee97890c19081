"""Django's makemessages, also reading `_l(...)`: modules that need both translations import
gettext as `_` and gettext_lazy as `_l` (outreach/reports/lists.py, outreach/audit/selectors.py),
and xgettext knows only the names Django passes it, so their lazy strings never reached the
catalog. tests/test_locale.py checks every alias the code imports against the catalog."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=_l"]
