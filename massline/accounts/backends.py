from django.contrib.auth.backends import ModelBackend

from massline.accounts.models import User


class PhoneOrUsernameBackend(ModelBackend):
    """Residents log in with their phone number, staff with a username; both use a password."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        user = User.objects.filter(phone=username).first() if username.isdigit() else None
        if user is None:
            user = User.objects.filter(username=username).first()
        if user and user.check_password(password) and self.user_can_authenticate(user):
            return user
        User().set_password(password)
        return None
