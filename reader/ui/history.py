"""Back/forward navigation across documents and positions, as in a browser."""
from __future__ import annotations

from reader.ui.reading import Location

MAX_ENTRIES = 200


class History:
    def __init__(self) -> None:
        self.back_stack: list[Location] = []
        self.forward_stack: list[Location] = []

    def visit(self, leaving: Location | None) -> None:
        """Record the place being left for a new one; a new visit clears Forward."""
        if leaving is not None and (not self.back_stack or self.back_stack[-1] != leaving):
            self.back_stack.append(leaving)
            del self.back_stack[:-MAX_ENTRIES]
        self.forward_stack.clear()

    def can_go_back(self) -> bool:
        return bool(self.back_stack)

    def can_go_forward(self) -> bool:
        return bool(self.forward_stack)

    def back(self, current: Location | None) -> Location | None:
        if not self.back_stack:
            return None
        if current is not None:
            self.forward_stack.append(current)
        return self.back_stack.pop()

    def forward(self, current: Location | None) -> Location | None:
        if not self.forward_stack:
            return None
        if current is not None:
            self.back_stack.append(current)
        return self.forward_stack.pop()

    def forget(self, doc_ids: set[int]) -> None:
        """Drop places in documents that left the index."""
        self.back_stack = [loc for loc in self.back_stack if loc.doc_id not in doc_ids]
        self.forward_stack = [loc for loc in self.forward_stack if loc.doc_id not in doc_ids]
