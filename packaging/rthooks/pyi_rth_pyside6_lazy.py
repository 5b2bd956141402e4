"""Run-time hook replacing PyInstaller's pyi_rth_pyside6: the same set-up, without importing Qt.

PyInstaller's hook imports PySide6.QtCore at the start of every frozen process, to check that
Qt's prefix is relocated (an embedded qt.conf). That puts Qt into `reader docs`, `reader
--version` and every spawned index worker (~60 ms and Qt's libraries each), although the core
never imports Qt. Here the plugin path is set at once and the qt.conf check runs right after
the first import of PySide6.QtCore, i.e. only in processes that use Qt.
"""


def _reader_pyside6_rthook():
    import importlib.abc
    import importlib.util
    import os
    import sys

    from _pyi_rth_utils import prepend_path_to_environment_variable
    from _pyi_rth_utils import qt as qt_rth_utils

    qt_rth_utils.ensure_single_qt_bindings_package("PySide6")
    if sys.platform.startswith("win"):
        qt_path = os.path.join(sys._MEIPASS, "PySide6")
        prepend_path_to_environment_variable(sys._MEIPASS, "PATH")
    else:
        qt_path = os.path.join(sys._MEIPASS, "PySide6", "Qt")
    os.environ["QT_PLUGIN_PATH"] = os.path.join(qt_path, "plugins")

    class AfterQtCore(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name != "PySide6.QtCore":
                return None
            sys.meta_path.remove(self)
            spec = importlib.util.find_spec(name)
            if spec is None or spec.loader is None:
                return spec
            exec_module = spec.loader.exec_module

            def exec_and_relocate(module):
                exec_module(module)
                qt_rth_utils.create_embedded_qt_conf("PySide6", qt_path)

            spec.loader.exec_module = exec_and_relocate
            return spec

    sys.meta_path.insert(0, AfterQtCore())


_reader_pyside6_rthook()
del _reader_pyside6_rthook
