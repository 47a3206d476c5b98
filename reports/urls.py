from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("register/import/", views.register_import, name="register_import"),
    path("register/import/confirm/", views.register_import_confirm, name="register_import_confirm"),
    path("register/template/", views.register_template, name="register_template"),
]
