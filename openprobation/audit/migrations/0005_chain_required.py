from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0004_chain_existing_events"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="seq",
            field=models.BigIntegerField(unique=True, verbose_name="position in the chain"),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(help_text="SHA-256 of the previous hash and this row.", max_length=64),
        ),
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.CheckConstraint(condition=models.Q(seq__gte=1), name="audit_event_seq_positive"),
        ),
    ]
