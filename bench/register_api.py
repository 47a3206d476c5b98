"""Listing 2,000 vendors through the API: time, peak memory and queries per page.

python bench/register_api.py
"""

import resource
import sys
import time
import tracemalloc

from _setup import measured, start

start("register_api")

from django.test import Client  # noqa: E402

from accounts.models import Membership, Organization, User  # noqa: E402
from audit.context import acting_as  # noqa: E402
from vendors.catalog import load_catalog  # noqa: E402
from vendors.models import ProviderCatalog, Vendor  # noqa: E402

with acting_as(None):
    load_catalog()
    Organization.objects.filter(business_registration_number="888-88-88888").exists() and sys.exit(
        "this database already holds the benchmark firm: use a fresh database"
    )
    org = Organization.objects.create(
        name="Bench Securities", name_ko="벤치증권", kind="securities", business_registration_number="888-88-88888"
    )
    officer = User.objects.create_user("bench-officer@firm.test", "bench-password-1")
    Membership.objects.create(organization=org, user=officer, role="officer")
    providers = list(ProviderCatalog.objects.all())
    t0 = time.perf_counter()
    Vendor.objects.bulk_create(
        [
            Vendor(
                organization=org,
                reference=f"V-{i:05d}",
                catalog=providers[i % len(providers)],
                name=f"Vendor {i}",
                category=providers[i % len(providers)].category,
                jurisdiction="KR",
                data_location="kr_only",
            )
            for i in range(2000)
        ],
        batch_size=500,
    )
    print(f"{'create 2,000 vendors (bulk)':<48} {(time.perf_counter() - t0) * 1000:9.1f} ms")

client = Client()
client.force_login(officer)
client.get("/api/v1/vendors/")  # warm
with measured("GET /api/v1/vendors/ (first page of 50)"):
    assert client.get("/api/v1/vendors/").status_code == 200
with measured("GET /api/v1/vendors/?page_size=500"):
    assert client.get("/api/v1/vendors/?page_size=500").status_code == 200


def list_all() -> tuple[int, int]:
    url, rows, pages = "/api/v1/vendors/?page_size=500", 0, 0
    while url:
        body = client.get(url).json()
        rows += len(body["results"])
        pages += 1
        url = body["next"]
    return rows, pages


t0 = time.perf_counter()
rows, pages = list_all()
print(
    f"{'all 2,000 vendors in pages of 500':<48} {(time.perf_counter() - t0) * 1000:9.1f} ms  {rows} rows, {pages} pages"
)
tracemalloc.start()
list_all()
_, peak = tracemalloc.get_traced_memory()
tracemalloc.stop()
max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"peak traced memory while listing: {peak / 2**20:.1f} MiB; process max RSS {max_rss:.0f} MiB")
client.get("/vendors/")  # warm the templates
with measured("GET /vendors/ web list (first page)"):
    assert client.get("/vendors/").status_code == 200
