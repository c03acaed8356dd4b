"""The start page's tests use the applications' factories."""

from tests.applications.conftest import (  # noqa: F401  (fixtures)
    groepelingen,
    huchting,
    make_application,
    make_organisation,
    win,
)
