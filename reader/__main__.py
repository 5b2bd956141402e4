import multiprocessing

from reader.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()  # the frozen app's index workers start through here
    raise SystemExit(main())
