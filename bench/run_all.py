"""Run every benchmark in turn on the configured database (each builds its own data; load.py needs PostgreSQL
and says so on SQLite).

    python bench/run_all.py
"""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
# profile_api.py after load.py: it profiles the demo data load.py seeds.
SCRIPTS = ["scoring.py", "review_queue.py", "register_api.py", "import_register.py", "upload_memory.py",
           "export_audit.py", "market_concentration.py", "market_simulation.py", "assessment_page.py", "load.py",
           "profile_api.py"]

for script in SCRIPTS:
    print(f"\n=== {script}", flush=True)
    subprocess.run([sys.executable, str(HERE / script)], check=False)
