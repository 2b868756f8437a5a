"""`continuity create_api_token --user USERNAME --name "What it is for" [--days N]`

Prints the token once. It acts as that user: give a system its own account with the role and
team relationships it needs.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from continuity.accounts.models import User
from continuity.api.tokens import issue


class Command(BaseCommand):
    help = "Make an API token that acts as a user (printed once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", required=True, help="the account the token acts as")
        parser.add_argument("--name", required=True, help="what the token is for")
        parser.add_argument("--days", type=int, default=None, help="expire after N days")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active user called {options['user']!r}")
        days = options["days"]
        if days is not None and not 1 <= days <= 3650:
            raise CommandError("--days must be from 1 to 3650")
        expires = timezone.now() + timedelta(days=days) if days else None
        token, plain = issue(user=user, name=options["name"], expires_at=expires)
        self.stdout.write(f"Token {token.prefix}… for {user.username} ({user.role}):")
        self.stdout.write(plain)
        self.stdout.write("Keep it secret: it is not shown again.")
