import gongdao.notify.models
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("notify", "0004_notice_public_ids")]

    operations = [
        migrations.AlterField(
            model_name="notification",
            name="public_id",
            field=models.CharField(
                default=gongdao.notify.models.notice_id, editable=False, max_length=12, unique=True
            ),
        ),
    ]
