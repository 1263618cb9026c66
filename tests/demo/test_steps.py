"""The demo's step registry: the foundation's steps in their order, and a capability's new step
runs inside seed_demo with the shared context."""

import io

import pytest
from django.core.management import call_command

from demo import steps


def test_foundation_steps_run_in_order():
    names = [s.name for s in steps.registered()]
    assert names[:6] == ["党组织和班子", "党员和组织关系", "账号和授权", "日常变更", "党员决定", "转正决定"]
    assert [s.order for s in steps.registered()] == sorted(s.order for s in steps.registered())


def test_run_calls_steps_by_order_not_by_registration(monkeypatch):
    monkeypatch.setattr(steps, "_steps", {})
    calls = []
    steps.register(20, "second", lambda ctx: calls.append(("second", ctx)))
    steps.register(10, "first", lambda ctx: calls.append(("first", ctx)))
    steps.register(10, "first", lambda ctx: calls.append(("first again", ctx)))  # replaces, not adds
    ctx = object()
    assert steps.run(ctx) == ["first", "second"]
    assert calls == [("first again", ctx), ("second", ctx)]


@pytest.mark.django_db
def test_a_new_step_runs_after_the_foundation_with_its_context(monkeypatch):
    seen = {}

    def ratings(ctx):
        from members.models import Member

        seen["members"] = Member.objects.count()
        seen["users"] = sorted(ctx.users)
        seen["branch"] = ctx.org("城关镇红旗村党支部").name
        ctx.notes.append("评星定级演示数据：已生成")

    monkeypatch.setitem(steps._steps, "评星定级", steps.Step(90, "评星定级", ratings))
    out = io.StringIO()
    call_command("seed_demo", members=200, stdout=out)
    assert seen["members"] == 200
    assert "secretary" in seen["users"] and "cadre" in seen["users"]
    assert seen["branch"] == "城关镇红旗村党支部"
    assert "评星定级演示数据：已生成" in out.getvalue()
