from django.urls import path

from . import additional, role_views, submission, views

app_name = "registration"

urlpatterns = [
    path("", views.CommunityChoiceView.as_view(), name="start"),
    path("role/", views.RoleView.as_view(), name="role"),
    path("role-terms/", views.RoleTermsView.as_view(), name="role-terms"),
    path("user-information/", views.UserInformationView.as_view(), name="user-information"),
    path("verify-email/", views.VerifyEmailView.as_view(), name="verify-email"),
    path("contact/", views.ContactView.as_view(), name="contact"),
    path("new-organization/", role_views.NewOrganizationView.as_view(), name="new-organization"),
    path("organization/", role_views.OrganizationView.as_view(), name="organization"),
    path("group-action/", role_views.GroupActionView.as_view(), name="group-action"),
    path("user-group/", role_views.UserGroupView.as_view(), name="user-group"),
    path("practice/", role_views.PracticeView.as_view(), name="practice"),
    path("justification/", views.JustificationView.as_view(), name="justification"),
    path("review/", submission.ReviewView.as_view(), name="review"),
    path("cancel/", submission.CancelView.as_view(), name="cancel"),
    path("acknowledgement/", submission.AcknowledgementView.as_view(), name="acknowledgement"),
    path("community/<slug:community>/", views.TermsView.as_view(), name="terms"),
    path("add-role/", additional.AddRoleView.as_view(), name="add-role"),
    path("associate/", additional.AssociationView.as_view(), name="associate"),
]
