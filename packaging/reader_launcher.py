"""Entry point of the frozen Reader (PyInstaller runs this as __main__).

freeze_support() must come first: the indexer's worker processes are spawned
by re-running this executable, and it turns those runs into workers.
"""
import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()
    from reader.cli import main

    sys.exit(main())
