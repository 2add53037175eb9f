"""The lessons of the lab, in lecture order.

``app.py`` builds the navigation from this list and the home page describes it. A lesson is one
record: its settings table (``ui.settings``, which names the page), its icon and whether its
default view trains Keras; the page's file (``pages/<page>.py``), its URL path and its locale
prefix (``lesson.<page>.title``, ...) follow from the table's page name. Only pages that are
really built are listed.
"""

from __future__ import annotations

from dataclasses import dataclass

from lab.core.i18n import t
from ui import settings
from ui.controls import Controls


@dataclass(frozen=True)
class Lesson:
    controls: Controls  # the page's settings table; its page name is the lesson's name
    icon: str
    keras: bool = False  # its default view trains a Keras model (imports TensorFlow)

    @property
    def url_path(self) -> str:
        """The page's URL path, also its key in lab/locales: lesson.<url_path>.title, ..."""
        return self.controls.page

    @property
    def script(self) -> str:
        return f"pages/{self.url_path}.py"

    def title(self) -> str:
        return t(f"lesson.{self.url_path}.title")

    def lecture(self) -> str:
        """Which lecture note it follows (see ../shared/seeds/README.md)."""
        return t(f"lesson.{self.url_path}.lecture")

    def teaches(self) -> str:
        return t(f"lesson.{self.url_path}.teaches")


LESSONS: list[Lesson] = [
    Lesson(settings.PERCEPTRON, ":material/linear_scale:"),
    Lesson(settings.XOR, ":material/hub:"),
    Lesson(settings.RNN, ":material/repeat:"),
    Lesson(settings.STRUCTURE, ":material/account_tree:"),
    Lesson(settings.GATES, ":material/tune:"),
    Lesson(settings.STOCK, ":material/show_chart:", keras=True),
    Lesson(settings.TEXT, ":material/text_fields:"),
    Lesson(settings.IMDB, ":material/rate_review:", keras=True),
    Lesson(settings.EXPERIMENTS, ":material/science:", keras=True),
    Lesson(settings.ERRATA, ":material/fact_check:"),
]
