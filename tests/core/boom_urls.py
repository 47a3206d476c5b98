from django.urls import path

from config.urls import handler404, handler500, urlpatterns  # noqa: F401 - the handlers are read from here


def boom(request):
    raise RuntimeError("an unexpected failure")


urlpatterns = [*urlpatterns, path("api/v1/boom/", boom), path("boom/", boom)]
