"""Build the course website into build/site: `python site/build.py --help`."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from coursesite.build import main  # noqa: E402

if __name__ == "__main__":
    main()
