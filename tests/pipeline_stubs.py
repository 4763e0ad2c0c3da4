"""Stand-ins for the shipped models in pipeline tests that are about matching, not scoring."""


class AlwaysNegative:
    """A sentiment model and category classifier in one: every text is negative and 其他."""

    def __init__(self, score: float = -0.9):
        self._score = score

    def score(self, text: str) -> float:
        return self._score

    def is_negative(self, score: float) -> bool:
        return True

    def predict(self, text: str) -> str:
        return "其他"
