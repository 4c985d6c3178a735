"""The groups app's URLs: pages about a group and its governance (urls_pages), and joining,
members, activities and threads (urls_membership)."""

from .urls_membership import urlpatterns as membership_urls
from .urls_pages import urlpatterns as page_urls

app_name = "groups"

urlpatterns = [*page_urls, *membership_urls]
