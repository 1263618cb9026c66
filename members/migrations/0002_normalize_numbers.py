"""Put the ID and phone numbers already stored into their one form (ASCII digits, no spaces or
dashes, upper-case X). A record whose normalized ID would clash with another on-roll member keeps
its stored value, for a person to resolve: the migration cannot know which record is right."""

from django.db import migrations

from core.validators import normalize_number, normalize_phone


def normalize(apps, schema_editor):
    Member = apps.get_model("members", "Member")
    on_roll = set(
        Member.objects.filter(roll_state="on_roll").values_list("id_number", flat=True)
    )
    for m in Member.objects.only("pk", "id_number", "phone", "roll_state").iterator():
        id_number, phone = normalize_number(m.id_number), normalize_phone(m.phone)
        if id_number != m.id_number and m.roll_state == "on_roll" and id_number in on_roll:
            id_number = m.id_number
        if (id_number, phone) != (m.id_number, m.phone):
            Member.objects.filter(pk=m.pk).update(id_number=id_number[:18], phone=phone[:20])
            if m.roll_state == "on_roll":
                on_roll.add(id_number)


class Migration(migrations.Migration):
    dependencies = [("members", "0001_initial")]
    operations = [migrations.RunPython(normalize, migrations.RunPython.noop)]
