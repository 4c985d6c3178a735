from django.conf import settings

from convene.core.rules import is_member, is_secretariat, is_steering_committee


def convene(request):
    person = getattr(request, "user", None)
    return {
        "network_name": settings.CONVENE_NETWORK_NAME,
        "viewer_is_secretariat": is_secretariat(person),
        "viewer_is_committee": is_steering_committee(person),
        "viewer_is_member": is_member(person),
    }
