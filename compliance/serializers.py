"""API serializers of checklists, assessments, answers, evidence and findings.

Writes go through compliance.services / findings / evidence (full_clean, atomic, versioned). Foreign
keys to firm data resolve only inside the caller's firm, so another firm's id reads as "does not exist".
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from compliance import applicability, findings, scoring, services
from compliance.choices import Response
from compliance.models import Answer, Assessment, Evidence, Finding, Framework, Requirement, Section
from core import serializer_fields as core_fields
from vendors.models import Dependency, Vendor
from vendors.serializers import FirmPrimaryKeyField, MemberField, VersionedSerializer


def _organization(field) -> object:
    request = field.context.get("request")
    return getattr(getattr(request, "_request", request), "organization", None)


# --- checklists (global, read-only) ----------------------------------------------------------------

class RequirementSerializer(core_fields.ModelSerializer):
    class Meta:
        model = Requirement
        fields = [
            "id", "ref", "text_ko", "text_en", "guidance_ko", "guidance_en", "weight", "critical", "evidence",
            "legal_basis_ko", "legal_basis_en", "applies_tiers", "applies_firm_kinds", "applies_vendor_categories",
            "vendor_scope", "not_applicable_if_ko", "not_applicable_if_en", "order",
        ]


class SectionSerializer(core_fields.ModelSerializer):
    requirements = RequirementSerializer(many=True, read_only=True)

    class Meta:
        model = Section
        fields = ["id", "code", "name_ko", "name_en", "order", "requirements"]


class FrameworkSerializer(core_fields.ModelSerializer):
    class Meta:
        model = Framework
        fields = ["id", "code", "version", "scope", "name_ko", "name_en", "description_ko", "description_en",
                  "checksum", "published_at"]


class FrameworkDetailSerializer(FrameworkSerializer):
    sections = SectionSerializer(many=True, read_only=True)

    class Meta(FrameworkSerializer.Meta):
        fields = [*FrameworkSerializer.Meta.fields, "evidence_codes", "sections"]


class PublishedFrameworkField(core_fields.PrimaryKeyRelatedField):
    def get_queryset(self):
        return Framework.objects.filter(published_at__isnull=False)


# --- assessments -----------------------------------------------------------------------------------

class UpgradeSerializer(serializers.Serializer):
    # A queryset rather than PublishedFrameworkField: without a model the schema needs it to type the field.
    framework = core_fields.PrimaryKeyRelatedField(
        queryset=Framework.objects.filter(published_at__isnull=False), required=False, allow_null=True,
        help_text=_("The newer checklist version; the newest when omitted."),
    )


class AssessmentSerializer(VersionedSerializer):
    framework = PublishedFrameworkField()
    vendor = FirmPrimaryKeyField(model=Vendor, required=False, allow_null=True)
    owner = MemberField(required=False, allow_null=True)
    rating_label = serializers.SerializerMethodField()
    rating_reasons = serializers.SerializerMethodField()

    class Meta:
        model = Assessment
        fields = [
            "id", "framework", "scope", "vendor", "title", "period_start", "period_end", "owner", "due_date",
            "status", "score", "rating", "rating_label", "rating_reasons", "score_details", "upgraded_from",
            "version", "created_at", "updated_at",
        ]
        read_only_fields = ["status", "score", "rating", "score_details", "upgraded_from", "created_at",
                            "updated_at"]
        extra_kwargs = {"scope": {"required": False}}

    def get_rating_label(self, obj: Assessment) -> str:
        return scoring.rating_label(obj.rating)

    def get_rating_reasons(self, obj: Assessment) -> list[dict]:
        return [{**r, "text": scoring.describe(r)} for r in obj.rating_reasons or []]

    def create(self, validated_data):
        validated_data.pop("version", None)
        organization = validated_data.pop("organization", None) or _organization(self)
        return services.create_assessment(organization=organization, **validated_data)

    def update(self, instance, validated_data):
        version = validated_data.pop("version")
        fixed = {k for k in ("framework", "scope", "vendor") if k in validated_data}
        changed = {k for k in fixed if validated_data[k] != getattr(instance, k)}
        if changed:
            raise serializers.ValidationError({k: [_("This cannot be changed on an existing assessment.")]
                                               for k in sorted(changed)})
        data = {k: v for k, v in validated_data.items() if k not in fixed}
        return services.update_assessment(assessment=instance, version=version, data=data)


class AssessmentDetailSerializer(AssessmentSerializer):
    applicability = serializers.SerializerMethodField()

    class Meta(AssessmentSerializer.Meta):
        fields = [*AssessmentSerializer.Meta.fields, "applicability"]

    def get_applicability(self, obj: Assessment) -> list[dict]:
        return [
            {"requirement": int(pk), "ref": v.get("ref", ""), "applies": v["applies"],
             "reasons": [applicability.describe(r) for r in v.get("reasons", [])]}
            for pk, v in (obj.applicability or {}).items()
        ]


# --- answers ---------------------------------------------------------------------------------------

class EvidenceSerializer(core_fields.ModelSerializer):
    answer = FirmPrimaryKeyField(model=Answer)
    file = serializers.FileField(write_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = ["id", "answer", "file", "original_name", "size", "content_type", "sha256", "uploaded_by",
                  "created_at", "download_url"]
        read_only_fields = ["original_name", "size", "content_type", "sha256", "uploaded_by", "created_at"]

    def get_download_url(self, obj: Evidence) -> str:
        return reverse("evidence-download", args=[obj.pk])

    def create(self, validated_data):
        from compliance.evidence import upload_evidence

        request = self.context["request"]
        return upload_evidence(answer=validated_data["answer"], uploaded_file=validated_data["file"],
                               user=request.user)


class AnswerSerializer(core_fields.ModelSerializer):
    assessment = FirmPrimaryKeyField(model=Assessment)
    requirement = core_fields.PrimaryKeyRelatedField(queryset=Requirement.objects.all())
    ref = serializers.CharField(source="requirement.ref", read_only=True)
    version = core_fields.BoundedIntegerField(required=False, min_value=1, help_text=_("Required on update."))
    evidence = serializers.SerializerMethodField()

    class Meta:
        model = Answer
        fields = ["id", "assessment", "requirement", "ref", "response", "comment", "na_reason", "answered_by",
                  "answered_at", "version", "evidence"]
        read_only_fields = ["answered_by", "answered_at"]
        validators = []  # uniqueness is the service's business: a second first-answer is a 409, not a 400

    def get_evidence(self, obj: Answer) -> list[dict]:
        return [{"id": e.pk, "original_name": e.original_name, "size": e.size, "sha256": e.sha256}
                for e in obj.evidence.all()]

    def validate(self, attrs):
        if self.instance is not None:
            if "version" not in attrs:
                raise serializers.ValidationError({"version": [_("Send the version you edited.")]})
            for key in ("assessment", "requirement"):
                if key in attrs and attrs[key] != getattr(self.instance, key):
                    raise serializers.ValidationError({key: [_("This cannot be changed; answer the other one.")]})
        return attrs

    def create(self, validated_data):
        return self._save(validated_data["assessment"], validated_data["requirement"], validated_data, None)

    def update(self, instance, validated_data):
        merged = {"response": instance.response, "comment": instance.comment, "na_reason": instance.na_reason}
        merged.update(validated_data)
        return self._save(instance.assessment, instance.requirement, merged, validated_data["version"])

    def _save(self, assessment, requirement, data, version):
        return services.save_answer(
            assessment=assessment, requirement=requirement, response=data.get("response", ""),
            comment=data.get("comment", ""), na_reason=data.get("na_reason", ""), expected_version=version,
            user=self.context["request"].user,
        )


class BulkAnswerRowSerializer(serializers.Serializer):
    requirement = core_fields.IdField(required=False)
    ref = serializers.CharField(required=False)
    response = serializers.ChoiceField(choices=Response.choices)
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    na_reason = serializers.CharField(required=False, allow_blank=True, default="")
    version = core_fields.BoundedIntegerField(required=False, allow_null=True, min_value=1)

    def validate(self, attrs):
        if not attrs.get("requirement") and not attrs.get("ref"):
            raise serializers.ValidationError({"ref": [_("Name the requirement by ref or id.")]})
        return attrs


class BulkAnswersSerializer(serializers.Serializer):
    answers = serializers.ListField(child=serializers.DictField(), allow_empty=False, max_length=1000)


# --- findings --------------------------------------------------------------------------------------

class FindingSerializer(VersionedSerializer):
    assessment = FirmPrimaryKeyField(model=Assessment, required=False, allow_null=True)
    dependency = FirmPrimaryKeyField(model=Dependency, required=False, allow_null=True)
    requirement = core_fields.PrimaryKeyRelatedField(queryset=Requirement.objects.all(), required=False,
                                                     allow_null=True)
    owner = MemberField(required=False, allow_null=True)
    risk_accepted_by = MemberField(required=False, allow_null=True)
    create_fn = staticmethod(findings.create_finding)
    update_fn = staticmethod(findings.update_finding)
    instance_kwarg = "finding"

    class Meta:
        model = Finding
        fields = [
            "id", "assessment", "requirement", "dependency", "source", "source_key", "title", "description",
            "severity", "owner", "due_date", "remediation_plan", "status", "risk_accepted_by",
            "risk_acceptance_expires_on", "closed_at", "version", "created_at", "updated_at",
        ]
        read_only_fields = ["source", "source_key", "closed_at", "created_at", "updated_at"]
