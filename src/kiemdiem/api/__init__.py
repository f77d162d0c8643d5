"""JSON API (django-ninja) over the same services and the same scoping as the web UI."""
