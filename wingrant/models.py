"""Imports every feature's models so that the metadata (and Alembic) sees them all."""

from .api.models import *  # noqa: F401,F403
from .applications.models import *  # noqa: F401,F403
from .audit.models import *  # noqa: F401,F403
from .auth.models import *  # noqa: F401,F403
from .concerns.models import *  # noqa: F401,F403
from .core.models import *  # noqa: F401,F403
from .core.public_version import PublicDataVersion  # noqa: F401
from .funding.models import *  # noqa: F401,F403
from .ledger.models import *  # noqa: F401,F403
from .mail.models import *  # noqa: F401,F403
from .meetings.models import *  # noqa: F401,F403
from .minutes.models import *  # noqa: F401,F403
from .neighbourhoods.models import *  # noqa: F401,F403
from .organisations.models import *  # noqa: F401,F403
from .subscriptions.models import *  # noqa: F401,F403
