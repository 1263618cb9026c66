"""The two criteria sets the plan's annexes call for (附件2、附件3 are missing from the source: these
are starting texts for the county to edit in 评星标准), applying from 2020 Q1."""

from django.db import migrations

IN_POST = {
    "study": "认真学习党的理论和路线方针政策，按时参加“三会一课”和支部主题党日，完成学习任务，学习笔记完整。",
    "service": "主动联系服务群众，热心为群众办实事、解难题，群众有意见及时反映和回应，群众评价好。",
    "dedication": "立足岗位，履职尽责，按时保质完成本职工作和组织交办的任务，工作无差错。",
    "innovation": "实事求是，勇于创新，在本职工作中提出改进办法或取得新成效。",
    "integrity": "遵守党的纪律和廉洁自律规定，秉公办事，不谋私利，本季度无违纪违法行为。",
}
RETIRED = {
    "study": "通过集中学习、送学上门或“学习强国”等方式经常学习，参加支部组织生活。",
    "service": "在邻里、村（社区）中宣传党的政策，参与志愿服务，帮助身边有困难的群众。",
    "dedication": "关心支持村（社区）和单位发展，在力所能及范围内完成支部安排的任务，按时交纳党费。",
    "innovation": "为村（社区）发展和支部建设建言献策，带头移风易俗，传承好家风。",
    "integrity": "遵纪守法，严守党的纪律，不参与封建迷信和非法活动，家风正、口碑好。",
}


def create(apps, schema_editor):
    CriteriaSet = apps.get_model("ratings", "CriteriaSet")
    Criterion = apps.get_model("ratings", "Criterion")
    for audience, name, texts in (("in_post", "在职党员评星标准", IN_POST),
                                  ("retired", "离退休、农村及年老体弱党员评星标准", RETIRED)):
        s, _ = CriteriaSet.objects.get_or_create(audience=audience, from_year=2020, from_quarter=1,
                                                 defaults={"name": name})
        for star, text in texts.items():
            Criterion.objects.get_or_create(criteria_set=s, star=star, defaults={"text": text})


class Migration(migrations.Migration):
    dependencies = [("ratings", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
