"""The work plans' URLs: the plan and its review (urls_plan), and budget, people, timeline and help wanted
(urls_budget). The spreadsheet, document and IATI exports share the namespace "plans" but live in
``convene.reports`` (above plans and results): ``convene/urls.py`` joins them."""

from .urls_budget import urlpatterns as budget_urls
from .urls_plan import urlpatterns as plan_urls

app_name = "plans"

urlpatterns = [*plan_urls, *budget_urls]
