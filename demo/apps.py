from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "demo"
    verbose_name = "演示数据"

    def ready(self):
        from django.utils.module_loading import autodiscover_modules

        from . import accounts, history, people, tree  # noqa: F401  (each registers its steps)

        autodiscover_modules("demo_steps")  # a later capability's steps, in its own app
