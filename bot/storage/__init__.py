"""Persistence through SQLAlchemy: an SQLite file by default, PostgreSQL for scale-out.

`bot.storage.db` makes engines and sessions; each area keeps its tables beside its code
(`bot/storage/models.py` for conversations and deliveries, `bot/billing/embedded_models.py`,
`bot/outages/models.py`, ...), all on one `Base`. `bot.storage.schema` imports every table
module so that `Base.metadata` is complete for migrations and `create_all`.
"""
