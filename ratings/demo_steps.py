"""Demo steps of the ratings app (demo/steps.py)."""

from . import demo_followup  # noqa: F401  (registers "星级评定后续")
