"""Scoping by organization subtree (the NetBox `restrict()` habit).

Every organization carries a materialized path ("0001.0004.0012."). A user holds a role on one
organization; it sees that organization and everything whose path starts with its path. A model
that belongs to an organization joins the scheme by using `ScopedQuerySet` and naming the lookup to
its organization's path in `scope_path_lookup`.

core knows no domain app: it reads `user.scope_path` (defined by the user model) and nothing else.
"""

from django.db import models

ALL = ""  # the scope path of a user who sees the whole county


def scope_path(user):
    """The path prefix a user may see: "" for the whole county, None for nothing."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    return getattr(user, "scope_path", None)


class ScopedQuerySet(models.QuerySet):
    scope_path_lookup = "path"

    def visible_to(self, user):
        path = scope_path(user)
        if path is None:
            return self.none()
        if path == ALL:
            return self
        return self.filter(**{f"{self.scope_path_lookup}__startswith": path})


def scoped_manager(lookup):
    """A manager whose queryset is scoped through `lookup` (e.g. "organization__path")."""
    qs_class = type("ScopedQuerySet", (ScopedQuerySet,), {"scope_path_lookup": lookup})
    return qs_class.as_manager()
