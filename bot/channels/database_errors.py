"""The exceptions that mean "the database cannot be used right now" (retry later), as opposed
to a bug in what we asked of it."""

from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

DATABASE_ERRORS = (OperationalError, InterfaceError, DisconnectionError, PoolTimeout)
