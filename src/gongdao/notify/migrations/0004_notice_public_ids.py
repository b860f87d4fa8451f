"""Give each existing notice its own public id (the recipe for adding a unique field)."""

from django.db import migrations


def give_public_ids(apps, schema_editor):
    from gongdao.notify.models import notice_id

    Notification = apps.get_model("notify", "Notification")
    for notice in Notification.objects.filter(public_id__isnull=True).only("id").iterator():
        Notification.objects.filter(id=notice.id).update(public_id=notice_id())


class Migration(migrations.Migration):
    dependencies = [("notify", "0003_notices_emails_reminders")]

    operations = [migrations.RunPython(give_public_ids, migrations.RunPython.noop)]
