from ninja import Schema


class CalendarNoteOut(Schema):
    """Present when a period was counted on the provisional working-day calendar."""

    years: list[int]
    reason_zh: str
    reason_en: str
