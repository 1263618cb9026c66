"""Django's ModelBackend, reading the logged-in user of each page through a query compiled once per
connection (core/prepared.py). Authentication, the active check and the permissions are Django's."""

from django.contrib.auth import backends

from core.prepared import Prepared

from .models import User

BY_PK = Prepared(lambda pk: User.objects.filter(pk=pk), sentinel=-987_654_321)


class ModelBackend(backends.ModelBackend):
    def get_user(self, user_id):
        found = BY_PK(user_id)
        return found[0] if found and self.user_can_authenticate(found[0]) else None
