"""Every model module, imported so that the metadata (and Alembic) sees all tables."""

from goi.accounts import models as accounts_models  # noqa: F401
from goi.alerts import models as alerts_models  # noqa: F401
from goi.api import models as api_models  # noqa: F401
from goi.challenges import models as challenges_models  # noqa: F401
from goi.core import audit, mail  # noqa: F401
from goi.matching import models as matching_models  # noqa: F401
from goi.notify import models as notify_models  # noqa: F401
from goi.orgs import models as orgs_models  # noqa: F401
from goi.proposals import models as proposals_models  # noqa: F401
from goi.reviews import models as reviews_models  # noqa: F401
from goi.search import models as search_models  # noqa: F401
from goi.site import models as site_models  # noqa: F401
