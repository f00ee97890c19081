"""Celery tasks of the registry: a large roster's check and import run on a worker, while
the page shows their progress (households/upload_services.py does the work)."""

from celery import shared_task

from .upload_services import upload_check, upload_confirm
from .uploads import RosterUpload


@shared_task(name="households.roster_check")
def roster_check_task(upload_id: str) -> str:
    upload = RosterUpload.objects.filter(pk=upload_id, status=RosterUpload.Status.CHECKING).first()
    return upload_check(upload).status if upload else "gone"


@shared_task(name="households.roster_import")
def roster_import_task(upload_id: str) -> str:
    upload = RosterUpload.objects.filter(pk=upload_id).first()
    return upload_confirm(upload).status if upload else "gone"
