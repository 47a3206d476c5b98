from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import security_views, views
from core.throttling import throttled

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("second-factor/", security_views.second_factor_verify, name="second_factor_verify"),
    path("second-factor/enrol/", security_views.second_factor_enrol, name="second_factor_enrol"),
    path("security/", security_views.account_security, name="account_security"),
    path("security/recovery-codes/", security_views.recovery_codes_renew, name="recovery_codes_renew"),
    path("tokens/", security_views.api_token_list, name="api_token_list"),
    path("tokens/<int:pk>/revoke/", security_views.api_token_revoke, name="api_token_revoke"),
    path("password/change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    # Each request sends an email: a strict rate so the form cannot be used to flood a mailbox.
    path("password/reset/", throttled("password_reset")(auth_views.PasswordResetView.as_view()), name="password_reset"),
    path("password/reset/done/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("password/reset/complete/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("organization/switch/", views.switch_organization, name="switch_organization"),
    path("members/", views.member_list, name="member_list"),
    path("members/invite/", views.member_invite, name="member_invite"),
    path("members/<int:pk>/", views.member_edit, name="member_edit"),
    path("invitations/", views.invitation_list, name="invitation_list"),
    path("invitations/<int:pk>/", views.invitation_detail, name="invitation_detail"),
    path("invitations/open/<str:token>/", views.invitation_link, name="invitation_link"),
]
