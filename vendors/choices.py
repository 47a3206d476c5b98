"""The register's value lists, with Korean and English labels (gettext; Korean in the catalogue)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProviderCategory(models.TextChoices):
    CLOUD = "cloud", _("IaaS/PaaS cloud")
    SAAS = "saas", _("SaaS")
    CDN_SECURITY = "cdn_security", _("CDN / DDoS / WAF / bot protection")
    DNS = "dns", _("DNS")
    ENDPOINT_SECURITY = "endpoint_security", _("Endpoint security")
    IDENTITY = "identity", _("Identity")
    AI_API = "ai_api", _("AI / API")
    PAYMENTS = "payments", _("Payments")
    KYC = "kyc", _("KYC / identity verification")
    CUSTODY = "custody", _("Custody / wallet")
    BLOCKCHAIN_ANALYTICS = "blockchain_analytics", _("Blockchain analytics")
    MARKET_DATA = "market_data", _("Market data")
    TELECOM = "telecom", _("Telecom")
    OTHER = "other", _("Other")


class CatalogStatus(models.TextChoices):
    PUBLISHED = "published", _("Published")
    PROPOSED = "proposed", _("Proposed by a firm")
    REJECTED = "rejected", _("Rejected")


class DataLocation(models.TextChoices):
    KR_ONLY = "kr_only", _("Korea only")
    KR_PRIMARY = "kr_primary_offshore_backup", _("Korea, with offshore backup")
    OFFSHORE = "offshore", _("Offshore")


class VendorStatus(models.TextChoices):
    ONBOARDING = "onboarding", _("Onboarding")
    ACTIVE = "active", _("Active")
    EXITING = "exiting", _("Exiting")
    TERMINATED = "terminated", _("Terminated")


class Importance(models.TextChoices):
    CRITICAL = "critical", _("Critical")
    IMPORTANT = "important", _("Important")
    OTHER = "other", _("Other")


class DependencyRole(models.TextChoices):
    HOSTING = "hosting", _("Hosting")
    CDN = "cdn", _("CDN")
    DDOS_BOT = "ddos_bot", _("DDoS / bot protection")
    DNS = "dns", _("DNS")
    WAF = "waf", _("WAF")
    AUTHENTICATION = "authentication", _("Authentication")
    MESSAGING = "messaging", _("Messaging")
    AI_INFERENCE = "ai_inference", _("AI inference")
    PAYMENT = "payment", _("Payment")
    KYC = "kyc", _("KYC")
    CUSTODY = "custody", _("Custody")
    MARKET_DATA = "market_data", _("Market data")
    MONITORING = "monitoring", _("Monitoring")
    OTHER = "other", _("Other")


# Edge roles sit in front of every channel: one provider there is concentration by design (F5 = 5).
EDGE_ROLES = frozenset({DependencyRole.CDN, DependencyRole.DDOS_BOT, DependencyRole.DNS, DependencyRole.WAF})


class SwitchTime(models.TextChoices):
    """Substitutability (factor F4): how long moving to an alternative would take."""

    UNDER_1_DAY = "lt_1d", _("Under a day, alternative ready")
    UNDER_1_WEEK = "lt_1w", _("1-7 days")
    WEEKS = "1w_4w", _("1-4 weeks")
    MONTHS = "1m_3m", _("1-3 months")
    OVER_3_MONTHS = "gt_3m", _("Over 3 months, or no alternative")


class Strategy(models.TextChoices):
    NONE = "none", _("None")
    MANUAL_WORKAROUND = "manual_workaround", _("Manual workaround")
    COLD_STANDBY = "cold_standby", _("Cold standby")
    WARM_STANDBY = "warm_standby", _("Warm standby")
    ACTIVE_PASSIVE = "active_passive", _("Automatic active-passive")
    ACTIVE_ACTIVE = "active_active", _("Active-active multi-provider")
    IN_HOUSE = "in_house", _("In-house fallback")


class TestResult(models.TextChoices):
    PASS = "pass", _("Pass")
    PARTIAL = "partial", _("Partial")
    FAIL = "fail", _("Fail")


class Tier(models.TextChoices):
    T1 = "T1", _("T1 critical (중요)")
    T2 = "T2", _("T2 important (준중요)")
    T3 = "T3", _("T3 standard (일반)")
    T4 = "T4", _("T4 low (경미)")
