from django.urls import path

from review import views_firm, views_supervisor

app_name = "review"
urlpatterns = [
    path("queue/", views_supervisor.queue, name="queue"),
    path("submissions/<int:pk>/", views_supervisor.review_page, name="review_page"),
    path("submissions/<int:pk>/claim/", views_supervisor.claim, name="claim"),
    path("submissions/<int:pk>/assign/", views_supervisor.assign, name="assign"),
    path("submissions/<int:pk>/comment/", views_supervisor.comment, name="comment"),
    path("submissions/<int:pk>/decide/", views_supervisor.decide, name="decide"),
    path("submissions/<int:pk>/evidence/", views_supervisor.evidence_download, name="evidence_download"),
    path("assessments/<int:assessment_pk>/", views_firm.assessment_review, name="assessment_review"),
    path("assessments/<int:assessment_pk>/submit/", views_firm.submit, name="submit"),
    path("assessments/<int:assessment_pk>/withdraw/", views_firm.withdraw, name="withdraw"),
    path("notifications/", views_firm.notification_list, name="notifications"),
    path("notifications/<int:pk>/read/", views_firm.notification_read, name="notification_read"),
]
