"""Annotations in the window (see `controller`): undo commands, the overlay and mini-toolbar on the
reading pane, the Notes panel with its model and editor."""
from reader.ui.annotations.controller import AnnotationsController

__all__ = ["AnnotationsController"]
