"""The «Дистрибутивы» page of the client card: what the client has now (number, system,
type, series, network size, status, engineer, price or discount, kit, ЗВЭ), its kits and
the history of movements; commands подключить, отключить, передать права, замена,
пополнение комплекта, вернуть на склад, условия and «Состояние на дату…».

The page reads when it is shown (not with the card): one service call,
``state.client_distributives``. Each command opens a small dialog from ``dialogs``; a
refusal of the service is shown in the dialog, which keeps everything typed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from vostok_desktop.domain.distributives import (
    STOCK_RIGHT_STATUSES,
    SYSTEM_KIND_TITLES,
    DistributiveStatus,
    MovementKind,
)
from vostok_desktop.gui.cards.widgets import (
    DONE_COLOUR,
    ERROR_COLOUR,
    HINT_COLOUR,
    on_activate,
    read_only_table,
    set_text_colour,
)
from vostok_desktop.gui.distributives.common import (
    DEMO_BACKGROUND,
    DISCONNECTED_COLOUR,
    OVERDUE_BACKGROUND,
    fill_table,
    fmt_date,
    paint_row,
    row_id,
    select_id,
    short_name,
    shortcut_hint,
    show_dialog,
    system_text,
    terms_text,
)
from vostok_desktop.gui.distributives.dialogs import (
    REFUSALS,
    KitDialog,
    MovementDialog,
    TermsDialog,
    date_edit,
    from_qdate,
    refusal_text,
    to_qdate,
)
from vostok_desktop.services.distributives import gui_queries as gq
from vostok_desktop.services.distributives import kits as kit_service
from vostok_desktop.services.distributives import movements as mv
from vostok_desktop.services.distributives import state
from vostok_desktop.services.distributives import terms as terms_service
from vostok_desktop.services.distributives.common import DistributiveRow, refuse
from vostok_desktop.services.distributives.gui_queries import Choice

S = DistributiveStatus
K = MovementKind
MOVE = "distributives.move"
STOCK = "distributives.stock"

DISTRIBUTIVE_COLUMNS = ["№", "Система", "Тип", "Серия", "Сеть", "Состояние", "С", "Инженер",
                        "Цена / скидка", "Комплект", "ЗВЭ"]
KIT_COLUMNS = ["Комплект", "Подразделение", "Адрес", "Дистрибутивов", "ЗВЭ"]
HISTORY_COLUMNS = ["Дата", "Движение", "Дистрибутив", "Что произошло", "Кто", "Примечание"]

# Page commands: (action id, button text, method, right).
COMMANDS: list[tuple[str, str, str, str | None]] = [
    ("distributives.connect", "Подключить…", "connect", MOVE),
    ("distributives.disconnect", "Отключить…", "disconnect", MOVE),
    ("distributives.transfer", "Передать права…", "transfer", MOVE),
    ("distributives.replace", "Замена…", "replace", MOVE),
    ("distributives.kit_add", "В комплект…", "add_to_kit", MOVE),
    ("distributives.stock_return", "Вернуть на склад…", "return_to_stock", STOCK),
    ("distributives.terms", "Условия…", "edit_terms", MOVE),
    ("distributives.state_on", "Состояние на дату…", "show_state_on", None),
]
KIT_COMMANDS: list[tuple[str, str, str, str | None]] = [
    ("kits.new", "Новый комплект…", "new_kit", MOVE),
    ("kits.edit", "Изменить комплект…", "edit_kit", MOVE),
    ("kits.delete", "Удалить комплект", "delete_kit", MOVE),
]


class DistributivesPage(QWidget):
    """The page; ``today`` is injectable so tests fix the date of a movement."""

    def __init__(self, context: object, card: object | None = None,
                 parent: QWidget | None = None, *,
                 today: Callable[[], date] = date.today) -> None:
        super().__init__(parent)
        self.context = context
        self.card = card
        self.today = today
        self.client_id: int | None = None
        self.client_title = ""
        self.data: state.ClientDistributives | None = None
        self.rows: list[DistributiveRow] = []
        self.active_dialog: QDialog | None = None
        self._stale = True
        self._announcing = False
        self._build()
        bus = getattr(context, "bus", None)
        if bus is not None:
            bus.entities_changed.connect(self._entities_changed)

    def _entities_changed(self, kind: str, _ids: list[int]) -> None:
        if kind == "distributive" and not self._announcing:
            self.mark_stale()

    # -- set-up ---------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        self.summary = QLabel()
        self.summary.setObjectName("summary_label")
        layout.addWidget(self.summary)
        self.table = QTableWidget()
        self.table.setObjectName("distributives_table")
        read_only_table(self.table, DISTRIBUTIVE_COLUMNS)
        _widths(self.table, (72, 200, 82, 45, 40, 128, 76, 118, 92, 142, 36), stretch=1)
        on_activate(self.table, self.edit_terms)
        self.kits_table = QTableWidget()
        self.kits_table.setObjectName("kits_table")
        read_only_table(self.kits_table, KIT_COLUMNS)
        _widths(self.kits_table, (220, 170, 300, 105, 40), stretch=2)
        on_activate(self.kits_table, self.edit_kit)
        self.history = QTableWidget()
        self.history.setObjectName("history_table")
        read_only_table(self.history, HISTORY_COLUMNS)
        _widths(self.history, (78, 150, 88, 330, 150, 140), stretch=3)

        self.buttons: dict[str, QPushButton] = {}
        commands = QHBoxLayout()
        for action_id, text, method, _right in COMMANDS:
            commands.addWidget(self._button(action_id, text, method))
        commands.addStretch(1)

        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.table, 1)
        top_layout.addLayout(commands)
        self.hint = QLabel(shortcut_hint(getattr(self.context, "actions", None), [
            ("distributives.connect", "подключить"), ("distributives.disconnect", "отключить"),
            ("distributives.transfer", "передать права"), ("distributives.replace", "замена"),
            ("distributives.kit_add", "в комплект"),
            ("distributives.stock_return", "вернуть на склад"),
            ("distributives.terms", "условия"), ("distributives.state_on", "на дату")]))
        self.hint.setObjectName("hint_label")
        self.hint.setWordWrap(True)
        set_text_colour(self.hint, HINT_COLOUR)
        top_layout.addWidget(self.hint)
        kits = QWidget()
        kits_layout = QVBoxLayout(kits)
        kits_layout.setContentsMargins(0, 0, 0, 0)
        kits_head = QHBoxLayout()
        kits_head.addWidget(QLabel("Комплекты (ЗВЭ — «Задать вопрос эксперту»):"))
        kits_head.addStretch(1)
        for action_id, text, method, _right in KIT_COMMANDS:
            kits_head.addWidget(self._button(action_id, text, method))
        kits_layout.addLayout(kits_head)
        kits_layout.addWidget(self.kits_table, 1)
        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.addWidget(QLabel("История движений (новые сверху):"))
        bottom_layout.addWidget(self.history, 1)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        for part in (top, kits, bottom):
            self.splitter.addWidget(part)
        self.splitter.setSizes([300, 110, 220])
        layout.addWidget(self.splitter, 1)
        self.message = QLabel()
        self.message.setObjectName("message_label")
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        layout.addWidget(self.message)
        self.table.currentCellChanged.connect(lambda *_a: self._update_buttons())
        self.setFocusProxy(self.table)

    def _button(self, action_id: str, text: str, method: str) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(action_id.replace(".", "_") + "_button")
        button.clicked.connect(getattr(self, method))
        actions = getattr(self.context, "actions", None)
        if actions is not None and action_id in actions:
            tip = actions.action(action_id).toolTip()
            button.setToolTip(tip)
        self.buttons[action_id] = button
        return button

    def allows(self, right: str | None) -> bool:
        if right is None:
            return True
        base = self.context.base  # type: ignore[attr-defined]
        return not base.read_only and self.context.allows(right)  # type: ignore[attr-defined]

    def _update_buttons(self) -> None:
        row = self.current_row()
        for action_id, _text, _method, right in COMMANDS + KIT_COMMANDS:
            enabled = self.client_id is not None and self.allows(right)
            if action_id in ("distributives.disconnect", "distributives.transfer",
                             "distributives.replace", "distributives.kit_add",
                             "distributives.stock_return", "distributives.terms"):
                enabled = enabled and row is not None
            if action_id in ("kits.edit", "kits.delete"):
                enabled = enabled and row_id(self.kits_table) is not None
            self.buttons[action_id].setEnabled(enabled)

    # -- loading ----------------------------------------------------------------------
    def card_loaded(self, entity_id: int | None) -> None:
        """The card was (re)filled: read again when the page is seen."""
        self.client_id = entity_id
        self.client_title = getattr(self.card, "title", lambda: "")() if self.card else ""
        self._stale = True
        if self.isVisible():
            self.refresh()
        else:
            self._update_buttons()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def mark_stale(self) -> None:
        """Someone moved a distributive: read again now if seen, else when shown."""
        self._stale = True
        if self.isVisible():
            self.refresh()

    def refresh(self) -> None:
        self._stale = False
        if self.client_id is None:
            self.data, self.rows = None, []
            for table in (self.table, self.kits_table, self.history):
                table.setRowCount(0)
            self.summary.setText("Дистрибутивы появятся после сохранения карточки клиента.")
            self._update_buttons()
            return
        keep = row_id(self.table)
        data = state.client_distributives(self.context.base, self.client_id)  # type: ignore[attr-defined]
        self.data = data
        self.rows = [*data.current, *data.reserved]
        self._fill(data)
        if not (keep is not None and select_id(self.table, keep)) and self.rows:
            self.table.setCurrentCell(0, 0)
        self._update_buttons()

    def _fill(self, data: state.ClientDistributives) -> None:
        expert = {k.id: k.ask_expert for k in data.kits}
        today = self.today()
        values = []
        for d in self.rows:
            status = d.status_title
            if d.status is S.DEMO and d.demo_until:
                status += f" до {fmt_date(d.demo_until)}"
            if d.status is S.RESERVED:
                status += " (на складе)"
            values.append([d.number, system_text(d.system_title), d.kind_title, d.series,
                           str(d.network_size), status, fmt_date(d.status_since),
                           short_name(d.engineer_name), terms_text(d), d.kit_title or "",
                           "да" if d.kit_id is not None and expert.get(d.kit_id) else ""])
        fill_table(self.table, values, [d.id for d in self.rows])
        for r, d in enumerate(self.rows):
            self.table.item(r, 1).setToolTip(d.system_title)
            if d.status is S.DEMO:
                overdue = d.demo_until is not None and d.demo_until < today
                paint_row(self.table, r, background=OVERDUE_BACKGROUND if overdue
                          else DEMO_BACKGROUND, bold=overdue)
            elif d.status in (S.DISCONNECTED, S.RESERVED):
                paint_row(self.table, r, foreground=DISCONNECTED_COLOUR)
        fill_table(self.kits_table, [[k.title, k.division_name or "", k.address,
                                      str(k.distributives), "да" if k.ask_expert else ""]
                                     for k in data.kits], [k.id for k in data.kits])
        if data.kits:
            self.kits_table.setCurrentCell(0, 0)
        fill_table(self.history, [[fmt_date(m.moved_on), m.kind_title,
                                   f"№ {m.number}", m.description, short_name(m.employee_name),
                                   m.note] for m in data.history],
                   [m.id for m in data.history])
        demo = sum(1 for d in data.current if d.status is S.DEMO)
        off = sum(1 for d in data.current if d.status is S.DISCONNECTED)
        parts = [f"На обслуживании: {data.served_count}"]
        if demo:
            parts.append(f"ознакомительных: {demo}")
        if off:
            parts.append(f"отключённых: {off}")
        if data.reserved:
            parts.append(f"в резерве на складе: {len(data.reserved)}")
        parts.append(f"комплектов: {len(data.kits)}")
        self.summary.setText("; ".join(parts) + ".")

    # -- helpers -----------------------------------------------------------------------
    def current_row(self) -> DistributiveRow | None:
        wanted = row_id(self.table)
        return next((d for d in self.rows if d.id == wanted), None)

    def show_message(self, text: str, *, error: bool = True) -> None:
        self.message.setText(text)
        set_text_colour(self.message, ERROR_COLOUR if error else DONE_COLOUR)
        self.message.setVisible(bool(text))

    def _ready(self, right: str | None, need_row: bool = True) -> DistributiveRow | None | bool:
        """False when the command cannot run (the reason is shown); else the row."""
        if self.client_id is None:
            self.show_message("Сначала сохраните карточку клиента.")
            return False
        if not self.allows(right):
            self.show_message("Нет права на это действие или база открыта только для чтения.")
            return False
        row = self.current_row()
        if need_row and row is None:
            self.show_message("Выберите дистрибутив в списке.")
            return False
        return row

    def _kit_choices(self, client_id: int | None) -> list[Choice]:
        if client_id is None:
            return []
        if client_id == self.client_id and self.data is not None:
            found = self.data.kits
        else:
            found = kit_service.list_kits(self.context.base, client_id)  # type: ignore[attr-defined]
        return [Choice(k.id, k.title) for k in found if k.id is not None]

    def _employees(self) -> list[Choice]:
        return gq.employees(self.context.base)  # type: ignore[attr-defined]

    def _run(self, dialog: MovementDialog, request: Callable[[], mv.MovementRequest],
             done: str) -> QDialog:
        ctx = self.context

        def submit() -> list[mv.AppliedMovement]:
            return mv.apply_movement(ctx.base, request(), ctx.employee_id,  # type: ignore[attr-defined]
                                     profile=ctx.access, today=self.today())  # type: ignore[attr-defined]

        dialog.submit = submit
        return show_dialog(self, dialog, lambda: self._done(done, dialog))

    def _done(self, text: str, dialog: QDialog) -> None:
        self.active_dialog = None
        result = getattr(dialog, "result_value", None)
        ids = sorted({m.distributive_id for m in result if hasattr(m, "distributive_id")}
                     if isinstance(result, list) else [])
        self.refresh()
        self.show_message(text, error=False)
        bus = getattr(self.context, "bus", None)
        if bus is not None:
            self._announcing = True
            try:
                bus.announce("distributive", ids)
            finally:
                self._announcing = False

    def _header(self, row: DistributiveRow, text: str) -> str:
        return f"{text}: дистрибутив № {row.number} — {row.system_title} ({row.status_title.lower()})."

    # -- movements ---------------------------------------------------------------------
    def connect(self) -> QDialog | None:
        """Подключение: a distributive from the warehouse (or the selected demo,
        disconnected or reserved one of this client) starts being served here."""
        row = self._ready(MOVE, need_row=False)
        if row is False:
            return None
        own: list[Choice] = []
        if isinstance(row, DistributiveRow) and row.status in (S.DEMO, S.DISCONNECTED,
                                                               S.RESERVED):
            own = [Choice(row.id, f"№ {row.number} — {row.system_title} "
                                  f"({row.status_title.lower()} у этого клиента)")]
        stock = [c for c in gq.stock_choices(self.context.base, client_id=self.client_id)  # type: ignore[attr-defined]
                 if not own or c.id != own[0].id]
        if not own and not stock:
            self.show_message("На складе нет свободных дистрибутивов: оприходуйте их "
                              "(«Дистрибутивы» → «Склад…»).")
            return None
        current_kit = row.kit_id if own and isinstance(row, DistributiveRow) else None
        if current_kit is None and self.data is not None and len(self.data.kits) == 1:
            current_kit = self.data.kits[0].id  # the client's only kit
        dialog = MovementDialog(
            "Подключение дистрибутива", f"Подключить клиенту «{self._client_name()}» "
            "дистрибутив со склада.", {"stock", "kit", "engineer"}, today=self.today(),
            kits=self._kit_choices, kit_client=self.client_id, current_kit=current_kit,
            stock=[*own, *stock], employees=self._employees(),
            engineer_id=row.engineer_id if own and isinstance(row, DistributiveRow) else None,
            parent=self)
        dialog.stock.setFocus()

        def request() -> mv.MovementRequest:
            chosen = dialog.stock_id()
            if chosen is None:
                raise refuse("distributive_id", "Выберите дистрибутив со склада")
            return mv.MovementRequest(K.CONNECT, chosen, dialog.moved_on(),
                                      to_client_id=self.client_id, to_kit_id=dialog.kit_id(),
                                      engineer_id=dialog.engineer_id(),
                                      note=dialog.note_text())

        return self._run(dialog, request, "Дистрибутив подключён.")

    def _simple(self, kind: MovementKind, right: str, title: str, verb: str,
                done: str) -> QDialog | None:
        row = self._ready(right)
        if not isinstance(row, DistributiveRow):
            return None
        dialog = MovementDialog(title, self._header(row, verb), set(), today=self.today(),
                                last_moved_on=row.status_since, parent=self)
        return self._run(dialog, lambda: mv.MovementRequest(
            kind, row.id, dialog.moved_on(), note=dialog.note_text(),
            expected_version=row.version), done.format(number=row.number))

    def disconnect(self) -> QDialog | None:
        return self._simple(K.DISCONNECT, MOVE, "Отключение дистрибутива", "Отключить",
                            "Дистрибутив № {number} отключён.")

    def return_to_stock(self) -> QDialog | None:
        return self._simple(K.STOCK_RETURN, STOCK, "Возврат на склад", "Вернуть на склад",
                            "Дистрибутив № {number} возвращён на склад.")

    def transfer(self) -> QDialog | None:
        row = self._ready(MOVE)
        if not isinstance(row, DistributiveRow):
            return None
        base = self.context.base  # type: ignore[attr-defined]
        dialog = MovementDialog(
            "Передача прав", self._header(row, "Передать права другому клиенту"),
            {"client", "kit", "engineer"}, today=self.today(), last_moved_on=row.status_since,
            kits=self._kit_choices,
            find_clients=lambda text: gq.find_clients(base, text, exclude=self.client_id),
            employees=self._employees(), engineer_id=row.engineer_id, parent=self)
        return self._run(dialog, lambda: mv.MovementRequest(
            K.TRANSFER, row.id, dialog.moved_on(), to_client_id=dialog.client_id(),
            to_kit_id=dialog.kit_id(), engineer_id=dialog.engineer_id(),
            note=dialog.note_text(), expected_version=row.version),
            f"Права на дистрибутив № {row.number} переданы.")

    def replace(self) -> QDialog | None:
        row = self._ready(MOVE)
        if not isinstance(row, DistributiveRow):
            return None
        stock = gq.stock_choices(self.context.base, client_id=self.client_id)  # type: ignore[attr-defined]
        dialog = MovementDialog(
            "Замена дистрибутива (МЗ)", self._header(row, "Заменить дистрибутивом со склада")
            + " Новый встанет на его место, в тот же комплект и на те же условия.",
            {"stock"}, today=self.today(), last_moved_on=row.status_since, stock=stock,
            parent=self)
        dialog.stock.setFocus()

        def request() -> mv.MovementRequest:
            if dialog.stock_id() is None:
                raise refuse("replacement_id", "Выберите новый дистрибутив со склада")
            return mv.MovementRequest(K.REPLACE, row.id, dialog.moved_on(),
                                      replacement_id=dialog.stock_id(),
                                      note=dialog.note_text(), expected_version=row.version)

        return self._run(dialog, request, f"Дистрибутив № {row.number} заменён.")

    def add_to_kit(self) -> QDialog | None:
        row = self._ready(MOVE)
        if not isinstance(row, DistributiveRow):
            return None
        dialog = MovementDialog(
            "Пополнение комплекта", self._header(row, "Включить в комплект"), {"kit"},
            today=self.today(), last_moved_on=row.status_since, kits=self._kit_choices,
            kit_client=self.client_id, current_kit=row.kit_id, parent=self)
        dialog.kit.setFocus()

        def request() -> mv.MovementRequest:
            if dialog.kit_id() is None:
                raise refuse("to_kit_id", f"Дистрибутив № {row.number}: выберите комплект "
                                          "(новый — кнопкой «Новый комплект…»)")
            return mv.MovementRequest(K.KIT_ADD, row.id, dialog.moved_on(),
                                      to_kit_id=dialog.kit_id(), note=dialog.note_text(),
                                      expected_version=row.version)

        return self._run(dialog, request, f"Дистрибутив № {row.number} включён в комплект.")

    # -- terms and kits ----------------------------------------------------------------
    def edit_terms(self) -> QDialog | None:
        selected = self.current_row()
        row = self._ready(STOCK if selected is not None
                          and selected.status in STOCK_RIGHT_STATUSES else MOVE)
        if not isinstance(row, DistributiveRow):
            return None
        ctx = self.context
        try:
            terms, version = terms_service.read_terms(ctx.base, row.id)  # type: ignore[attr-defined]
        except Exception as exc:  # noqa: BLE001 - a removed row: say so
            self.show_message(str(exc))
            return None
        dialog = TermsDialog(row.number, terms, self._employees(), row.client_id is not None,
                             parent=self)
        dialog.submit = lambda: terms_service.save_terms(
            ctx.base, row.id, dialog.terms(), version, ctx.employee_id,  # type: ignore[attr-defined]
            profile=ctx.access)  # type: ignore[attr-defined]
        dialog.money_button.clicked.connect(lambda: self.edit_money_terms(row, dialog))
        return show_dialog(self, dialog, lambda: self._done(
            f"Условия дистрибутива № {row.number} сохранены.", dialog))

    def edit_money_terms(self, row: DistributiveRow, parent: QWidget | None = None
                         ) -> QDialog:
        """«Цены и скидки по датам…» of the distributive (gui/money/distributive_terms_dialog)."""
        from vostok_desktop.gui.money.distributive_terms_dialog import open_distributive_terms

        dialog = open_distributive_terms(self.context, row.id, row.number, parent or self)
        dialog.finished.connect(lambda _r: self.refresh())
        self.money_terms_dialog = dialog
        return dialog

    def new_kit(self) -> QDialog | None:
        if self._ready(MOVE, need_row=False) is False:
            return None
        return self._kit_dialog(kit_service.KitData(self.client_id, ""))  # type: ignore[arg-type]

    def edit_kit(self) -> QDialog | None:
        if self._ready(MOVE, need_row=False) is False or self.data is None:
            return None
        wanted = row_id(self.kits_table)
        kit = next((k for k in self.data.kits if k.id == wanted), None)
        if kit is None:
            self.show_message("Выберите комплект в списке комплектов.")
            return None
        return self._kit_dialog(kit)

    def delete_kit(self, *, confirm: bool = True) -> bool:
        """Delete the selected kit: only an empty one no movement names (else the
        service's refusal is shown)."""
        if self._ready(MOVE, need_row=False) is False or self.data is None:
            return False
        wanted = row_id(self.kits_table)
        kit = next((k for k in self.data.kits if k.id == wanted), None)
        if kit is None or kit.id is None:
            self.show_message("Выберите комплект в списке комплектов.")
            return False
        if confirm and QMessageBox.question(
                self, "Удаление комплекта", f"Удалить комплект «{kit.title}»?"
        ) != QMessageBox.StandardButton.Yes:
            return False
        ctx = self.context
        try:
            kit_service.delete_kit(ctx.base, kit.id, ctx.employee_id,  # type: ignore[attr-defined]
                                   profile=ctx.access)  # type: ignore[attr-defined]
        except REFUSALS as exc:
            self.show_message(refusal_text(exc))
            return False
        self.refresh()
        self.show_message(f"Комплект «{kit.title}» удалён.", error=False)
        return True

    def _kit_dialog(self, kit: kit_service.KitData) -> QDialog:
        ctx = self.context
        divisions = gq.divisions(ctx.base, self.client_id)  # type: ignore[attr-defined,arg-type]
        dialog = KitDialog(kit, divisions, self.allows("distributives.files"), parent=self)

        def submit() -> object:
            data = dialog.data()
            if kit.id is None:
                return kit_service.create_kit(ctx.base, data, ctx.employee_id,  # type: ignore[attr-defined]
                                              profile=ctx.access)  # type: ignore[attr-defined]
            return kit_service.update_kit(ctx.base, kit.id, data, ctx.employee_id,  # type: ignore[attr-defined]
                                          profile=ctx.access)  # type: ignore[attr-defined]

        dialog.submit = submit
        return show_dialog(self, dialog, lambda: self._done("Комплект сохранён.", dialog))

    # -- the past -----------------------------------------------------------------------
    def show_state_on(self) -> QDialog | None:
        if self.client_id is None:
            self.show_message("Сначала сохраните карточку клиента.")
            return None
        dialog = StateOnDateDialog(self.context.base, self.client_id, self._client_name(),  # type: ignore[attr-defined]
                                   self.today(), {k.id: k.title for k in
                                                  (self.data.kits if self.data else [])},
                                   parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.active_dialog = dialog
        dialog.open()
        return dialog

    def _client_name(self) -> str:
        title = self.client_title or (self.card.title() if self.card is not None  # type: ignore[attr-defined]
                                      else "")
        return title or "клиента"


def _widths(table: QTableWidget, widths: tuple[int, ...], *, stretch: int) -> None:
    """Column widths; column ``stretch`` takes what is left (the table never scrolls
    sideways at the card's usual width)."""
    header = table.horizontalHeader()
    header.setStretchLastSection(False)
    for c, width in enumerate(widths):
        table.setColumnWidth(c, width)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    header.setMinimumSectionSize(36)


class StateOnDateDialog(QDialog):
    """«Состояние на дату…»: the client's distributives at the end of a chosen day,
    reconstructed from the movements."""

    def __init__(self, base: object, client_id: int, client_name: str, today: date,
                 kit_titles: dict[int | None, str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Дистрибутивы «{client_name}» на дату")
        self.setObjectName("state_on_dialog")
        self.resize(720, 380)
        self.base = base
        self.client_id = client_id
        self.kit_titles = kit_titles
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        label = QLabel("На &дату:")
        self.date = date_edit(today, "state_date")
        self.date.setMaximumDate(to_qdate(today))
        label.setBuddy(self.date)
        row.addWidget(label)
        row.addWidget(self.date)
        self.summary = QLabel()
        self.summary.setObjectName("state_summary")
        set_text_colour(self.summary, HINT_COLOUR)
        row.addWidget(self.summary, 1)
        layout.addLayout(row)
        self.table = QTableWidget()
        self.table.setObjectName("state_table")
        read_only_table(self.table, ["№", "Система", "Тип", "Состояние", "С", "Комплект"])
        _widths(self.table, (80, 260, 80, 130, 80, 150), stretch=1)
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.date.dateChanged.connect(lambda _d: self.refresh())
        self.held: list[state.HeldDistributive] = []
        self.refresh()
        self.date.setFocus()

    def on(self) -> date:
        return from_qdate(self.date.date())

    def set_date(self, value: date) -> None:
        self.date.setDate(to_qdate(value))

    def refresh(self) -> None:
        on = self.on()
        self.held = state.state_on(self.base, self.client_id, on)  # type: ignore[arg-type]
        fill_table(self.table, [[h.number, h.system_title, SYSTEM_KIND_TITLES[h.kind],
                                 h.status_title, fmt_date(h.since),
                                 self.kit_titles.get(h.kit_id, "") if h.kit_id else ""]
                                for h in self.held], [h.distributive_id for h in self.held])
        served = sum(1 for h in self.held if h.status is S.SERVED)
        self.summary.setText(f"на {on:%d.%m.%Y}: дистрибутивов {len(self.held)}, "
                             f"на обслуживании {served}" if self.held
                             else f"на {on:%d.%m.%Y} дистрибутивов у клиента не было")


__all__ = ["COMMANDS", "KIT_COMMANDS", "DistributivesPage", "StateOnDateDialog"]
