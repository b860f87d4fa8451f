from django.db import migrations, models


def fill(apps, schema_editor):  # type: ignore[no-untyped-def]
    from gongdao.policy.models import document_digest

    PolicyVersion = apps.get_model("policy", "PolicyVersion")
    for version in PolicyVersion.objects.only("id", "document").iterator():
        PolicyVersion.objects.filter(pk=version.pk).update(sha256=document_digest(version.document))


class Migration(migrations.Migration):
    dependencies = [
        ("policy", "0003_profile_versions"),
    ]

    operations = [
        migrations.AddField(
            model_name="policyversion",
            name="sha256",
            field=models.CharField(default="", editable=False, max_length=64),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
