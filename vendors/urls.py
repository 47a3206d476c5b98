"""The register's web pages, under /vendors/ (namespace "vendors").

Object routes take ``pk`` for the view's own model and ``<modelname>_pk`` for a parent, which is how
the route matrix finds the model behind every kwarg.
"""

from django.urls import path

from vendors.views import catalog, dependencies, incidents, measures, services, vendors

app_name = "vendors"

urlpatterns = [
    path("", vendors.vendor_list, name="vendor_list"),
    path("new/", vendors.vendor_create, name="vendor_create"),
    path("<int:pk>/", vendors.vendor_detail, name="vendor_detail"),
    path("<int:pk>/edit/", vendors.vendor_edit, name="vendor_edit"),
    path("<int:pk>/delete/", vendors.vendor_delete, name="vendor_delete"),
    path("services/", services.service_list, name="service_list"),
    path("services/new/", services.service_create, name="service_create"),
    path("services/<int:pk>/", services.service_detail, name="service_detail"),
    path("services/<int:pk>/edit/", services.service_edit, name="service_edit"),
    path("services/<int:pk>/delete/", services.service_delete, name="service_delete"),
    path("dependencies/", dependencies.dependency_list, name="dependency_list"),
    path("dependencies/new/", dependencies.dependency_create, name="dependency_create"),
    path("dependencies/<int:pk>/", dependencies.dependency_detail, name="dependency_detail"),
    path("dependencies/<int:pk>/edit/", dependencies.dependency_edit, name="dependency_edit"),
    path("dependencies/<int:pk>/tier/", dependencies.dependency_tier_override, name="dependency_tier_override"),
    path("dependencies/<int:pk>/delete/", dependencies.dependency_delete, name="dependency_delete"),
    path("dependencies/<int:dependency_pk>/measures/new/", measures.measure_create, name="measure_create"),
    path("measures/<int:pk>/edit/", measures.measure_edit, name="measure_edit"),
    path("measures/<int:pk>/delete/", measures.measure_delete, name="measure_delete"),
    path("measures/<int:redundancymeasure_pk>/tests/new/", measures.failover_test_create, name="failover_test_create"),
    path("tests/<int:pk>/edit/", measures.failover_test_edit, name="failover_test_edit"),
    path("tests/<int:pk>/delete/", measures.failover_test_delete, name="failover_test_delete"),
    path("tests/<int:pk>/evidence/", measures.failover_test_evidence, name="failover_test_evidence"),
    path("incidents/", incidents.incident_list, name="incident_list"),
    path("incidents/new/", incidents.incident_create, name="incident_create"),
    path("incidents/<int:pk>/", incidents.incident_detail, name="incident_detail"),
    path("incidents/<int:pk>/edit/", incidents.incident_edit, name="incident_edit"),
    path("incidents/<int:pk>/delete/", incidents.incident_delete, name="incident_delete"),
    path("catalog/", catalog.catalog_list, name="catalog_list"),
    path("catalog/propose/", catalog.catalog_propose, name="catalog_propose"),
]
