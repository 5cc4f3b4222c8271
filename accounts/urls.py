from django.urls import path

from . import profile_views, recovery_views, sessions, signin, two_factor_views, views

app_name = "accounts"

urlpatterns = [
    path("", views.WarningView.as_view(), name="warning"),
    path("introduction/", views.IntroductionView.as_view(), name="introduction"),
    path("account-management/", views.AccountManagementView.as_view(), name="account_management"),
    path("login/", signin.LoginView.as_view(), name="login"),
    path("login/code/", signin.LoginCodeView.as_view(), name="login_code"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("session/status/", sessions.session_status, name="session_status"),
    path("session/keepalive/", sessions.session_keepalive, name="session_keepalive"),
    path("session/ended/", sessions.session_ended, name="session_ended"),
    path("profile/", views.MyProfileView.as_view(), name="my_profile"),
    path("profile/password/", views.ChangePasswordView.as_view(), name="change_password"),
    path("profile/questions/", views.ChangeAnswersView.as_view(), name="change_answers"),
    path("profile/questions/saved/", views.AnswersSavedView.as_view(), name="answers_saved"),
    # Issue 5: recovery and My Profile self-service.
    path("profile/contact/", profile_views.ContactInformationView.as_view(), name="contact"),
    path("profile/email/", profile_views.ChangeEmailView.as_view(), name="change_email"),
    path(
        "profile/email/verify/",
        profile_views.ChangeEmailVerifyView.as_view(),
        name="change_email_verify",
    ),
    path("recover/user-id/", recovery_views.ForgotUserIdView.as_view(), name="forgot_user_id"),
    path(
        "recover/user-id/sent/",
        recovery_views.RecoverySentView.as_view(extra_context={"kind": "user_id"}),
        name="forgot_user_id_sent",
    ),
    path("recover/password/", recovery_views.ForgotPasswordView.as_view(), name="forgot_password"),
    path(
        "recover/password/sent/",
        recovery_views.RecoverySentView.as_view(extra_context={"kind": "password"}),
        name="forgot_password_sent",
    ),
    path(
        "recover/password/link/<uidb64>/<token>/",
        recovery_views.PasswordResetLinkView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "recover/password/questions/",
        recovery_views.RecoveryQuestionsView.as_view(),
        name="password_reset_questions",
    ),
    path(
        "recover/password/new/",
        recovery_views.RecoveryNewPasswordView.as_view(),
        name="password_reset_new",
    ),
    path(
        "recover/password/done/",
        recovery_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path("profile/two-factor/", two_factor_views.TwoFactorView.as_view(), name="two_factor"),
    path(
        "profile/two-factor/setup/",
        two_factor_views.TwoFactorSetupView.as_view(),
        name="two_factor_setup",
    ),
    path(
        "profile/two-factor/backup-codes/",
        two_factor_views.BackupCodesView.as_view(),
        name="two_factor_backup_codes",
    ),
    path(
        "profile/two-factor/remove/",
        two_factor_views.TwoFactorRemoveView.as_view(),
        name="two_factor_remove",
    ),
]
