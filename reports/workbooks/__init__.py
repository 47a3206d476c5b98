"""Excel workbooks written by Backstop: the one safe-cell helper and the shared styles."""
