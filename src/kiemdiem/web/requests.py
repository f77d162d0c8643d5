"""Request types of the web views, for the type checker.

``AuthenticatedRequest`` is what a ``@login_required`` view receives: Django's ``request.user`` is then
a ``User`` (the project's model), never ``AnonymousUser``. Views that read the user's own fields
annotate ``request: AuthenticatedRequest`` rather than checking the type again.
"""

from __future__ import annotations

from django.http import HttpRequest

from kiemdiem.accounts.models import User


class AuthenticatedRequest(HttpRequest):
    user: User
