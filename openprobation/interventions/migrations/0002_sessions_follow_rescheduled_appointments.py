"""Sessions whose appointment was rescheduled before sessions followed their appointments.

Until then, rescheduling a session's appointment from the case's Appointments page left the session on the
closed appointment, so the provider could not record feedback on it. Each such session (with no feedback yet)
now points at the last appointment of its chain; the closed ones keep the history, as they do after a
reschedule today.
"""

from django.db import migrations


def follow_rescheduled_appointments(apps, schema_editor):
    Session = apps.get_model("interventions", "Session")
    Contact = apps.get_model("supervision", "Contact")
    stuck = Session.objects.filter(contact__rescheduled_to__isnull=False, happened__isnull=True)
    for session in stuck.only("pk", "contact_id").iterator():
        at, seen = session.contact_id, set()
        while at not in seen:
            seen.add(at)
            following = Contact.objects.filter(pk=at).values_list("rescheduled_to_id", flat=True).first()
            if following is None:
                break
            at = following
        if at != session.contact_id and not Session.objects.filter(contact_id=at).exists():
            Session.objects.filter(pk=session.pk).update(contact_id=at)


class Migration(migrations.Migration):
    dependencies = [
        ("interventions", "0001_initial"),
        ("supervision", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(follow_rescheduled_appointments, migrations.RunPython.noop),
    ]
