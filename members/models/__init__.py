"""The members app's models, one module per capability (Django finds them through these imports).

Each capability adds its module here and re-exports its models, so `from members.models import X` works
for every one of them.
"""

from .dues import DuesAccount, DuesBasis, DuesPayment, DuesStandard  # noqa: F401
from .importing import ImportBatch  # noqa: F401
from .member import (  # noqa: F401
    PHONE,
    TEMP_BRANCH_RULE,
    Member,
    MemberQuerySet,
    Placement,
    PlacementQuerySet,
    PlacementReason,
    add_years,
    name_keys,
    pinyin_key,
)
from .mobile import MobilePeriod, MobileReport  # noqa: F401, E402
from .orglife import AbsenceReason, Attendance, ContactMethod, ContactRecord, Meeting, MeetingKind  # noqa: F401
from .transfers import (  # noqa: F401
    IncomingTransfer,
    LetterCounter,
    LetterKind,
    LetterStatus,
    TransferLetter,
)
