"""The compliance web pages, under /compliance/ (namespace "compliance").

Object routes take ``pk`` for the view's own model and ``<modelname>_pk`` for a parent, which is how
the route matrix finds the firm object behind every kwarg (Requirement is global data).
"""

from django.urls import path

from compliance.views import answers, assessments, evidence, excel, findings, sections

app_name = "compliance"

urlpatterns = [
    path("assessments/", assessments.assessment_list, name="assessment_list"),
    path("assessments/new/", assessments.assessment_create, name="assessment_create"),
    path("assessments/<int:pk>/", assessments.assessment_detail, name="assessment_detail"),
    path("assessments/<int:pk>/sections/<int:section_pk>/", sections.assessment_section, name="assessment_section"),
    path("assessments/<int:pk>/edit/", assessments.assessment_edit, name="assessment_edit"),
    path("assessments/<int:pk>/upgrade/", assessments.assessment_upgrade, name="assessment_upgrade"),
    path(
        "assessments/<int:assessment_pk>/requirements/<int:requirement_pk>/answer/",
        answers.answer_save,
        name="answer_save",
    ),
    path("answers/<int:answer_pk>/evidence/", evidence.evidence_upload, name="evidence_upload"),
    path("evidence/<int:pk>/download/", evidence.evidence_download, name="evidence_download"),
    path("assessments/<int:pk>/checklist.xlsx", excel.checklist_export, name="checklist_export"),
    path("assessments/<int:pk>/checklist/import/", excel.checklist_import, name="checklist_import"),
    path("assessments/<int:pk>/checklist/import/confirm/", excel.checklist_import_confirm,
         name="checklist_import_confirm"),
    path("findings/", findings.finding_list, name="finding_list"),
    path("findings/new/", findings.finding_create, name="finding_create"),
    path("findings/<int:pk>/", findings.finding_detail, name="finding_detail"),
    path("findings/<int:pk>/edit/", findings.finding_edit, name="finding_edit"),
    path("findings/<int:pk>/status/", findings.finding_status, name="finding_status"),
]
