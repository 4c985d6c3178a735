"""The REST API under /api/v1/: one NinjaAPI, token authentication, a router from each app.

It sits above the apps (django-ninja's routers guide): the apps' routers know nothing of each other,
the shared plumbing (error shape, parser, session authentication) is in ``convene.core.api``."""

from convene.advocacy.api import router as advocacy_router
from convene.comms.api import router as comms_router
from convene.core.api import ConveneAPI, SessionAuthWhenLoggedIn
from convene.datacall.api import router as datacall_router
from convene.events.api import router as events_router
from convene.groups.api import router as groups_router
from convene.library.api import router as library_router
from convene.mailing.api import router as mailing_router
from convene.meetings.api import router as meetings_router
from convene.people.api import router as people_router
from convene.people.api_auth import PersonalToken
from convene.plans.api import router as plans_router
from convene.reports.api import router as reports_router
from convene.results.api import router as results_router

api = ConveneAPI(
    title="Convene API",
    version="1",
    description="The REST API of Convene. Authenticate with a personal token: `Authorization: Bearer <token>`. "
    'Every refusal has the same shape: `{"detail": [{"loc": [...], "msg": "...", "type": "..."}]}`.',
    urls_namespace="api",
    auth=[PersonalToken(), SessionAuthWhenLoggedIn()],
    docs_url="/docs",
)

api.add_router("/", people_router)
api.add_router("/", groups_router)
api.add_router("/", plans_router)
api.add_router("/", results_router)
api.add_router("/", meetings_router)
api.add_router("/", events_router)
api.add_router("/", library_router)
api.add_router("/", datacall_router)
api.add_router("/", advocacy_router)
api.add_router("/", mailing_router)
api.add_router("/", comms_router)
api.add_router("/", reports_router)
