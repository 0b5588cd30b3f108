"""One cold start, for the startup benchmark: prints the wall time of the first paint.

``bare``: a bare PySide6 window with two docks and tabs. ``app``: the real start path
(settings, base, main window). Both quit right after the first paint.
"""

from __future__ import annotations

import sys
import time


def main() -> int:
    mode = sys.argv[1]
    base_arg = sys.argv[3] if len(sys.argv) > 3 and sys.argv[2] == "--base" else None
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QDockWidget, QMainWindow, QTabWidget

    app = QApplication.instance() or QApplication(sys.argv[:1])

    class FirstPaint(QObject):
        def eventFilter(self, obj, event):  # noqa: N802, ANN001
            if event.type() == QEvent.Type.Paint:
                print(f"{time.time():.6f}", flush=True)
                QTimer.singleShot(0, app.quit)
                obj.removeEventFilter(self)
            return False

    if mode == "bare":
        window = QMainWindow()
        window.setCentralWidget(QTabWidget())
        for title in ("Список клиентов", "Контактные лица"):
            window.addDockWidget(
                __import__("PySide6.QtCore", fromlist=["Qt"]).Qt.DockWidgetArea.LeftDockWidgetArea,
                QDockWidget(title))
    else:
        from vostok_desktop.db import open_base
        from vostok_desktop.gui.app import build_main_window
        from vostok_desktop.services.startup import choose_start_location
        from vostok_desktop.settings import Settings

        settings = Settings.load()
        base = open_base(choose_start_location(settings, base_arg))
        window = build_main_window(base, settings)
    painted = FirstPaint()
    window.installEventFilter(painted)
    window.resize(1366, 768)
    window.show()
    app.exec()
    return 0


if __name__ == "__main__":
    sys.exit(main())
