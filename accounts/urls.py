from django.urls import path

from . import signin, two_factor_views, views

app_name = "accounts"

urlpatterns = [
    path("", views.WarningView.as_view(), name="warning"),
    path("introduction/", views.IntroductionView.as_view(), name="introduction"),
    path("account-management/", views.AccountManagementView.as_view(), name="account_management"),
    path("login/", signin.LoginView.as_view(), name="login"),
    path("login/code/", signin.LoginCodeView.as_view(), name="login_code"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("profile/", views.MyProfileView.as_view(), name="my_profile"),
    path("profile/password/", views.ChangePasswordView.as_view(), name="change_password"),
    path("profile/questions/", views.ChangeAnswersView.as_view(), name="change_answers"),
    path("profile/questions/saved/", views.AnswersSavedView.as_view(), name="answers_saved"),
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
