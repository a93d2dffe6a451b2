"""Platform-neutral command handlers: a query and a deck in, a Reply out.

Importing the package registers every command in `handlers.registry.REGISTRY`.
"""

from handlers import briefing as briefing
from handlers import stories as stories
from handlers import subscriptions as subscriptions
