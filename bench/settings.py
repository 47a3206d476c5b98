"""Settings for bench/load.py only: the app's settings with the floor's urlconf (bench/floor_urls.py)."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.floor_urls"
