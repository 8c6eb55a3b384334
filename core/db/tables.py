"""Every table of the schema on one metadata: the core tables (core.db.models) and those
each feature keeps with itself (reviews and coaching, configuration versions, drafts, field
receipts, download grants and login attempts, the training register, the reminders'
contacts and deliveries).

The feature model modules are named here, not imported at the top: each of them imports
core.db.models for its Base, so a static import from this package would tie core.db to
every feature. `all_tables()` imports them when the whole schema is wanted (the
migrations' environment, the schema checks), as Django finds the models of its apps.
"""

from __future__ import annotations

import importlib

from sqlalchemy import MetaData

from core.db.models import Base

FEATURE_MODELS = (
    "core.reviews.models",
    "core.admin.models",
    "core.drafts",
    "core.field.models",
    "core.security.models",
    "core.metrics.kept_models",
    "core.warning.models",
    "core.training.models",
    "core.notify.models",
)


def all_tables() -> MetaData:
    """The metadata holding every table, feature tables included."""
    for module in FEATURE_MODELS:
        importlib.import_module(module)
    return Base.metadata
