"""`python -m bot`: the same as the `briefing-bot` command."""

import sys

from bot.process.cli import main

sys.exit(main())
