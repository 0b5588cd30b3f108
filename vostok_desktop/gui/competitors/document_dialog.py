"""The document «Конкурент клиента»: its competitor, stage, dates, value and note; pages
«Комплекты» (Insert — new kit with its users), «Отношение КЛ», «Противодействие»
(assignments and works filed under it; «Поручение по конкуренту…», Ctrl+Alt+P) and
«История стадий». Ctrl+→ moves it to the next stage of the lifecycle.

The keys are the registry's scoped commands (``competitors.kit_new``,
``competitors.next_stage``, ``competitors.counter_assignment``) attached to the dialog.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from vostok_desktop.domain import Client, Employee
from vostok_desktop.domain.competitors import (
    ATTITUDE_TITLES,
    ENCOUNTER_TITLES,
    Attitude,
    Encounter,
)
from vostok_desktop.gui.cards.widgets import show_status, style_header
from vostok_desktop.gui.competitors.common import (
    attempt,
    confirm,
    current_key,
    day,
    fill_table,
    from_qdate,
    make_table,
    rub,
    to_qdate,
)
from vostok_desktop.gui.context import AppContext
from vostok_desktop.services.competitors import catalogue as cat
from vostok_desktop.services.competitors import counter_work as cw
from vostok_desktop.services.competitors import documents as docs

SCOPE = "competitor_document"
KIT_NEW, NEXT_STAGE, COUNTER = ("competitors.kit_new", "competitors.next_stage",
                                "competitors.counter_assignment")
RIGHT = "client.edit"


def _employees(context: AppContext) -> list[tuple[int, str]]:
    with context.base.sessions() as s:
        return [(i, n) for i, n in s.execute(
            select(Employee.id, Employee.full_name).where(Employee.is_active.is_(True))
            .order_by(Employee.full_name))]


class CompetitorDocumentDialog(QDialog):
    """One document; ``document_id`` None with ``client_id``: a new one."""

    def __init__(self, context: AppContext, *, document_id: int | None = None,
                 client_id: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setObjectName("competitor_document_dialog")
        self.setWindowTitle("Конкурент клиента")
        self.resize(860, 640)
        self.kit_dialog: KitDialog | None = None
        self.attitude_dialog: AttitudeDialog | None = None
        self.assignment_form: Any = None
        self.link_dialog: LinkDialog | None = None
        self.editable = context.allows(RIGHT)
        if document_id is not None:
            self.row: docs.DocumentRow | None = docs.load_document(context.base, document_id)
            self.data = self.row.data()
        else:
            assert client_id is not None
            self.row = None
            self.data = docs.new_document(context.base, client_id, context.employee_id)
        with context.base.sessions() as s:
            self.client_name = s.scalar(select(Client.short_name)
                                        .where(Client.id == self.data.client_id)) or ""
        self._build()
        self._fill()

    # -- layout ---------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        self.header_label = QLabel()
        style_header(self.header_label)
        layout.addWidget(self.header_label)
        form = QFormLayout()
        self.competitor_combo = QComboBox()
        self.competitor_combo.setObjectName("competitor_combo")
        stage_row = QHBoxLayout()
        self.stage_combo = QComboBox()
        self.stage_combo.setObjectName("stage_combo")
        self.next_button = QPushButton("Следующая стадия")
        self.next_button.setObjectName("next_stage_button")
        self.next_button.clicked.connect(self.next_stage)
        self.closed_label = QLabel()
        stage_row.addWidget(self.stage_combo, 1)
        stage_row.addWidget(self.next_button)
        stage_row.addWidget(self.closed_label)
        self.encounter_combo = QComboBox()
        for value, title in ENCOUNTER_TITLES.items():
            self.encounter_combo.addItem(title, value.value)
        self.opened_edit = QDateEdit()
        self.opened_edit.setCalendarPopup(True)
        self.opened_edit.setDisplayFormat("dd.MM.yyyy")
        self.responsible_combo = QComboBox()
        self.responsible_combo.addItem("— не указан —", None)
        for eid, name in _employees(self.context):
            self.responsible_combo.addItem(name, eid)
        self.value_edit = QLineEdit()
        self.value_edit.setObjectName("value_edit")
        self.value_edit.setPlaceholderText("сколько клиент платит конкуренту в месяц")
        self.note_edit = QPlainTextEdit()
        self.note_edit.setTabChangesFocus(True)
        self.note_edit.setFixedHeight(54)
        form.addRow("&Конкурент:", self.competitor_combo)
        stage_label = QLabel("&Стадия:")
        stage_label.setBuddy(self.stage_combo)
        form.addRow(stage_label, stage_row)
        form.addRow("&Вид:", self.encounter_combo)
        form.addRow("&Появился:", self.opened_edit)
        form.addRow("&Ответственный:", self.responsible_combo)
        form.addRow("Стоимость в &месяц, ₽:", self.value_edit)
        form.addRow("&Примечание:", self.note_edit)
        layout.addLayout(form)

        self.pages = QTabWidget()
        self.kits_table = make_table(["Система / продукт", "Рабочих мест", "У клиента с",
                                      "Цена в месяц, ₽", "Пользователи", "Примечание"],
                                     stretch=4)
        self.kits_table.setObjectName("kits_table")
        self.new_kit_button = QPushButton("Новый комплект…")
        self.new_kit_button.clicked.connect(self.new_kit)
        edit_kit = QPushButton("Изменить…")
        edit_kit.clicked.connect(self.edit_kit)
        delete_kit = QPushButton("Удалить")
        delete_kit.clicked.connect(self.delete_kit)
        self.kits_table.doubleClicked.connect(lambda _i: self.edit_kit())
        self.pages.addTab(self._page(self.kits_table, [self.new_kit_button, edit_kit,
                                                       delete_kit]), "Комплекты")
        self.attitudes_table = make_table(["Контактное лицо", "Отношение", "Примечание"])
        self.attitudes_table.setObjectName("attitudes_table")
        set_att = QPushButton("Указать отношение…")
        set_att.clicked.connect(self.edit_attitude)
        remove_att = QPushButton("Убрать")
        remove_att.clicked.connect(self.remove_attitude)
        self.attitudes_table.doubleClicked.connect(lambda _i: self.edit_attitude(current=True))
        self.pages.addTab(self._page(self.attitudes_table, [set_att, remove_att]),
                          "Отношение КЛ")
        self.links_table = make_table(["Когда", "Что", "Содержание", "Состояние",
                                       "Исполнитель"], stretch=2)
        self.links_table.setObjectName("links_table")
        self.counter_button = QPushButton("Поручение по конкуренту…")
        self.counter_button.clicked.connect(self.counter_assignment)
        link = QPushButton("Привязать поручение или работу…")
        link.clicked.connect(self.link_existing)
        unlink = QPushButton("Отвязать")
        unlink.clicked.connect(self.unlink)
        self.pages.addTab(self._page(self.links_table, [self.counter_button, link, unlink]),
                          "Противодействие")
        self.history_table = make_table(["Дата", "Было", "Стало", "Кто", "Примечание"])
        self.pages.addTab(self._page(self.history_table, []), "История стадий")
        layout.addWidget(self.pages, 1)

        footer = QHBoxLayout()
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.message_label.setSizePolicy(QSizePolicy.Policy.Expanding,
                                         QSizePolicy.Policy.Preferred)
        self.message_label.setVisible(False)
        hint = QLabel("Insert — новый комплект · Ctrl+→ — следующая стадия · "
                      "Ctrl+Alt+P — поручение по конкуренту")
        hint.setEnabled(False)
        self.save_button = QPushButton("Записать")
        self.save_button.setObjectName("save_button")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        close = QPushButton("Закрыть")
        close.clicked.connect(self.reject)
        layout.addWidget(hint)
        footer.addWidget(self.message_label, 3)
        footer.addStretch(1)
        footer.addWidget(self.save_button)
        footer.addWidget(close)
        layout.addLayout(footer)
        for widget in (self.competitor_combo, self.stage_combo, self.encounter_combo,
                       self.opened_edit, self.responsible_combo, self.value_edit,
                       self.note_edit, self.save_button, self.new_kit_button,
                       self.next_button, self.counter_button, set_att, remove_att,
                       edit_kit, delete_kit, link, unlink):
            widget.setEnabled(self.editable)
        if not self.editable:
            self.report("Только просмотр: нет права «Изменение клиентов и контактных лиц»",
                        error=False)

    @staticmethod
    def _page(table: QWidget, buttons: list[QPushButton]) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(table, 1)
        row = QHBoxLayout()
        for button in buttons:
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        return page

    # -- filling ----------------------------------------------------------------------------
    def _fill(self) -> None:
        d = self.data
        self.competitor_combo.clear()
        choices = cat.competitor_choices(self.context.base)
        if self.row is not None and all(i != self.row.competitor_id for i, _n in choices):
            choices.append((self.row.competitor_id, f"{self.row.competitor_name} (в архиве)"))
        self.competitor_combo.addItem("— выберите конкурента —", None)
        for cid, name in choices:
            self.competitor_combo.addItem(name, cid)
        self.competitor_combo.setCurrentIndex(max(0, self.competitor_combo.findData(
            d.competitor_id)))
        self.stage_combo.clear()
        for st in cat.list_stages(self.context.base):
            self.stage_combo.addItem(st.title, st.id)
        self.stage_combo.setCurrentIndex(max(0, self.stage_combo.findData(d.stage_id)))
        self.encounter_combo.setCurrentIndex(max(0, self.encounter_combo.findData(
            Encounter(d.encounter).value)))
        self.opened_edit.setDate(to_qdate(d.opened_on or date.today()))
        self.responsible_combo.setCurrentIndex(max(0, self.responsible_combo.findData(
            d.responsible_id)))
        self.value_edit.setText(rub(d.monthly_value) if d.monthly_value is not None else "")
        self.note_edit.setPlainText(d.note or "")
        saved = self.row is not None
        title = self.row.competitor_name if self.row else "новый документ"
        self.header_label.setText(f"Конкурент клиента: {title} — {self.client_name}")
        self.closed_label.setText(f"закрыт {day(self.row.closed_on)}"
                                  if self.row and self.row.closed_on else "")
        self.next_button.setEnabled(self.editable and saved and not self.row.closed)
        for i in range(self.pages.count()):
            self.pages.setTabEnabled(i, saved or i == 0)
        self._fill_pages()

    def _fill_pages(self) -> None:
        if self.row is None:
            fill_table(self.kits_table, [], [])
            return
        base, doc_id = self.context.base, self.row.id
        kits = docs.kits_of(base, doc_id)
        fill_table(self.kits_table, [[k.product, k.workplaces, day(k.since),
                                      rub(k.monthly_price), k.users_text, k.note]
                                     for k in kits], [k.id for k in kits])
        self.kits = {k.id: k for k in kits}
        attitudes = docs.attitudes_of(base, doc_id)
        fill_table(self.attitudes_table, [[a.contact_name, a.attitude_title, a.note]
                                          for a in attitudes], [a.id for a in attitudes])
        self.attitudes = {a.id: a for a in attitudes}
        links = cw.links_of(base, doc_id)
        fill_table(self.links_table, [[k.when.astimezone().strftime("%d.%m.%Y") if k.when
                                       else "", k.title, k.text, k.state, k.who]
                                      for k in links], [k.id for k in links])
        moves = docs.stage_history(base, doc_id)
        fill_table(self.history_table, [[day(m.moved_on), m.from_title or "—", m.to_title,
                                         m.who, m.note] for m in moves],
                   list(range(len(moves))))

    def report(self, text: str, error: bool = True) -> None:
        show_status(self.message_label, text, error)

    def _reload(self) -> None:
        assert self.row is not None
        self.row = docs.load_document(self.context.base, self.row.id)
        self.data = self.row.data()
        self._fill()
        self.context.bus.announce("client_competitor", [self.row.id])

    # -- commands ---------------------------------------------------------------------------
    def collect(self) -> docs.DocumentData:
        d = docs.DocumentData(**vars(self.data))
        d.competitor_id = self.competitor_combo.currentData()
        d.stage_id = self.stage_combo.currentData()
        d.encounter = Encounter(self.encounter_combo.currentData())
        d.opened_on = from_qdate(self.opened_edit.date())
        d.responsible_id = self.responsible_combo.currentData()
        d.monthly_value = self.value_edit.text()
        d.note = self.note_edit.toPlainText()
        if self.row is not None and d.stage_id != self.row.stage_id:
            d.closed_on = None  # a new closing stage closes today
        return d

    def save(self) -> bool:
        new_id = attempt(lambda: docs.save_document(self.context.base, self.collect(),
                                                    self.context.employee_id),
                         self.report, "Документ не записан")
        if new_id is None:
            return False
        self.row = docs.load_document(self.context.base, new_id)
        self._reload()
        self.report("Записано", error=False)
        return True

    def _ensure_saved(self) -> bool:
        return self.row is not None or self.save()

    def next_stage(self) -> None:
        if self.row is None:
            self.report("Сначала запишите документ")
            return
        row = attempt(lambda: docs.move_to_next_stage(
            self.context.base, self.row.id, self.context.employee_id,
            version=self.row.version), self.report, "Стадия не изменена")
        if row is not None:
            self._reload()
            self.report(f"Стадия: «{row.stage_title}»", error=False)

    def new_kit(self) -> KitDialog | None:
        if not self._ensure_saved():
            return None
        self.pages.setCurrentIndex(0)
        return self._kit(docs.KitData(document_id=self.row.id))  # type: ignore[union-attr]

    def edit_kit(self) -> KitDialog | None:
        key = current_key(self.kits_table)
        if key is None:
            return None
        return self._kit(self.kits[key].data())

    def _kit(self, data: docs.KitData) -> KitDialog:
        assert self.row is not None
        dialog = KitDialog(self.context, data, docs.contacts_of_client(
            self.context.base, self.row.client_id), self)
        dialog.accepted.connect(self._kit_saved)
        self.kit_dialog = dialog
        dialog.open()
        return dialog

    def _kit_saved(self) -> None:
        self._fill_pages()
        self.report("Комплект записан", error=False)

    def delete_kit(self) -> None:
        key = current_key(self.kits_table)
        if key is None or not confirm(self, "Комплект конкурента",
                                      f"Удалить комплект «{self.kits[key].product}»?"):
            return
        attempt(lambda: docs.delete_kit(self.context.base, key, self.context.employee_id),
                self.report, "Комплект не удалён")
        self._fill_pages()

    def edit_attitude(self, current: bool = False) -> AttitudeDialog | None:
        if not self._ensure_saved():
            return None
        assert self.row is not None
        key = current_key(self.attitudes_table) if current else None
        dialog = AttitudeDialog(self.context, self.row.id, docs.contacts_of_client(
            self.context.base, self.row.client_id), self.attitudes.get(key) if key else None,
            self)
        dialog.accepted.connect(self._fill_pages)
        self.attitude_dialog = dialog
        dialog.open()
        return dialog

    def remove_attitude(self) -> None:
        key = current_key(self.attitudes_table)
        if key is None:
            return
        attempt(lambda: docs.remove_attitude(self.context.base, key,
                                             self.context.employee_id),
                self.report, "Отношение не убрано")
        self._fill_pages()

    def counter_assignment(self) -> Any:
        """«Поручение по конкуренту…»: the assignment form for the document's client."""
        if not self._ensure_saved():
            return None
        from vostok_desktop.gui.competitors.counter_form import CounterAssignmentForm

        assert self.row is not None
        form = CounterAssignmentForm(self.context, self.row, self)
        form.accepted.connect(self._fill_pages)
        form.accepted.connect(lambda: self.pages.setCurrentIndex(2))
        self.assignment_form = form
        form.open()
        return form

    def link_existing(self) -> LinkDialog | None:
        if self.row is None:
            return None
        dialog = LinkDialog(self.context, self.row.id, self)
        dialog.accepted.connect(self._fill_pages)
        self.link_dialog = dialog
        dialog.open()
        return dialog

    def unlink(self) -> None:
        key = current_key(self.links_table)
        if key is None:
            return
        attempt(lambda: cw.unlink(self.context.base, key, self.context.employee_id),
                self.report, "Не отвязано")
        self._fill_pages()


