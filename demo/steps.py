"""The demo's steps: each capability registers the step that fills its part of the demo county.

    from demo import steps

    @steps.step(40, "党员决定")
    def decisions(ctx): ...

`seed_demo` runs the registered steps in order, inside one transaction, with one shared Context.
demo/ registers the foundation's steps (demo/apps.py); an app of a later capability registers its
own in a module `demo_steps.py`, which DemoConfig.ready imports (the app imports demo, never the
other way round; core and branches import nothing of demo).
"""

import datetime
import random
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Step:
    order: int
    name: str
    fn: object


_steps = {}


def register(order, name, fn):
    """Register `fn(ctx)` to run at `order` (smaller first). A name registers once: registering it
    again replaces the step (a module imported twice does not run its step twice)."""
    _steps[name] = Step(order, name, fn)
    return fn


def step(order, name):
    """Decorator form of register()."""
    return lambda fn: register(order, name, fn)


def unregister(name):
    _steps.pop(name, None)


def registered():
    """The steps in the order they run (by order, then by name)."""
    return sorted(_steps.values(), key=lambda s: (s.order, s.name))


@dataclass
class Context:
    """What the steps share. Steps add what later steps need."""

    rng: random.Random
    today: datetime.date
    county_name: str
    total_members: int
    builder: object = None  # demo.people.CountyBuilder, set by the branches step
    orgs: list = field(default_factory=list)  # every organization, parents before children
    orgs_by_name: dict = field(default_factory=dict)
    members_by_branch: dict = field(default_factory=dict)  # branch name -> [Member], as created
    users: dict = field(default_factory=dict)  # username -> User (demo logins created now)
    skipped_users: list = field(default_factory=list)  # demo usernames that already existed
    notes: list = field(default_factory=list)  # lines for the command's summary

    def org(self, name):
        """An organization by the name the demo gives it ("" = the county committee)."""
        return self.orgs_by_name[name or f"{self.county_name}委"]


def run(ctx, only=None):
    """Run every registered step (or those named in `only`) in order; returns the names run."""
    done = []
    for s in registered():
        if only is None or s.name in only:
            s.fn(ctx)
            done.append(s.name)
    return done
