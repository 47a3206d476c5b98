"""The checklist round trip: an assessment's checklist as xlsx, filled offline, read back and applied.

* :mod:`compliance.excel.columns` names the columns and the response labels (Korean and English).
* :mod:`compliance.excel.export` writes the workbook (protected reference columns, a response drop-down).
* :mod:`compliance.excel.importer` reads an upload into a plan (changes and per-row errors) and applies
  it atomically through the compliance services.
"""
