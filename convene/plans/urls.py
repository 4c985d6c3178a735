"""The work plans' URLs: the plan and its review (urls_plan), budget, people, timeline and help wanted
(urls_budget), and the spreadsheet, document and IATI exports (urls_exports)."""

from .urls_budget import urlpatterns as budget_urls
from .urls_exports import urlpatterns as export_urls
from .urls_plan import urlpatterns as plan_urls

app_name = "plans"

urlpatterns = [*plan_urls, *budget_urls, *export_urls]
