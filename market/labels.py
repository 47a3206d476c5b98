"""Human labels (Korean and English) for the codes the pure rules return."""

from django.utils.translation import gettext_lazy as _

OUTCOME_LABELS = {
    "lost_beyond_rto": _("Lost beyond RTO"),
    "degraded_within_rto": _("Degraded within RTO"),
    "covered": _("Covered by tested redundancy"),
    "not_affected": _("Not affected"),
}
REASON_LABELS = {
    "no_redundancy": _("no redundancy measure"),
    "untested": _("redundancy never tested (or not within its test interval)"),
    "test_failed": _("last failover test failed"),
    "hidden_spof": _("hidden single point of failure: the alternate fails too"),
    "slower_than_rto": _("tested, but recovery is slower than the RTO"),
    "tested": _("tested redundancy within the RTO"),
}
VIA_LABELS = {
    "direct": _("direct"),
    "subcontractor": _("via the vendor's subcontractor"),
    "upstream": _("via the provider's own upstream"),
}
FLAG_LABELS = {
    "failover_over_60": _("declared tested failover, but down more than 60 minutes"),
    "failover_over_rto": _("declared tested failover, but down longer than the RTO"),
}
BAND_LABELS = {
    # market.rules.hhi_band, in the words of the 2023 US Merger Guidelines (docs/architecture.md)
    "low": _("unconcentrated"),
    "moderate": _("moderately concentrated"),
    "high": _("highly concentrated"),
}
