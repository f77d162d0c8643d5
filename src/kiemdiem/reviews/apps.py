from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "kiemdiem.reviews"
    verbose_name = "Kiểm điểm và hội nghị"
