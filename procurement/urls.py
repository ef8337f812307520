"""URLs of procurement. Names are mechanical: `procurement:trajectory_detail` ↔ view
`views.trajectory_detail` ↔ template `procurement/trajectory_detail.html`. Included in
portal/urls.py once it has a page."""

app_name = "procurement"

urlpatterns = []
