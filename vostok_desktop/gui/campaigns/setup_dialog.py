"""«Кампания обзвона»: the setup dialog — a new campaign or an existing one's title,
information occasion, period and department; whom to add (the clients or contacts
selected in an agent, the clients of a saved filter of the client list) and, from an
agent, which campaign to add them to. Bad input is named in the dialog itself."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from vostok_desktop.domain import Department
from vostok_desktop.domain.campaigns import CampaignStatus
from vostok_desktop.services.access.rights import AccessDenied
from vostok_desktop.services.campaigns import campaigns as cmp
from vostok_desktop.services.campaigns.common import CampaignError
from vostok_desktop.services.lists.filters import FilterGroup

if TYPE_CHECKING:
    from vostok_desktop.gui.context import AppContext

NEW = -1


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class CampaignDialog(QDialog):
    """Create or edit a campaign; ``source`` (from an agent) is what gets added."""

    def __init__(self, context: AppContext, parent: QWidget | None = None, *,
                 campaign_id: int | None = None, source: cmp.Source | None = None,
                 source_text: str = "") -> None:
        super().__init__(parent)
        self.context = context
        self.campaign_id = campaign_id
        self.source = source
        self.report: cmp.FillReport | None = None
        self.setObjectName("campaign_dialog")
        self.setWindowTitle("Кампания обзвона" if campaign_id is None
                            else "Кампания обзвона — изменение")
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        layout.addLayout(form)
        self.target_combo = QComboBox()
        self.target_combo.setObjectName("target_combo")
        self.title_edit = QLineEdit()
        self.title_edit.setObjectName("title_edit")
        self.title_edit.setPlaceholderText("Например: Приглашение на семинар 10 декабря")
        self.occasion_edit = QPlainTextEdit()
        self.occasion_edit.setObjectName("occasion_edit")
        self.occasion_edit.setPlaceholderText("Что сказать клиенту: новость, предложение, "
                                              "повод для звонка")
        self.occasion_edit.setFixedHeight(90)
        self.occasion_edit.setTabChangesFocus(True)
        self.starts_edit = QDateEdit(_qdate(date.today()))
        self.starts_edit.setCalendarPopup(True)
        self.starts_edit.setDisplayFormat("dd.MM.yyyy")
        self.ends_edit = QDateEdit(_qdate(date.today()))
        self.ends_edit.setCalendarPopup(True)
        self.ends_edit.setDisplayFormat("dd.MM.yyyy")
        self.open_check = QCheckBox("без даты окончания")
        self.open_check.toggled.connect(lambda on: self.ends_edit.setEnabled(not on))
        self.open_check.setChecked(True)
        self.department_combo = QComboBox()
        self.filter_combo = QComboBox()
        self.filter_combo.setObjectName("filter_combo")
        self.error_label = QLabel()
        self.error_label.setObjectName("error_label")
        self.error_label.setStyleSheet("color: #b00020;")
        self.error_label.setWordWrap(True)
        self._load_choices()
        self.title_edit.textEdited.connect(lambda _t: self.error_label.clear())
        if source is not None:
            form.addRow("Кого добавить:", QLabel(source_text))
            form.addRow("В кампанию:", self.target_combo)
            self.target_combo.currentIndexChanged.connect(self._target_changed)
        form.addRow("Название:", self.title_edit)
        form.addRow("Информационный повод:", self.occasion_edit)
        form.addRow("Начало:", self.starts_edit)
        ends = QWidget()
        row = QVBoxLayout(ends)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.ends_edit)
        row.addWidget(self.open_check)
        form.addRow("Окончание:", ends)
        form.addRow("Отдел:", self.department_combo)
        if campaign_id is None and source is None:
            form.addRow("Клиенты по фильтру:", self.filter_combo)
        layout.addWidget(self.error_label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(
            "Сохранить" if campaign_id is not None else "Создать")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Отмена")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        layout.addWidget(buttons)
        if campaign_id is not None:
            self._load(campaign_id)
        self.title_edit.setFocus()

    # -- choices --------------------------------------------------------------------------
    def _load_choices(self) -> None:
        base = self.context.base
        with base.sessions() as s:
            departments = list(s.execute(select(Department.id, Department.name)
                                         .order_by(Department.name)))
            self.filters: dict[str, FilterGroup] = cmp.saved_client_filters(
                s, self.context.employee_id)
            open_campaigns = [r for r in cmp.list_campaigns(s, include_closed=False)]
        self.department_combo.addItem("— все отделы —", None)
        for did, name in departments:
            self.department_combo.addItem(name, did)
        self.filter_combo.addItem("— не добавлять —", None)
        for name in self.filters:
            self.filter_combo.addItem(name, name)
        self.target_combo.addItem("Новая кампания", NEW)
        for row in open_campaigns:
            self.target_combo.addItem(f"{row.title} ({row.total} конт.)", row.id)

    def _target_changed(self) -> None:
        new = self.target_combo.currentData() == NEW
        for widget in (self.title_edit, self.occasion_edit, self.starts_edit,
                       self.open_check, self.department_combo):
            widget.setEnabled(new)
        self.ends_edit.setEnabled(new and not self.open_check.isChecked())

    def _load(self, campaign_id: int) -> None:
        with self.context.base.sessions() as s:
            row = cmp.campaign_row(s, campaign_id)
        if row is None:
            self.error_label.setText("Кампания не найдена: её удалили.")
            return
        self.title_edit.setText(row.title)
        self.occasion_edit.setPlainText(row.occasion)
        self.starts_edit.setDate(_qdate(row.starts_on))
        self.open_check.setChecked(row.ends_on is None)
        if row.ends_on is not None:
            self.ends_edit.setDate(_qdate(row.ends_on))
        index = self.department_combo.findData(row.department_id)
        self.department_combo.setCurrentIndex(max(index, 0))

    # -- saving ---------------------------------------------------------------------------
    def data(self) -> cmp.CampaignData:
        return cmp.CampaignData(
            self.title_edit.text(), self.occasion_edit.toPlainText(),
            _pydate(self.starts_edit.date()),
            None if self.open_check.isChecked() else _pydate(self.ends_edit.date()),
            self.department_combo.currentData())

    def chosen_source(self) -> cmp.Source | None:
        if self.source is not None:
            return self.source
        name = self.filter_combo.currentData()
        return cmp.Source(client_filter=self.filters[name]) if name else None

    def save(self) -> None:
        ctx = self.context
        try:
            if self.campaign_id is not None:
                cmp.update_campaign(ctx.base, self.campaign_id, self.data(),
                                    employee_id=ctx.employee_id, profile=ctx.access)
            elif self.source is not None and self.target_combo.currentData() != NEW:
                self.report = cmp.add_items(ctx.base, int(self.target_combo.currentData()),
                                            self.source, employee_id=ctx.employee_id,
                                            profile=ctx.access)
                self.campaign_id = self.report.campaign_id
            else:
                self.report = cmp.create_campaign(ctx.base, self.data(), self.chosen_source(),
                                                  employee_id=ctx.employee_id,
                                                  profile=ctx.access,
                                                  status=CampaignStatus.DRAFT)
                self.campaign_id = self.report.campaign_id
        except (CampaignError, AccessDenied) as exc:
            self.error_label.setText(getattr(exc, "message", None) or str(exc))
            return
        ctx.bus.announce("campaign", [self.campaign_id])
        self.accept()


__all__ = ["CampaignDialog"]
