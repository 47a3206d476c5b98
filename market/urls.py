from django.urls import path

from market import views, views_firm, views_sim

app_name = "market"
urlpatterns = [
    path("concentration/", views.concentration, name="concentration"),
    path("providers/<int:pk>/", views.provider_detail, name="provider_detail"),
    path("incidents/<int:pk>/", views.incidents, name="incidents"),
    path("simulate/", views_sim.simulate, name="simulate"),
    path("my/simulate/", views_sim.my_simulate, name="my_simulate"),
    path("my/concentration/", views_firm.my_concentration, name="my_concentration"),
    path("simulations/", views_sim.simulation_list, name="simulation_list"),
    path("simulations/save/", views_sim.save, name="simulation_save"),
    path("simulations/<int:pk>/", views_sim.simulation_detail, name="simulation_detail"),
    path("simulations/<int:pk>/share/", views_sim.simulation_share, name="simulation_share"),
    path("simulations/<int:pk>/export/", views_sim.simulation_export, name="simulation_export"),
]
