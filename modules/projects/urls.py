"""Projects' workspace pages, mounted at /projects/ (namespace "projects")."""

from django.urls import path

from . import views

app_name = "projects"

urlpatterns = [
    path("", views.projects, name="home"),
    path("new/", views.project_new, name="project_new"),
    path("<int:pk>/", views.project, name="project"),
    path("<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("<int:pk>/delete/", views.project_delete, name="project_delete"),
    path("<int:pk>/tasks/new/", views.task_new, name="task_new"),
    path("<int:pk>/gantt/", views.gantt, name="gantt"),
    path("<int:pk>/gantt/data/", views.gantt_data, name="gantt_data"),
    path("tasks/<int:pk>/", views.task, name="task"),
    path("tasks/<int:pk>/edit/", views.task_edit, name="task_edit"),
    path("tasks/<int:pk>/delete/", views.task_delete, name="task_delete"),
    path("tasks/<int:pk>/move/", views.task_move, name="task_move"),
    path("tasks/<int:pk>/dates/", views.task_dates, name="task_dates"),
    path("tasks/<int:pk>/time/", views.time_entry_new, name="time_entry_new"),
]
