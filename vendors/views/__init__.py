"""The register's web pages, one module per resource; shared flows live in ``common``."""
