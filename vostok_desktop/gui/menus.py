"""Menus shared by several areas: the first area to install asks for the menu, the next
ones find it by its object name and add their commands to it."""

from __future__ import annotations

from PySide6.QtWidgets import QMainWindow, QMenu

# Top-level menus created on demand, in the order they stand before «Отчёты».
SALES_MENU = ("Продажи", "sales_menu")  # leads, deals, campaigns, competitors
EDUCATION_MENU = ("Учебный центр", "education_menu")


def area_menu(window: QMainWindow, spec: tuple[str, str]) -> QMenu:
    """The menu ``spec`` = (title, object name) of the window's menu bar, created before
    «Отчёты» (or «Окна» / «Сервис») on first use."""
    title, object_name = spec
    bar = window.menuBar()
    found = bar.findChild(QMenu, object_name)
    if found is not None:
        return found
    before = next((act for act in bar.actions()
                   if act.text() in ("Отчёты", "KPI", "Окна", "Сервис")), None)
    menu = QMenu(title, bar)
    menu.setObjectName(object_name)
    if before is not None:
        bar.insertMenu(before, menu)
    else:
        bar.addMenu(menu)
    return menu


__all__ = ["EDUCATION_MENU", "SALES_MENU", "area_menu"]
