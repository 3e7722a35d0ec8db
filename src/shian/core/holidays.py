"""Seed data: Chinese public holidays and adjusted working days (调休) by year.

Source: the State Council General Office's yearly notice on holiday arrangements
(国务院办公厅关于XXXX年部分节假日安排的通知). Administrators correct or extend these rows in
the admin (核心 › 日历日); this module only seeds a new database.
"""

from __future__ import annotations

from datetime import date, timedelta

SOURCES = {
    2024: "国办发明电〔2023〕7号 国务院办公厅关于2024年部分节假日安排的通知",
    2025: "国办发明电〔2024〕12号 国务院办公厅关于2025年部分节假日安排的通知",
    2026: "国务院办公厅关于2026年部分节假日安排的通知（2025年11月发布）",
}

# (first day, last day, name) of each holiday period, and adjusted working days.
HOLIDAYS: dict[int, list[tuple[str, str, str]]] = {
    2024: [
        ("2024-01-01", "2024-01-01", "元旦"),
        ("2024-02-10", "2024-02-17", "春节"),
        ("2024-04-04", "2024-04-06", "清明节"),
        ("2024-05-01", "2024-05-05", "劳动节"),
        ("2024-06-10", "2024-06-10", "端午节"),
        ("2024-09-15", "2024-09-17", "中秋节"),
        ("2024-10-01", "2024-10-07", "国庆节"),
    ],
    2025: [
        ("2025-01-01", "2025-01-01", "元旦"),
        ("2025-01-28", "2025-02-04", "春节"),
        ("2025-04-04", "2025-04-06", "清明节"),
        ("2025-05-01", "2025-05-05", "劳动节"),
        ("2025-05-31", "2025-06-02", "端午节"),
        ("2025-10-01", "2025-10-08", "国庆节、中秋节"),
    ],
    2026: [
        ("2026-01-01", "2026-01-03", "元旦"),
        ("2026-02-15", "2026-02-23", "春节"),
        ("2026-04-04", "2026-04-06", "清明节"),
        ("2026-05-01", "2026-05-05", "劳动节"),
        ("2026-06-19", "2026-06-21", "端午节"),
        ("2026-09-25", "2026-09-27", "中秋节"),
        ("2026-10-01", "2026-10-07", "国庆节"),
    ],
}

WORKDAYS: dict[int, list[tuple[str, str]]] = {
    2024: [("2024-02-04", "春节调休"), ("2024-02-18", "春节调休"), ("2024-04-07", "清明节调休"),
           ("2024-04-28", "劳动节调休"), ("2024-05-11", "劳动节调休"), ("2024-09-14", "中秋节调休"),
           ("2024-09-29", "国庆节调休"), ("2024-10-12", "国庆节调休")],
    2025: [("2025-01-26", "春节调休"), ("2025-02-08", "春节调休"), ("2025-04-27", "劳动节调休"),
           ("2025-09-28", "国庆节调休"), ("2025-10-11", "国庆节调休")],
    2026: [("2026-01-04", "元旦调休"), ("2026-02-14", "春节调休"), ("2026-02-28", "春节调休"),
           ("2026-05-09", "劳动节调休"), ("2026-09-20", "国庆节调休"), ("2026-10-10", "国庆节调休")],
}


def rows() -> list[tuple[date, str, str, str]]:
    """(date, kind, name, source) for every seeded day; holidays on weekends included."""
    out: list[tuple[date, str, str, str]] = []
    for year, periods in HOLIDAYS.items():
        for first, last, name in periods:
            day, end = date.fromisoformat(first), date.fromisoformat(last)
            while day <= end:
                out.append((day, "holiday", name, SOURCES[year]))
                day += timedelta(days=1)
        for when, name in WORKDAYS[year]:
            out.append((date.fromisoformat(when), "workday", name, SOURCES[year]))
    return out
