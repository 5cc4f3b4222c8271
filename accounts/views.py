from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.utils.module_loading import import_string
from django.views.generic import FormView, TemplateView

from .forms import AuthenticationAnswersForm, ChangePasswordForm, NewPasswordForm
from .middleware import PORTAL_ENTERED_SESSION_KEY, safe_next_url
from .notifications import notify_answers_changed, notify_password_changed
from .sensitive import sensitive_post
from .services import user_change_password, user_set_authentication_answers


class WarningView(TemplateView):
    """Guide step 2: the WARNING/REMINDER screen and "Enter CMS Applications Portal"."""

    template_name = "accounts/warning.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(next=safe_next_url(self.request, ""), **kwargs)

    def post(self, request, *args, **kwargs):
        request.session[PORTAL_ENTERED_SESSION_KEY] = True
        return redirect(safe_next_url(request, reverse("accounts:introduction")))


class IntroductionView(TemplateView):
    template_name = "accounts/introduction.html"


class AccountManagementView(TemplateView):
    """Guide steps 3-4 and 22-23: Help Resources, New User Registration, My Profile."""

    template_name = "accounts/account_management.html"
    extra_context = {"nav_current": "account_management"}


class LogoutView(auth_views.LogoutView):
    pass


# Error reports (the admins' email of a 500) show POST data: never passwords or answers. The
# login view inherits the same protection from Django's LoginView.
@sensitive_post
class ChangePasswordView(LoginRequiredMixin, FormView):
    """Guide step 25, and My Profile's Change Password (which asks for the current one)."""

    template_name = "accounts/change_password.html"

    def get_form_class(self):
        return NewPasswordForm if self.request.user.must_change_password else ChangePasswordForm

    def get_form_kwargs(self):
        return {"user": self.request.user, **super().get_form_kwargs()}

    def form_valid(self, form):
        user = self.request.user
        user_change_password(user=user, new_password=form.cleaned_data["new_password1"])
        notify_password_changed(user=user)
        update_session_auth_hash(self.request, user)
        messages.success(self.request, "Your password has been changed.")
        if not user.has_authentication_answers():
            return redirect("accounts:change_answers")
        return redirect("accounts:my_profile")


@sensitive_post
class ChangeAnswersView(LoginRequiredMixin, FormView):
    """Guide step 27: answer at least two of the ten authentication questions."""

    template_name = "accounts/change_answers.html"
    form_class = AuthenticationAnswersForm
    success_url = reverse_lazy("accounts:answers_saved")

    def form_valid(self, form):
        user = self.request.user
        # Answering for the first time (first login) is not a change worth a notice.
        had_answers = user.has_authentication_answers()
        user_set_authentication_answers(user=user, answers=form.answers())
        if had_answers:
            notify_answers_changed(user=user)
        return super().form_valid(form)


class AnswersSavedView(LoginRequiredMixin, TemplateView):
    """Guide step 28: Change Answers Results, OK."""

    template_name = "accounts/answers_saved.html"

    def get_context_data(self, **kwargs):
        answered = self.request.user.authentication_answers.select_related("question")
        return super().get_context_data(answered=answered, **kwargs)


class MyProfileView(LoginRequiredMixin, TemplateView):
    """Guide step 29: My Profile, with the user's roles and requests."""

    template_name = "accounts/my_profile.html"
    extra_context = {"nav_current": "my_profile"}

    def get_context_data(self, **kwargs):
        # Apps that depend on accounts add their own panels (roles, requests...) through the
        # MY_PROFILE_PANELS setting, so accounts imports none of them.
        panels = [import_string(path)(self.request) for path in settings.MY_PROFILE_PANELS]
        return super().get_context_data(panels=panels, **kwargs)
