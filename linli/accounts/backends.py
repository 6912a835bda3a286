from django.contrib.auth.backends import ModelBackend

from linli.accounts.models import User


class UsernameOrPhoneBackend(ModelBackend):
    """Sign in with a username or a mobile phone number."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or password is None:
            return None
        identifier = username.strip()
        field = "phone" if identifier.isdigit() and len(identifier) == 11 else "username"
        try:
            user = User.objects.get(**{field: identifier})
        except User.DoesNotExist:
            User().set_password(password)  # same work as a real check: no timing oracle
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
