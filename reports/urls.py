"""URLs of reporting. Names are mechanical: `reports:report_detail` ↔ view
`views.report_detail` ↔ template `reports/report_detail.html`. Included in
portal/urls.py once it has a page."""

app_name = "reports"

urlpatterns = []
