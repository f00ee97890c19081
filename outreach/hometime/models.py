"""Visit outcomes counted per place and window of the week: the whole state the estimate
needs (estimate.py). Derived from the visit log — `services.hometime_rebuild` recounts it
from scratch and must agree with what the pushes added up."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class HomeWindowCount(models.Model):
    # "h<household id>", "b…" a building, "l…" a lane or street, "g<area id>" a residential
    # group (estimate.level_keys). A string key, not foreign keys: a lane or building is not
    # a row anywhere, and a count never needs a join to be read.
    key = models.CharField(_("nơi"), max_length=200)
    time_window = models.PositiveSmallIntegerField(_("khung giờ"))  # windows.py: 0–11
    home = models.PositiveIntegerField(_("lần có người ở nhà"), default=0)
    visits = models.PositiveIntegerField(_("lần đến"), default=0)
    # Distinct households that gave a place's counts in this window (1 for a household's own
    # row): a place is used only when enough did (estimate.MIN_HOUSEHOLDS).
    households = models.PositiveIntegerField(_("số hộ"), default=0)

    class Meta:
        verbose_name = _("số lần có người ở nhà theo khung giờ")
        verbose_name_plural = _("số lần có người ở nhà theo khung giờ")
        constraints = [models.UniqueConstraint(fields=["key", "time_window"], name="home_window_count_unique")]

    def __str__(self):
        return f"{self.key} · {self.time_window}: {self.home}/{self.visits}"
