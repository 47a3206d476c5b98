"""Excel imports: the vendor register (template, parse → dry-run plan, atomic apply)."""