class KitDialog(QDialog):
    """A kit of the competitor: product, workplaces, since, price, and who uses it."""

    def __init__(self, context: AppContext, data: docs.KitData,
                 contacts: list[tuple[int, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context, self.data = context, data
        self.setObjectName("competitor_kit_dialog")
        self.setWindowTitle("Комплект конкурента")
        self.resize(520, 460)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.product_edit = QLineEdit(data.product)
        self.workplaces_edit = QLineEdit(str(data.workplaces))
        self.since_check = QCheckBox("У клиента с")
        self.since_edit = QDateEdit()
        self.since_edit.setCalendarPopup(True)
        self.since_edit.setDisplayFormat("dd.MM.yyyy")
        self.since_edit.setDate(to_qdate(data.since or date.today()))
        self.since_check.setChecked(data.since is not None)
        self.since_edit.setEnabled(data.since is not None)
        self.since_check.toggled.connect(self.since_edit.setEnabled)
        self.price_edit = QLineEdit(rub(data.monthly_price) if data.monthly_price else "")
        self.price_edit.setPlaceholderText("не известна")
        self.note_edit = QLineEdit(data.note)
        since_row = QHBoxLayout()
        since_row.addWidget(self.since_check)
        since_row.addWidget(self.since_edit, 1)
        form.addRow("&Система / продукт:", self.product_edit)
        form.addRow("&Рабочих мест:", self.workplaces_edit)
        form.addRow(since_row)
        form.addRow("&Цена в месяц, ₽:", self.price_edit)
        form.addRow("При&мечание:", self.note_edit)
        layout.addLayout(form)
        layout.addWidget(QLabel("Пользователи комплекта (контактные лица клиента):"))
        self.users_list = QListWidget()
        self.users_list.setObjectName("users_list")
        for cid, name in contacts:
            item = QListWidgetItem(name)
            item.setData(256, cid)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if cid in data.user_ids
                               else Qt.CheckState.Unchecked)
            self.users_list.addItem(item)
        if not contacts:
            self.users_list.addItem("У клиента нет контактных лиц")
        layout.addWidget(self.users_list, 1)
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.message_label.setVisible(False)
        layout.addWidget(self.message_label)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        save = QPushButton("Записать")
        save.setDefault(True)
        save.clicked.connect(self.save)
        cancel = QPushButton("Отмена")
        cancel.clicked.connect(self.reject)
        buttons.addWidget(save)
        buttons.addWidget(cancel)
        layout.addLayout(buttons)
        self.product_edit.setFocus()

    def checked_users(self) -> list[int]:
        out = []
        for i in range(self.users_list.count()):
            item = self.users_list.item(i)
            if item.data(256) is not None and item.checkState() == Qt.CheckState.Checked:
                out.append(int(item.data(256)))
        return out

    def save(self) -> bool:
        d = docs.KitData(self.data.id, self.data.document_id, self.product_edit.text(),
                         self.workplaces_edit.text(),
                         from_qdate(self.since_edit.date()) if self.since_check.isChecked()
                         else None, self.price_edit.text(), self.note_edit.text(),
                         self.checked_users())
        saved = attempt(lambda: docs.save_kit(self.context.base, d, self.context.employee_id),
                        lambda text: show_status(self.message_label, text),
                        "Комплект не записан")
        if saved is None:
            return False
        self.accept()
        return True


class AttitudeDialog(QDialog):
    """A contact's attitude to the document's competitor."""

    def __init__(self, context: AppContext, document_id: int,
                 contacts: list[tuple[int, str]], current: docs.AttitudeRow | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context, self.document_id = context, document_id
        self.setObjectName("competitor_attitude_dialog")
        self.setWindowTitle("Отношение к конкуренту")
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.contact_combo = QComboBox()
        for cid, name in contacts:
            self.contact_combo.addItem(name, cid)
        self.attitude_combo = QComboBox()
        for value, title in ATTITUDE_TITLES.items():
            self.attitude_combo.addItem(title, value.value)
        self.note_edit = QLineEdit()
        if current is not None:
            self.contact_combo.setCurrentIndex(max(0, self.contact_combo.findData(
                current.contact_id)))
            self.attitude_combo.setCurrentIndex(self.attitude_combo.findData(
                current.attitude.value))
            self.note_edit.setText(current.note)
        else:
            self.attitude_combo.setCurrentIndex(self.attitude_combo.findData(
                Attitude.NEUTRAL.value))
        form.addRow("&Контактное лицо:", self.contact_combo)
        form.addRow("&Отношение:", self.attitude_combo)
        form.addRow("&Примечание:", self.note_edit)
        layout.addLayout(form)
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.message_label.setVisible(False)
        layout.addWidget(self.message_label)
        row = QHBoxLayout()
        row.addStretch(1)
        save = QPushButton("Записать")
        save.setDefault(True)
        save.clicked.connect(self.save)
        cancel = QPushButton("Отмена")
        cancel.clicked.connect(self.reject)
        row.addWidget(save)
        row.addWidget(cancel)
        layout.addLayout(row)

    def save(self) -> bool:
        contact = self.contact_combo.currentData()
        if contact is None:
            show_status(self.message_label, "Отношение не записано: у клиента нет "
                                            "контактных лиц")
            return False
        saved = attempt(lambda: docs.set_attitude(
            self.context.base, self.document_id, contact, self.attitude_combo.currentData(),
            self.note_edit.text(), self.context.employee_id),
            lambda text: show_status(self.message_label, text), "Отношение не записано")
        if saved is None:
            return False
        self.accept()
        return True


class LinkDialog(QDialog):
    """Pick an assignment or a work of the client to file under the document."""

    def __init__(self, context: AppContext, document_id: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context, self.document_id = context, document_id
        self.setObjectName("competitor_link_dialog")
        self.setWindowTitle("Привязать к документу")
        self.resize(640, 420)
        layout = QVBoxLayout(self)
        self.items = cw.works_to_link(context.base, document_id)
        self.table = make_table(["Когда", "Что", "Содержание", "Состояние"], stretch=2)
        fill_table(self.table, [[r.when.astimezone().strftime("%d.%m.%Y") if r.when else "",
                                 r.title, r.text, r.state] for r in self.items],
                   list(range(len(self.items))))
        self.table.doubleClicked.connect(lambda _i: self.save())
        layout.addWidget(self.table, 1)
        self.message_label = QLabel("Нет поручений и работ с этим клиентом, не привязанных "
                                    "к документу" if not self.items else "")
        self.message_label.setVisible(not self.items)
        layout.addWidget(self.message_label)
        row = QHBoxLayout()
        row.addStretch(1)
        ok = QPushButton("Привязать")
        ok.setDefault(True)
        ok.clicked.connect(self.save)
        cancel = QPushButton("Отмена")
        cancel.clicked.connect(self.reject)
        row.addWidget(ok)
        row.addWidget(cancel)
        layout.addLayout(row)

    def save(self) -> bool:
        index = current_key(self.table)
        if index is None:
            return False
        item = self.items[index]
        kwargs = {"assignment_id": item.target_id} if item.kind == "assignment" else \
            {"work_id": item.target_id}
        saved = attempt(lambda: cw.link_to_document(self.context.base, self.document_id,
                                                    self.context.employee_id, **kwargs),
                        lambda text: show_status(self.message_label, text), "Не привязано")
        if saved is None:
            return False
        self.accept()
        return True


__all__ = ["SCOPE", "AttitudeDialog", "CompetitorDocumentDialog", "KitDialog", "LinkDialog"]
