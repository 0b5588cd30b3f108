"""«Показатели KPI»: the list of indicators and the editor of one — its code, title, how
it is counted (a report's measure, picked from the engine's catalogue, or a formula with
its error shown under it as it is typed), unit and direction. Without «Настройка
показателей KPI» everything is shown read-only.

``catalogue_provider`` returns report key → (report title, {measure key: measure
title}); until the pivot engine is wired the default returns ``{}`` and the report and
measure are typed as keys (the catalogue is then not checked)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from vostok_desktop.domain.access import RIGHT_TITLES, Right
from vostok_desktop.domain.kpi import INDICATOR_KIND_TITLES, UNITS, IndicatorKind
from vostok_desktop.gui.kpi.common import (
    NO_MOD,
    KeyHandler,
    ListEditorMixin,
    announce,
    error_text,
    read_only_label,
    set_buddies,
)
from vostok_desktop.services.kpi import indicators
from vostok_desktop.services.kpi.indicators import IndicatorData, IndicatorRow

CatalogueView = Mapping[str, tuple[str, Mapping[str, str]]]
ERROR_COLOUR = "#b00020"
ARCHIVED_COLOUR = "#808080"


def no_catalogue() -> CatalogueView:
    """The default provider: no engine yet."""
    return {}


class IndicatorsDialog(ListEditorMixin, QDialog):
    """«Показатели KPI»."""

    EDITOR_TITLE = "Показатели KPI"
    EDITOR_WHAT = "Показатель"
    NEW_TEXT = "Новый показатель: заполните и нажмите «Записать»"
    SAVED_TEXT = "Показатель записан"
    TABLE = "kpi_indicators"

    def __init__(self, context: Any, parent: QWidget | None = None, *,
                 catalogue_provider: Callable[[], CatalogueView] = no_catalogue) -> None:
        super().__init__(parent)
        self.setObjectName("kpi_indicators_dialog")
        self.setWindowTitle("Показатели KPI")
        self.context = context
        self.catalogue: CatalogueView = dict(catalogue_provider() or {})
        self.may_edit = context.allows(Right.KPI_SETUP)
        self.rows: list[IndicatorRow] = []
        self.current_id: int | None = None
        self._filling = False
        self.dirty = False

        # -- the list ----------------------------------------------------------------
        self.list = QListWidget()
        self.list.setObjectName("indicator_list")
        self.list.currentRowChanged.connect(lambda _r: self._picked())
        list_label = QLabel("&Показатели:")
        list_label.setBuddy(self.list)
        self.new_button = QPushButton("&Новый")
        self.new_button.setObjectName("new_indicator")
        self.new_button.setToolTip("Новый показатель (Insert в списке)")
        self.new_button.clicked.connect(lambda: self.new())
        self.archive_button = QPushButton("В &архив")
        self.archive_button.setObjectName("archive_indicator")
        self.archive_button.clicked.connect(lambda: self.toggle_archive())
        self.delete_button = QPushButton("&Удалить")
        self.delete_button.setObjectName("delete_indicator")
        self.delete_button.setToolTip("Удалить показатель (Delete в списке)")
        self.delete_button.clicked.connect(lambda: self.delete())
        for button in (self.new_button, self.archive_button, self.delete_button):
            button.setAutoDefault(False)
        KeyHandler(self.list, {(Qt.Key.Key_Insert, NO_MOD): self.new,
                               (Qt.Key.Key_Delete, NO_MOD): self.delete})
        left = QVBoxLayout()
        left.setContentsMargins(0, 0, 0, 0)
        left.addWidget(list_label)
        left.addWidget(self.list, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.archive_button)
        buttons.addWidget(self.delete_button)
        left.addLayout(buttons)
        left_widget = QWidget()
        left_widget.setLayout(left)

        # -- the editor --------------------------------------------------------------
        self.code = QLineEdit()
        self.code.setObjectName("indicator_code")
        self.code.setMaxLength(indicators.MAX_CODE)
        self.code.setPlaceholderText("например, контакты")
        self.code.setToolTip("По коду показатель называют формулы: буквы, цифры и «_»")
        self.title = QLineEdit()
        self.title.setObjectName("indicator_title")
        self.title.setMaxLength(indicators.MAX_TITLE)
        self.kind = QComboBox()
        self.kind.setObjectName("indicator_kind")
        for kind, text in INDICATOR_KIND_TITLES.items():
            self.kind.addItem(text, kind)
        self.kind.currentIndexChanged.connect(lambda _i: self._kind_changed())
        self.report = QComboBox()
        self.report.setObjectName("indicator_report")
        self.report.currentIndexChanged.connect(lambda _i: self._fill_measures())
        self.measure = QComboBox()
        self.measure.setObjectName("indicator_measure")
        if not self.catalogue:
            for combo in (self.report, self.measure):
                combo.setEditable(True)
                combo.lineEdit().setPlaceholderText("ключ (каталог отчётов ещё не подключён)")
        self.formula = QLineEdit()
        self.formula.setObjectName("indicator_formula")
        self.formula.setPlaceholderText("например, (звонки + письма) / план * 100")
        self.formula.textChanged.connect(lambda _t: self.check_formula())
        self.code.textChanged.connect(lambda _t: self.check_formula())
        self.formula_error = QLabel()
        self.formula_error.setObjectName("formula_error")
        self.formula_error.setWordWrap(True)
        self.formula_error.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.codes_hint = QLabel()
        self.codes_hint.setObjectName("codes_hint")
        self.codes_hint.setWordWrap(True)
        self.codes_hint.setStyleSheet("color: #555555;")
        self.unit = QComboBox()
        self.unit.setObjectName("indicator_unit")
        self.unit.addItems(UNITS)
        self.higher = QCheckBox("&Чем больше, тем лучше")
        self.higher.setObjectName("indicator_higher")
        self.higher.setChecked(True)
        self.higher.setToolTip("Снимите, если лучше меньше (например, просроченные поручения)")
        self.save_button = QPushButton("&Записать")
        self.save_button.setObjectName("save_indicator")
        self.save_button.setToolTip("Записать показатель (Ctrl+S)")
        self.save_button.setAutoDefault(False)
        self.save_button.clicked.connect(lambda: self.save())
        QShortcut(QKeySequence("Ctrl+S"), self, lambda: self.save())
        self.status = QLabel()
        self.status.setObjectName("indicator_status")
        self.status.setWordWrap(True)

        self.form = QFormLayout()
        self.form.addRow("&Код:", self.code)
        self.form.addRow("Назва&ние:", self.title)
        self.form.addRow("&Как считается:", self.kind)
        self.form.addRow("&Отчёт:", self.report)
        self.form.addRow("&Величина:", self.measure)
        self.form.addRow("&Формула:", self.formula)
        self.form.addRow("", self.formula_error)
        self.form.addRow("", self.codes_hint)
        self.form.addRow("&Единица:", self.unit)
        self.form.addRow("", self.higher)
        set_buddies(self.form)
        right = QVBoxLayout()
        right.setContentsMargins(0, 0, 0, 0)
        if not self.may_edit:
            right.addWidget(read_only_label(RIGHT_TITLES[Right.KPI_SETUP]))
        right.addLayout(self.form)
        right.addStretch(1)
        save_row = QHBoxLayout()
        save_row.addWidget(self.status, 1)
        save_row.addWidget(self.save_button)
        right.addLayout(save_row)
        right_widget = QWidget()
        right_widget.setLayout(right)

        splitter = QSplitter()
        splitter.addWidget(left_widget)
        splitter.addWidget(right_widget)
        splitter.setSizes([300, 520])
        close = QPushButton("Закрыть")
        close.setAutoDefault(False)
        close.clicked.connect(self.accept)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addLayout(bottom)
        self.resize(860, 480)

        for edit in (self.code, self.title, self.formula):
            edit.textEdited.connect(lambda _t: self._edited())
        for combo in (self.kind, self.report, self.measure, self.unit):
            combo.activated.connect(lambda _i: self._edited())
            if combo.isEditable():
                combo.lineEdit().textEdited.connect(lambda _t: self._edited())
        self.higher.toggled.connect(lambda _c: self._edited())
        self._fill_reports()
        if not self.may_edit:
            for w in (self.code, self.title, self.formula):
                w.setReadOnly(True)
            for w in (self.kind, self.report, self.measure, self.unit, self.higher,
                      self.save_button, self.new_button, self.archive_button,
                      self.delete_button):
                w.setEnabled(False)
        self.reload()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        (self.code if self.current_id is None and self.may_edit else self.list).setFocus()

    # -- the list ----------------------------------------------------------------------
    def reload(self, select_id: int | None = None) -> None:
        self.rows = indicators.list_indicators(self.context.base)
        self._filling = True
        try:
            self.list.clear()
            for row in self.rows:
                text = row.label + ("  (в архиве)" if row.archived else "")
                item = QListWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, row.id)
                if row.archived:
                    item.setForeground(QBrush(QColor(ARCHIVED_COLOUR)))
                self.list.addItem(item)
        finally:
            self._filling = False
        ids = [r.id for r in self.rows]
        wanted = select_id if select_id in ids else self.current_id
        if wanted not in ids:
            wanted = ids[0] if ids else None
        self.dirty = False
        if wanted is None:
            self.new()
        else:
            self._select_id(wanted)
            self.current_id = wanted
            self._show(self.current_row())
        self.codes_hint.setText("Коды для формул: " + ", ".join(
            r.code for r in self.rows if not r.archived) if self.rows else "")

    def _entries(self) -> list[IndicatorRow]:
        return self.rows

    def current_row(self) -> IndicatorRow | None:
        return self.current_entry()  # type: ignore[no-any-return]

    def _show(self, row: IndicatorRow | None) -> None:
        self._filling = True
        try:
            self.code.setText(row.code if row else "")
            self.title.setText(row.title if row else "")
            self.kind.setCurrentIndex(self.kind.findData(row.kind if row
                                                         else IndicatorKind.MEASURE))
            self._select(self.report, row.report_key if row else None)
            self._fill_measures()
            self._select(self.measure, row.measure_key if row else None)
            self.formula.setText(row.formula or "" if row else "")
            self.unit.setCurrentText(row.unit if row else UNITS[0])
            self.higher.setChecked(row.higher_is_better if row else True)
        finally:
            self._filling = False
        self.archive_button.setText("Из &архива" if row and row.archived else "В &архив")
        for button in (self.archive_button, self.delete_button):
            button.setEnabled(self.may_edit and row is not None)
        self._kind_changed()
        self.status.clear()
        self.dirty = False

    # -- the report and measure combos ----------------------------------------------------
    def _fill_reports(self) -> None:
        self.report.clear()
        for key, (title, _measures) in sorted(self.catalogue.items(),
                                               key=lambda kv: kv[1][0]):
            self.report.addItem(title, key)

    def _fill_measures(self) -> None:
        current = self.measure.currentData() if self.catalogue else None
        self.measure.clear()
        entry = self.catalogue.get(self.report.currentData() or "")
        if entry:
            for key, title in entry[1].items():
                self.measure.addItem(title, key)
        if current is not None:
            self._select(self.measure, current)

    def _select(self, combo: QComboBox, key: str | None) -> None:
        if not key:
            combo.setCurrentIndex(-1 if self.catalogue else 0)
            if combo.isEditable():
                combo.setEditText("")
            return
        index = combo.findData(key)
        if index < 0 and combo.isEditable():
            combo.setEditText(key)
            return
        if index < 0:  # stored, but the engine no longer lists it
            combo.addItem(f"{key} (нет в каталоге)", key)
            index = combo.count() - 1
        combo.setCurrentIndex(index)

    def _key(self, combo: QComboBox) -> str:
        if combo.isEditable():
            return combo.currentText().strip()
        return str(combo.currentData() or "")

    def _kind_changed(self) -> None:
        is_formula = self.kind.currentData() == IndicatorKind.FORMULA
        for widget in (self.report, self.measure):
            self.form.setRowVisible(widget, not is_formula)
        for widget in (self.formula, self.codes_hint):
            self.form.setRowVisible(widget, is_formula)
        self.form.setRowVisible(self.formula_error, False)
        self.check_formula()

    # -- actions -----------------------------------------------------------------------
    def check_formula(self) -> str | None:
        """Show under the field why the formula cannot be used (as it is typed)."""
        if self._filling or self.kind.currentData() != IndicatorKind.FORMULA:
            self.formula_error.clear()
            self.form.setRowVisible(self.formula_error, False)
            return None
        problem = indicators.check_formula(self.context.base, self.code.text(),
                                           self.formula.text(), self.current_id)
        self.formula_error.setText(problem or "")
        self.form.setRowVisible(self.formula_error, bool(problem))
        if not self._filling and self.status.text().startswith("Не записано"):
            self.status.clear()
        return problem

    def data(self) -> IndicatorData:
        is_formula = self.kind.currentData() == IndicatorKind.FORMULA
        row = self.current_row() if self.current_id is not None else None
        return IndicatorData(
            self.code.text(), self.title.text(), self.kind.currentData(),
            None if is_formula else self._key(self.report),
            None if is_formula else self._key(self.measure),
            self.formula.text() if is_formula else None,
            self.unit.currentText(), self.higher.isChecked(),
            bool(row and row.archived))

    def _catalogue_keys(self) -> dict[str, set[str]] | None:
        if not self.catalogue:
            return None
        return {k: set(measures) for k, (_t, measures) in self.catalogue.items()}

    def _first_field(self) -> QWidget:
        return self.code

    def _save_entry(self) -> int:
        return indicators.save_indicator(
            self.context.base, self.data(), self.context.employee_id,
            indicator_id=self.current_id, catalogue=self._catalogue_keys(),
            profile=self.context.access)

    def toggle_archive(self) -> bool:
        row = self.current_row()
        if row is None or not self.may_edit or not self._may_leave():
            return False
        row = self.current_row() or row
        try:
            indicators.set_archived(self.context.base, row.id, not row.archived,
                                    self.context.employee_id, profile=self.context.access)
        except Exception as exc:  # noqa: BLE001
            self.status.setText(f"Не записано: {error_text(exc)}")
            return False
        self.reload(row.id)
        self.status.setText("Показатель в архиве: в новые планы и наборы он не попадёт"
                            if not row.archived else "Показатель снова в работе")
        announce(self.context, "kpi_indicators")
        return True

    def delete(self) -> bool:
        row = self.current_row()
        if row is None or not self.may_edit:
            return False
        blockers = indicators.deletion_blockers(self.context.base, row.id)
        if blockers:
            self.status.setText(blockers)
            return False
        plans = indicators.plan_count(self.context.base, row.id)
        question = f"Удалить показатель «{row.title}»?"
        if plans:
            question += f" Вместе с ним удалятся его планы: {plans}."
        answer = QMessageBox.question(self, "Удаление показателя", question)
        if answer != QMessageBox.StandardButton.Yes:
            return False
        try:
            indicators.delete_indicator(self.context.base, row.id, self.context.employee_id,
                                        profile=self.context.access)
        except Exception as exc:  # noqa: BLE001
            self.status.setText(f"Не удалено: {error_text(exc)}")
            return False
        self.current_id = None
        self.reload()
        self.status.setText(f"Показатель «{row.title}» удалён")
        announce(self.context, "kpi_indicators")
        return True
