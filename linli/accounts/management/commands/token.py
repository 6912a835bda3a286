from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from linli.accounts import services
from linli.accounts.models import User

DEFAULT_NAME = "command line"
DEFAULT_DAYS = 90


class Command(BaseCommand):
    help = (
        "Personal access tokens for the API. `token create USERNAME` prints a new "
        "token's secret once, on standard output; only its digest is stored."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        create = sub.add_parser("create", help="Create a token for a user and print its secret.")
        create.add_argument("username", help="The user the token acts as.")
        create.add_argument(
            "--name",
            default=DEFAULT_NAME,
            help=f"What the token is for (default {DEFAULT_NAME!r}).",
        )
        create.add_argument(
            "--days",
            type=int,
            default=DEFAULT_DAYS,
            help=f"Validity in days (default {DEFAULT_DAYS}).",
        )

    def handle(self, *args, **options):
        if options["subcommand"] == "create":
            self.create(options["username"], options["name"], options["days"])

    def create(self, username: str, name: str, days: int) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"Unknown user {username!r}.")
        if not user.is_active:
            raise CommandError(f"User {username!r} is inactive; a token for them would not work.")
        try:
            token, secret = services.token_create(user=user, name=name, days=days, by=None)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(secret)
        expires = timezone.localtime(token.expires_at)
        self.stderr.write(
            f"Token {token.name!r} ({token.prefix}…) for {user.username} expires "
            f"{expires:%Y-%m-%d %H:%M %Z}. The secret above is shown this once."
        )
