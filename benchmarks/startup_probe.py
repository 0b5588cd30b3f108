"""One cold start, for the startup benchmark. Prints two wall-clock times (Unix seconds):
the main window's first paint, and the moment it is usable (base open, agents built,
the client list's first page on screen). Then quits.

``bare``: a bare PySide6 window with two docks and tabs (both times are its first paint).
``app``: the program's own start path (vostok_desktop.gui.app.run_gui's steps).
"""

from __future__ import annotations

import sys
import time


def main() -> int:
    mode = sys.argv[1]
    base_arg = sys.argv[3] if len(sys.argv) > 3 and sys.argv[2] == "--base" else None
    from PySide6.QtCore import QEvent, QObject, Qt, QTimer
    from PySide6.QtWidgets import QApplication, QDockWidget, QMainWindow, QTabWidget

    app = QApplication.instance() or QApplication(sys.argv[:1])
    marks: dict[str, float] = {}

    class FirstPaint(QObject):
        def eventFilter(self, obj, event):  # noqa: N802, ANN001
            if event.type() == QEvent.Type.Paint and "paint" not in marks:
                marks["paint"] = time.time()
                obj.removeEventFilter(self)
                QTimer.singleShot(0, after_paint)
            return False

    if mode == "bare":
        window = QMainWindow()
        window.setCentralWidget(QTabWidget())
        for title in ("Список клиентов", "Контактные лица"):
            window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, QDockWidget(title))

        def after_paint() -> None:
            marks["ready"] = marks["paint"]
            app.quit()
    else:
        from vostok_desktop.gui.app import (
            MainWindow,
            choose_and_open_base,
            populate_main_window,
            ui_state_settings,
        )

        window = MainWindow(ui_state_settings())

        def after_paint() -> None:
            base, settings = choose_and_open_base(base_arg, window)
            populate_main_window(window, base, settings)
            app.processEvents()
            window.repaint()
            marks["ready"] = time.time()
            app.quit()

    painted = FirstPaint()
    window.installEventFilter(painted)
    window.resize(1366, 768)
    window.show()
    app.exec()
    print(f"{marks['paint']:.6f} {marks['ready']:.6f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
