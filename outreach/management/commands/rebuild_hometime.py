from django.core.management.base import BaseCommand

from outreach.hometime.services import hometime_rebuild


class Command(BaseCommand):
    help = "Recount when each household, building, lane and group was found home, from the visit log."

    def handle(self, *args, **options):
        rows = hometime_rebuild()
        self.stdout.write(f"Đã đếm lại {rows:,} dòng khung giờ có người ở nhà.".replace(",", "."))
