from django.core.management.base import BaseCommand, CommandError

from outreach.models import Campaign
from outreach.visits.projection import projection_rebuild
from outreach.rollups.services import rollups_rebuild


class Command(BaseCommand):
    help = "Recompute households' and residents' status and the rollups from the visit log."

    def add_arguments(self, parser):
        parser.add_argument("--campaign", type=int, help="campaign id (default: every active campaign)")

    def handle(self, *args, campaign=None, **options):
        campaigns = Campaign.objects.filter(id=campaign) if campaign else Campaign.objects.filter(is_active=True)
        if campaign and not campaigns.exists():
            raise CommandError(f"Không có chiến dịch số {campaign}.")
        for c in campaigns:
            projection_rebuild(campaign=c)
            rollups_rebuild(campaign=c)
            self.stdout.write(f"Đã tính lại chiến dịch “{c.name}”.")
