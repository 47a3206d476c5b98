from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.roles import FIRM_ROLES, REGULATOR_ROLES, Role
from accounts.tenancy import TenantManager, TenantModel, TenantQuerySet
from audit.values import AuditedModelMixin


class OrganizationKind(models.TextChoices):
    BANK = "bank", _("Bank")
    SECURITIES = "securities", _("Securities / investment firm")
    INSURANCE = "insurance", _("Insurer")
    CARD = "card", _("Card / credit-finance company")
    FINTECH = "fintech", _("Fintech / e-finance business")
    VASP = "vasp", _("Virtual-asset service provider")
    REGULATOR = "regulator", _("Regulator")


class Organization(AuditedModelMixin, models.Model):
    """A tenant: a regulated firm, or the regulator itself."""

    name = models.CharField(_("English name"), max_length=200, unique=True)
    name_ko = models.CharField(_("Korean name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganizationKind.choices)
    business_registration_number = models.CharField(
        _("business registration number"),
        max_length=12,
        unique=True,
        validators=[RegexValidator(r"^\d{3}-\d{2}-\d{5}$", _("Use the form 123-45-67890."))],
    )
    lei = models.CharField(
        _("LEI"),
        max_length=20,
        blank=True,
        validators=[RegexValidator(r"^[A-Z0-9]{18}[0-9]{2}$", _("An LEI has 20 characters (ISO 17442)."))],
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name_ko if (get_language() or "ko").startswith("ko") else self.name

    @property
    def is_regulator(self) -> bool:
        return self.kind == OrganizationKind.REGULATOR


def with_firm_names(rows, *, name_key: str, id_key: str = "organization_id"):
    """Rows that name a firm by id (market figures, saved simulations) get its name in the active language.

    Figures are computed, and simulations saved, in someone's language; the page or workbook shows the firm
    in its reader's. One query for all rows; rows of unknown firms keep what they had.
    """
    rows = list(rows)
    ids = {r[id_key] for r in rows if r.get(id_key) is not None}
    names = {org.pk: org.display_name for org in Organization.objects.filter(pk__in=ids).only("name", "name_ko")}
    for r in rows:
        if r.get(id_key) in names:
            r[name_key] = names[r[id_key]]
    return rows


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)


class User(AuditedModelMixin, AbstractBaseUser, PermissionsMixin):
    """A person. Logs in with an email address; belongs to firms through memberships."""

    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("platform operator"), default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    # The firm a person works in when they have not picked one for the session. Only the person sets it
    # (accounts.invitations.accept_invitation with make_default), so being added to a firm never moves them.
    default_organization = models.ForeignKey(
        Organization,
        verbose_name=_("default organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.email

    def memberships_list(self) -> list[Membership]:
        return list(Membership.objects.of_user(self).select_related("organization"))

    def is_regulator_staff(self) -> bool:
        return Membership.objects.of_user(self).filter(role__in=REGULATOR_ROLES).exists()


class MembershipQuerySet(TenantQuerySet):
    def of_user(self, user: User) -> MembershipQuerySet:
        """A person's own memberships across firms: scoped by the person, not the firm."""
        return self.filter(user=user)._open_door("own-memberships", user_id=user.pk)

    def regulator_staff(self) -> MembershipQuerySet:
        """Memberships in regulator organisations: who supervises is not any firm's data."""
        qs = self.filter(organization__kind=OrganizationKind.REGULATOR)
        qs._tenant_scope = "regulator-staff"
        return qs


class Membership(TenantModel):
    """A user's role in one organisation."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    objects = TenantManager.from_queryset(MembershipQuerySet)()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="one_membership_per_org"),
        ]
        ordering = ["organization__name", "user__email"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} @ {self.organization} ({self.get_role_display()})"

    def clean(self) -> None:
        # A regulator's staff hold regulator roles; a firm's staff hold firm roles.
        org = self.organization if self.organization_id else None
        if org is None:
            return
        allowed = REGULATOR_ROLES if org.is_regulator else FIRM_ROLES
        if self.role not in allowed:
            raise ValidationError({"role": _("This role does not exist in this kind of organisation.")})
        if not org.is_regulator and self.user_id and self.user.is_regulator_staff():
            # A supervisor inside a firm would read that firm's drafts and sign its submissions: the
            # regulator's independence forbids it, whatever the firm's admin wants.
            raise ValidationError({"user": REGULATOR_STAFF_IN_FIRM})


REGULATOR_STAFF_IN_FIRM = _("Regulator staff cannot be members of a firm.")


class InvitationState(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    REVOKED = "revoked", _("Revoked")
    EXPIRED = "expired", _("Expired")


class InvitationQuerySet(TenantQuerySet):
    def addressed_to(self, user: User) -> InvitationQuerySet:
        """Invitations sent to a person's email address, from any firm: scoped by the invitee."""
        # The database door is the cross-firm read: the filter on the person's own address is what narrows it.
        return self.filter(email__iexact=user.email)._open_door("addressee", cross_firm=True)

    def open(self) -> InvitationQuerySet:
        return self.filter(state=InvitationState.PENDING, expires_at__gt=timezone.now())


class Invitation(TenantModel):
    """A firm's offer of a role to an existing account, which only that account can accept.

    Joining a firm gives its data to the person and the person's name to the firm's records, so it needs
    the person's consent: until they accept there is no membership.
    """

    email = models.EmailField(_("email address"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    invited_by = models.ForeignKey(
        User, verbose_name=_("invited by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Only the SHA-256 of the emailed token is kept, so a copy of the database opens no invitation.
    token_hash = models.CharField(max_length=64, db_index=True, editable=False)
    expires_at = models.DateTimeField(_("expires at"))
    state = models.CharField(
        _("state"), max_length=10, choices=InvitationState.choices, default=InvitationState.PENDING
    )
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    objects = TenantManager.from_queryset(InvitationQuerySet)()

    class Meta:
        constraints = [
            # Firm-scoped like every firm constraint; 256 random bits never collide across firms anyway.
            models.UniqueConstraint(fields=["organization", "token_hash"], name="one_invitation_per_token"),
            models.UniqueConstraint(
                fields=["organization", "email"],
                condition=models.Q(state="pending"),
                name="one_pending_invitation_per_org_and_email",
            ),
        ]
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.email} → {self.organization} ({self.get_role_display()})"

    @property
    def is_open(self) -> bool:
        return self.state == InvitationState.PENDING and self.expires_at > timezone.now()


class ApiTokenQuerySet(models.QuerySet):
    def of_user(self, user: User) -> ApiTokenQuerySet:
        """A person's own tokens: nobody lists, uses or revokes another person's."""
        return self.filter(user=user)

    def active(self, now=None) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True, expires_at__gt=now or timezone.now())


class ApiToken(models.Model):
    """A named API token of one person, with an expiry. Only a SHA-256 digest of the secret is kept: the token
    itself is shown once, when it is made (accounts.api_tokens)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    # The public start of the token (bst_<prefix>_…): finds the row without storing anything usable.
    prefix = models.CharField(_("prefix"), max_length=16, unique=True)
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} (bst_{self.prefix}_…)"

    def is_active(self, now=None) -> bool:
        return self.revoked_at is None and self.expires_at > (now or timezone.now())
