from django.urls import path

from . import sessions, views

app_name = "accounts"

urlpatterns = [
    path("", views.WarningView.as_view(), name="warning"),
    path("introduction/", views.IntroductionView.as_view(), name="introduction"),
    path("account-management/", views.AccountManagementView.as_view(), name="account_management"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("session/status/", sessions.session_status, name="session_status"),
    path("session/keepalive/", sessions.session_keepalive, name="session_keepalive"),
    path("session/ended/", sessions.session_ended, name="session_ended"),
    path("profile/", views.MyProfileView.as_view(), name="my_profile"),
    path("profile/password/", views.ChangePasswordView.as_view(), name="change_password"),
    path("profile/questions/", views.ChangeAnswersView.as_view(), name="change_answers"),
    path("profile/questions/saved/", views.AnswersSavedView.as_view(), name="answers_saved"),
]
