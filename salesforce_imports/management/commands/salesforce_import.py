import threading
import time
import uuid

from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from tqdm import tqdm

from common.models import Org
from common.rls import org_context
from salesforce_imports import services
from salesforce_imports.models import ImportJob, JobStatus


class Command(BaseCommand):
    help = "Import from the org's connected Salesforce, as the Import page does."

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="Org id (UUID)")
        parser.add_argument(
            "--objects",
            default=",".join(services.SELECTABLE_TYPES),
            help=f"Comma-separated, from {','.join(services.SELECTABLE_TYPES)} (default: all)",
        )
        parser.add_argument(
            "--no-custom-fields",
            dest="custom_fields",
            action="store_false",
            help="Leave the objects' custom fields out of this import",
        )
        parser.add_argument(
            "--update-changed",
            action="store_true",
            help="Update records changed in Salesforce since their import (unless changed here too)",
        )
        parser.add_argument(
            "--preview", action="store_true", help="Run the whole import and write nothing to the CRM"
        )
        parser.add_argument("--wait", action="store_true", help="Follow the job with a progress bar")
        parser.add_argument(
            "--inline", action="store_true", help="Run the import in this process instead of a Celery worker"
        )

    def handle(
        self,
        *args,
        org,
        objects,
        wait,
        inline,
        custom_fields=True,
        update_changed=False,
        preview=False,
        **options,
    ):
        try:
            org_obj = Org.objects.get(pk=uuid.UUID(org))
        except (ValueError, Org.DoesNotExist):
            raise CommandError(f"No org with id {org!r}.") from None
        types = [t.strip() for t in objects.split(",") if t.strip()]
        with org_context(org_obj.pk):
            try:
                job = services.start_import(
                    org_obj.pk,
                    types,
                    dispatch=not inline,
                    custom_fields=custom_fields,
                    mode="preview" if preview else "import",
                    update_changed=update_changed,
                )
            except services.ImportRequestError as exc:
                raise CommandError(str(exc)) from None
            self.stdout.write(
                f"Import {job.pk} queued for {org_obj.name}: {', '.join(job.object_types)}"
                + ("" if custom_fields else " (without custom fields)")
            )
            if inline:
                worker = threading.Thread(target=_run_in_thread, args=(job.pk, org_obj.pk), daemon=True)
                worker.start()
            if wait or inline:
                job = self._follow(job)
                self._summary(job)
                if job.status != JobStatus.COMPLETED:
                    raise CommandError(
                        f"The import ended {job.status}: {job.failure_reason or 'see its problems'}"
                    )

    def _follow(self, job: ImportJob) -> ImportJob:
        with tqdm(total=0, unit="rec", desc="Importing", disable=None) as bar:
            while True:
                job.refresh_from_db()
                bar.total = job.total_records
                bar.n = job.imported_count + job.matched_count + job.skipped_count + job.error_count
                bar.set_postfix(errors=job.error_count, status=job.status, refresh=False)
                bar.refresh()
                if not job.is_active:
                    return job
                time.sleep(0.5)

    def _summary(self, job: ImportJob) -> None:
        self.stdout.write(
            f"{job.status}: {job.imported_count} imported, {job.matched_count} matched, "
            f"{job.skipped_count} skipped, {job.error_count} errors, {job.warning_count} warnings "
            f"of {job.total_records}."
        )
        for sobject, entry in job.progress.items():
            self.stdout.write(
                f"  {sobject:14} {entry['status']:11} imported {entry['imported']}, "
                f"matched {entry['matched']}, skipped {entry['skipped']}, "
                f"errors {entry['errors']}, warnings {entry['warnings']}"
            )


def _run_in_thread(job_id, org_id):
    # Threads start with an empty context: set the org again, and close the thread's connection.
    try:
        with org_context(org_id):
            services.run_import(job_id, runner=f"cli/{threading.get_ident()}")
    finally:
        connections.close_all()
