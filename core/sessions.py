"""Sessions in the database, as django.contrib.sessions.backends.db keeps them, read through a
query compiled once per connection (core/prepared.py): the session is read on every page."""

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.utils import timezone

from .prepared import Prepared

BY_KEY = Prepared(lambda key: Session.objects.filter(session_key=key), sentinel="\x00session-key")


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        """The unexpired session of this key, or None (and the key forgotten), as Django's own does."""
        found = BY_KEY(self.session_key) if self.session_key else []
        if found and found[0].expire_date > timezone.now():
            return found[0]
        self._session_key = None
        return None
