"""The browser app: wiring only. Behaviour lives on the screens; state on the main screen."""

from __future__ import annotations

import os
from pathlib import Path

from textual import events, on
from textual.app import App
from textual.binding import BindingType

from reviewtui.core.config import Config, load_config, save_config
from reviewtui.core.model import Problem
from reviewtui.ui.commands import bindings
from reviewtui.ui.messages import SettingsChanged
from reviewtui.ui.providers import KeyCommands, TagCommands, ViewCommands
from reviewtui.ui.screens.detail import DetailScreen
from reviewtui.ui.screens.help import HelpScreen
from reviewtui.ui.screens.main import WIDE, MainScreen
from reviewtui.ui.screens.problems import ProblemsScreen
from reviewtui.ui.view_state import View

READONLY_ENV = "REVIEWTUI_READONLY"
NO_CACHE_ENV = "REVIEWTUI_NO_CACHE"


class ReviewApp(App[int]):
    CSS_PATH = "app.tcss"
    TITLE = "reviewtui"
    COMMANDS = App.COMMANDS | {KeyCommands, ViewCommands, TagCommands}
    BINDINGS: list[BindingType] = bindings("app")

    def __init__(
        self,
        root: Path,
        config: Config,
        *,
        lang: str | None = None,
        save: bool = True,
        read_only: bool = False,
        cache: bool = True,
    ) -> None:
        super().__init__()
        self.root = root
        self.cache = cache
        self.config = config
        self.read_only = read_only
        """A served session: no editor or pager, and settings are not saved."""
        self._save = save and not read_only
        self._view = View(sort=config.sort, descending=config.descending, lang=lang or config.lang)
        if config.theme in self.available_themes:
            self.theme = config.theme

    def get_default_screen(self) -> MainScreen:
        return MainScreen(
            self.root, self._view, site_base=self.config.site_base, allow_external=not self.read_only, cache=self.cache
        )

    @property
    def main(self) -> MainScreen:
        screen = self.screen_stack[0]
        assert isinstance(screen, MainScreen)
        return screen

    def remember(self, **changes: object) -> None:
        """Change settings and save them (never fails: an unwritable config only loses the change)."""
        self.config = self.config.with_changes(**changes)
        if self._save:
            save_config(self.config)

    def watch_theme(self, theme: str) -> None:
        if theme != self.config.theme:
            self.remember(theme=theme)

    @on(SettingsChanged)
    def _settings(self, event: SettingsChanged) -> None:
        new = event.view
        changes: dict[str, object] = {"sort": new.sort, "descending": new.descending}
        if new.lang != event.old.lang:
            changes["lang"] = new.lang
        self.remember(**changes)

    def on_resize(self, event: events.Resize) -> None:
        """Widened past the threshold while a detail screen is open: read it in the pane instead."""
        screen = self.screen
        if event.size.width >= WIDE and isinstance(screen, DetailScreen) and len(self.screen_stack) == 2:
            main = self.main
            if not main.wide:
                review = screen.review
                self.pop_screen()
                main.show_in_pane(review, event.size.width)

    def back_to_main(self) -> MainScreen:
        while len(self.screen_stack) > 1:
            self.pop_screen()
        return self.main

    def action_focus_search(self) -> None:
        # Screen.set_focus at once, not Widget.focus (deferred): keys typed right behind the
        # "/" (a fast typist, a paste, a script over SSH) must land in the search box.
        main = self.back_to_main()
        main.set_focus(main.search_bar)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_problems(self) -> None:
        """The problems screen; it replaces a detail screen, so two Esc still reach the results."""
        catalog = self.main.catalog
        if catalog is None:
            self.notify("Still loading; the problems are known once every file is read.", timeout=3)
            return
        if isinstance(self.screen, ProblemsScreen):
            return
        if isinstance(self.screen, DetailScreen):
            self.pop_screen()
        library = self.main.library
        if library is not None and library.bodies_pending:
            self.notify(
                "The bodies are still being read: the problems they hold join this list in a moment.", timeout=4
            )
        problems = ProblemsScreen(catalog.problems, root=catalog.root, allow_external=not self.read_only)
        self.push_screen(problems, self._problem_chosen)

    def _problem_chosen(self, problem: Problem | None) -> None:
        """Enter on a problem of a file that was still indexed (a warning) shows that review."""
        catalog = self.main.catalog
        review = catalog.by_path.get(problem.path) if problem is not None and catalog is not None else None
        if review is not None:
            self.main.open_detail(review)


def make_app(root: Path, *, lang: str | None = None, config: Config | None = None) -> ReviewApp:
    """The app on root. With a config given (tests), settings are not written back.

    REVIEWTUI_READONLY=1 (set by `reviewtui serve` for visitors) turns off editor, pager and saving;
    REVIEWTUI_NO_CACHE=1 reads every file instead of using the persistent index (tests, snapshots).
    """
    read_only = os.environ.get(READONLY_ENV, "") == "1"
    cache = os.environ.get(NO_CACHE_ENV, "") != "1"
    if config is None:
        return ReviewApp(root, load_config(), lang=lang, read_only=read_only, cache=cache)
    return ReviewApp(root, config, lang=lang, save=False, read_only=read_only, cache=cache)


def run(root: Path, *, lang: str | None = None) -> int:
    app = make_app(root, lang=lang)
    result = app.run()
    return result if isinstance(result, int) else 0
