"""Pieces several conversations share: dates and values for display, element rules, and
which unit a person is acting for."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from domain.validation import Rules
from storage.models import DataElement


def day(value: date) -> str:
    """A date as Vietnamese people write it: ``05/01/2027``."""
    return value.strftime("%d/%m/%Y")


def moment(value: datetime) -> str:
    """A local time and date: ``10:32 21/11/2026``."""
    return value.strftime("%H:%M %d/%m/%Y")


def rules_for(element: DataElement) -> Rules:
    """The validation rules of a stored data element."""
    return Rules(
        name=element.name,
        value_type=element.value_type,
        measure_unit=element.measure_unit,
        minimum=Decimal(element.minimum) if element.minimum is not None else None,
        maximum=Decimal(element.maximum) if element.maximum is not None else None,
    )


YES_NO = ("Có", "Không")
