from django.urls import path

from outages import views, views_firm

app_name = "outages"
urlpatterns = [
    path("", views.outage_list, name="outage_list"),
    path("<int:pk>/", views.outage_detail, name="outage_detail"),
    path("<int:pk>/board/", views.outage_board, name="outage_board"),
    path("<int:pk>/board/export/", views.outage_board_export, name="outage_board_export"),
    path("<int:pk>/confirm/", views.outage_confirm, name="outage_confirm"),
    path("<int:pk>/dismiss/", views.outage_dismiss, name="outage_dismiss"),
    path("<int:pk>/edit/", views.outage_edit, name="outage_edit"),
    path("<int:pk>/resolve/", views.outage_resolve, name="outage_resolve"),
    path("<int:pk>/report/", views.outage_report, name="outage_report"),
    path("feeds/", views.feed_list, name="feed_list"),
    path("feeds/new/", views.feed_create, name="feed_create"),
    path("feeds/<int:pk>/", views.feed_edit, name="feed_edit"),
    path("feeds/<int:pk>/poll/", views.feed_poll, name="feed_poll"),
    path("my/", views_firm.my_responses, name="my_responses"),
    path("my/<int:pk>/", views_firm.my_response, name="my_response"),
    path("my/<int:pk>/incident/", views_firm.my_response_incident, name="my_response_incident"),
]
