"""Recompute the market aggregates (market.aggregates) from every firm's submitted rows."""

from django.core.management.base import BaseCommand

from market.aggregates import rebuild_all


class Command(BaseCommand):
    help = "Recompute the market totals and each firm's contribution from the submitted registers."

    def handle(self, *args, **options):
        firms = rebuild_all()
        self.stdout.write(f"market aggregates rebuilt for {firms} firms")
