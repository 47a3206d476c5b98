"""A client generated from /api/schema/ with openapi-python-client builds, and reads and writes the live API.

Generation is offline (the schema is fetched from the test server, no post-processing hooks run) and the
client is imported from the temporary folder it was written to."""

from __future__ import annotations

import importlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.factories.accounts import make_api_token
from tests.factories.vendors import make_vendor

GENERATOR = Path(sys.executable).with_name("openapi-python-client")

pytestmark = pytest.mark.skipif(not GENERATOR.exists(), reason="openapi-python-client is in requirements-dev.txt")


@pytest.fixture
def backstop_client(tmp_path, live_server):
    import urllib.request

    with urllib.request.urlopen(f"{live_server.url}/api/schema/?format=json&lang=en") as response:
        (tmp_path / "schema.json").write_bytes(response.read())
    (tmp_path / "config.json").write_text(json.dumps(
        {"post_hooks": [], "project_name_override": "backstop_client", "package_name_override": "backstop_client"}
    ))
    done = subprocess.run(
        [str(GENERATOR), "generate", "--path", "schema.json", "--config", "config.json", "--meta", "none",
         "--output-path", "backstop_client"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    # The three file downloads answer bytes, which the generator leaves to the caller; nothing else is skipped.
    skipped = [line for line in (done.stdout + done.stderr).splitlines() if line.startswith("WARNING parsing")]
    assert len(skipped) == 3 and all("download" in line or "evidence" in line for line in skipped), skipped
    sys.path.insert(0, str(tmp_path))
    try:
        yield importlib.import_module("backstop_client")
    finally:
        sys.path.remove(str(tmp_path))
        for name in [m for m in sys.modules if m == "backstop_client" or m.startswith("backstop_client.")]:
            del sys.modules[name]
        shutil.rmtree(tmp_path / "backstop_client", ignore_errors=True)


def test_the_generated_client_reads_and_writes_through_the_live_api(transactional_db, world, live_server,
                                                                   backstop_client):
    vendor = make_vendor(world.firm_a, name="Cloud One")
    _token, raw = make_api_token(world.a_officer)
    # As a context manager, so its kept-alive connections close before the live server stops.
    with backstop_client.AuthenticatedClient(base_url=live_server.url, token=raw, prefix="Token") as client:
        vendors_list = importlib.import_module("backstop_client.api.vendors.v1_vendors_list")
        create = importlib.import_module("backstop_client.api.services.v1_services_create")
        retrieve = importlib.import_module("backstop_client.api.services.v1_services_retrieve")
        models = importlib.import_module("backstop_client.models")

        page = vendors_list.sync(client=client)
        assert isinstance(page, models.PaginatedVendorList)
        assert page.count == 1 and page.results[0].id == vendor.pk and page.results[0].name == "Cloud One"

        body = models.ServiceRequest(reference="PAY", name="Payments", importance=models.ImportanceEnum.CRITICAL,
                                     rto_minutes=60, max_tolerable_downtime_minutes=240)
        created = create.sync(client=client, body=body)
        assert isinstance(created, models.Service), created
        again = retrieve.sync(client=client, id=created.id)
        assert (again.reference, again.name, again.rto_minutes, again.version) == ("PAY", "Payments", 60, 1)

        refused = create.sync(client=client, body=body)  # the same reference again: the error body, parsed
        assert isinstance(refused, models.Error) and refused.error.code == "invalid"
